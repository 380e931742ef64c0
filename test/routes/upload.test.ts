import { describe, expect, it, vi } from 'vitest'
import { cosAuthorization } from '../../src/cos/sign.ts'
import { type CosAnswer, type Outbound, spyOnCos } from './cos-mock.ts'
import {
	adminRequest,
	BUCKET_HOST,
	createShare,
	get,
	queryParams,
	request,
	resetBetweenTests,
} from './helpers.ts'

const outbound: Outbound[] = []

const mockOrigin = (answer: CosAnswer) => spyOnCos(outbound, answer)

const cosError = (status: number, code: string) =>
	new Response(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`, {
		status,
		headers: { 'content-type': 'application/xml' },
	})

const MiB = 1024 ** 2
const RULES = {
	maxFileSize: 200 * MiB,
	allowedTypes: ['image/*', 'application/pdf'],
	allowedExtensions: ['.png', '.pdf'],
}

resetBetweenTests()

let n = 0
async function uploadShare(upload: Record<string, unknown> = RULES, extra: Record<string, unknown> = {}) {
	n += 1
	const id = `up-${n}`
	await createShare({ type: 'upload', id, prefix: 'inbox/', expiresIn: 3600, upload, ...extra })
	return id
}

const start = (id: string, body: unknown) =>
	get(`/${id}/uploads`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	})

const streamed = (id: string, name: string, body: string | null, headers: Record<string, string> = {}) =>
	get(`/${id}/uploads/${name}`, { method: 'PUT', headers, body })

async function errorCode(res: Response): Promise<string> {
	return ((await res.json()) as { error: { code: string } }).error.code
}

describe('POST /:id/uploads: a pre-signed PUT', () => {
	it('answers 201 with the key, the URL and the headers to send', async () => {
		const spy = mockOrigin(() => new Response(null, { status: 500 }))
		const id = await uploadShare()
		const res = await start(id, { name: 'report.pdf', size: 1234, type: 'application/pdf' })
		expect(res.status).toBe(201)
		const body = (await res.json()) as Record<string, unknown>
		expect(body.key).toMatch(/^inbox\/\d{4}-\d{2}-\d{2}\/[0-9A-Za-z]{8}-report\.pdf$/)
		expect(body).toMatchObject({
			name: 'report.pdf',
			method: 'PUT',
			headers: {
				'content-length': '1234',
				'content-type': 'application/pdf',
				'x-cos-forbid-overwrite': 'true',
			},
		})
		expect(spy).not.toHaveBeenCalled()
	})

	it('signs content-length, content-type, host and x-cos-forbid-overwrite', async () => {
		const id = await uploadShare()
		const body = (await (await start(id, { name: 'a.png', size: 5, type: 'image/png' })).json()) as {
			url: string
		}
		const url = new URL(body.url)
		expect(url.host).toBe(BUCKET_HOST)
		expect(queryParams(body.url).get('q-header-list')).toBe(
			'content-length;content-type;host;x-cos-forbid-overwrite',
		)
	})

	it('leaves x-cos-forbid-overwrite out when the link allows overwriting', async () => {
		const id = await uploadShare({ ...RULES, overwrite: true })
		const body = (await (await start(id, { name: 'a.png', size: 5, type: 'image/png' })).json()) as {
			url: string
			headers: Record<string, string>
		}
		expect(body.headers['x-cos-forbid-overwrite']).toBeUndefined()
		expect(queryParams(body.url).get('q-header-list')).toBe('content-length;content-type;host')
	})

	it('never signs past the link expiry', async () => {
		const id = await uploadShare(RULES, { expiresIn: 30 })
		const body = (await (await start(id, { name: 'a.png', size: 5, type: 'image/png' })).json()) as {
			url: string
		}
		const [from, to] = (queryParams(body.url).get('q-key-time') ?? '').split(';').map(Number)
		expect((to ?? 0) - (from ?? 0)).toBeLessThanOrEqual(90)
	})

	it('places the upload with the link key template', async () => {
		const id = await uploadShare({ maxFileSize: 100, keyTemplate: 'drop/{base}-{random}{ext}' })
		const body = (await (await start(id, { name: 'x.txt', size: 5 })).json()) as { key: string }
		expect(body.key).toMatch(/^inbox\/drop\/x-[0-9A-Za-z]{8}\.txt$/)
	})

	it('sanitizes a name with path separators and dots into one segment under the prefix', async () => {
		const id = await uploadShare({ maxFileSize: 100, keyTemplate: '{name}' })
		const body = (await (await start(id, { name: '../../etc/passwd', size: 5 })).json()) as { key: string }
		expect(body.key).toBe('inbox/.._.._etc_passwd')
	})
})

describe('POST /:id/uploads: refusals, with nothing sent to COS', () => {
	it.each([
		[
			'a file over the limit',
			{ name: 'a.pdf', size: 200 * MiB + 1, type: 'application/pdf' },
			413,
			'file_too_large',
		],
		['a type not allowed', { name: 'a.pdf', size: 5, type: 'text/html' }, 415, 'type_not_allowed'],
		['an extension not allowed', { name: 'a.exe', size: 5, type: 'image/png' }, 415, 'type_not_allowed'],
		['a negative size', { name: 'a.pdf', size: -1, type: 'application/pdf' }, 400, 'invalid_body'],
		['no name', { size: 5, type: 'application/pdf' }, 400, 'invalid_body'],
		['an unknown field', { name: 'a.pdf', size: 5, type: 'application/pdf', key: 'x' }, 400, 'invalid_body'],
	])('refuses %s', async (_label, body, status, code) => {
		const spy = mockOrigin(() => new Response(null, { status: 500 }))
		const id = await uploadShare()
		const res = await start(id, body)
		expect(res.status).toBe(status)
		expect(await errorCode(res)).toBe(code)
		expect(spy).not.toHaveBeenCalled()
	})

	it('refuses a body that is not JSON with 415', async () => {
		const id = await uploadShare()
		const res = await get(`/${id}/uploads`, { method: 'POST', body: 'name=a' })
		expect(res.status).toBe(415)
	})

	it('answers 410 once the link has expired', async () => {
		const id = await uploadShare()
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 7200_000)
		const res = await start(id, { name: 'a.pdf', size: 5, type: 'application/pdf' })
		expect(res.status).toBe(410)
	})

	it('answers 404 before the link is valid', async () => {
		const id = await uploadShare(RULES, { notBefore: new Date(Date.now() + 600_000).toISOString() })
		const res = await start(id, { name: 'a.pdf', size: 5, type: 'application/pdf' })
		expect(res.status).toBe(404)
	})

	it('answers 404 for a file share', async () => {
		await createShare({ key: 'files/a.txt', id: 'not-an-upload' })
		const res = await start('not-an-upload', { name: 'a.pdf', size: 5, type: 'application/pdf' })
		expect(res.status).toBe(404)
	})
})

const INITIATED =
	'<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>upload-42</UploadId></InitiateMultipartUploadResult>'

async function startMultipart(id: string) {
	const res = await start(id, { name: 'big.pdf', size: 100 * MiB, type: 'application/pdf' })
	return (await res.json()) as {
		key: string
		multipart: { uploadId: string; partSize: number; partCount: number; token: string }
	}
}

const postJson = (path: string, body: unknown) =>
	get(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('multipart uploads', () => {
	it('initiates above 64 MiB and answers the upload id, part size and count', async () => {
		mockOrigin(() => new Response(INITIATED))
		const id = await uploadShare()
		const body = await startMultipart(id)
		expect(body.multipart).toMatchObject({ uploadId: 'upload-42', partSize: 16 * MiB, partCount: 7 })
		expect(outbound[0]?.method).toBe('POST')
		expect(outbound[0]?.url).toMatch(/\?uploads$/)
	})

	it('pre-signs the parts asked for, each bound to its number and the upload id', async () => {
		mockOrigin(() => new Response(INITIATED))
		const id = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${id}/uploads/parts`, { token: multipart.token, partNumbers: [1, 7] })
		const { parts } = (await res.json()) as { parts: { partNumber: number; size: number; url: string }[] }
		expect(parts.map((part) => part.size)).toEqual([16 * MiB, 4 * MiB])
		const p = queryParams(parts[1]?.url ?? '')
		expect(p.get('partNumber')).toBe('7')
		expect(p.get('uploadId')).toBe('upload-42')
		expect(p.get('q-url-param-list')).toBe('partnumber;uploadid')
	})

	it('refuses a part number past the upload', async () => {
		mockOrigin(() => new Response(INITIATED))
		const id = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${id}/uploads/parts`, { token: multipart.token, partNumbers: [8] })
		expect(res.status).toBe(400)
	})

	it('refuses a token that was altered', async () => {
		mockOrigin(() => new Response(INITIATED))
		const id = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${id}/uploads/parts`, { token: `x${multipart.token}`, partNumbers: [1] })
		expect(res.status).toBe(400)
	})

	it('refuses a token of another upload link', async () => {
		mockOrigin(() => new Response(INITIATED))
		const id = await uploadShare()
		const other = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${other}/uploads/parts`, { token: multipart.token, partNumbers: [1] })
		expect(res.status).toBe(400)
	})

	it('completes with x-cos-forbid-overwrite and answers the key, size and ETag', async () => {
		mockOrigin((req) => {
			if (req.url.endsWith('?uploads')) return new Response(INITIATED)
			if (req.method === 'POST')
				return new Response(
					'  \n<CompleteMultipartUploadResult><ETag>"e-7"</ETag></CompleteMultipartUploadResult>',
				)
			return new Response(null, { headers: { 'content-length': String(100 * MiB) } })
		})
		const id = await uploadShare()
		const { key, multipart } = await startMultipart(id)
		const parts = Array.from({ length: 7 }, (_, i) => ({ partNumber: i + 1, etag: `"p${i + 1}"` }))
		const res = await postJson(`/${id}/uploads/complete`, { token: multipart.token, parts })
		expect(res.status).toBe(201)
		expect(await res.json()).toEqual({ key, name: 'big.pdf', size: 100 * MiB, etag: '"e-7"' })
		expect(outbound[1]?.headers.get('x-cos-forbid-overwrite')).toBe('true')
	})

	it('answers 409 upload_exists when COS reports FileAlreadyExists in the completion body, and aborts', async () => {
		mockOrigin((req) => {
			if (req.url.endsWith('?uploads')) return new Response(INITIATED)
			if (req.method === 'POST') return new Response('  <Error><Code>FileAlreadyExists</Code></Error>')
			return new Response(null, { status: 204 })
		})
		const id = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${id}/uploads/complete`, {
			token: multipart.token,
			parts: [{ partNumber: 1, etag: '"p1"' }],
		})
		expect(res.status).toBe(409)
		expect(await errorCode(res)).toBe('upload_exists')
		expect(outbound.at(-1)?.method).toBe('DELETE')
	})

	it('removes an object whose parts add up to another size than declared', async () => {
		mockOrigin((req) => {
			if (req.url.endsWith('?uploads')) return new Response(INITIATED)
			if (req.method === 'POST')
				return new Response('<CompleteMultipartUploadResult><ETag>"e"</ETag></CompleteMultipartUploadResult>')
			if (req.method === 'HEAD')
				return new Response(null, { headers: { 'content-length': String(101 * MiB) } })
			return new Response(null, { status: 204 })
		})
		const id = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${id}/uploads/complete`, {
			token: multipart.token,
			parts: [{ partNumber: 1, etag: '"p"' }],
		})
		expect(res.status).toBe(400)
		expect(await errorCode(res)).toBe('size_mismatch')
		expect(outbound.at(-1)?.method).toBe('DELETE')
		expect(outbound.at(-1)?.url).not.toContain('uploadId')
	})

	it('aborts on request and answers 204', async () => {
		mockOrigin((req) =>
			req.method === 'POST' ? new Response(INITIATED) : new Response(null, { status: 204 }),
		)
		const id = await uploadShare()
		const { multipart } = await startMultipart(id)
		const res = await postJson(`/${id}/uploads/abort`, { token: multipart.token })
		expect(res.status).toBe(204)
		expect(outbound.at(-1)?.method).toBe('DELETE')
		expect(outbound.at(-1)?.url).toMatch(/\?uploadId=upload-42$/)
	})
})

describe('PUT /:id/uploads/<name>: streamed', () => {
	it('streams the body to COS with the client length, type and a signed no-overwrite', async () => {
		mockOrigin(() => new Response(null, { headers: { etag: '"abc"' } }))
		const id = await uploadShare()
		const res = await streamed(id, 'photo.png', 'hello', {
			'content-type': 'image/png',
			'content-length': '5',
		})
		expect(res.status).toBe(201)
		const body = (await res.json()) as Record<string, unknown>
		expect(body).toMatchObject({ name: 'photo.png', size: 5, etag: '"abc"' })
		const sent = outbound[0]
		expect(sent?.method).toBe('PUT')
		expect(sent?.headers.get('content-length')).toBe('5')
		expect(sent?.headers.get('x-cos-forbid-overwrite')).toBe('true')
		expect(sent?.headers.get('authorization')).toContain(
			'q-header-list=content-length;content-type;host;x-cos-forbid-overwrite',
		)
		expect(sent?.url).toContain(encodeURI(String(body.key)))
	})

	it('answers 411 without a Content-Length and sends nothing', async () => {
		const spy = mockOrigin(() => new Response(null))
		const id = await uploadShare()
		const res = await request(`https://share.example.com/${id}/uploads/a.png`, {
			method: 'PUT',
			body: new ReadableStream({
				start(controller) {
					controller.enqueue(new TextEncoder().encode('x'))
					controller.close()
				},
			}),
			// @ts-expect-error workerd's RequestInit needs duplex for a stream body
			duplex: 'half',
		})
		expect(res.status).toBe(411)
		expect(await errorCode(res)).toBe('length_required')
		expect(spy).not.toHaveBeenCalled()
	})

	it.each([
		['too large', 'a.png', 'image/png', String(200 * MiB + 1), 413, 'file_too_large'],
		['a type not allowed', 'a.png', 'text/html', '5', 415, 'type_not_allowed'],
		['an extension not allowed', 'a.svg', 'image/svg+xml', '5', 415, 'type_not_allowed'],
	])('refuses a file %s before sending anything', async (_label, name, type, length, status, code) => {
		const spy = mockOrigin(() => new Response(null))
		const id = await uploadShare()
		const res = await streamed(id, name, null, { 'content-type': type, 'content-length': length })
		expect(res.status).toBe(status)
		expect(await errorCode(res)).toBe(code)
		expect(spy).not.toHaveBeenCalled()
	})

	it('answers 409 upload_exists when COS says FileAlreadyExists, never 502', async () => {
		mockOrigin(() => cosError(409, 'FileAlreadyExists'))
		const id = await uploadShare()
		const res = await streamed(id, 'a.png', 'hello', { 'content-type': 'image/png', 'content-length': '5' })
		expect(res.status).toBe(409)
		expect(await errorCode(res)).toBe('upload_exists')
	})

	it('sanitizes an encoded path separator in the name', async () => {
		mockOrigin(() => new Response(null))
		const id = await uploadShare({ maxFileSize: 100, keyTemplate: '{name}' })
		const res = await streamed(id, '..%2F..%2Fx.png', 'hello', { 'content-length': '5' })
		expect(((await res.json()) as { key: string }).key).toBe('inbox/.._.._x.png')
	})
})

describe('GET /:id of an upload link', () => {
	it('describes the rules as JSON for API clients', async () => {
		const id = await uploadShare()
		const res = await get(`/${id}`, { headers: { accept: 'application/json' } })
		expect(res.status).toBe(200)
		expect(await res.json()).toMatchObject({
			id,
			type: 'upload',
			rules: { maxFileSize: RULES.maxFileSize, allowedTypes: RULES.allowedTypes, overwrite: false },
			multipartThreshold: 64 * MiB,
			uploads: `https://share.example.com/${id}/uploads`,
		})
	})

	it('serves the upload page to browsers with the bucket allowed in connect-src', async () => {
		const id = await uploadShare()
		const res = await get(`/${id}`, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } })
		expect(res.status).toBe(200)
		const csp = res.headers.get('content-security-policy') ?? ''
		expect(csp).toContain(`connect-src 'self' https://${BUCKET_HOST}`)
		const html = await res.text()
		expect(html).toContain('id="uploader"')
		expect(html.slice(0, html.indexOf('<script'))).not.toMatch(/\son[a-z]+=/)
		expect(html).toMatch(/<script nonce="[^"]+">/)
	})
})

describe('key templates in the admin API', () => {
	it('refuses a template with an unknown placeholder, naming the field', async () => {
		const res = await adminRequest('', {
			method: 'POST',
			json: {
				type: 'upload',
				prefix: 'in/',
				expiresIn: 60,
				upload: { maxFileSize: 1, keyTemplate: '{user}/{name}' },
			},
		})
		expect(res.status).toBe(400)
		const body = (await res.json()) as { error: { field: string; detail: string } }
		expect(body.error.field).toBe('upload.keyTemplate')
		expect(body.error.detail).toContain('{user}')
	})
})

describe('the pre-signed PUT signature', () => {
	it('is exactly what the signer computes over the declared headers', async () => {
		const id = await uploadShare()
		const body = (await (await start(id, { name: 'a.png', size: 5, type: 'image/png' })).json()) as {
			key: string
			url: string
		}
		const p = queryParams(body.url)
		const [start_, end] = (p.get('q-key-time') ?? '').split(';').map(Number)
		const expected = await cosAuthorization({
			secretId: 'AKIDtestsecretid0000000000000000000',
			secretKey: 'testsecretkey0000000000000000000',
			method: 'PUT',
			key: body.key,
			headers: {
				'content-length': '5',
				'content-type': 'image/png',
				'x-cos-forbid-overwrite': 'true',
				host: BUCKET_HOST,
			},
			keyTime: { start: start_ ?? 0, end: end ?? 0 },
		})
		expect(p.get('q-signature')).toBe(/q-signature=([0-9a-f]+)/.exec(expected)?.[1])
	})
})
