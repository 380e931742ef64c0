// Worker entry of the events benchmark: GET /?n=N reports N downloads of a warm redirect
// share the way the warm path does (reportDelivery), then waits for the producer's drain to
// hand them all to a queue that serializes each message as the Queues binding does
// (structuredClone) and keeps nothing else. Answers { events, messages, calls, inlineMs }: every
// download must leave as one event; inlineMs is the worker's own clock around the reports.
// It lives here, not in test/bench/, because it is Workers code (tsconfig.json checks it).
import { eventsSettled } from '../../src/events/producer.ts'
import { reportDelivery } from '../../src/routes/report.ts'
import type { FileShareRecord } from '../../src/shares/schema.ts'

const RECORD = {
	v: 1,
	id: 'warm-0000',
	type: 'file',
	key: 'docs/季度报告 0.pdf',
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
	revision: 1,
} as FileShareRecord

let events = 0
let messages = 0
let calls = 0
const queue = {
	send: async () => {
		throw new Error('the producer sends batches')
	},
	sendBatch: async (batch: Iterable<{ body: { events?: unknown[] } }>) => {
		calls++
		for (const { body } of batch) {
			structuredClone(body)
			messages++
			events += body.events?.length ?? 0
		}
	},
}
const env = {
	EVENTS: queue as unknown as Queue,
	ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
	LINK_SECRET: 'bench-link-secret-0123456789abcdef',
}
// What autocannon sends, and what the edge adds.
const REQUEST = new Request('https://share.example.com/warm-0000', {
	headers: { 'user-agent': 'curl/8.5.0', accept: '*/*', 'cf-connecting-ip': '203.0.113.7' },
})
const held: Promise<unknown>[] = []
const ctx = { waitUntil: (promise: Promise<unknown>) => void held.push(promise) }

export default {
	async fetch(request: Request): Promise<Response> {
		const params = new URL(request.url).searchParams
		const n = Number(params.get('n'))
		if (!Number.isSafeInteger(n) || n < 0) return new Response('expected ?n=<count>', { status: 400 })
		events = 0
		messages = 0
		calls = 0
		const start = performance.now()
		for (let i = 0; i < n; i++)
			reportDelivery(REQUEST, env, ctx, RECORD, 'redirect', 302, { key: RECORD.key })
		const inlineMs = performance.now() - start
		await eventsSettled()
		await Promise.all(held.splice(0))
		return Response.json({ events, messages, calls, inlineMs })
	},
}
