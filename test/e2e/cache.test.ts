// End to end, the edge cache: the worker under `wrangler dev` (Miniflare's Cache API) in
// front of the COS emulator. The emulator's request log is the count of object GETs.
import { beforeAll, describe, expect, it } from 'vitest'
import { putObject } from '../emulator/store.ts'
import { deterministicBytes, sha256, useE2eStack } from './helpers.ts'

const e2e = useE2eStack('cache')

const KEY = 'e2e/cached.bin'
const BYTES = deterministicBytes(200_000, 12)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Object GETs the emulator has logged for KEY so far. */
function objectGets(): number {
	return e2e.stack.logs.filter((line) => line.startsWith(`[COS emulator] GET /${KEY}`)).length
}

async function createCachedShare(id: string, extra: Record<string, unknown> = {}): Promise<string> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ key: KEY, id, cache: { maxAge: 3600 }, ...extra }),
	})
	expect(res.status).toBe(201)
	await res.body?.cancel()
	return e2e.stack.link(id)
}

/** Waits until the emulator has logged `count` GETs (its log line is written on close). */
async function settledGets(count: number): Promise<number> {
	for (let i = 0; i < 50 && objectGets() < count; i++) await sleep(20)
	await sleep(100)
	return objectGets()
}

describe('edge cache under the local stack', () => {
	let link: string

	beforeAll(async () => {
		await putObject(e2e.stack.emulatorRoot, KEY, BYTES, 'application/octet-stream')
		link = await createCachedShare('cached-e2e')
	})

	it('downloads a cached share twice with one object GET, the second from the cache', async () => {
		const first = await downloadFrom(link)
		expect(first.res.status).toBe(200)
		expect(first.res.headers.get('cache-status')).toBe('coslink; fwd=uri-miss; stored')
		expect(first.res.headers.get('content-length')).toBe(String(BYTES.length))
		expect(sha256(first.body)).toBe(sha256(BYTES))
		// The fill is put in the background once the last byte is in.
		let second = await downloadFrom(link)
		for (let i = 0; i < 20 && second.res.headers.get('cache-status') !== 'coslink; hit'; i++) {
			await sleep(100)
			second = await downloadFrom(link)
		}
		expect(second.res.headers.get('cache-status')).toBe('coslink; hit')
		expect(second.res.headers.get('cache-control')).toBe('public, max-age=3600')
		expect(sha256(second.body)).toBe(sha256(BYTES))
		expect(await settledGets(1)).toBe(1)
	})

	it('shares one fill among concurrent first downloads, each one its own request', async () => {
		const concurrentLink = await createCachedShare('cached-concurrent', { filename: 'together.bin' })
		const before = await settledGets(objectGets())
		const downloads = await Promise.all([1, 2, 3].map(() => downloadFrom(concurrentLink)))
		for (const { res, body } of downloads) {
			expect(res.status).toBe(200)
			expect(sha256(body)).toBe(sha256(BYTES))
		}
		expect(await settledGets(before + 1)).toBe(before + 1)
		// The fill belongs to the first request: the runtime must not object to the others reading it.
		expect(e2e.stack.logs.filter((line) => /different request|cross-request/i.test(line))).toEqual([])
	})

	it('answers 404 at once after the share is deleted, never from the cache', async () => {
		expect(await e2e.stack.deleteShare('cached-e2e')).toBe(204)
		const res = await fetch(link)
		await res.body?.cancel()
		expect(res.status).toBe(404)
		expect(res.headers.get('cache-status')).not.toBe('coslink; hit')
	})
})

describe('bandwidthLimit under the local stack (the emulator checks signatures with Tencent’s SDK)', () => {
	const LIMITED_KEY = 'e2e/cache-limited.bin'
	const LIMITED = deterministicBytes(50_000, 13)

	beforeAll(async () => {
		await putObject(e2e.stack.emulatorRoot, LIMITED_KEY, LIMITED, 'application/octet-stream')
	})

	it.each(['redirect', 'stream'] as const)(
		'downloads a capped share by %s with the cap signed',
		async (delivery) => {
			const id = `limited-${delivery}`
			const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
				method: 'POST',
				headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ key: LIMITED_KEY, id, delivery, bandwidthLimit: 1_048_576 }),
			})
			expect(res.status).toBe(201)
			await res.body?.cancel()
			const { res: download, body } = await downloadFrom(e2e.stack.link(id))
			expect(download.status).toBe(200)
			expect(sha256(body)).toBe(sha256(LIMITED))
		},
	)
})

async function downloadFrom(link: string) {
	const res = await fetch(link)
	return { res, body: Buffer.from(await res.arrayBuffer()) }
}
