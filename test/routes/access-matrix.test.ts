// Every (kind × restriction × route) cell of the access pipeline, from outside: a request
// that has not passed the gate gets no byte, no listing and no upload URL, and COS is never
// asked for an object on its behalf; once it has passed, it gets what an unrestricted twin
// share gets. Each row would fail if authorize were missing in front of its route.
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { listXml } from './folder-cos.ts'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION } from './page-helpers.ts'

resetBetweenTests()

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }
const JSON_ACCEPT = { 'user-agent': 'curl/8.5.0', accept: 'application/json' }
const FILES: Record<string, string> = {
	'm/file.txt': 'hello, world',
	'm/dir/a.txt': 'alpha',
	'm/dir/sub/b.txt': 'bravo',
}

interface Seen {
	method: string
	path: string
}

/** COS holding FILES: listings, GET/HEAD with one Range, PUT and multipart starts. */
function mockCos(): Seen[] {
	const seen: Seen[] = []
	vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		const url = new URL(String(input instanceof Request ? input.url : input))
		const method = init?.method ?? 'GET'
		seen.push({ method, path: url.pathname })
		if (url.pathname === '/') {
			const objects = Object.fromEntries(Object.entries(FILES).map(([key, body]) => [key, { body }]))
			return new Response(listXml(objects, url.searchParams), {
				headers: { 'content-type': 'application/xml' },
			})
		}
		if (method === 'PUT') return new Response(null, { status: 200, headers: { etag: '"up"' } })
		if (method === 'POST')
			return new Response(
				'<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>',
				{ headers: { 'content-type': 'application/xml' } },
			)
		const body = FILES[decodeURIComponent(url.pathname.slice(1))]
		if (body === undefined) return new Response('<Error><Code>NoSuchKey</Code></Error>', { status: 404 })
		const headers = new Headers(init?.headers)
		const range = /^bytes=(\d+)-(\d*)$/.exec(headers.get('range') ?? '')
		const base = {
			'content-type': 'text/plain',
			etag: '"e1"',
			'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT',
			'accept-ranges': 'bytes',
		}
		if (range) {
			const start = Number(range[1])
			const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1
			const part = body.slice(start, end + 1)
			return new Response(method === 'HEAD' ? null : part, {
				status: 206,
				headers: {
					...base,
					'content-length': String(part.length),
					'content-range': `bytes ${start}-${end}/${body.length}`,
				},
			})
		}
		return new Response(method === 'HEAD' ? null : body, {
			headers: { ...base, 'content-length': String(body.length) },
		})
	})
	return seen
}

/** Object reads and writes COS was asked for (listings and HEADs carry no object bytes). */
const objectTraffic = (seen: Seen[]) => seen.filter((s) => s.path !== '/' && s.method !== 'HEAD')

type Kind = 'file' | 'folder' | 'upload'

interface Probe {
	label: string
	method?: string
	path: (id: string) => string
	headers?: Record<string, string>
	body?: string
	/** Counts as one download on a limited share. */
	download?: boolean
}

const upload = (id: string) => ({
	type: 'upload',
	id,
	prefix: 'm/in/',
	expiresIn: 3600,
	upload: { maxFileSize: 1_000_000 },
})

function shareOf(kind: Kind, id: string, extra: Record<string, unknown>) {
	if (kind === 'file') return { key: 'm/file.txt', id, ...extra }
	if (kind === 'folder') return { type: 'folder', prefix: 'm/', id, ...extra }
	return { ...upload(id), ...extra }
}

const ROUTES: Record<Kind, Probe[]> = {
	file: [
		{ label: 'GET /:id (curl)', path: (id) => `/${id}`, headers: CURL, download: true },
		{ label: 'GET /:id/download', path: (id) => `/${id}/download`, headers: CURL, download: true },
		{ label: 'GET /:id/preview', path: (id) => `/${id}/preview`, headers: CURL },
		{
			label: 'GET /:id Range bytes=3-',
			path: (id) => `/${id}`,
			headers: { ...CURL, range: 'bytes=3-' },
			download: true,
		},
		{ label: 'HEAD /:id', method: 'HEAD', path: (id) => `/${id}`, headers: CURL },
	],
	folder: [
		{ label: 'GET /:id/ (JSON)', path: (id) => `/${id}/`, headers: JSON_ACCEPT },
		{ label: 'GET /:id/dir/ (JSON)', path: (id) => `/${id}/dir/`, headers: JSON_ACCEPT },
		{ label: 'GET /:id/file.txt', path: (id) => `/${id}/file.txt`, headers: CURL, download: true },
		{ label: 'GET /:id/dir/a.txt', path: (id) => `/${id}/dir/a.txt`, headers: CURL, download: true },
		{ label: 'GET /_/zip/:id/', path: (id) => `/_/zip/${id}/`, headers: CURL, download: true },
		{
			label: 'GET /_/zip/:id/dir/?recursive=1',
			path: (id) => `/_/zip/${id}/dir/?recursive=1`,
			headers: CURL,
			download: true,
		},
		{ label: 'HEAD /:id/file.txt', method: 'HEAD', path: (id) => `/${id}/file.txt`, headers: CURL },
	],
	upload: [
		{ label: 'GET /:id (JSON)', path: (id) => `/${id}`, headers: JSON_ACCEPT },
		{
			label: 'POST /:id/uploads',
			method: 'POST',
			path: (id) => `/${id}/uploads`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'x.txt', size: 5, type: 'text/plain' }),
		},
		{
			label: 'PUT /:id/uploads/x.txt',
			method: 'PUT',
			path: (id) => `/${id}/uploads/x.txt`,
			headers: { 'content-type': 'text/plain', 'content-length': '5' },
			body: 'hello',
		},
		{
			label: 'POST /:id/uploads/confirm',
			method: 'POST',
			path: (id) => `/${id}/uploads/confirm`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ key: 'm/in/x.txt' }),
		},
		{
			label: 'POST /:id/uploads/parts',
			method: 'POST',
			path: (id) => `/${id}/uploads/parts`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ token: 'x', partNumbers: [1] }),
		},
	],
}

function send(probe: Probe, id: string, extra: Record<string, string> = {}) {
	return get(probe.path(id), {
		method: probe.method ?? 'GET',
		headers: { ...probe.headers, ...extra },
		...(probe.body === undefined ? {} : { body: probe.body }),
		redirect: 'manual',
	})
}

let serial = 0
const nextId = (label: string) => `mx-${label}-${++serial}`

async function unlockToken(id: string, password: string): Promise<string> {
	const res = await get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ password }),
	})
	expect(res.status).toBe(200)
	return ((await res.json()) as { token: string }).token
}

async function downloads(id: string): Promise<number> {
	return ((await (await adminRequest(`/${id}`)).json()) as { downloads: number }).downloads
}

const cells = (Object.keys(ROUTES) as Kind[]).flatMap((kind) =>
	(ROUTES[kind] as Probe[]).map((probe) => ({ kind, probe })),
)

describe.each([
	['a password', { password: 'open sesame' }],
	['an extraction code', { extractionCode: true }],
])('%s guards every route of every kind', (_label, protection) => {
	it.each(cells)(
		'$kind: $probe.label is 401 until unlocked, then served like an open twin',
		async ({ kind, probe }) => {
			const seen = mockCos()
			const id = nextId('p')
			const created = await createShare(shareOf(kind, id, protection))
			const secret = (created.extractionCode as string | undefined) ?? 'open sesame'
			const twin = nextId('o')
			await createShare(shareOf(kind, twin, {}))

			const locked = await send(probe, id)
			expect(locked.status).toBe(401)
			if (probe.method !== 'HEAD')
				expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('password_required')
			expect(objectTraffic(seen)).toEqual([])

			const token = await unlockToken(id, secret)
			const open = await send(probe, twin)
			const unlocked = await send(probe, id, { authorization: `Bearer ${token}` })
			expect(unlocked.status).toBe(open.status)
		},
	)

	it.each((['file', 'folder', 'upload'] as Kind[]).map((kind) => ({ kind })))(
		'$kind: a browser gets the unlock page, never the content',
		async ({ kind }) => {
			const seen = mockCos()
			const id = nextId('b')
			await createShare(shareOf(kind, id, protection))
			const path = kind === 'folder' ? `/${id}/` : `/${id}`
			const res = await get(path, { headers: CHROME_NAVIGATION })
			expect(res.status).toBe(401)
			const html = await res.text()
			expect(html).toContain(`action="/_/unlock/${id}"`)
			expect(html).not.toContain('file.txt')
			expect(objectTraffic(seen)).toEqual([])
		},
	)
})

describe('a limited share counts every download on every kind that has downloads', () => {
	const byteRoutes = cells.filter(({ kind, probe }) => kind !== 'upload' && probe.download)
	const freeRoutes = cells.filter(({ kind, probe }) => kind !== 'upload' && !probe.download)

	it.each(byteRoutes)(
		'$kind: $probe.label spends one download and goes to a ticket',
		async ({ kind, probe }) => {
			const seen = mockCos()
			const id = nextId('l')
			await createShare(shareOf(kind, id, { maxDownloads: 1 }))
			const res = await send(probe, id)
			expect(res.status).toBe(302)
			expect(res.headers.get('location')).toMatch(/^\/_\/t\//)
			expect(objectTraffic(seen)).toEqual([])
			expect(await downloads(id)).toBe(1)
			const ticket = await get(res.headers.get('location') ?? '', {
				headers: probe.headers,
				redirect: 'manual',
			})
			expect([200, 206, 302]).toContain(ticket.status)
			const again = await send(probe, id)
			expect(again.status).toBe(410)
		},
	)

	it.each(freeRoutes.filter(({ probe }) => !probe.label.includes('preview')))(
		'$kind: $probe.label spends nothing',
		async ({ kind, probe }) => {
			mockCos()
			const id = nextId('f')
			await createShare(shareOf(kind, id, { maxDownloads: 1 }))
			for (let i = 0; i < 3; i++) expect((await send(probe, id)).status).toBeLessThan(400)
			expect(await downloads(id)).toBe(0)
		},
	)

	it.each((['file', 'folder'] as Kind[]).map((kind) => ({ kind })))(
		'$kind: expiresAfterFirstDownload starts at the first counted download',
		async ({ kind }) => {
			mockCos()
			const id = nextId('e')
			await createShare(shareOf(kind, id, { expiresAfterFirstDownload: 60 }))
			const path = kind === 'file' ? `/${id}` : `/${id}/file.txt`
			expect((await get(path, { headers: CURL, redirect: 'manual' })).status).toBe(302)
			vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000)
			expect((await get(path, { headers: CURL, redirect: 'manual' })).status).toBe(410)
		},
	)

	it('grants exactly 5 of 30 concurrent downloads of a folder with maxDownloads 5', async () => {
		mockCos()
		await createShare(shareOf('folder', 'mx-folder-30', { maxDownloads: 5 }))
		const statuses = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				get(i % 2 ? '/mx-folder-30/file.txt' : '/_/zip/mx-folder-30/', {
					headers: CURL,
					redirect: 'manual',
				}).then((res) => res.status),
			),
		)
		expect(statuses.filter((status) => status === 302)).toHaveLength(5)
		expect(statuses.filter((status) => status === 410)).toHaveLength(25)
		expect(await downloads('mx-folder-30')).toBe(5)
	})

	it.each([
		['maxDownloads', 1],
		['expiresAfterFirstDownload', 60],
	] as const)('refuses %s on an upload link, naming the field', async (field, value) => {
		const res = await adminRequest('', { method: 'POST', json: { ...upload(nextId('u')), [field]: value } })
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field)
	})
})

describe('a strict share answers as its Durable Object says, on every route of every kind', () => {
	it.each(cells)(
		'$kind: $probe.label is 404 at once after a delete, even with KV behind',
		async ({ kind, probe }) => {
			const seen = mockCos()
			const id = nextId('s')
			await createShare(shareOf(kind, id, { strict: true }))
			const stale = await env.SHARES.get(`share:${id}`)
			expect((await adminRequest(`/${id}`, { method: 'DELETE' })).status).toBe(204)
			// KV is eventually consistent: a location may still hold the record for a minute.
			if (stale !== null) await env.SHARES.put(`share:${id}`, stale)
			seen.length = 0
			const res = await send(probe, id)
			expect(res.status).toBe(404)
			expect(objectTraffic(seen)).toEqual([])
		},
	)
})
