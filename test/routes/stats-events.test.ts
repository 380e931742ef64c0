// What the routes report, as the EVENTS queue receives it: a recording producer in place of
// the real queue, every event read back after the drain.
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventMessage, ShareEvent } from '../../src/events/kinds.ts'
import { eventsSettled } from '../../src/events/producer.ts'
import app from '../../src/index.ts'
import { type Outbound, spyOnCos } from './cos-mock.ts'
import { ADMIN_TOKEN, resetBetweenTests } from './helpers.ts'

resetBetweenTests()
afterEach(() => {
	vi.restoreAllMocks()
})

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }

/** The test env with an EVENTS queue that keeps every message it is sent. */
function recordingEnv() {
	const messages: EventMessage[] = []
	const queue = {
		send: async (body: EventMessage) => {
			messages.push(body)
		},
		sendBatch: async (batch: Iterable<MessageSendRequest<EventMessage>>) => {
			for (const message of batch) messages.push(message.body)
		},
	}
	const testEnv = { ...env, EVENTS: queue as unknown as Queue }
	const events = async (): Promise<ShareEvent[]> => {
		await eventsSettled()
		return messages.flatMap((message) => (message.kind === 'events' ? message.events : []))
	}
	return { testEnv, events }
}

type TestEnv = ReturnType<typeof recordingEnv>['testEnv']

const call = (testEnv: TestEnv, path: string, init: RequestInit = {}) =>
	Promise.resolve(app.request(`https://share.example.com${path}`, init, testEnv))

async function create(testEnv: TestEnv, body: Record<string, unknown>) {
	const res = await call(testEnv, '/api/shares', {
		method: 'POST',
		headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	})
	if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`)
}

describe('what a download reports', () => {
	it('names the share, the object, the country, the referrer’s host and the agent’s family, never the address', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, { key: 'ev/a.bin', id: 'ev-plain' })
		await call(testEnv, '/ev-plain', {
			headers: {
				...CURL,
				referer: 'https://blog.example.com/post?id=7',
				'cf-connecting-ip': '203.0.113.77',
			},
			cf: { country: 'NL' },
			redirect: 'manual',
		} as RequestInit)
		const download = (await events()).find((event) => event.kind === 'download')
		expect(download).toMatchObject({
			shareId: 'ev-plain',
			shareType: 'file',
			key: 'ev/a.bin',
			country: 'NL',
			referrer: 'blog.example.com',
			agent: 'curl',
			webhook: true,
		})
		expect(download?.id).toMatch(/^[A-Za-z0-9_-]{17,24}$/)
		expect(download?.visitor).toMatch(/^[A-Za-z0-9_-]{16}$/)
		expect(JSON.stringify(download)).not.toContain('203.0.113')
	})

	it('gives the same client the same visitor hash on one day, and another client another', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, { key: 'ev/b.bin', id: 'ev-visitors' })
		const from = (ip: string) =>
			call(testEnv, '/ev-visitors', { headers: { ...CURL, 'cf-connecting-ip': ip }, redirect: 'manual' })
		await from('198.51.100.1')
		await from('198.51.100.200')
		await from('192.0.2.9')
		const visitors = (await events())
			.filter((event) => event.kind === 'download')
			.map((event) => event.visitor)
		expect(visitors).toHaveLength(3)
		expect(visitors[0]).toBe(visitors[1])
		expect(visitors[2]).not.toBe(visitors[0])
	})

	it('numbers a limited share’s downloads and says when it spent its last', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, { key: 'ev/c.bin', id: 'ev-limited', maxDownloads: 2 })
		for (let i = 0; i < 3; i++) await call(testEnv, '/ev-limited', { headers: CURL, redirect: 'manual' })
		const reported = (await events()).filter((event) => event.shareId === 'ev-limited')
		expect(reported.map((event) => [event.kind, event.download])).toEqual([
			['created', undefined],
			['download', 1],
			['download', 2],
			['exhausted', undefined],
		])
	})

	it('is reported by the warm redirect as by the router, once per request', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, { key: 'ev/d.bin', id: 'ev-warm' })
		const now = Date.parse('2026-06-01T12:00:00.250Z')
		vi.spyOn(Date, 'now').mockReturnValue(now)
		for (let i = 0; i < 5; i++) await call(testEnv, '/ev-warm', { headers: CURL, redirect: 'manual' })
		vi.restoreAllMocks()
		const downloads = (await events()).filter(
			(event) => event.shareId === 'ev-warm' && event.kind === 'download',
		)
		expect(downloads).toHaveLength(5)
		expect(new Set(downloads.map((event) => event.id)).size).toBe(5)
	})
})

describe('what uploads and the admin API report', () => {
	it('reports a streamed upload with its key, name, size and type', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, {
			type: 'upload',
			id: 'ev-upload',
			prefix: 'inbox/',
			expiresIn: 3600,
			upload: { maxFileSize: 1000 },
		})
		const outbound: Outbound[] = []
		spyOnCos(outbound, () => new Response(null, { status: 200, headers: { etag: '"u1"' } }))
		const res = await call(testEnv, '/ev-upload/uploads/notes.txt', {
			method: 'PUT',
			headers: { 'content-type': 'text/plain', 'content-length': '5' },
			body: 'hello',
		})
		expect(res.status).toBe(201)
		const { key } = (await res.json()) as { key: string }
		const upload = (await events()).find((event) => event.kind === 'upload')
		expect(upload).toMatchObject({
			shareId: 'ev-upload',
			shareType: 'upload',
			key,
			name: 'notes.txt',
			size: 5,
			contentType: 'text/plain',
		})
	})

	it('makes a confirmation repeated for the same object the same event', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, {
			type: 'upload',
			id: 'ev-confirm',
			prefix: 'inbox/',
			expiresIn: 3600,
			upload: { maxFileSize: 1000 },
		})
		const started = await call(testEnv, '/ev-confirm/uploads', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'a.txt', size: 5, type: 'text/plain' }),
		})
		const { key } = (await started.json()) as { key: string }
		const outbound: Outbound[] = []
		spyOnCos(
			outbound,
			() =>
				new Response(null, {
					status: 200,
					headers: {
						'content-length': '5',
						etag: '"v1"',
						'content-type': 'text/plain',
						'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
					},
				}),
		)
		for (let i = 0; i < 2; i++) {
			const res = await call(testEnv, '/ev-confirm/uploads/confirm', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ key }),
			})
			expect(res.status).toBe(200)
		}
		const uploads = (await events()).filter((event) => event.kind === 'upload')
		expect(uploads).toHaveLength(2)
		expect(uploads[0]?.id).toBe(uploads[1]?.id)
		// The visitor's own name went with the PUT to COS: the key's last segment names the file.
		expect(uploads[0]).toMatchObject({ key, name: key.split('/').at(-1), size: 5, contentType: 'text/plain' })
	})

	it('reports a share created and deleted, with its kind and its webhook choice', async () => {
		const { testEnv, events } = recordingEnv()
		await create(testEnv, { type: 'folder', prefix: 'ev/', id: 'ev-admin', webhook: false })
		const deleted = await call(testEnv, '/api/shares/ev-admin', {
			method: 'DELETE',
			headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
		})
		expect(deleted.status).toBe(204)
		const reported = (await events()).filter((event) => event.shareId === 'ev-admin')
		expect(reported.map((event) => [event.kind, event.shareType, event.webhook])).toEqual([
			['created', 'folder', false],
			['deleted', 'folder', false],
		])
	})
})

describe('without an EVENTS binding', () => {
	it('serves a share as before and records nothing', async () => {
		const { EVENTS: _events, ...bare } = env
		const testEnv = bare as unknown as TestEnv
		await create(testEnv, { key: 'ev/e.bin', id: 'ev-bare' })
		const res = await call(testEnv, '/ev-bare', { headers: CURL, redirect: 'manual' })
		expect(res.status).toBe(302)
		await eventsSettled()
	})
})
