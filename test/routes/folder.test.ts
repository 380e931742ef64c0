import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/env.ts'
import { type FakeObject, fakeCos } from './folder-cos.ts'
import { BUCKET_HOST, createShare, envWith, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

const file = (body: string): FakeObject => ({ body })

const BUCKET: Record<string, FakeObject> = {
	'docs/readme.txt': file('read me'),
	'docs/a+b c.txt': file('plus and space'),
	'docs/100% done.txt': file('percent'),
	'docs/照片/📷 one.jpg': file('jpeg bytes'),
	'docs/照片/deeper/two.txt': file('two'),
	'docs/empty/': file(''),
	'docs-private/secret.txt': file('secret'),
	'secret.txt': file('root secret'),
}

const JSON_ACCEPT = { headers: { accept: 'application/json' } }
const HTML_ACCEPT = { headers: { accept: 'text/html', 'accept-language': 'en' } }

interface ListingBody {
	path: string
	folders: { name: string; path: string }[]
	files: { name: string; path: string; size: number; lastModified: string; etag: string }[]
	cursor: string | null
}

async function folderShare(id: string, extra: Record<string, unknown> = {}) {
	await createShare({ type: 'folder', prefix: 'docs/', id, ...extra })
}

describe('folder share address', () => {
	it('sends /:id to /:id/ with the same query string', async () => {
		await folderShare('fold-root')
		const res = await get('/fold-root?lang=zh')
		expect(res.status).toBe(301)
		expect(res.headers.get('location')).toBe('/fold-root/?lang=zh')
	})
})

describe('JSON listing', () => {
	it('lists the root with sub-folders and files relative to the share, never the prefix', async () => {
		await folderShare('fold-json')
		fakeCos(BUCKET)
		const res = await get('/fold-json/', JSON_ACCEPT)
		expect(res.status).toBe(200)
		const body = (await res.json()) as ListingBody
		expect(body.path).toBe('')
		expect(body.folders).toEqual([
			{ name: 'empty', path: 'empty/' },
			{ name: '照片', path: '照片/' },
		])
		expect(body.files.map((f) => f.path)).toEqual(['100% done.txt', 'a+b c.txt', 'readme.txt'])
		expect(body.files[2]).toEqual({
			name: 'readme.txt',
			path: 'readme.txt',
			size: 7,
			lastModified: '2026-01-02T03:04:05.000Z',
			etag: '"e"',
		})
		expect(body.cursor).toBeNull()
		expect(JSON.stringify(body)).not.toContain('docs')
	})

	it('asks COS for exactly one signed level of the prefix', async () => {
		await folderShare('fold-req')
		const { outbound } = fakeCos(BUCKET)
		await get('/fold-req/%E7%85%A7%E7%89%87/', JSON_ACCEPT)
		expect(outbound).toHaveLength(1)
		const [req] = outbound
		expect(req?.url.host).toBe(BUCKET_HOST)
		expect(req?.url.search).toBe(
			'?delimiter=%2F&encoding-type=url&max-keys=1000&prefix=docs%2F%E7%85%A7%E7%89%87%2F',
		)
		expect(req?.headers.get('authorization')).toMatch(
			/q-header-list=host&q-url-param-list=delimiter;encoding-type;max-keys;prefix&q-signature=[0-9a-f]{40}$/,
		)
	})

	it('lists a sub-level with paths from the share root', async () => {
		await folderShare('fold-sub')
		fakeCos(BUCKET)
		const body = (await (await get('/fold-sub/%E7%85%A7%E7%89%87/', JSON_ACCEPT)).json()) as ListingBody
		expect(body.path).toBe('照片/')
		expect(body.folders).toEqual([{ name: 'deeper', path: '照片/deeper/' }])
		expect(body.files.map((f) => f.path)).toEqual(['照片/📷 one.jpg'])
	})

	it('pages with limit and an opaque cursor that does not carry the prefix', async () => {
		await folderShare('fold-page')
		fakeCos(BUCKET)
		const first = (await (await get('/fold-page/?limit=2', JSON_ACCEPT)).json()) as ListingBody
		expect(first.files.map((f) => f.name)).toEqual(['100% done.txt', 'a+b c.txt'])
		expect(first.cursor).toEqual(expect.any(String))
		expect(atob(String(first.cursor).replaceAll('-', '+').replaceAll('_', '/'))).not.toContain('docs')
		const second = (await (
			await get(`/fold-page/?limit=2&cursor=${first.cursor}`, JSON_ACCEPT)
		).json()) as ListingBody
		expect(second.folders.map((f) => f.name)).toEqual(['empty'])
		expect(second.files.map((f) => f.name)).toEqual(['readme.txt'])
		const third = (await (
			await get(`/fold-page/?limit=2&cursor=${second.cursor}`, JSON_ACCEPT)
		).json()) as ListingBody
		expect(third.folders.map((f) => f.name)).toEqual(['照片'])
		expect(third.cursor).toBeNull()
	})

	it('refuses a limit outside 1–1000 with 400', async () => {
		await folderShare('fold-limit')
		const { outbound } = fakeCos(BUCKET)
		const res = await get('/fold-limit/?limit=1001', JSON_ACCEPT)
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_query')
		expect(outbound).toHaveLength(0)
	})

	it('answers an empty folder with an empty listing', async () => {
		await folderShare('fold-empty')
		fakeCos(BUCKET)
		const res = await get('/fold-empty/empty/', JSON_ACCEPT)
		expect(res.status).toBe(200)
		expect(await res.json()).toEqual({ path: 'empty/', folders: [], files: [], cursor: null })
	})

	it('answers a folder that does not exist with 404', async () => {
		await folderShare('fold-none')
		fakeCos(BUCKET)
		expect((await get('/fold-none/nothing-here/', JSON_ACCEPT)).status).toBe(404)
	})

	it('answers a share root with nothing in it with an empty listing', async () => {
		await createShare({ type: 'folder', prefix: 'vacant/', id: 'fold-vacant' })
		fakeCos(BUCKET)
		const res = await get('/fold-vacant/', JSON_ACCEPT)
		expect(res.status).toBe(200)
		expect(((await res.json()) as ListingBody).files).toEqual([])
	})
})

describe('HTML listing', () => {
	it('shows breadcrumbs, folders before files, per-file links and the zip link', async () => {
		await folderShare('fold-html')
		fakeCos(BUCKET)
		const res = await get('/fold-html/%E7%85%A7%E7%89%87/', HTML_ACCEPT)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toContain('text/html')
		expect(res.headers.get('content-security-policy')).toContain("script-src 'nonce-")
		const html = await res.text()
		expect(html).toContain('<a href="/fold-html/">docs</a>')
		expect(html).toContain('href="/fold-html/%E7%85%A7%E7%89%87/deeper/"')
		expect(html).toContain('href="/fold-html/%E7%85%A7%E7%89%87/%F0%9F%93%B7%20one.jpg"')
		expect(html.indexOf('deeper')).toBeLessThan(html.indexOf('one.jpg'))
		expect(html).toContain('href="/_/zip/fold-html/%E7%85%A7%E7%89%87/"')
		expect(html).toContain('href="/_/zip/fold-html/%E7%85%A7%E7%89%87/?recursive=1"')
	})

	it('links the next page when COS says the listing is truncated', async () => {
		await folderShare('fold-next')
		fakeCos(BUCKET)
		const html = await (await get('/fold-next/?limit=2', HTML_ACCEPT)).text()
		expect(html).toMatch(
			/<a class="btn secondary" href="\/fold-next\/\?limit=2&amp;cursor=[\w-]+" rel="next">Next page<\/a>/,
		)
	})

	it('speaks the reader’s language', async () => {
		await folderShare('fold-zh')
		fakeCos(BUCKET)
		const html = await (
			await get('/fold-zh/', { headers: { accept: 'text/html', 'accept-language': 'zh-CN' } })
		).text()
		expect(html).toContain('打包下载此文件夹')
		expect(html).toContain('<html lang="zh-CN">')
	})
})

describe('files inside the prefix', () => {
	it('redirects to a fresh signature for the key under the prefix', async () => {
		await folderShare('fold-file')
		const res = await get('/fold-file/a+b%20c.txt')
		expect(res.status).toBe(302)
		const location = new URL(String(res.headers.get('location')))
		expect(location.pathname).toBe('/docs/a%2Bb%20c.txt')
		expect(location.searchParams.get('response-content-disposition')).toBe('attachment; filename="a+b c.txt"')
	})

	it('streams with the share’s delivery, Range passed on', async () => {
		await folderShare('fold-stream', { delivery: 'stream' })
		const { outbound } = fakeCos(BUCKET)
		const res = await get('/fold-stream/%E7%85%A7%E7%89%87/%F0%9F%93%B7%20one.jpg', {
			headers: { range: 'bytes=0-3' },
		})
		expect(res.status).toBe(200)
		expect(await res.text()).toBe('jpeg bytes')
		expect(outbound[0]?.url.pathname).toBe('/docs/%E7%85%A7%E7%89%87/%F0%9F%93%B7%20one.jpg')
		expect(outbound[0]?.headers.get('range')).toBe('bytes=0-3')
		expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''%F0%9F%93%B7%20one.jpg")
	})

	it('still serves a file share’s /:id/download', async () => {
		await createShare({ key: 'docs/readme.txt', id: 'plain-file' })
		expect((await get('/plain-file/download')).status).toBe(302)
	})

	it('does not open a file share’s other paths', async () => {
		await createShare({ key: 'docs/readme.txt', id: 'plain-other' })
		expect((await get('/plain-other/readme.txt')).status).toBe(404)
	})
})

describe('the traversal table against a share of docs/', () => {
	const attempts = [
		'/fold-safe/../secret.txt',
		'/fold-safe/%2e%2e/secret.txt',
		'/fold-safe/%2e%2e/docs-private/secret.txt',
		'/fold-safe/..%2fdocs-private%2fsecret.txt',
		'/fold-safe/..%5c..%5csecret.txt',
		'/fold-safe/%252e%252e/docs-private/secret.txt',
		'/fold-safe/%252e%252e%252fsecret.txt',
		'/fold-safe/..%c0%af..%c0%afsecret.txt',
		'/fold-safe/%EF%BC%8E%EF%BC%8E/docs-private/secret.txt',
		'/fold-safe/%E2%80%A5/secret.txt',
		'/fold-safe/a%00.txt',
		'/fold-safe//secret.txt',
		'/fold-safe/a%ff/',
		'/fold-safe/%2e%2e/',
		'/fold-safe/%252e%252e/',
		'/fold-safe/%EF%BC%8E%EF%BC%8E/',
		'/_/zip/fold-safe/%2e%2e/',
		'/_/zip/fold-safe/%252e%252e/',
		'/_/zip/fold-safe/%EF%BC%8E%EF%BC%8E/',
		'/_/zip/fold-safe/..%2f/',
	]
	let created = false
	for (const path of attempts) {
		it(`answers ${path} with 404 and asks COS nothing`, async () => {
			if (!created) await folderShare('fold-safe', { delivery: 'stream' })
			created = true
			const { outbound } = fakeCos(BUCKET)
			const res = await get(path, JSON_ACCEPT)
			expect(res.status).toBe(404)
			expect(outbound).toHaveLength(0)
		})
	}

	it('never lists the sibling prefix docs-private/ from the root', async () => {
		await folderShare('fold-sib')
		const { outbound } = fakeCos(BUCKET)
		const body = (await (await get('/fold-sib/', JSON_ACCEPT)).json()) as ListingBody
		expect(body.folders.map((f) => f.name)).not.toContain('-private')
		expect(outbound[0]?.url.searchParams.get('prefix')).toBe('docs/')
	})

	it('refuses a forged cursor that climbs out of the level, asking COS nothing', async () => {
		await folderShare('fold-cur')
		const { outbound } = fakeCos(BUCKET)
		const cursor = btoa('../docs-private/').replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')
		const res = await get(`/fold-cur/?cursor=${cursor}`, JSON_ACCEPT)
		expect(res.status).toBe(400)
		expect(outbound).toHaveLength(0)
	})

	it('keeps the listing prefix whatever marker a cursor names', async () => {
		await folderShare('fold-cur2')
		const { outbound } = fakeCos(BUCKET)
		const cursor = btoa('zzz').replaceAll('=', '')
		await get(`/fold-cur2/?cursor=${cursor}`, JSON_ACCEPT)
		expect(outbound[0]?.url.searchParams.get('prefix')).toBe('docs/')
		expect(outbound[0]?.url.searchParams.get('marker')).toBe('docs/zzz')
	})
})

async function unzipNames(res: Response): Promise<string[]> {
	// Central directory entries: signature 0x02014b50, name length at +28, name at +46.
	const data = new Uint8Array(await res.arrayBuffer())
	const view = new DataView(data.buffer)
	const names: string[] = []
	for (let i = 0; i + 46 < data.length; i++) {
		if (view.getUint32(i, true) !== 0x02014b50) continue
		const length = view.getUint16(i + 28, true)
		names.push(new TextDecoder().decode(data.subarray(i + 46, i + 46 + length)))
	}
	return names
}

describe('folder zip', () => {
	it('streams one level as an attachment named after the folder, with its exact length', async () => {
		await folderShare('fold-zip')
		fakeCos(BUCKET)
		const res = await get('/_/zip/fold-zip/')
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('application/zip')
		expect(res.headers.get('content-disposition')).toContain('docs.zip')
		const length = Number(res.headers.get('content-length'))
		const clone = res.clone()
		expect((await clone.arrayBuffer()).byteLength).toBe(length)
		expect(await unzipNames(res)).toEqual(['100% done.txt', 'a+b c.txt', 'readme.txt'])
	})

	it('includes sub-folders with ?recursive=1, member paths relative to the zipped folder', async () => {
		await folderShare('fold-rzip')
		fakeCos(BUCKET)
		const res = await get('/_/zip/fold-rzip/%E7%85%A7%E7%89%87/?recursive=1')
		expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''%E7%85%A7%E7%89%87.zip")
		expect(await unzipNames(res)).toEqual(['📷 one.jpg', 'deeper/two.txt'])
	})

	it('signs each member afresh with If-Match on the listed ETag', async () => {
		await folderShare('fold-zsig')
		const { outbound } = fakeCos(BUCKET)
		await (await get('/_/zip/fold-zsig/')).arrayBuffer()
		const members = outbound.filter((req) => req.url.pathname !== '/')
		expect(members.map((req) => req.url.pathname)).toEqual([
			'/docs/100%25%20done.txt',
			'/docs/a%2Bb%20c.txt',
			'/docs/readme.txt',
		])
		for (const req of members) {
			expect(req.headers.get('authorization')).toContain('q-signature=')
			expect(req.headers.get('if-match')).toBe('"e"')
		}
	})

	it('refuses more members than ZIP_MAX_FILES with 413 before any member is fetched', async () => {
		await folderShare('fold-zmax')
		const { outbound } = fakeCos(BUCKET)
		const res = await get('/_/zip/fold-zmax/', JSON_ACCEPT, envWith({ ZIP_MAX_FILES: '2' }))
		expect(res.status).toBe(413)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('zip_too_large')
		expect(outbound.every((req) => req.url.pathname === '/')).toBe(true)
	})

	it('refuses more bytes than ZIP_MAX_BYTES with 413', async () => {
		await folderShare('fold-zbytes')
		fakeCos(BUCKET)
		const res = await get('/_/zip/fold-zbytes/', JSON_ACCEPT, envWith({ ZIP_MAX_BYTES: '20' }))
		expect(res.status).toBe(413)
	})

	it('aborts the download when a member cannot be fetched', async () => {
		await folderShare('fold-zfail')
		fakeCos({ ...BUCKET, 'docs/a+b c.txt': { body: 'plus and space', status: 412 } })
		const res = await get('/_/zip/fold-zfail/')
		expect(res.status).toBe(200)
		await expect(res.arrayBuffer()).rejects.toThrow()
	})

	it('aborts the download when a member breaks mid-way', async () => {
		await folderShare('fold-zbreak')
		fakeCos({ ...BUCKET, 'docs/readme.txt': { body: 'read me', breaks: true } })
		const res = await get('/_/zip/fold-zbreak/')
		await expect(res.arrayBuffer()).rejects.toThrow()
	})

	it('answers a zip of a folder that does not exist with 404', async () => {
		await folderShare('fold-znone')
		fakeCos(BUCKET)
		expect((await get('/_/zip/fold-znone/nothing/', JSON_ACCEPT)).status).toBe(404)
	})
})

describe('zip settings', () => {
	it('defaults to 1,000 files and 4 GiB', () => {
		const config = parseConfig(envWith({}))
		expect(config.zipMaxFiles).toBe(1000)
		expect(config.zipMaxBytes).toBe(4 * 1024 ** 3)
	})

	it('names a bad ZIP_MAX_FILES as a misconfiguration', async () => {
		await folderShare('fold-badcfg')
		const res = await get('/_/zip/fold-badcfg/', JSON_ACCEPT, envWith({ ZIP_MAX_FILES: 'lots' }))
		expect(res.status).toBe(500)
		expect(await res.json()).toMatchObject({ error: { code: 'misconfigured', setting: 'ZIP_MAX_FILES' } })
	})
})
