import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { cosAuthorization } from '../../src/cos/sign.ts'
import { ERRORS } from '../../src/errors.ts'
import { BUCKET_HOST, createShare, envWith, get, queryParams, request, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

describe('redirect delivery', () => {
	it('answers 302 to a fresh pre-signed URL on the bucket domain', async () => {
		await createShare({ key: 'docs/report.pdf', id: 'redirect-1' })
		const res = await get('/redirect-1')
		expect(res.status).toBe(302)
		const location = new URL(res.headers.get('location') ?? '')
		expect(location.host).toBe(BUCKET_HOST)
		expect(location.pathname).toBe('/docs/report.pdf')
		expect(res.headers.get('cache-control')).toBe('private, no-store')
		expect(res.headers.get('referrer-policy')).toBe('no-referrer')
		expect(res.headers.get('x-robots-tag')).toContain('noindex')
	})

	it('always signs response-content-type and response-content-disposition', async () => {
		await createShare({ key: 'docs/report.pdf', id: 'redirect-2', filename: '季度报告.pdf' })
		const params = queryParams((await get('/redirect-2')).headers.get('location') ?? '')
		expect(params.get('q-url-param-list')).toBe('response-content-disposition;response-content-type')
		expect(params.get('response-content-type')).toBe('application/pdf')
		expect(params.get('response-content-disposition')).toContain("filename*=UTF-8''%E5%AD%A3")
	})

	it('signs exactly what COS will recompute for the redirect target', async () => {
		await createShare({ key: 'a b+c.txt', id: 'redirect-3' })
		const location = (await get('/redirect-3')).headers.get('location') ?? ''
		const params = queryParams(location)
		const [start, end] = (params.get('q-sign-time') ?? '').split(';').map(Number)
		const expected = await cosAuthorization({
			secretId: env.COS_SECRET_ID,
			secretKey: env.COS_SECRET_KEY,
			method: 'GET',
			key: 'a b+c.txt',
			query: {
				'response-content-type': params.get('response-content-type') ?? '',
				'response-content-disposition': params.get('response-content-disposition') ?? '',
			},
			headers: { host: BUCKET_HOST },
			keyTime: { start: start ?? 0, end: end ?? 0 },
		})
		expect(expected.endsWith(`q-signature=${params.get('q-signature')}`)).toBe(true)
		expect(new URL(location).pathname).toBe('/a%20b%2Bc.txt')
	})

	it('signs a HEAD for a HEAD request', async () => {
		await createShare({ key: 'x.bin', id: 'redirect-head' })
		const head = await get('/redirect-head', { method: 'HEAD' })
		const getRes = await get('/redirect-head')
		expect(head.status).toBe(302)
		const sig = (r: Response) => queryParams(r.headers.get('location') ?? '').get('q-signature')
		expect(sig(head)).not.toBe(sig(getRes))
		expect(await head.text()).toBe('')
	})

	it("clamps the signature to the share's expiry", async () => {
		await createShare({ key: 'x.bin', id: 'redirect-clamp', expiresIn: 30 })
		const now = Math.floor(Date.now() / 1000)
		const signTime =
			queryParams((await get('/redirect-clamp')).headers.get('location') ?? '').get('q-sign-time') ?? ''
		expect(Number(signTime.split(';')[1])).toBeLessThanOrEqual(now + 31)
	})

	it("ends the signature's last valid second before the share's expiry", async () => {
		const expiresAt = Math.floor(Date.now() / 1000) + 30
		await createShare({
			key: 'x.bin',
			id: 'redirect-end',
			expiresAt: new Date(expiresAt * 1000).toISOString(),
		})
		const signTime =
			queryParams((await get('/redirect-end')).headers.get('location') ?? '').get('q-sign-time') ?? ''
		// COS accepts a key time through its whole end second (q-sign-time end inclusive).
		expect(Number(signTime.split(';')[1])).toBe(expiresAt - 1)
	})

	it('signs no content type when neither the share nor the name determines one', async () => {
		await createShare({ key: 'camera/IMG_0001', id: 'redirect-untyped', disposition: 'inline' })
		const params = queryParams((await get('/redirect-untyped')).headers.get('location') ?? '')
		expect(params.get('q-url-param-list')).toBe('response-content-disposition')
		expect(params.has('response-content-type')).toBe(false)
		// Without a known type the file always downloads, so an unsigned type added later cannot render.
		expect(params.get('response-content-disposition')).toBe('attachment; filename="IMG_0001"')
	})

	it("signs the share's own content type for an extensionless key", async () => {
		await createShare({
			key: 'camera/IMG_0002',
			id: 'redirect-typed',
			contentType: 'image/jpeg',
			disposition: 'inline',
		})
		const params = queryParams((await get('/redirect-typed')).headers.get('location') ?? '')
		expect(params.get('response-content-type')).toBe('image/jpeg')
		expect(params.get('response-content-disposition')).toBe('inline; filename="IMG_0002"')
	})

	it('keeps redirecting a video share that downloads rather than plays', async () => {
		await createShare({ key: 'video/demo.mp4', id: 'redirect-video' })
		const res = await get('/redirect-video')
		expect(res.status).toBe(302)
		expect(queryParams(res.headers.get('location') ?? '').get('response-content-type')).toBe('video/mp4')
	})

	it('serves /:id/download as the same file', async () => {
		await createShare({ key: 'docs/report.pdf', id: 'redirect-dl' })
		const res = await get('/redirect-dl/download')
		expect(res.status).toBe(302)
		expect(new URL(res.headers.get('location') ?? '').pathname).toBe('/docs/report.pdf')
	})

	it("clamps the signature to a temporary key's expiry and sends its token", async () => {
		await createShare({ key: 'x.bin', id: 'redirect-sts' })
		const expiry = Math.floor(Date.now() / 1000) + 45
		const testEnv = envWith({ COS_KEY_EXPIRES_AT: String(expiry), COS_SECURITY_TOKEN: 'tok+en/=' })
		const location = (await get('/redirect-sts', {}, testEnv)).headers.get('location') ?? ''
		expect(Number(queryParams(location).get('q-sign-time')?.split(';')[1])).toBe(expiry)
		expect(location).toContain('x-cos-security-token=tok%2Ben%2F%3D')
	})

	it('uses the configured endpoint, whatever Host or X-Forwarded-Host say', async () => {
		await createShare({ key: 'x.bin', id: 'redirect-host' })
		const res = await get('/redirect-host', { headers: { host: 'evil.com', 'x-forwarded-host': 'evil.com' } })
		expect(new URL(res.headers.get('location') ?? '').host).toBe(BUCKET_HOST)
		const local = await get('/redirect-host', {}, envWith({ COS_ENDPOINT: 'http://127.0.0.1:9100' }))
		expect(local.headers.get('location')?.startsWith('http://127.0.0.1:9100/x.bin?')).toBe(true)
	})
})

describe('share rules', () => {
	it('answers 410 share_expired for an expired share', async () => {
		await createShare({ key: 'x.bin', id: 'expired-1', expiresAt: new Date(Date.now() - 1000).toISOString() })
		const res = await get('/expired-1', { headers: { accept: 'application/json' } })
		expect(res.status).toBe(410)
		expect(await res.json()).toMatchObject({ error: { code: 'share_expired' } })
	})

	it('shows browsers a friendly page instead of JSON', async () => {
		await createShare({ key: 'x.bin', id: 'expired-2', expiresAt: new Date(Date.now() - 1000).toISOString() })
		const res = await get('/expired-2', { headers: { accept: 'text/html,application/xhtml+xml' } })
		expect(res.status).toBe(410)
		expect(res.headers.get('content-type')).toContain('text/html')
		expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
		const html = await res.text()
		expect(html).toContain('This link has expired')
		expect(html).not.toContain('at ')
	})

	it('answers 404 for a share that is not valid yet', async () => {
		await createShare({
			key: 'x.bin',
			id: 'later-1',
			notBefore: new Date(Date.now() + 3600_000).toISOString(),
		})
		expect((await get('/later-1')).status).toBe(404)
	})

	it('answers 404 share_not_found for an unknown share', async () => {
		const res = await get('/no-such-share')
		expect(res.status).toBe(404)
		expect(await res.json()).toMatchObject({ error: { code: 'share_not_found' } })
	})

	it('stops answering once a share is deleted (after the isolate cache is cleared)', async () => {
		await createShare({ key: 'x.bin', id: 'revoke-me' })
		expect((await get('/revoke-me')).status).toBe(302)
		await request('https://share.example.com/api/shares/revoke-me', {
			method: 'DELETE',
			headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' },
		})
		expect((await get('/revoke-me')).status).toBe(404)
	})

	it('answers 500 misconfigured naming the setting, never its value', async () => {
		await createShare({ key: 'x.bin', id: 'misconf-1' })
		const res = await get('/misconf-1', {}, envWith({ SIGN_TTL: 'forever' }))
		expect(res.status).toBe(500)
		const text = await res.text()
		expect(JSON.parse(text)).toMatchObject({
			error: { code: 'misconfigured', setting: 'SIGN_TTL', detail: expect.stringContaining('SIGN_TTL') },
		})
		expect(text).not.toContain('forever')
	})

	it('answers 503 credentials_expired once the temporary key has expired', async () => {
		await createShare({ key: 'x.bin', id: 'sts-expired' })
		const res = await get('/sts-expired', {}, envWith({ COS_KEY_EXPIRES_AT: '2020-01-01T00:00:00Z' }))
		expect(res.status).toBe(503)
		expect(await res.json()).toMatchObject({ error: { code: 'credentials_expired' } })
	})
})

describe('methods and negotiation', () => {
	it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
		'answers %s on a share with 405 and Allow: GET, HEAD',
		async (method) => {
			await createShare({ key: 'x.bin', id: 'method-1' }).catch(() => undefined)
			const res = await get('/method-1', { method, headers: { accept: 'application/json' } })
			expect(res.status).toBe(405)
			expect(res.headers.get('allow')).toBe('GET, HEAD')
			expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
		},
	)

	it('answers a POST to /:id/download with 405 and a page for a browser', async () => {
		await createShare({ key: 'x.bin', id: 'method-2' })
		const res = await get('/method-2/download', { method: 'POST', headers: { accept: 'text/html' } })
		expect(res.status).toBe(405)
		expect(res.headers.get('allow')).toBe('GET, HEAD')
		expect(res.headers.get('content-type')).toContain('text/html')
		// The catalogue's sentence, never the call site's detail (meant for API clients).
		const html = await res.text()
		expect(html).toContain(ERRORS.method_not_allowed.en)
		expect(html).not.toContain('GET or HEAD')
	})

	it.each([
		['JSON', 'application/json'],
		['a page', 'text/html'],
	])('marks an error as varying by Accept when it is %s', async (_label, accept) => {
		const res = await get('/no-such-share', { headers: { accept } })
		expect(res.status).toBe(404)
		const vary = (res.headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase())
		expect(vary).toContain('accept')
	})

	it('answers 500 invalid_record for a stored record this version cannot read', async () => {
		await env.SHARES.put('share:unreadable-1', JSON.stringify({ id: 'unreadable-1', key: 42 }))
		const res = await get('/unreadable-1', { headers: { accept: 'application/json' } })
		expect(res.status).toBe(500)
		expect(await res.json()).toMatchObject({ error: { code: 'invalid_record' } })
	})
})

describe('system routes', () => {
	it('reports health without secrets', async () => {
		const res = await get('/_/health')
		expect(res.status).toBe(200)
		const text = await res.text()
		expect(JSON.parse(text)).toMatchObject({ ok: true, config: 'ok', credentials: 'permanent' })
		expect(text).not.toContain(env.COS_SECRET_KEY)
		expect(text).not.toContain(env.COS_SECRET_ID)
	})

	it('reports a misconfiguration and an expired key with 503', async () => {
		const bad = await get('/_/health', {}, envWith({ COS_BUCKET: '' }))
		expect(bad.status).toBe(503)
		expect(await bad.json()).toMatchObject({ config: 'misconfigured', setting: 'COS_BUCKET' })
		const expired = await get('/_/health', {}, envWith({ COS_KEY_EXPIRES_AT: '1600000000' }))
		expect(expired.status).toBe(503)
		expect(await expired.json()).toMatchObject({
			credentials: 'expired',
			error: { code: 'credentials_expired' },
		})
	})

	it('serves robots.txt and favicon.ico without reading KV', async () => {
		const spy = vi.spyOn(env.SHARES, 'get')
		expect(await (await get('/robots.txt')).text()).toContain('Disallow: /')
		expect((await get('/favicon.ico')).status).toBe(204)
		expect(spy).not.toHaveBeenCalled()
	})
})

describe('hostile paths', () => {
	it.each([
		'/..',
		'/%2e%2e',
		'/%2E%2E/%2E%2E/etc/passwd',
		'/..%2f..%2fsecret',
		'/..%5c..%5csecret',
		'/%252e%252e',
		'/\uff0e\uff0e',
		'/%EF%BC%8E%EF%BC%8E',
		'/abc%00def',
		'/abc%0d%0aSet-Cookie:x',
		'/%E0%A4%A',
		`/${'a'.repeat(5000)}`,
		'//evil.com',
		'/_/evil',
		'/api',
	])('answers 404 for %s', async (path) => {
		const res = await get(path)
		expect(res.status).toBe(404)
		expect(res.headers.get('location')).toBeNull()
	})
})

describe('security headers', () => {
	it.each([
		['a redirect', '/sec-redirect', {}, 302],
		['the health check', '/_/health', {}, 200],
		['robots.txt', '/robots.txt', {}, 200],
		['an unknown share (JSON)', '/no-such-share', {}, 404],
		['an unknown share (page)', '/no-such-share', { accept: 'text/html' }, 404],
		['an unknown path', '/a/b/c', {}, 404],
		['the admin API', '/api/shares', {}, 401],
		['a refused method', '/sec-redirect', { 'x-method': 'POST' }, 405],
	])('are on %s', async (_label, path, headers: Record<string, string>, status) => {
		await createShare({ key: 'x.bin', id: 'sec-redirect' }).catch(() => undefined)
		const { 'x-method': method = 'GET', ...sent } = headers
		const res = await get(path, { method, headers: sent })
		expect(res.status).toBe(status)
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('referrer-policy')).toBe('no-referrer')
		expect(res.headers.get('x-robots-tag')).toContain('noindex')
		expect(res.headers.get('x-frame-options')).toBe('DENY')
	})
})

describe('the per-second redirect memo', () => {
	it('hands out one URL per share and method within a second, and a fresh one in the next', async () => {
		await createShare({ key: 'x.bin', id: 'memo-1' })
		const second = Math.floor(Date.now() / 1000) + 10
		const clock = vi.spyOn(Date, 'now').mockReturnValue(second * 1000 + 100)
		const location = async (init: RequestInit = {}) => (await get('/memo-1', init)).headers.get('location')
		const first = await location()
		clock.mockReturnValue(second * 1000 + 900)
		expect(await location()).toBe(first)
		const head = await location({ method: 'HEAD' })
		expect(head).not.toBe(first)
		clock.mockReturnValue((second + 1) * 1000)
		const next = await location()
		expect(next).not.toBe(first)
		expect(queryParams(next ?? '').get('q-sign-time')).toBe(`${second + 1 - 60};${second + 1 + 300}`)
	})

	it('never reuses a URL after the share changes', async () => {
		await createShare({ key: 'x.bin', id: 'memo-2' })
		const before = queryParams((await get('/memo-2')).headers.get('location') ?? '')
		await request('https://share.example.com/api/shares/memo-2', {
			method: 'PATCH',
			headers: {
				authorization: 'Bearer test-admin-token-0123456789abcdef',
				'content-type': 'application/json',
			},
			body: JSON.stringify({ filename: 'renamed.bin' }),
		})
		const after = queryParams((await get('/memo-2')).headers.get('location') ?? '')
		expect(before.get('response-content-disposition')).toContain('x.bin')
		expect(after.get('response-content-disposition')).toContain('renamed.bin')
	})
})
