// The types objects are stored and served with: what an upload declares is normalized before
// COS keeps it, whatever COS or a share record holds is normalized before it is sent, markup
// never goes out inline, and a stored octet-stream means "unknown" (the name decides).
import { describe, expect, it } from 'vitest'
import { type Outbound, spyOnCos } from './cos-mock.ts'
import { createShare, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION, mockCos } from './page-helpers.ts'

resetBetweenTests()

/** What Chromium reads as text/html: a list of types, of which it takes the last. */
const SMUGGLED = 'text/plain;,text/html'

let serial = 0
const fresh = (prefix: string) => `${prefix}-${++serial}`

const MiB = 1024 ** 2
const INITIATED =
	'<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>'

async function uploadShare(): Promise<string> {
	const id = fresh('ct-up')
	await createShare({
		type: 'upload',
		id,
		prefix: 'inbox/',
		expiresIn: 3600,
		upload: { maxFileSize: 1024 * MiB },
	})
	return id
}

const start = (id: string, body: unknown) =>
	get(`/${id}/uploads`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	})

describe('the type an upload is stored with', () => {
	it.each([
		[SMUGGLED, 'notes.txt', 'text/plain; charset=utf-8'],
		[SMUGGLED, 'page.html', 'text/html; charset=utf-8'],
		['Text/Plain; Charset=UTF-8; format=flowed', 'notes.txt', 'text/plain; charset=utf-8'],
		['image/png, text/html', 'cat.png', 'image/png'],
		['text', 'blob', 'application/octet-stream'],
		[undefined, 'blob', 'application/octet-stream'],
	])('is %j normalized (or by name) for %s on a pre-signed PUT', async (declared, name, stored) => {
		const outbound: Outbound[] = []
		spyOnCos(outbound, () => new Response(null, { status: 500 }))
		const id = await uploadShare()
		const res = await start(id, { name, size: 5, ...(declared === undefined ? {} : { type: declared }) })
		expect(res.status).toBe(201)
		const body = (await res.json()) as { headers: Record<string, string> }
		expect(body.headers['content-type']).toBe(stored)
		expect(outbound).toHaveLength(0)
	})

	it('is normalized on a streamed PUT', async () => {
		const outbound: Outbound[] = []
		spyOnCos(outbound, () => new Response(null, { headers: { etag: '"e"' } }))
		const id = await uploadShare()
		const res = await get(`/${id}/uploads/notes.txt`, {
			method: 'PUT',
			headers: { 'content-length': '5', 'content-type': SMUGGLED },
			body: 'hello',
		})
		expect(res.status).toBe(201)
		expect(outbound.map((req) => req.method)).toEqual(['PUT'])
		expect(outbound[0]?.headers.get('content-type')).toBe('text/plain; charset=utf-8')
	})

	it('is normalized when a multipart upload is initiated', async () => {
		const outbound: Outbound[] = []
		spyOnCos(outbound, () => new Response(INITIATED))
		const id = await uploadShare()
		const res = await start(id, { name: 'big.txt', size: 100 * MiB, type: SMUGGLED })
		expect(res.status).toBe(201)
		const initiate = outbound.find((req) => req.url.endsWith('?uploads'))
		expect(initiate?.headers.get('content-type')).toBe('text/plain; charset=utf-8')
	})
})

describe('the type a preview is served with', () => {
	it('normalizes a smuggled type COS holds, and never lets it run', async () => {
		const id = fresh('ct-pv')
		await createShare({ key: 'up/notes.txt', id })
		mockCos({ body: '<script>alert(1)</script>', type: SMUGGLED })
		const res = await get(`/${id}/preview`)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
		expect(res.headers.get('content-disposition')).toMatch(/^inline;/)
	})

	it('has no preview of an .html file COS holds as a smuggled text/plain', async () => {
		const id = fresh('ct-pv')
		await createShare({ key: 'up/page.html', id })
		const outbound = mockCos({ body: '<script>alert(1)</script>', type: SMUGGLED })
		const res = await get(`/${id}/preview`)
		expect(res.status).toBe(404)
		expect(outbound.map((req) => req.method)).toEqual(['HEAD'])
	})

	it('normalizes the share’s own type, dropping a quoted list', async () => {
		const id = fresh('ct-pv')
		await createShare({ key: 'up/notes', id, contentType: 'Text/Plain; x=",text/html"' })
		mockCos({ body: 'text', type: 'text/plain' })
		const res = await get(`/${id}/preview`)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('text/plain')
	})
})

describe('the type a folder share streams a file with', () => {
	async function folderShare(): Promise<string> {
		const id = fresh('ct-fold')
		await createShare({ type: 'folder', id, prefix: 'up/', delivery: 'stream', disposition: 'inline' })
		return id
	}

	it.each([
		['notes.txt', 'text/plain; charset=utf-8', 'inline'],
		['page.html', 'application/octet-stream', 'attachment'],
		['notes', 'application/octet-stream', 'attachment'],
	])('labels %s stored as a smuggled type %s, %s', async (name, type, disposition) => {
		const id = await folderShare()
		mockCos({ body: '<script>alert(1)</script>', type: SMUGGLED })
		const res = await get(`/${id}/${name}`)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe(type)
		expect(res.headers.get('content-disposition')?.split(';')[0]).toBe(disposition)
	})

	it.each(['text/html', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/javascript'])(
		'never sends %s inline',
		async (stored) => {
			const id = await folderShare()
			mockCos({ body: '<x/>', type: stored })
			const res = await get(`/${id}/file.bin`)
			expect(res.headers.get('content-type')).toBe('application/octet-stream')
			expect(res.headers.get('content-disposition')).toMatch(/^attachment;/)
		},
	)

	it('normalizes a type COS holds with case and parameters', async () => {
		const id = await folderShare()
		mockCos({ body: 'a,b', type: 'Text/CSV; Charset=UTF-8; header=present' })
		const res = await get(`/${id}/data.csv`)
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
	})
})

describe('a stored octet-stream means "unknown": the name decides', () => {
	it.each(['application/octet-stream', 'binary/octet-stream', 'Application/Octet-Stream; charset=x'])(
		'previews a .png COS stores as %s',
		async (stored) => {
			const id = fresh('ct-oct')
			await createShare({ key: 'up/cat.png', id })
			mockCos({ body: 'PNG', type: stored })
			const res = await get(`/${id}/preview`)
			expect(res.status).toBe(200)
			expect(res.headers.get('content-type')).toBe('image/png')
		},
	)

	it('shows the name’s type and a preview on the download page', async () => {
		const id = fresh('ct-oct')
		await createShare({ key: 'up/cat.png', id, page: true })
		mockCos({ body: 'PNG', type: 'application/octet-stream' })
		const html = await (await get(`/${id}?lang=en`, { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain(' · PNG image</p>')
		expect(html).not.toContain('application/octet-stream')
		expect(html).toContain(`/${id}/preview`)
	})

	it('labels a streamed .png COS stores as binary/octet-stream by its name', async () => {
		const id = fresh('ct-oct')
		await createShare({ key: 'up/cat.png', id, delivery: 'stream', disposition: 'inline' })
		mockCos({ body: 'PNG', type: 'binary/octet-stream' })
		const res = await get(`/${id}/download`)
		expect(res.headers.get('content-type')).toBe('image/png')
		expect(res.headers.get('content-disposition')).toMatch(/^inline;/)
	})

	it('still labels a file of no known name as an octet-stream', async () => {
		const id = fresh('ct-oct')
		await createShare({ key: 'up/blob', id, delivery: 'stream' })
		mockCos({ body: 'x', type: 'application/octet-stream' })
		const res = await get(`/${id}/download`)
		expect(res.headers.get('content-type')).toBe('application/octet-stream')
	})

	it('lets the share’s own octet-stream win over the name', async () => {
		const id = fresh('ct-oct')
		await createShare({ key: 'up/cat.png', id, contentType: 'application/octet-stream' })
		mockCos({ body: 'PNG', type: 'image/png' })
		expect((await get(`/${id}/preview`)).status).toBe(404)
	})
})
