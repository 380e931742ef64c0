// Sent files go with their share: the share's Durable Object deletes them from COS when the
// share expires, runs out of downloads or is deleted, retrying until COS agrees, and never
// anything outside SEND_PREFIX.
import { runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clearShareCache, consumeDownload } from '../../src/shares/store.ts'
import { listXml } from '../routes/folder-cos.ts'
import { adminRequest, createShare } from '../routes/helpers.ts'

const stateOf = (id: string) => env.SHARE_STATE.get(env.SHARE_STATE.idFromName(id))

interface Call {
	method: string
	key: string
}

/** COS as far as deletes go: listing, DELETE (204), each answer built inside the mock. */
function fakeBucket(keys: string[], fail = 0) {
	const objects: Record<string, { body: string }> = Object.fromEntries(
		keys.map((key) => [key, { body: 'x' }]),
	)
	const calls: Call[] = []
	let failures = fail
	vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		const url = new URL(String(input instanceof Request ? input.url : input))
		const method = init?.method ?? 'GET'
		const key = decodeURIComponent(url.pathname.slice(1))
		calls.push({ method, key })
		if (failures > 0) {
			failures--
			return new Response('<Error><Code>InternalError</Code></Error>', { status: 500 })
		}
		if (url.pathname === '/') return new Response(listXml(objects, url.searchParams))
		if (method === 'DELETE') {
			delete objects[key]
			return new Response(null, { status: 204 })
		}
		return new Response(null, { status: 404 })
	})
	return { objects, calls }
}

/** Runs the object's alarm as if `ms` had passed. */
async function alarmAfter(id: string, ms: number): Promise<boolean> {
	const now = Date.now()
	const spy = vi.spyOn(Date, 'now').mockReturnValue(now + ms)
	try {
		return await runDurableObjectAlarm(stateOf(id))
	} finally {
		spy.mockRestore()
	}
}

afterEach(() => {
	vi.restoreAllMocks()
	clearShareCache(env.SHARES)
})

describe('a share of sent files', () => {
	it('is refused with 400 naming sent when its key is outside SEND_PREFIX', async () => {
		const res = await adminRequest('', { method: 'POST', json: { key: 'docs/a.pdf', sent: true } })
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe('sent')
	})

	it('cannot be pointed at other objects by a PATCH', async () => {
		await createShare({ id: 'sent-fixed', key: 'send/AAAAAAAAAAAAAAAA/a.txt', sent: true, expiresIn: 60 })
		const res = await adminRequest('/sent-fixed', { method: 'PATCH', json: { key: 'docs/a.pdf' } })
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe('key')
	})

	it('deletes its object when it is deleted', async () => {
		const key = 'send/BBBBBBBBBBBBBBBB/report.pdf'
		await createShare({ id: 'sent-del', key, sent: true })
		const bucket = fakeBucket([key])
		expect((await adminRequest('/sent-del', { method: 'DELETE' })).status).toBe(204)
		await alarmAfter('sent-del', 1000)
		expect(bucket.calls).toContainEqual({ method: 'DELETE', key })
		expect(bucket.objects[key]).toBeUndefined()
	})

	it('deletes every file of its folder once it expires, and not before', async () => {
		const prefix = 'send/CCCCCCCCCCCCCCCC/'
		const keys = [`${prefix}a.txt`, `${prefix}b.txt`, 'send/other/c.txt']
		await createShare({ id: 'sent-folder', type: 'folder', prefix, sent: true, expiresIn: 3600 })
		const bucket = fakeBucket(keys)
		await alarmAfter('sent-folder', 60_000)
		expect(bucket.calls.filter((call) => call.method === 'DELETE')).toEqual([])
		await alarmAfter('sent-folder', 3600_000 + 1000)
		expect(Object.keys(bucket.objects)).toEqual(['send/other/c.txt'])
	})

	it('deletes its object once its only download is spent and the ticket has run out', async () => {
		const key = 'send/DDDDDDDDDDDDDDDD/once.bin'
		await createShare({ id: 'sent-once', key, sent: true, maxDownloads: 1 })
		const bucket = fakeBucket([key])
		expect((await consumeDownload(env, 'sent-once')).ok).toBe(true)
		await alarmAfter('sent-once', 60_000)
		expect(bucket.objects[key]).toBeDefined()
		await alarmAfter('sent-once', 3600_000 + 1000)
		expect(bucket.objects[key]).toBeUndefined()
	})

	it('retries a delete COS refused, at the next alarm', async () => {
		const key = 'send/EEEEEEEEEEEEEEEE/retry.bin'
		await createShare({ id: 'sent-retry', key, sent: true })
		const bucket = fakeBucket([key], 1)
		await adminRequest('/sent-retry', { method: 'DELETE' })
		await alarmAfter('sent-retry', 1000)
		expect(bucket.objects[key]).toBeDefined()
		await alarmAfter('sent-retry', 10_000)
		expect(bucket.objects[key]).toBeUndefined()
	})

	it('leaves an ordinary share’s object alone when it is deleted', async () => {
		const key = 'send/FFFFFFFFFFFFFFFF/kept.bin'
		await createShare({ id: 'not-sent', key })
		const bucket = fakeBucket([key])
		await adminRequest('/not-sent', { method: 'DELETE' })
		await alarmAfter('not-sent', 1000)
		expect(bucket.calls.filter((call) => call.method === 'DELETE')).toEqual([])
	})
})
