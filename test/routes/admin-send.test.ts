// POST /api/uploads (and parts, complete, abort): the worker picks every key under
// SEND_PREFIX and signs exactly what COS may accept; GET /api/bucket lists one level.
import { afterEach, describe, expect, it } from 'vitest'
import { type Outbound, spyOnCos } from './cos-mock.ts'
import { listXml } from './folder-cos.ts'
import { ADMIN_TOKEN, BUCKET_HOST, request, resetBetweenTests } from './helpers.ts'

resetBetweenTests()
const outbound: Outbound[] = []
afterEach(() => {
	outbound.length = 0
})

const api = (path: string, json?: unknown, init: RequestInit = {}) =>
	request(`https://share.example.com/api${path}`, {
		method: json === undefined ? 'GET' : 'POST',
		...init,
		headers: {
			authorization: `Bearer ${ADMIN_TOKEN}`,
			...(json === undefined ? {} : { 'content-type': 'application/json' }),
			...init.headers,
		},
		...(json === undefined ? {} : { body: JSON.stringify(json) }),
	})

interface PutAnswer {
	key: string
	folder: string
	prefix: string
	name: string
	method: string
	url: string
	headers: Record<string, string>
	expiresAt: string
}

interface MultipartAnswer {
	key: string
	uploadId: string
	partSize: number
	partCount: number
	token: string
}

const MIB = 1024 ** 2

describe('POST /api/uploads: a pre-signed PUT', () => {
	it('puts the file under SEND_PREFIX in a random folder, signing length, type and no-overwrite', async () => {
		const res = await api('/uploads', { name: 'Q3 report.pdf', size: 5 * MIB })
		expect(res.status).toBe(201)
		const body = (await res.json()) as PutAnswer
		expect(body.key).toMatch(/^send\/[0-9A-Za-z]{16}\/Q3 report\.pdf$/)
		expect(body.prefix).toBe(`send/${body.folder}/`)
		expect(body.headers).toEqual({
			'content-length': String(5 * MIB),
			'content-type': 'application/pdf',
			'x-cos-forbid-overwrite': 'true',
		})
		const url = new URL(body.url)
		expect(url.host).toBe(BUCKET_HOST)
		expect(decodeURIComponent(url.pathname)).toBe(`/${body.key}`)
		expect(url.searchParams.get('q-header-list')).toBe(
			'content-length;content-type;host;x-cos-forbid-overwrite',
		)
		expect(res.headers.get('cache-control')).toBe('private, no-store')
	})

	it('puts a second file in the folder it is given, and cleans names into one segment', async () => {
		const first = (await (await api('/uploads', { name: 'a.txt', size: 1 })).json()) as PutAnswer
		const res = await api('/uploads', { name: '../etc/passwd', size: 1, folder: first.folder })
		const second = (await res.json()) as PutAnswer
		expect(second.prefix).toBe(first.prefix)
		expect(second.key).toBe(`${first.prefix}.._etc_passwd`)
	})

	it('refuses a folder it never handed out', async () => {
		const res = await api('/uploads', { name: 'a.txt', size: 1, folder: '../other' })
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe('folder')
	})

	it.each([
		['no token', {}, 401],
		['a body that is not JSON', { 'content-type': 'text/plain' }, 415],
	])('answers %s with %i', async (_label, headers, status) => {
		const init: RequestInit = { method: 'POST', body: '{"name":"a","size":1}', headers }
		const res =
			status === 401
				? await request('https://share.example.com/api/uploads', {
						...init,
						headers: { 'content-type': 'application/json' },
					})
				: await api('/uploads', undefined, init)
		expect(res.status).toBe(status)
	})
})

describe('POST /api/uploads: multipart above 64 MiB', () => {
	const initiated =
		'<InitiateMultipartUploadResult><UploadId>up-123</UploadId></InitiateMultipartUploadResult>'

	it('starts a multipart upload and signs its parts', async () => {
		spyOnCos(outbound, () => new Response(initiated))
		const res = await api('/uploads', { name: 'big.bin', size: 100 * MIB })
		expect(res.status).toBe(201)
		const body = (await res.json()) as MultipartAnswer
		expect(body).toMatchObject({ uploadId: 'up-123', partSize: 16 * MIB, partCount: 7 })
		expect(outbound[0]?.method).toBe('POST')
		expect(new URL(outbound[0]?.url ?? '').search).toBe('?uploads')
		const parts = await api('/uploads/parts', { token: body.token, partNumbers: [1, 7] })
		expect(parts.status).toBe(200)
		const { parts: signed } = (await parts.json()) as {
			parts: { partNumber: number; size: number; url: string }[]
		}
		expect(signed.map((part) => part.size)).toEqual([16 * MIB, 4 * MIB])
		expect(new URL(signed[0]?.url ?? '').searchParams.get('uploadId')).toBe('up-123')
	})

	it('completes with no-overwrite and checks the size COS reports', async () => {
		spyOnCos(outbound, (req) => {
			if (req.method === 'POST' && req.url.includes('?uploads')) return new Response(initiated)
			if (req.method === 'POST')
				return new Response(
					'<CompleteMultipartUploadResult><ETag>"e-2"</ETag></CompleteMultipartUploadResult>',
				)
			return new Response(null, { headers: { 'content-length': String(100 * MIB) } })
		})
		const { token } = (await (
			await api('/uploads', { name: 'big.bin', size: 100 * MIB })
		).json()) as MultipartAnswer
		const res = await api('/uploads/complete', { token, parts: [{ partNumber: 1, etag: '"a"' }] })
		expect(res.status).toBe(201)
		expect(await res.json()).toMatchObject({ size: 100 * MIB, etag: '"e-2"' })
		expect(outbound[1]?.headers.get('x-cos-forbid-overwrite')).toBe('true')
	})

	it('deletes an object whose parts do not add up, and says size_mismatch', async () => {
		spyOnCos(outbound, (req) => {
			if (req.method === 'POST' && req.url.includes('?uploads')) return new Response(initiated)
			if (req.method === 'POST')
				return new Response('<CompleteMultipartUploadResult><ETag>"e"</ETag></CompleteMultipartUploadResult>')
			if (req.method === 'DELETE') return new Response(null, { status: 204 })
			return new Response(null, { headers: { 'content-length': '5' } })
		})
		const { token } = (await (
			await api('/uploads', { name: 'big.bin', size: 100 * MIB })
		).json()) as MultipartAnswer
		const res = await api('/uploads/complete', { token, parts: [{ partNumber: 1, etag: '"a"' }] })
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('size_mismatch')
		expect(outbound.at(-1)?.method).toBe('DELETE')
	})

	it('aborts, and refuses a token it did not seal', async () => {
		spyOnCos(outbound, (req) =>
			req.method === 'DELETE' ? new Response(null, { status: 204 }) : new Response(initiated),
		)
		const { token } = (await (
			await api('/uploads', { name: 'big.bin', size: 100 * MIB })
		).json()) as MultipartAnswer
		expect((await api('/uploads/abort', { token })).status).toBe(204)
		expect(outbound.at(-1)?.method).toBe('DELETE')
		const forged = await api('/uploads/abort', { token: `${token}x` })
		expect(forged.status).toBe(400)
	})
})

describe('GET /api/bucket', () => {
	const objects = {
		'docs/report.pdf': { body: 'pdf' },
		'docs/2026/q1.pdf': { body: 'q1' },
		'readme.md': { body: '# hi' },
	}

	it('lists the root: folders and files', async () => {
		spyOnCos(outbound, (req) => new Response(listXml(objects, new URL(req.url).searchParams)))
		const res = await api('/bucket')
		expect(res.status).toBe(200)
		expect(await res.json()).toEqual({
			prefix: '',
			folders: [{ name: 'docs/', prefix: 'docs/' }],
			files: [{ name: 'readme.md', key: 'readme.md', size: 4, lastModified: '2026-01-02T03:04:05.000Z' }],
			cursor: null,
		})
	})

	it('lists a folder by its prefix', async () => {
		spyOnCos(outbound, (req) => new Response(listXml(objects, new URL(req.url).searchParams)))
		const body = (await (await api('/bucket?prefix=docs%2F')).json()) as {
			folders: unknown[]
			files: { key: string }[]
		}
		expect(body.folders).toEqual([{ name: '2026/', prefix: 'docs/2026/' }])
		expect(body.files.map((file) => file.key)).toEqual(['docs/report.pdf'])
	})

	it('refuses a prefix that is no folder, asking nothing of COS', async () => {
		spyOnCos(outbound, () => new Response(''))
		const res = await api('/bucket?prefix=docs')
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { code: string; field: string } }).error).toMatchObject({
			code: 'invalid_query',
			field: 'prefix',
		})
		expect(outbound).toHaveLength(0)
	})

	it('answers 502 origin_error when COS refuses the listing', async () => {
		spyOnCos(outbound, () => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 }))
		const res = await api('/bucket')
		expect(res.status).toBe(502)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('origin_error')
	})
})
