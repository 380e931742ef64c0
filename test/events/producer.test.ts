import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventMessage, ShareEvent } from '../../src/events/kinds.ts'
import { emit, eventsSettled, type Observed, packEvents } from '../../src/events/producer.ts'
import { event } from './helpers.ts'

afterEach(() => {
	vi.restoreAllMocks()
})

/** A producer env whose queue keeps what it is sent (or fails the first `failures` calls). */
function recording(failures = 0) {
	const messages: EventMessage[] = []
	const batches: EventMessage[][] = []
	let calls = 0
	const queue = {
		send: async () => {
			throw new Error('the producer sends batches')
		},
		sendBatch: async (batch: Iterable<MessageSendRequest<EventMessage>>) => {
			calls++
			if (calls <= failures) throw new Error('queue unavailable')
			const bodies = [...batch].map(({ body }) => structuredClone(body))
			batches.push(bodies)
			messages.push(...bodies)
		},
	}
	return {
		env: { EVENTS: queue as unknown as Queue, ADMIN_TOKEN: 'test-admin-token-0123456789abcdef' },
		messages,
		batches,
	}
}

const observed = (fields: Partial<Observed> = {}): Observed => ({
	kind: 'download',
	at: Date.parse('2026-12-03T10:00:00Z'),
	shareId: 'p-1',
	shareType: 'file',
	key: 'a.bin',
	webhook: true,
	userAgent: 'curl/8.5.0',
	ip: '203.0.113.9',
	...fields,
})

describe('the producer', () => {
	it('sends the events of many requests in one message, each with its own id, never the address', async () => {
		const { env, messages } = recording()
		const held: Promise<unknown>[] = []
		const ctx = { waitUntil: (promise: Promise<unknown>) => void held.push(promise) }
		for (let i = 0; i < 200; i++) emit(env, ctx, observed())
		await eventsSettled()
		expect(held).toHaveLength(1)
		expect(messages).toHaveLength(1)
		const events = messages.flatMap((message) => (message.kind === 'events' ? message.events : []))
		expect(events).toHaveLength(200)
		expect(new Set(events.map((e) => e.id)).size).toBe(200)
		expect(events[0]).toMatchObject({ kind: 'download', shareId: 'p-1', key: 'a.bin', agent: 'curl' })
		expect(JSON.stringify(messages)).not.toContain('203.0.113')
	})

	it('keeps a reported id, so that the same thing reported twice is one event', async () => {
		const { env, messages } = recording()
		emit(env, undefined, observed({ kind: 'upload', id: 'same' }))
		emit(env, undefined, observed({ kind: 'upload', id: 'same' }))
		await eventsSettled()
		const events = messages.flatMap((message) => (message.kind === 'events' ? message.events : []))
		expect(events.map((e) => e.id)).toEqual(['same', 'same'])
	})

	it('retries a failed send, and says how many events a send that never got through carried', async () => {
		const retried = recording(2)
		emit(retried.env, undefined, observed())
		await eventsSettled()
		expect(retried.messages).toHaveLength(1)
		expect(retried.batches).toHaveLength(1)
		const lost = recording(99)
		const error = vi.spyOn(console, 'error').mockImplementation(() => {})
		for (let i = 0; i < 3; i++) emit(lost.env, undefined, observed())
		await eventsSettled()
		expect(error).toHaveBeenCalledWith(expect.stringContaining('"event":"events_send_failed","events":3'))
	})

	it('records nothing without an EVENTS binding', async () => {
		emit({}, undefined, observed())
		await eventsSettled()
	})
})

describe('packEvents', () => {
	const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length

	it('keeps every message within one 64 KB Queue operation and every batch within sendBatch’s limits, whatever the keys hold', () => {
		const long = '季'.repeat(280)
		const events: ShareEvent[] = Array.from({ length: 2000 }, () =>
			event('pack', { key: `${long}/${long}`, path: long, referrer: 'blog.example.com', agent: 'curl' }),
		)
		const batches = packEvents(events)
		const messages = batches.flat()
		expect(batches.length).toBeGreaterThan(1)
		expect(messages.length).toBeGreaterThan(batches.length)
		expect(messages.flatMap((message) => (message.kind === 'events' ? message.events : []))).toHaveLength(
			2000,
		)
		// Queues counts KB as 1000 bytes and adds up to ~100 bytes of metadata per message.
		for (const message of messages) expect(bytes(message) + 100).toBeLessThanOrEqual(64_000)
		for (const batch of batches) {
			expect(batch.length).toBeLessThanOrEqual(100)
			expect(batch.reduce((sum, message) => sum + bytes(message) + 100, 0)).toBeLessThanOrEqual(256_000)
		}
	})

	it('sends many small events in one message, and many messages in one call', () => {
		expect(packEvents([])).toEqual([])
		const small = packEvents(Array.from({ length: 50 }, () => event('pack')))
		expect(small.map((batch) => batch.length)).toEqual([1])
		const many = packEvents(
			Array.from({ length: 20_000 }, () => event('pack', { key: 'docs/q3.pdf', agent: 'curl' })),
		)
		expect(many.length).toBeLessThan(many.flat().length)
	})
})
