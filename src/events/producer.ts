// The Queue producer: events leave the isolate after the responses that caused them, batched.
// The request path only pushes a small record into this isolate's outbox (no await, no
// crypto); the first event of a quiet outbox starts one drain in that request's waitUntil,
// which lingers a moment so the requests meanwhile join it, hashes visitors, and sends the
// lot to EVENTS in as few messages as fit. A send that still fails after its retries is
// logged with how many events it carried: nothing is dropped silently.
import { log } from '../log.ts'
import { clientNetwork } from '../shares/limits.ts'
import { agentFamily, botName } from './agent.ts'
import { type EventMessage, newEventId, type ShareEvent } from './kinds.ts'
import { visitorHash } from './visitor.ts'

/** The bindings and settings the producer reads. */
export interface ProducerEnv {
	EVENTS?: Queue<EventMessage>
	LINK_SECRET?: string
	ADMIN_TOKEN?: string
}

/**
 * An event as the request path hands it over: the raw headers it read, nothing computed.
 * The drain turns them into the agent's family, the referrer's host and the visitor hash;
 * the address itself never leaves this isolate's memory.
 */
export interface Observed extends Omit<ShareEvent, 'id' | 'visitor' | 'agent' | 'referrer'> {
	/** Set when reporting the same thing twice must make the same event. */
	id?: string
	userAgent?: string
	referer?: string
	/** `CF-Connecting-IP`: only its network (/24, /64) is hashed. */
	ip?: string
}

/** What keeps a drain alive past the response: the request's execution context. */
export interface WaitUntil {
	waitUntil(promise: Promise<unknown>): void
}

/** How long a drain waits for more events to join it. */
export const LINGER_MS = 1000
const TICK_MS = 100
/** A drain hands over to the next request after this long, well inside waitUntil's ~30 s. */
const BUDGET_MS = 10_000
/**
 * A message stays within one 64 KB operation, as Queues counts (KB = 1000 bytes, with about
 * 100 bytes of its own metadata), so each costs one operation and is far from the 128 KB limit.
 */
const MAX_MESSAGE_BYTES = 60_000
/** sendBatch takes at most 100 messages and 256 KB (metadata included) per call. */
const BATCH_MESSAGES = 100
const MAX_BATCH_BYTES = 250_000
const SEND_TRIES = 3

interface Outbox {
	events: Observed[]
	/** A drain is running (or lingering) for this outbox. */
	draining: boolean
	/** Skip the linger (tests waiting for their events). */
	hurry: boolean
}

// One outbox per EVENTS binding: two environments (or test files) never mix their events.
const outboxes = new WeakMap<object, Outbox>()
const running = new Set<Promise<void>>()
const active = new Set<Outbox>()

/** Sends one batch of messages in one call, retried; false when every try failed. */
async function sendMessages(queue: Queue<EventMessage>, messages: EventMessage[]): Promise<boolean> {
	for (let attempt = 1; ; attempt++) {
		try {
			await queue.sendBatch(messages.map((body) => ({ body })))
			return true
		} catch (error) {
			if (attempt >= SEND_TRIES) {
				log('error', 'events_send_failed', {
					events: messages.reduce(
						(sum, message) => sum + (message.kind === 'events' ? message.events.length : 1),
						0,
					),
					type: error instanceof Error ? error.name : 'unknown',
				})
				return false
			}
			await scheduler.wait(100 * 4 ** attempt)
		}
	}
}

/** An upper bound of an event's size as JSON: UTF-8 takes at most 3 bytes per UTF-16 unit. */
function sizeOf(event: ShareEvent): number {
	let size = 256
	for (const text of [event.key, event.path, event.referrer, event.name, event.contentType, event.agent])
		if (text !== undefined) size += text.length * 3
	return size
}

/**
 * Events in messages of at most MAX_MESSAGE_BYTES each, and the messages in batches that one
 * sendBatch call takes: one call per batch rather than one per message.
 */
export function packEvents(events: ShareEvent[]): EventMessage[][] {
	const batches: EventMessage[][] = []
	let batch: EventMessage[] = []
	let batchBytes = 0
	let current: ShareEvent[] = []
	let bytes = 0
	const closeMessage = () => {
		if (batch.length >= BATCH_MESSAGES || batchBytes + bytes > MAX_BATCH_BYTES) {
			batches.push(batch)
			batch = []
			batchBytes = 0
		}
		batch.push({ kind: 'events', events: current })
		batchBytes += bytes
		current = []
		bytes = 0
	}
	for (const event of events) {
		const size = sizeOf(event)
		if (current.length > 0 && bytes + size > MAX_MESSAGE_BYTES) closeMessage()
		current.push(event)
		bytes += size
	}
	if (current.length > 0) closeMessage()
	if (batch.length > 0) batches.push(batch)
	return batches
}

function referrerHost(referer: string | undefined): string | undefined {
	return referer ? (URL.parse(referer)?.host ?? undefined) : undefined
}

const counts = (observed: Observed) => observed.kind === 'download' || observed.kind === 'view'
const DAY_MS = 86_400_000
/** Who asked, on which day: the visitor hash's inputs (the address is reduced to its network there). */
const visitorKey = (observed: Observed) =>
	`${Math.floor(observed.at / DAY_MS)}\n${observed.ip ?? ''}\n${observed.userAgent ?? ''}`

/** The visitor hash of every counted event's client (undefined for the others), each computed once. */
async function hashVisitors(taken: Observed[], secret: string): Promise<(string | undefined)[]> {
	const keys = taken.map((observed) => (counts(observed) ? visitorKey(observed) : undefined))
	const clients = new Map<string, Observed>()
	keys.forEach((key, i) => {
		const observed = taken[i]
		if (key !== undefined && observed !== undefined && !clients.has(key)) clients.set(key, observed)
	})
	const hashes = new Map<string, string>()
	await Promise.all(
		[...clients].map(async ([key, { at, ip, userAgent }]) => {
			hashes.set(key, await visitorHash(secret, at, clientNetwork(ip), userAgent ?? ''))
		}),
	)
	return keys.map((key) => (key === undefined ? undefined : hashes.get(key)))
}

/** The event as the Queue carries it: who asked, as a family, a host and the day's visitor hash. */
function finish(observed: Observed, id: string, visitor: string | undefined): ShareEvent {
	const { kind, userAgent } = observed
	const event: ShareEvent = {
		id: observed.id ?? id,
		kind,
		at: observed.at,
		shareId: observed.shareId,
		shareType: observed.shareType,
		webhook: observed.webhook,
	}
	if (observed.key !== undefined) event.key = observed.key
	if (observed.path !== undefined) event.path = observed.path
	if (observed.download !== undefined) event.download = observed.download
	if (observed.country !== undefined) event.country = observed.country
	if (observed.name !== undefined) event.name = observed.name
	if (observed.size !== undefined) event.size = observed.size
	if (observed.contentType !== undefined) event.contentType = observed.contentType
	if (kind === 'bot') event.agent = botName(userAgent)
	if (kind === 'download') {
		event.agent = agentFamily(userAgent)
		const host = referrerHost(observed.referer)
		if (host !== undefined) event.referrer = host
	}
	if (visitor !== undefined) event.visitor = visitor
	return event
}

async function send(env: ProducerEnv, queue: Queue<EventMessage>, taken: Observed[]): Promise<void> {
	const secret = env.LINK_SECRET || env.ADMIN_TOKEN || 'coslink'
	const visitors = await hashVisitors(taken, secret)
	// One random prefix per send, and each event's place in it: unique ids without a random
	// draw per event.
	const prefix = newEventId().slice(0, 16)
	const events = taken.map((observed, i) => finish(observed, `${prefix}${i.toString(36)}`, visitors[i]))
	for (const batch of packEvents(events)) await sendMessages(queue, batch)
}

async function drain(env: ProducerEnv, queue: Queue<EventMessage>, outbox: Outbox): Promise<void> {
	const started = Date.now()
	try {
		while (!outbox.hurry && Date.now() - started < LINGER_MS) await scheduler.wait(TICK_MS)
		while (outbox.events.length > 0 && Date.now() - started < BUDGET_MS)
			await send(env, queue, outbox.events.splice(0))
	} finally {
		// Synchronously after the last look: an event pushed from now on starts its own drain.
		outbox.draining = false
		outbox.hurry = false
	}
	if (outbox.events.length > 0) await send(env, queue, outbox.events.splice(0))
}

/**
 * Hands one event to the Queue, after the response: `ctx.waitUntil` keeps the drain alive.
 * Without an EVENTS binding nothing is recorded.
 */
export function emit(env: ProducerEnv, ctx: WaitUntil | undefined, observed: Observed): void {
	const queue = env.EVENTS
	if (!queue) return
	let outbox = outboxes.get(queue)
	if (!outbox) {
		outbox = { events: [], draining: false, hurry: false }
		outboxes.set(queue, outbox)
	}
	outbox.events.push(observed)
	if (outbox.draining) return
	outbox.draining = true
	active.add(outbox)
	const task = drain(env, queue, outbox).catch((error: unknown) => {
		log('error', 'events_drain_failed', { type: error instanceof Error ? error.name : 'unknown' })
	})
	const tracked = task.finally(() => {
		running.delete(tracked)
		if (!outbox.draining) active.delete(outbox)
	})
	running.add(tracked)
	// No execution context (app.request in tests): the drain still runs to its end.
	ctx?.waitUntil(tracked)
}

/** Sends every event this isolate holds now, without lingering, and waits for it (tests). */
export async function eventsSettled(): Promise<void> {
	while (running.size > 0) {
		for (const outbox of active) outbox.hurry = true
		await Promise.allSettled([...running])
	}
}
