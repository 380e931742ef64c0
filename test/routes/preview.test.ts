import { describe, expect, it } from 'vitest'
import { createShare, get, resetBetweenTests } from './helpers.ts'
import { mockCos } from './page-helpers.ts'

resetBetweenTests()

let serial = 0
const fresh = (prefix: string) => `${prefix}-${++serial}`

async function share(key: string, extra: Record<string, unknown> = {}): Promise<string> {
	const id = fresh('pv')
	await createShare({ key, id, ...extra })
	return id
}

describe('GET /:id/preview of an inline-safe type', () => {
	it('streams the object inline, whatever the share’s delivery', async () => {
		const id = await share('p/cat.png', { delivery: 'redirect' })
		const outbound = mockCos({ body: 'PNGDATA', type: 'image/png' })
		const res = await get(`/${id}/preview`)
		expect(res.status).toBe(200)
		expect(await res.text()).toBe('PNGDATA')
		expect(res.headers.get('content-type')).toBe('image/png')
		expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="cat.png"/)
		expect(outbound.at(-1)?.headers.get('authorization')).toMatch(/^q-sign-algorithm=sha1&/)
	})

	it('is sandboxed and nosniff, and only our own pages may frame it', async () => {
		const id = await share('p/doc.pdf')
		mockCos({ body: '%PDF', type: 'application/pdf' })
		const res = await get(`/${id}/preview`)
		expect(res.headers.get('content-security-policy')).toBe(
			"sandbox; default-src 'none'; frame-ancestors 'self'",
		)
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('x-frame-options')).toBeNull()
		expect(res.headers.get('cache-control')).toContain('no-store')
	})

	it('lets the media document of a video load it, still sandboxed', async () => {
		const id = await share('v/clip.mp4')
		mockCos({ body: 'MP4', type: 'video/mp4' })
		const res = await get(`/${id}/preview`)
		expect(res.headers.get('content-security-policy')).toBe(
			"sandbox allow-same-origin; default-src 'none'; media-src 'self'; frame-ancestors 'self'",
		)
	})

	it('answers a Range with 206 and its Content-Range', async () => {
		const id = await share('v/clip.mp4')
		mockCos({ body: '0123456789', type: 'video/mp4' })
		const res = await get(`/${id}/preview`, { headers: { range: 'bytes=2-5' } })
		expect(res.status).toBe(206)
		expect(res.headers.get('content-range')).toBe('bytes 2-5/10')
		expect(await res.text()).toBe('2345')
	})

	it('answers HEAD with a HEAD to COS and no body', async () => {
		const id = await share('p/cat.png', { contentType: 'image/png' })
		const outbound = mockCos({ body: 'PNGDATA', type: 'image/png' })
		const res = await get(`/${id}/preview`, { method: 'HEAD' })
		expect(res.status).toBe(200)
		expect(await res.text()).toBe('')
		expect(outbound.map((req) => req.method)).toEqual(['HEAD'])
	})

	it('refuses other methods with 405', async () => {
		const id = await share('p/cat.png')
		const res = await get(`/${id}/preview`, { method: 'POST' })
		expect(res.status).toBe(405)
		expect(res.headers.get('allow')).toBe('GET, HEAD')
	})
})

describe('which types have a preview', () => {
	const types: [string, string, number][] = [
		['image/png', 'f/a.png', 200],
		['image/jpeg', 'f/a.jpg', 200],
		['application/pdf', 'f/a.pdf', 200],
		['audio/mpeg', 'f/a.mp3', 200],
		['video/webm', 'f/a.webm', 200],
		['text/plain', 'f/a.txt', 200],
		['text/html', 'f/a.html', 404],
		['image/svg+xml', 'f/a.svg', 404],
		['application/xml', 'f/a.xml', 404],
		['text/javascript', 'f/a.js', 404],
		['application/octet-stream', 'f/a.bin', 404],
	]
	it.each(types)('%s answers %i', async (type, key, status) => {
		const id = await share(key)
		const outbound = mockCos({ body: 'data', type })
		const res = await get(`/${id}/preview`)
		expect(res.status).toBe(status)
		// A refused type never has its bytes fetched.
		if (status === 404) expect(outbound.map((req) => req.method)).toEqual(['HEAD'])
	})

	it('takes the share’s own type before COS’s', async () => {
		const id = await share('f/page.html', { contentType: 'text/plain' })
		mockCos({ body: 'data', type: 'text/html' })
		expect((await get(`/${id}/preview`)).status).toBe(200)
	})

	it('takes COS’s type before the name’s', async () => {
		const id = await share('f/looks-like.png')
		mockCos({ body: '<svg/>', type: 'image/svg+xml' })
		expect((await get(`/${id}/preview`)).status).toBe(404)
	})

	it('takes the name’s type when COS stores none', async () => {
		const id = await share('f/cat.png')
		mockCos({ body: 'PNG' })
		expect((await get(`/${id}/preview`)).status).toBe(200)
	})

	it('has no preview of a file of no known type', async () => {
		const id = await share('f/README')
		mockCos({ body: 'text' })
		expect((await get(`/${id}/preview`)).status).toBe(404)
	})

	it('answers 404 when COS no longer has the object', async () => {
		const id = await share('f/gone.png', { contentType: 'image/png' })
		mockCos({ body: '', status: 404 })
		expect((await get(`/${id}/preview`)).status).toBe(404)
	})
})
