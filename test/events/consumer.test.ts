import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { Webhook } from 'standardwebhooks'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EventMessage, ShareEvent, WebhookDelivery } from '../../src/events/kinds.ts'
import { retryDelay } from '../../src/events/webhooks.ts'
import worker from '../../src/index.ts'
import { event, figuresOf, migrateStats, WEBHOOK_SECRET } from './helpers.ts'

beforeAll(migrateStats)
afterEach(() => {
	vi.restoreAllMocks()
})

const QUEUE = 'coslink-events'
const DEAD = 'coslink-events-dlq'
const HOOK_URL = 'https://hooks.example.com/coslink'

/** The test env with webhooks on and an EVENTS producer that only records what it is given. */
function hookEnv() {
	const sent: EventMessage[] = []
	const delays: (number | undefined)[] = []
	const events = {
		send: async (body: EventMessage) => {
			sent.push(body)
		},
		sendBatch: async (messages: Iterable<MessageSendRequest<EventMessage>>) => {
			for (const message of messages) {
				sent.push(message.body)
				delays.push(message.delaySeconds)
			}
		},
	}
	const testEnv = {
		...env,
		WEBHOOK_URL: HOOK_URL,
		WEBHOOK_SECRET,
		EVENTS: events as unknown as Queue,
	}
	return { testEnv, sent, delays }
}

/** Every request the worker sends, answered with `status`. */
function receiverAnswering(status: number) {
	const received: Request[] = []
	vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		received.push(new Request(input, init))
		return new Response(null, { status })
	})
	return received
}

let nextId = 0
async function consume(
	queue: string,
	bodies: { body: EventMessage; attempts?: number; id?: string }[],
	testEnv = env,
) {
	const batch = createMessageBatch<EventMessage>(
		queue,
		bodies.map(({ body, attempts, id }) => ({
			id: id ?? `m${nextId++}`,
			timestamp: new Date(),
			attempts: attempts ?? 1,
			body,
		})),
	)
	// getQueueResult does not report a message's own delay: the spies do.
	const retries = batch.messages.map((message) => vi.spyOn(message, 'retry'))
	const ctx = createExecutionContext()
	await worker.queue(batch, testEnv, ctx)
	return { batch, retries, result: await getQueueResult(batch, ctx) }
}

const eventsMessage = (events: ShareEvent[]): EventMessage => ({ kind: 'events', events })

describe('counting a batch of events', () => {
	it('acks the batch and counts every event', async () => {
		const { batch, result } = await consume(QUEUE, [
			{ body: eventsMessage([event('c-1'), event('c-1'), event('c-1', { kind: 'view' })]) },
		])
		expect(result.explicitAcks).toEqual(batch.messages.map((message) => message.id))
		expect(await figuresOf('c-1')).toMatchObject({ downloads: 2, views: 1 })
	})

	it('counts a batch delivered twice once', async () => {
		const message = { body: eventsMessage([event('c-2'), event('c-2')]), id: 'twice' }
		await consume(QUEUE, [message])
		const again = await consume(QUEUE, [{ ...message, attempts: 2 }])
		expect(again.result.explicitAcks).toEqual(['twice'])
		expect((await figuresOf('c-2')).downloads).toBe(2)
	})

	it('counts the same events arriving in two messages of one batch once', async () => {
		const body = eventsMessage([event('c-3')])
		await consume(QUEUE, [{ body }, { body }])
		expect((await figuresOf('c-3')).downloads).toBe(1)
	})

	it('counts events that only reach the dead-letter queue', async () => {
		await consume(DEAD, [{ body: eventsMessage([event('c-4')]) }])
		expect((await figuresOf('c-4')).downloads).toBe(1)
	})

	it('retries the whole batch later when the database cannot be reached', async () => {
		const broken = {
			...env,
			STATS: {
				prepare: () => {
					throw new Error('D1 is down')
				},
			} as unknown as D1Database,
		}
		vi.spyOn(console, 'error').mockImplementation(() => {})
		const { result } = await consume(QUEUE, [{ body: eventsMessage([event('c-5')]) }], broken)
		expect(result.retryBatch.retry).toBe(true)
		expect(result.explicitAcks).toEqual([])
	})
})

describe('webhooks of counted events', () => {
	it('sends each new event’s webhook at once, signed, and queues nothing when it gets through', async () => {
		const { testEnv, sent } = hookEnv()
		const received = receiverAnswering(204)
		const download = event('w-1')
		await consume(
			QUEUE,
			[{ body: eventsMessage([download, event('w-1', { kind: 'view' }), event('w-1', { webhook: false })]) }],
			testEnv,
		)
		expect(sent).toEqual([])
		expect(received).toHaveLength(1)
		const [request] = received
		if (!request) throw new Error('nothing was sent')
		expect(request.headers.get('webhook-id')).toBe(`msg_${download.id}`)
		const body = new Webhook(WEBHOOK_SECRET).verify(await request.text(), Object.fromEntries(request.headers))
		expect(body).toMatchObject({ type: 'share.downloaded', data: { shareId: 'w-1' } })
		expect((await figuresOf('w-1')).downloads).toBe(2)
	})

	it('queues a webhook whose first try failed, to come back within a minute', async () => {
		const { testEnv, sent, delays } = hookEnv()
		receiverAnswering(503)
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		const download = event('w-4')
		await consume(QUEUE, [{ body: eventsMessage([download]) }], testEnv)
		expect(sent).toEqual([
			{ kind: 'webhook', delivery: expect.objectContaining({ id: `msg_${download.id}`, tries: 1 }) },
		])
		expect(delays[0]).toBeLessThanOrEqual(60)
		expect((await figuresOf('w-4')).downloads).toBe(1)
	})

	it('sends nothing again for a redelivered batch', async () => {
		const { testEnv } = hookEnv()
		const received = receiverAnswering(204)
		const body = eventsMessage([event('w-2'), event('w-2', { kind: 'upload', name: 'a', size: 1 })])
		await consume(QUEUE, [{ body }], testEnv)
		await consume(QUEUE, [{ body, attempts: 2 }], testEnv)
		expect(received).toHaveLength(2)
	})

	it('sends nothing when webhooks are off', async () => {
		const received = receiverAnswering(204)
		await consume(QUEUE, [{ body: eventsMessage([event('w-3')]) }])
		expect(received).toEqual([])
	})
})

describe('delivering a webhook', () => {
	const delivery = (id: string): WebhookDelivery => ({
		id,
		type: 'share.downloaded',
		shareId: 'd-1',
		body: JSON.stringify({
			type: 'share.downloaded',
			timestamp: '2026-12-03T10:00:00.000Z',
			data: { shareId: 'd-1' },
		}),
	})

	it('acks a 2xx, signed so that standardwebhooks verifies it', async () => {
		const { testEnv } = hookEnv()
		const received: Request[] = []
		vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
			received.push(new Request(input, init))
			return new Response('ok')
		})
		const { result } = await consume(
			QUEUE,
			[{ body: { kind: 'webhook', delivery: delivery('msg_ok') }, id: 'ok' }],
			testEnv,
		)
		expect(result.explicitAcks).toEqual(['ok'])
		const [request] = received
		if (!request) throw new Error('nothing was sent')
		expect(request.url).toBe(HOOK_URL)
		const headers = Object.fromEntries(request.headers)
		expect(new Webhook(WEBHOOK_SECRET).verify(await request.text(), headers)).toMatchObject({
			type: 'share.downloaded',
		})
	})

	it('retries a failure with the next delay of the schedule and notes it', async () => {
		const { testEnv } = hookEnv()
		vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('down', { status: 503 }))
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		for (const attempts of [1, 2, 3]) {
			const { result, retries } = await consume(
				QUEUE,
				[{ body: { kind: 'webhook', delivery: delivery('msg_retry') }, id: 'retry', attempts }],
				testEnv,
			)
			expect(result.retryMessages).toEqual([{ msgId: 'retry' }])
			expect(retries[0]).toHaveBeenCalledWith({ delaySeconds: retryDelay(attempts) })
		}
		const row = await env.STATS.prepare(
			'SELECT attempts, last_status, failed_at FROM webhook_deliveries WHERE id = ?',
		)
			.bind('msg_retry')
			.first()
		expect(row).toEqual({ attempts: 3, last_status: 503, failed_at: null })
	})

	it('forgets the note once a retry gets through', async () => {
		const { testEnv } = hookEnv()
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => new Response(null, { status: 500 }))
		await consume(QUEUE, [{ body: { kind: 'webhook', delivery: delivery('msg_later') } }], testEnv)
		vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => new Response(null, { status: 200 }))
		await consume(
			QUEUE,
			[{ body: { kind: 'webhook', delivery: delivery('msg_later') }, attempts: 2 }],
			testEnv,
		)
		const row = await env.STATS.prepare('SELECT id FROM webhook_deliveries WHERE id = ?')
			.bind('msg_later')
			.first()
		expect(row).toBeNull()
	})

	it('lists a dead-lettered delivery at GET /api/webhooks/failures', async () => {
		const { testEnv } = hookEnv()
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		vi.spyOn(console, 'error').mockImplementation(() => {})
		vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => new Response(null, { status: 410 }))
		// Its first try was made before it was queued; this is the Queue's last.
		const last = { ...delivery('msg_dead'), tries: 1 }
		await consume(QUEUE, [{ body: { kind: 'webhook', delivery: last }, attempts: 9 }], testEnv)
		const { result } = await consume(
			DEAD,
			[{ body: { kind: 'webhook', delivery: last }, id: 'dead' }],
			testEnv,
		)
		expect(result.explicitAcks).toEqual(['dead'])
		const res = await worker.request(
			'https://share.example.com/api/webhooks/failures',
			{ headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } },
			testEnv,
		)
		expect(res.status).toBe(200)
		const { failures } = (await res.json()) as { failures: Record<string, unknown>[] }
		expect(failures.find((failure) => failure.id === 'msg_dead')).toMatchObject({
			type: 'share.downloaded',
			shareId: 'd-1',
			attempts: 10,
			lastStatus: 410,
			payload: { type: 'share.downloaded', data: { shareId: 'd-1' } },
		})
	})

	it('drops a queued delivery once webhooks are turned off', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		const fetch = vi.spyOn(globalThis, 'fetch')
		const { result } = await consume(QUEUE, [
			{ body: { kind: 'webhook', delivery: delivery('msg_off') }, id: 'off' },
		])
		expect(result.explicitAcks).toEqual(['off'])
		expect(fetch).not.toHaveBeenCalled()
	})
})
