import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { type CosAnswer, type Outbound, spyOnCos } from './cos-mock.ts'
import { BUCKET_HOST, createShare, envWith, get, resetBetweenTests } from './helpers.ts'

const BODY = 'hello, streamed world'
const outbound: Outbound[] = []

const mockOrigin = (answer: CosAnswer) => spyOnCos(outbound, answer)

function objectResponse(status = 200, extra: Record<string, string> = {}) {
	return new Response(status === 200 || status === 206 ? BODY : null, {
		status,
		headers: {
			'content-type': 'text/plain',
			'content-length': String(BODY.length),
			etag: '"abc123"',
			'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
			'accept-ranges': 'bytes',
			'x-cos-request-id': 'NjYz',
			'x-cos-hash-crc64ecma': '123',
			server: 'tencent-cos',
			connection: 'keep-alive',
			...extra,
		},
	})
}

const cosError = (status: number, code: string) =>
	new Response(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`, {
		status,
		headers: { 'content-type': 'application/xml', 'x-cos-request-id': 'req-1' },
	})

resetBetweenTests()

async function streamShare(id: string, extra: Record<string, unknown> = {}) {
	await createShare({ key: 'files/hello.txt', id, delivery: 'stream', ...extra })
}

describe('stream delivery: the request to COS', () => {
	it('signs with an Authorization header, not the URL, and bypasses the edge cache', async () => {
		await streamShare('stream-1')
		mockOrigin(() => objectResponse())
		const res = await get('/stream-1')
		expect(res.status).toBe(200)
		expect(await res.text()).toBe(BODY)
		expect(outbound).toHaveLength(1)
		const [req] = outbound
		expect(req?.url).toBe(`https://${BUCKET_HOST}/files/hello.txt`)
		expect(req?.method).toBe('GET')
		expect(req?.cache).toBe('no-store')
		expect(req?.headers.get('authorization')).toMatch(
			/^q-sign-algorithm=sha1&q-ak=AKID.*&q-header-list=host&q-url-param-list=&q-signature=[0-9a-f]{40}$/,
		)
	})

	it('sends a temporary key token as a header', async () => {
		await streamShare('stream-sts')
		mockOrigin(() => objectResponse())
		await get(
			'/stream-sts',
			{},
			envWith({
				COS_SECURITY_TOKEN: 'token-123',
				COS_KEY_EXPIRES_AT: String(Math.floor(Date.now() / 1000) + 600),
			}),
		)
		expect(outbound[0]?.headers.get('x-cos-security-token')).toBe('token-123')
	})

	it('forwards one Range and the conditional headers', async () => {
		await streamShare('stream-2')
		mockOrigin(() => objectResponse(206, { 'content-range': 'bytes 0-4/21', 'content-length': '5' }))
		const res = await get('/stream-2', {
			headers: {
				range: 'bytes=0-4',
				'if-none-match': '"x"',
				'if-modified-since': 'Wed, 01 Jan 2020 00:00:00 GMT',
				'if-match': '"abc123"',
				'if-unmodified-since': 'Wed, 01 Jan 2030 00:00:00 GMT',
				'accept-encoding': 'gzip',
				cookie: 'secret=1',
			},
		})
		const headers = outbound[0]?.headers
		expect(headers?.get('range')).toBe('bytes=0-4')
		expect(headers?.get('if-none-match')).toBe('"x"')
		expect(headers?.get('if-modified-since')).toBe('Wed, 01 Jan 2020 00:00:00 GMT')
		expect(headers?.get('if-match')).toBe('"abc123"')
		expect(headers?.get('if-unmodified-since')).toBe('Wed, 01 Jan 2030 00:00:00 GMT')
		expect(headers?.get('cookie')).toBeNull()
		expect(res.status).toBe(206)
		expect(res.headers.get('content-range')).toBe('bytes 0-4/21')
		await res.body?.cancel()
	})

	it.each([
		['a multi-range request', 'bytes=0-1,3-4'],
		['1,000 ranges', `bytes=${Array.from({ length: 1000 }, (_, i) => `${i * 2}-${i * 2}`).join(',')}`],
		['a malformed range', 'bytes=abc'],
		['a backwards range', 'bytes=9-2'],
		['a non-byte unit', 'items=0-1'],
	])('asks for the whole object for %s', async (label, range) => {
		const id = `stream-range-${label.replace(/[^a-z0-9]+/gi, '-')}`
		await streamShare(id)
		mockOrigin(() => objectResponse())
		const res = await get(`/${id}`, { headers: { range } })
		expect(outbound[0]?.headers.has('range')).toBe(false)
		expect(res.status).toBe(200)
		await res.body?.cancel()
	})

	it('forwards a Range whose unit is in capitals', async () => {
		await streamShare('stream-range-caps')
		mockOrigin(() => objectResponse(206, { 'content-range': 'bytes 0-4/21', 'content-length': '5' }))
		const res = await get('/stream-range-caps', { headers: { range: 'BYTES=0-4' } })
		expect(outbound[0]?.headers.get('range')).toBe('bytes=0-4')
		expect(res.status).toBe(206)
		await res.body?.cancel()
	})

	it('streams a share without a delivery of its own when DEFAULT_DELIVERY is stream', async () => {
		await createShare({ key: 'files/hello.txt', id: 'stream-default' })
		mockOrigin(() => objectResponse())
		const res = await get('/stream-default', {}, envWith({ DEFAULT_DELIVERY: 'stream' }))
		expect(res.status).toBe(200)
		expect(outbound).toHaveLength(1)
		expect(await res.text()).toBe(BODY)
	})

	it.each(['if-none-match', 'if-match', 'if-modified-since', 'if-unmodified-since', 'if-range'])(
		'answers a 20 KB %s with 431 itself, without asking COS or logging an error',
		async (name) => {
			await streamShare(`stream-huge-${name}`)
			const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
			mockOrigin(() => objectResponse())
			const res = await get(`/stream-huge-${name}`, {
				headers: { range: 'bytes=0-4', [name]: `"${'a'.repeat(20_000)}"`, accept: 'application/json' },
			})
			expect(res.status).toBe(431)
			expect(await res.json()).toMatchObject({ error: { code: 'header_too_large' } })
			expect(outbound).toHaveLength(0)
			expect(errors).not.toHaveBeenCalled()
		},
	)

	it('sends a signed HEAD for HEAD and pulls no body', async () => {
		await streamShare('stream-head')
		mockOrigin(() => objectResponse())
		const res = await get('/stream-head', { method: 'HEAD' })
		expect(outbound[0]?.method).toBe('HEAD')
		expect(res.status).toBe(200)
		expect(res.headers.get('content-length')).toBe(String(BODY.length))
		expect(await res.text()).toBe('')
	})
})

describe('stream delivery: If-Range', () => {
	it('guards the range with If-Match and serves the 206 when the ETag still matches', async () => {
		await streamShare('if-range-1')
		mockOrigin(() => objectResponse(206, { 'content-range': 'bytes 5-9/21', 'content-length': '5' }))
		const res = await get('/if-range-1', { headers: { range: 'bytes=5-9', 'if-range': '"abc123"' } })
		expect(outbound[0]?.headers.get('if-match')).toBe('"abc123"')
		expect(res.status).toBe(206)
		await res.body?.cancel()
	})

	it('restarts with the whole new object when the ETag changed', async () => {
		await streamShare('if-range-2')
		mockOrigin((req) =>
			req.headers.has('if-match') ? cosError(412, 'PreconditionFailed') : objectResponse(),
		)
		const res = await get('/if-range-2', { headers: { range: 'bytes=5-9', 'if-range': '"old"' } })
		expect(outbound).toHaveLength(2)
		expect(outbound[1]?.headers.has('range')).toBe(false)
		expect(outbound[1]?.headers.has('if-match')).toBe(false)
		expect(res.status).toBe(200)
		expect(await res.text()).toBe(BODY)
	})

	it('restarts when a date validator does not equal Last-Modified exactly', async () => {
		await streamShare('if-range-3')
		mockOrigin((req) =>
			req.headers.has('range') ? objectResponse(206, { 'content-range': 'bytes 5-9/21' }) : objectResponse(),
		)
		const res = await get('/if-range-3', {
			headers: { range: 'bytes=5-9', 'if-range': 'Tue, 31 Dec 2024 00:00:00 GMT' },
		})
		expect(outbound).toHaveLength(2)
		expect(res.status).toBe(200)
		await res.body?.cancel()
	})

	it('serves the 206 when a date validator equals a Last-Modified at least a second old', async () => {
		await streamShare('if-range-date')
		mockOrigin(() => objectResponse(206, { 'content-range': 'bytes 5-9/21', 'content-length': '5' }))
		const res = await get('/if-range-date', {
			headers: { range: 'bytes=5-9', 'if-range': 'Wed, 01 Jan 2025 00:00:00 GMT' },
		})
		expect(outbound).toHaveLength(1)
		expect(outbound[0]?.headers.get('if-unmodified-since')).toBe('Wed, 01 Jan 2025 00:00:00 GMT')
		expect(res.status).toBe(206)
		await res.body?.cancel()
	})

	it('restarts when Last-Modified is not yet a second old, however exactly it matches', async () => {
		await streamShare('if-range-fresh')
		const second = Math.floor(Date.now() / 1000) + 5
		vi.spyOn(Date, 'now').mockReturnValue(second * 1000 + 900)
		const lastModified = new Date(second * 1000).toUTCString()
		mockOrigin((req) =>
			req.headers.has('range')
				? objectResponse(206, { 'content-range': 'bytes 5-9/21', 'last-modified': lastModified })
				: objectResponse(200, { 'last-modified': lastModified }),
		)
		const res = await get('/if-range-fresh', { headers: { range: 'bytes=5-9', 'if-range': lastModified } })
		expect(outbound).toHaveLength(2)
		expect(res.status).toBe(200)
		await res.body?.cancel()
	})

	it('ignores the range for a weak validator', async () => {
		await streamShare('if-range-4')
		mockOrigin(() => objectResponse())
		const res = await get('/if-range-4', { headers: { range: 'bytes=5-9', 'if-range': 'W/"abc123"' } })
		expect(outbound[0]?.headers.has('range')).toBe(false)
		expect(res.status).toBe(200)
		await res.body?.cancel()
	})
})

describe('stream delivery: what the client gets', () => {
	it('passes 200 with its length, validators and safe headers only', async () => {
		await streamShare('stream-3')
		mockOrigin(() => objectResponse())
		const res = await get('/stream-3')
		expect(res.headers.get('content-length')).toBe(String(BODY.length))
		expect(res.headers.get('etag')).toBe('"abc123"')
		expect(res.headers.get('last-modified')).toBe('Wed, 01 Jan 2025 00:00:00 GMT')
		expect(res.headers.get('accept-ranges')).toBe('bytes')
		expect(res.headers.get('cache-control')).toBe('private, no-store, no-transform')
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
		expect(res.headers.get('content-disposition')).toBe('attachment; filename="hello.txt"')
		for (const name of ['x-cos-request-id', 'x-cos-hash-crc64ecma', 'server', 'connection'])
			expect(res.headers.has(name)).toBe(false)
		await res.body?.cancel()
	})

	it.each([304, 412, 416])('passes %i through without a body', async (status) => {
		await streamShare(`stream-${status}`)
		mockOrigin(() =>
			status === 416
				? new Response('<Error/>', { status, headers: { 'content-range': 'bytes */21' } })
				: new Response(null, { status, headers: { etag: '"abc123"' } }),
		)
		const res = await get(`/stream-${status}`, { headers: { 'if-none-match': '"abc123"' } })
		expect(res.status).toBe(status)
		expect(await res.text()).toBe('')
		if (status === 416) expect(res.headers.get('content-range')).toBe('bytes */21')
	})

	it.each([
		[412, {}],
		[416, { 'content-range': 'bytes */21' }],
	])('answers a HEAD that gets %i with the empty length its GET sends', async (status, extra) => {
		await streamShare(`stream-head-${status}`)
		const xml = '<?xml version="1.0"?><Error><Code>x</Code></Error>'
		mockOrigin(
			() =>
				new Response(xml, {
					status,
					headers: {
						'content-type': 'application/xml',
						'content-length': String(xml.length),
						'content-encoding': 'gzip',
						...extra,
					},
				}),
		)
		const init = { headers: { range: 'bytes=99-100', 'if-match': '"other"' } }
		const head = await get(`/stream-head-${status}`, { ...init, method: 'HEAD' })
		const getRes = await get(`/stream-head-${status}`, init)
		expect(head.status).toBe(status)
		expect(head.headers.get('content-length')).toBe('0')
		expect(getRes.headers.get('content-length')).toBe('0')
		expect(await getRes.text()).toBe('')
		expect(head.headers.has('content-type')).toBe(false)
		expect(head.headers.has('content-encoding')).toBe(false)
	})

	it('sends a 304 without Content-Type, Content-Disposition or a length', async () => {
		await streamShare('stream-304-bare')
		mockOrigin(
			() =>
				new Response(null, {
					status: 304,
					headers: { etag: '"abc123"', 'content-type': 'text/plain', 'content-length': '21' },
				}),
		)
		const res = await get('/stream-304-bare', { headers: { 'if-none-match': '"abc123"' } })
		expect(res.status).toBe(304)
		expect(res.headers.get('etag')).toBe('"abc123"')
		for (const name of ['content-type', 'content-disposition', 'content-length'])
			expect(res.headers.has(name)).toBe(false)
	})

	it("falls back to the bare type when COS's Content-Type has non-ASCII parameters", async () => {
		await createShare({ key: 'files/readme', id: 'stream-latin1', delivery: 'stream' })
		mockOrigin(() => objectResponse(200, { 'content-type': 'text/plain; name="\u00fcber"' }))
		const res = await get('/stream-latin1')
		expect(res.headers.get('content-type')).toBe('text/plain')
		await res.body?.cancel()
	})

	it.each([
		['page.html', 'text/html'],
		['image.svg', 'image/svg+xml'],
		['feed.xml', 'application/xml'],
		['app.js', 'text/javascript'],
		['page.xhtml', 'application/xhtml+xml'],
		['mystery', 'application/x-unknown'],
	])('serves %s as a sandboxed octet-stream attachment even when marked inline', async (key, type) => {
		await createShare({
			key,
			id: `inline-${key.replace('.', '-')}`,
			delivery: 'stream',
			disposition: 'inline',
			contentType: type,
		})
		mockOrigin(() => objectResponse(200, { 'content-type': type }))
		const res = await get(`/inline-${key.replace('.', '-')}`)
		expect(res.headers.get('content-type')).toBe('application/octet-stream')
		expect(res.headers.get('content-disposition')?.startsWith('attachment')).toBe(true)
		expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
		await res.body?.cancel()
	})

	it('lets inline video load itself in a sandbox that still runs nothing', async () => {
		await createShare({
			key: 'video/demo.mp4',
			id: 'inline-video',
			delivery: 'stream',
			disposition: 'inline',
		})
		mockOrigin(() => objectResponse(200, { 'content-type': 'video/mp4' }))
		const res = await get('/inline-video')
		expect(res.headers.get('content-type')).toBe('video/mp4')
		expect(res.headers.get('content-security-policy')).toBe(
			"sandbox allow-same-origin; default-src 'none'; media-src 'self'",
		)
		await res.body?.cancel()
	})

	it('keeps the strict sandbox for video served as an attachment', async () => {
		await createShare({ key: 'video/demo.mp4', id: 'attached-video', delivery: 'stream' })
		mockOrigin(() => objectResponse(200, { 'content-type': 'video/mp4' }))
		const res = await get('/attached-video')
		expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
		await res.body?.cancel()
	})

	it('streams inline audio whose share did not choose a delivery', async () => {
		await createShare({ key: 'audio/talk.mp3', id: 'inline-audio', disposition: 'inline' })
		mockOrigin(() => objectResponse(200, { 'content-type': 'audio/mpeg' }))
		const res = await get('/inline-audio', {}, envWith({ DEFAULT_DELIVERY: 'redirect' }))
		expect(res.status).toBe(200)
		expect(outbound).toHaveLength(1)
		expect(res.headers.get('content-type')).toBe('audio/mpeg')
		await res.body?.cancel()
	})

	it('still redirects inline video when the share chose redirect', async () => {
		await createShare({
			key: 'video/demo.mp4',
			id: 'inline-video-302',
			delivery: 'redirect',
			disposition: 'inline',
		})
		const res = await get('/inline-video-302')
		expect(res.status).toBe(302)
	})

	it('lets a PDF be shown inline when the share asks for it', async () => {
		await createShare({ key: 'r.pdf', id: 'inline-pdf', delivery: 'stream', disposition: 'inline' })
		mockOrigin(() => objectResponse(200, { 'content-type': 'application/pdf' }))
		const res = await get('/inline-pdf')
		expect(res.headers.get('content-type')).toBe('application/pdf')
		expect(res.headers.get('content-disposition')).toBe('inline; filename="r.pdf"')
		await res.body?.cancel()
	})

	it.each([
		['quotes', 'a"b".txt'],
		['a semicolon', 'a; filename=x.exe'],
		['an RTL override', 'cod\u202Egnp.exe'],
		['a 300-byte name', `${'名'.repeat(100)}.txt`],
	])('gives exactly one safe Content-Disposition for a filename with %s', async (_label, filename) => {
		const id = `fname-${filename.length}-${_label.length}`
		await createShare({ key: 'f.txt', id, delivery: 'stream', filename })
		mockOrigin(() => objectResponse())
		const res = await get(`/${id}`)
		const value = res.headers.get('content-disposition') ?? ''
		expect(value.match(/filename=/g)).toHaveLength(1)
		expect(value).not.toMatch(/[\r\n\u202e]/)
		expect(value.match(/filename="([^"]*)"/)?.[1]).not.toMatch(/[";\\]/)
		await res.body?.cancel()
	})
})

describe('stream delivery: origin failures', () => {
	it('answers 404 object_not_found when COS has no such key', async () => {
		await streamShare('gone-1')
		mockOrigin(() => cosError(404, 'NoSuchKey'))
		const res = await get('/gone-1')
		expect(res.status).toBe(404)
		expect(await res.json()).toMatchObject({ error: { code: 'object_not_found' } })
	})

	it.each([
		[403, 'AccessDenied'],
		[403, 'SignatureDoesNotMatch'],
		[500, 'InternalError'],
		[503, 'SlowDown'],
	])('answers 502 origin_error with a request id for %i %s', async (status, code) => {
		await streamShare(`fail-${status}-${code.length}`)
		mockOrigin(() => cosError(status, code))
		const res = await get(`/fail-${status}-${code.length}`)
		expect(res.status).toBe(502)
		const body = (await res.json()) as { error: { code: string; requestId: string } }
		expect(body.error.code).toBe('origin_error')
		expect(body.error.requestId).toMatch(/^[\w-]+$/)
	})

	it('names the fix for DownloadForbidden', async () => {
		await createShare({ key: 'app.apk', id: 'apk-1', delivery: 'stream' })
		mockOrigin(() => cosError(403, 'DownloadForbidden'))
		const res = await get('/apk-1')
		expect(res.status).toBe(403)
		const body = (await res.json()) as { error: { code: string; detail: string } }
		expect(body.error.code).toBe('download_forbidden')
		expect(body.error.detail).toContain('custom origin domain')
	})

	it('answers 502 when COS does not answer before the timeout', async () => {
		await streamShare('slow-1')
		vi.spyOn(globalThis, 'fetch').mockImplementation(
			(_input, init) =>
				new Promise((_resolve, reject) => {
					init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
				}),
		)
		const res = await get('/slow-1', {}, envWith({ ORIGIN_TIMEOUT_MS: '50' }))
		expect(res.status).toBe(502)
		expect(await res.json()).toMatchObject({ error: { code: 'origin_error' } })
	})

	it('answers 502 when COS cannot be reached', async () => {
		await streamShare('down-1')
		vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('Network connection lost.'))
		expect((await get('/down-1')).status).toBe(502)
	})
})

describe('logs', () => {
	it('never contain a signature, a secret or a bearer token', async () => {
		const lines: string[] = []
		for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const)
			vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				lines.push(args.map(String).join(' '))
			})
		await streamShare('logged-1')
		await createShare({ key: 'x.bin', id: 'logged-2' })
		mockOrigin((_req, n) => (n % 2 ? cosError(403, 'SignatureDoesNotMatch') : objectResponse()))
		await get('/logged-1')
		await get('/logged-2')
		await get('/logged-1', {}, envWith({ COS_KEY_EXPIRES_AT: '1600000000' }))
		vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('boom q-signature=0123456789abcdef'))
		await get('/logged-1')
		// An unexpected error's message is the free text that only redact() stands between.
		vi.spyOn(env.SHARES, 'get').mockRejectedValue(
			new Error(
				`kv failed for q-signature=0123456789abcdef&q-ak=${env.COS_SECRET_ID} Bearer ${env.ADMIN_TOKEN}`,
			),
		)
		await get('/logged-3')
		const all = lines.join('\n')
		expect(all).toContain('"event":"unhandled"')
		expect(all).toContain('q-signature=[redacted]')
		expect(all).not.toContain('q-signature=0')
		expect(all).not.toMatch(/q-signature=[0-9a-f]{8}/)
		expect(all).not.toContain(env.COS_SECRET_KEY)
		expect(all).not.toContain(env.COS_SECRET_ID)
		expect(all).not.toContain(env.ADMIN_TOKEN)
	})
})
