import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { fillsSettled } from '../../src/routes/deliver/cached.ts'
import { adminRequest, createShare, envWith, get, resetBetweenTests } from './helpers.ts'

const BODY = 'hello, cached world!!'
const ETAG = '"abc123"'
const LAST_MODIFIED = 'Wed, 01 Jan 2025 00:00:00 GMT'
let objectGets = 0

/** Mocks COS with one object; counts the GETs it answers. */
function mockOrigin(body = BODY) {
	objectGets = 0
	return vi.spyOn(globalThis, 'fetch').mockImplementation(async (_input, init) => {
		const method = init?.method ?? 'GET'
		if (method === 'GET') objectGets++
		const headers = new Headers(init?.headers)
		const range = headers.get('range')
		const common = {
			'content-type': 'text/plain',
			etag: ETAG,
			'last-modified': LAST_MODIFIED,
			'accept-ranges': 'bytes',
		}
		if (range === 'bytes=0-4')
			return new Response(method === 'GET' ? body.slice(0, 5) : null, {
				status: 206,
				headers: { ...common, 'content-length': '5', 'content-range': `bytes 0-4/${body.length}` },
			})
		return new Response(method === 'GET' ? body : null, {
			headers: { ...common, 'content-length': String(body.length) },
		})
	})
}

resetBetweenTests()

let ids = 0
async function cachedShare(extra: Record<string, unknown> = {}, testEnv: object = env) {
	const id = `cached-${Date.now().toString(36)}-${ids++}`
	await createShare({ key: 'files/hello.txt', id, cache: { maxAge: 600 }, ...extra }, testEnv)
	return id
}

/** A first download that fills the cache, finished. */
async function warm(id: string, testEnv: object = env) {
	const res = await get(`/${id}`, {}, testEnv)
	await res.text()
	await fillsSettled()
	return res
}

describe('edge cache: miss, then hit', () => {
	it('answers a first download from COS and says it stored the object', async () => {
		const id = await cachedShare()
		mockOrigin()
		const res = await get(`/${id}`)
		expect(res.status).toBe(200)
		expect(res.headers.get('cache-status')).toBe('coslink; fwd=uri-miss; stored')
		expect(await res.text()).toBe(BODY)
	})

	it('answers the second download from the cache without asking COS again', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`)
		expect(res.status).toBe(200)
		expect(res.headers.get('cache-status')).toBe('coslink; hit')
		expect(await res.text()).toBe(BODY)
		expect(objectGets).toBe(1)
	})

	it('labels a hit public for maxAge, with the object’s validators and the share’s disposition', async () => {
		const id = await cachedShare({ filename: 'greeting.txt' })
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`)
		await res.text()
		expect(res.headers.get('cache-control')).toBe('public, max-age=600')
		expect(res.headers.get('etag')).toBe(ETAG)
		expect(res.headers.get('last-modified')).toBe(LAST_MODIFIED)
		expect(res.headers.get('content-length')).toBe(String(BODY.length))
		expect(res.headers.get('content-disposition')).toContain('greeting.txt')
		expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
		// The share's own address varies only by who asks: link-preview bots get its card.
		expect(res.headers.get('vary')).toBe('User-Agent')
	})

	it('never lets a downstream cache keep a share past its expiry', async () => {
		const id = await cachedShare({ expiresIn: 120 })
		mockOrigin()
		const res = await warm(id)
		const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1])
		expect(maxAge).toBeGreaterThan(110)
		expect(maxAge).toBeLessThanOrEqual(120)
	})

	it('answers HEAD from the cache without a body', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { method: 'HEAD' })
		expect(res.headers.get('cache-status')).toBe('coslink; hit')
		expect(res.headers.get('content-length')).toBe(String(BODY.length))
		expect(await res.text()).toBe('')
		expect(objectGets).toBe(1)
	})

	it('fills once for concurrent misses, every client getting the whole object', async () => {
		const id = await cachedShare()
		mockOrigin()
		const responses = await Promise.all([get(`/${id}`), get(`/${id}`), get(`/${id}`)])
		const bodies = await Promise.all(responses.map((res) => res.text()))
		await fillsSettled()
		expect(bodies).toEqual([BODY, BODY, BODY])
		expect(objectGets).toBe(1)
		expect(responses.map((res) => res.headers.get('cache-status'))).toEqual([
			'coslink; fwd=uri-miss; stored',
			'coslink; fwd=uri-miss; collapsed; stored',
			'coslink; fwd=uri-miss; collapsed; stored',
		])
	})

	it('does not store an object over CACHE_MAX_BYTES and streams it as it comes', async () => {
		const small = envWith({ CACHE_MAX_BYTES: '10' })
		const id = await cachedShare({}, small)
		mockOrigin()
		const first = await warm(id, small)
		expect(first.headers.get('cache-status')).toBe('coslink; fwd=uri-miss; detail=too-large')
		const second = await get(`/${id}`, {}, small)
		expect(await second.text()).toBe(BODY)
		expect(second.headers.get('cache-status')).toBe('coslink; fwd=uri-miss; detail=too-large')
		expect(objectGets).toBe(2)
	})
})

describe('edge cache: Range and conditionals from a cached object', () => {
	it('answers a Range with 206 from the cache', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { headers: { range: 'bytes=6-11' } })
		expect(res.status).toBe(206)
		expect(res.headers.get('content-range')).toBe(`bytes 6-11/${BODY.length}`)
		expect(res.headers.get('cache-status')).toBe('coslink; hit')
		expect(await res.text()).toBe(BODY.slice(6, 12))
		expect(objectGets).toBe(1)
	})

	it('answers a range past the end with 416 from the cache', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { headers: { range: 'bytes=500-' } })
		expect(res.status).toBe(416)
		expect(res.headers.get('content-range')).toBe(`bytes */${BODY.length}`)
		expect(objectGets).toBe(1)
	})

	it('answers If-None-Match with the stored ETag with 304 from the cache', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { headers: { 'if-none-match': ETAG } })
		expect(res.status).toBe(304)
		expect(res.headers.get('etag')).toBe(ETAG)
		expect(res.headers.get('cache-status')).toBe('coslink; hit')
		expect(objectGets).toBe(1)
	})

	it('answers If-Match with another ETag with 412 from the cache', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { headers: { 'if-match': '"other"' } })
		expect(res.status).toBe(412)
		expect(objectGets).toBe(1)
	})

	it('serves the whole object when If-Range names another version', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { headers: { range: 'bytes=0-4', 'if-range': '"old"' } })
		expect(res.status).toBe(200)
		expect(await res.text()).toBe(BODY)
	})

	it('serves the range when If-Range names the stored version', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		const res = await get(`/${id}`, { headers: { range: 'bytes=0-4', 'if-range': ETAG } })
		expect(res.status).toBe(206)
		expect(await res.text()).toBe(BODY.slice(0, 5))
	})
})

describe('edge cache: never outlives the share', () => {
	it('asks COS again after a PATCH', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		await adminRequest(`/${id}`, { method: 'PATCH', json: { filename: 'renamed.txt' } })
		const res = await get(`/${id}`)
		expect(res.headers.get('cache-status')).toBe('coslink; fwd=uri-miss; stored')
		expect(res.headers.get('content-disposition')).toContain('renamed.txt')
		await res.text()
		expect(objectGets).toBe(2)
	})

	it('answers 404 after a DELETE, without the cache', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		await adminRequest(`/${id}`, { method: 'DELETE' })
		const res = await get(`/${id}`)
		expect(res.status).toBe(404)
		expect(res.headers.get('cache-status')).not.toBe('coslink; hit')
	})

	it('removes the entry of a deleted share from the cache', async () => {
		const id = await cachedShare()
		mockOrigin()
		await warm(id)
		await adminRequest(`/${id}`, { method: 'DELETE' })
		const keys = await caches.default.match(
			`https://share.example.com/_edge-cache/${id}/1/${encodeURIComponent('files/hello.txt')}`,
		)
		expect(keys).toBeUndefined()
	})

	it('answers 410 once the share expired, without the cache', async () => {
		const id = await cachedShare({ expiresIn: 60 })
		mockOrigin()
		await warm(id)
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000)
		const res = await get(`/${id}`)
		expect(res.status).toBe(410)
		expect(objectGets).toBe(1)
	})
})

describe('Cache-Status outside the edge cache', () => {
	it('says bypass on a streamed share without a cache', async () => {
		await createShare({ key: 'files/hello.txt', id: 'uncached-stream', delivery: 'stream' })
		mockOrigin()
		const res = await get('/uncached-stream')
		expect(res.headers.get('cache-status')).toBe('coslink; fwd=bypass')
		expect(res.headers.get('cache-control')).toBe('private, no-store, no-transform')
		await res.text()
	})

	it('says bypass on a redirect, which stays private', async () => {
		await createShare({ key: 'files/hello.txt', id: 'uncached-redirect', delivery: 'redirect' })
		const res = await get('/uncached-redirect')
		expect(res.status).toBe(302)
		expect(res.headers.get('cache-status')).toBe('coslink; fwd=bypass')
		expect(res.headers.get('cache-control')).toBe('private, no-store')
	})

	it('streams a cached share even when the default delivery is redirect', async () => {
		const id = await cachedShare()
		mockOrigin()
		const res = await get(`/${id}`, {}, envWith({ DEFAULT_DELIVERY: 'redirect' }))
		expect(res.status).toBe(200)
		await res.text()
	})
})

describe('Cache-Status on every answer at a share address', () => {
	it.each([
		['an unknown share', '/no-such-share-here', 'GET', 404],
		['a method a share link does not take', '/status-post', 'POST', 405],
	])('says bypass on %s', async (_label, path, method, status) => {
		if (path === '/status-post') await createShare({ key: 'files/hello.txt', id: 'status-post' })
		const res = await get(path, { method })
		expect(res.status).toBe(status)
		expect(res.headers.get('cache-status')).toBe('coslink; fwd=bypass')
	})

	it('says bypass on an expired share', async () => {
		await createShare({ key: 'files/hello.txt', id: 'status-expired', expiresIn: 60 })
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000)
		const res = await get('/status-expired')
		expect(res.status).toBe(410)
		expect(res.headers.get('cache-status')).toBe('coslink; fwd=bypass')
	})

	it('leaves the admin API without one', async () => {
		const res = await adminRequest('')
		expect(res.headers.get('cache-status')).toBeNull()
	})
})
