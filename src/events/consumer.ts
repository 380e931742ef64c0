// The EVENTS queue's consumer, in this worker: counts batches of events into D1 (exactly once
// each, however often the Queue delivers them) and sends each new event's webhook: a first
// try at once, and a failed one handed to the Queue, which brings it back with growing
// delays. Its dead-letter queue (a queue whose name ends in "-dlq") records the webhooks that
// never got through, listed by GET /api/webhooks/failures, and counts any events that only
// arrive there.
import { log } from '../log.ts'
import type { EventMessage, ShareEvent, WebhookDelivery } from './kinds.ts'
import { countEvents, maintain, seenIds } from './rollup.ts'
import { ensureSchema } from './schema.ts'
import {
	type DeliveryFailure,
	deliveryFor,
	FIRST_TRY_TIMEOUT_MS,
	MAX_QUEUE_TRIES,
	retryDelay,
	sendWebhook,
	type WebhookEnv,
	type WebhookSettings,
	webhookSettings,
} from './webhooks.ts'

export interface ConsumerEnv extends WebhookEnv {
	STATS: D1Database
	EVENTS: Queue<EventMessage>
}

export const DEAD_LETTER_SUFFIX = '-dlq'
/** A batch of events waits this long (times its tries) before it is tried again. */
const EVENTS_RETRY_SECONDS = 10
/** The dead-letter consumer's tries at counting late events before it gives up (logged). */
const DEAD_EVENTS_TRIES = 5
/** Fold and prune at most this often per isolate. */
const MAINTAIN_EVERY_MS = 10 * 60 * 1000
/** Webhook tries in flight at once. */
const CONCURRENT_DELIVERIES = 20
const SEND_BATCH = 50

const maintained = new WeakMap<D1Database, number>()

type Received<T extends EventMessage['kind']> = Message<Extract<EventMessage, { kind: T }>>

function isKind<T extends EventMessage['kind']>(kind: T) {
	return (message: Message<EventMessage>): message is Received<T> => message.body.kind === kind
}

/**
 * Sends the webhook of every event not counted before (a redelivered one already sent its
 * own): each gets its first try now, and the Queue gets those that failed it, for later.
 */
async function fanOut(env: ConsumerEnv, settings: WebhookSettings, events: ShareEvent[], nowMs: number) {
	const wanted = events.flatMap((event) => {
		const delivery = deliveryFor(event, settings)
		return delivery ? [{ event, delivery }] : []
	})
	if (wanted.length === 0) return
	const seen = await seenIds(
		env.STATS,
		wanted.map(({ event }) => event.id),
	)
	const failed: WebhookDelivery[] = []
	await inTurns(
		wanted.filter(({ event }) => !seen.has(event.id)),
		CONCURRENT_DELIVERIES,
		async ({ delivery }) => {
			const outcome = await sendWebhook(settings, delivery, nowMs, FIRST_TRY_TIMEOUT_MS)
			if (outcome.ok) return
			logFailure(delivery, outcome, 1)
			failed.push({ ...delivery, tries: 1 })
			await recordFailure(env.STATS, delivery, 1, outcome, nowMs).catch(() => {})
		},
	)
	for (let i = 0; i < failed.length; i += SEND_BATCH)
		await env.EVENTS.sendBatch(
			failed
				.slice(i, i + SEND_BATCH)
				.map((delivery) => ({ body: { kind: 'webhook', delivery }, delaySeconds: retryDelay(1) })),
		)
}

async function consumeCounts(env: ConsumerEnv, messages: Received<'events'>[], dead: boolean, nowMs: number) {
	if (messages.length === 0) return
	const events = messages.flatMap((message) => message.body.events)
	try {
		const settings = webhookSettings(env)
		// Sent (or queued) before counting: a batch that fails to count sends them again on its
		// retry (same webhook-id), rather than losing them.
		if (settings) await fanOut(env, settings, events, nowMs)
		await countEvents(env.STATS, events, nowMs)
		for (const message of messages) message.ack()
	} catch (error) {
		const type = error instanceof Error ? error.name : 'unknown'
		for (const message of messages) {
			if (dead && message.attempts >= DEAD_EVENTS_TRIES) {
				log('error', 'events_dropped', { events: message.body.events.length, type })
				message.ack()
			} else {
				log('warn', 'events_count_failed', {
					events: message.body.events.length,
					attempts: message.attempts,
					type,
				})
				message.retry({ delaySeconds: EVENTS_RETRY_SECONDS * message.attempts })
			}
		}
	}
}

function logFailure(delivery: WebhookDelivery, outcome: DeliveryFailure, tries: number): void {
	log('warn', 'webhook_failed', {
		type: delivery.type,
		status: outcome.status ?? undefined,
		error: outcome.error,
		tries,
	})
}

/** A failed try, kept so a dead-lettered delivery is listed with its last answer. */
async function recordFailure(
	db: D1Database,
	delivery: WebhookDelivery,
	tries: number,
	outcome: DeliveryFailure,
	nowMs: number,
) {
	const { tries: _tries, ...stored } = delivery
	await db
		.prepare(
			`INSERT INTO webhook_deliveries (id, type, share_id, body, attempts, last_status, last_error, last_attempt_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
			ON CONFLICT (id) DO UPDATE SET attempts = MAX(attempts, excluded.attempts), last_status = excluded.last_status,
				last_error = excluded.last_error, last_attempt_at = excluded.last_attempt_at`,
		)
		.bind(stored.id, stored.type, stored.shareId, stored.body, tries, outcome.status, outcome.error, nowMs)
		.run()
}

/** A retry from the Queue: its try number counts the first one, made before it was queued. */
async function deliverOne(env: ConsumerEnv, message: Received<'webhook'>, nowMs: number): Promise<void> {
	const { delivery } = message.body
	const tries = (delivery.tries ?? 0) + message.attempts
	const settings = webhookSettings(env)
	if (!settings) {
		// Webhooks were turned off (or broken) since this was queued: said, then dropped.
		log('warn', 'webhook_dropped', { type: delivery.type, reason: 'webhooks are off' })
		message.ack()
		return
	}
	const outcome = await sendWebhook(settings, delivery, nowMs)
	if (outcome.ok) {
		message.ack()
		if (tries > 1)
			await env.STATS.prepare('DELETE FROM webhook_deliveries WHERE id = ?1').bind(delivery.id).run()
		return
	}
	logFailure(delivery, outcome, tries)
	try {
		await recordFailure(env.STATS, delivery, tries, outcome, nowMs)
	} catch {
		// The retry matters more than the note of it.
	}
	// Past max_retries (wrangler.toml) the Queue moves it to the dead-letter queue.
	message.retry({ delaySeconds: retryDelay(tries) })
}

/** The dead-letter queue received a delivery that failed every try: list it as failed. */
async function recordDeadLetter(env: ConsumerEnv, message: Received<'webhook'>, nowMs: number) {
	const { delivery } = message.body
	await env.STATS.prepare(
		`INSERT INTO webhook_deliveries (id, type, share_id, body, attempts, last_error, last_attempt_at, failed_at)
		VALUES (?1, ?2, ?3, ?4, ?5, 'dead-lettered', ?6, ?6)
		ON CONFLICT (id) DO UPDATE SET failed_at = excluded.failed_at`,
	)
		.bind(
			delivery.id,
			delivery.type,
			delivery.shareId,
			delivery.body,
			(delivery.tries ?? 0) + MAX_QUEUE_TRIES,
			nowMs,
		)
		.run()
	log('error', 'webhook_dead_lettered', { type: delivery.type })
	message.ack()
}

async function inTurns<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0
	const lane = async () => {
		while (next < items.length) {
			const item = items[next++]
			if (item !== undefined) await work(item)
		}
	}
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}

/** The worker's `queue` handler for EVENTS and its dead-letter queue. */
export async function consumeEvents(
	batch: MessageBatch<EventMessage>,
	env: ConsumerEnv,
	_ctx?: unknown,
): Promise<void> {
	const now = Date.now()
	const dead = batch.queue.endsWith(DEAD_LETTER_SUFFIX)
	try {
		await ensureSchema(env.STATS)
	} catch (error) {
		log('error', 'stats_schema_failed', { type: error instanceof Error ? error.name : 'unknown' })
		batch.retryAll({ delaySeconds: EVENTS_RETRY_SECONDS })
		return
	}
	await consumeCounts(env, batch.messages.filter(isKind('events')), dead, now)
	await inTurns(batch.messages.filter(isKind('webhook')), CONCURRENT_DELIVERIES, async (message) => {
		try {
			await (dead ? recordDeadLetter(env, message, now) : deliverOne(env, message, now))
		} catch (error) {
			log('error', 'webhook_consumer_failed', { type: error instanceof Error ? error.name : 'unknown' })
			message.retry({ delaySeconds: retryDelay(message.attempts) })
		}
	})
	if (now - (maintained.get(env.STATS) ?? 0) >= MAINTAIN_EVERY_MS) {
		maintained.set(env.STATS, now)
		try {
			await maintain(env.STATS, now)
		} catch (error) {
			log('warn', 'stats_maintenance_failed', { type: error instanceof Error ? error.name : 'unknown' })
		}
	}
}
