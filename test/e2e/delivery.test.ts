// End to end, delivery: the worker under `wrangler dev` in front of the COS emulator (which
// checks every signature with Tencent's SDK), driven by Node's fetch and the curl binary.
// One stack for the whole file; every test makes its own shares through the admin API.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { putObject } from '../emulator/store.ts'
import {
	bodyOf,
	cosError,
	curl,
	deterministicBytes,
	filenameFallback,
	filenameStar,
	parseHeaderBlocks,
	readStoredObject,
	sha256,
	tempDir,
	useE2eStack,
} from './helpers.ts'

/** Asked of startStack, so the demo "big-file" stays quick to move around. */
const BIG_OBJECT_BYTES = 3 * 1024 * 1024 + 17
const UNICODE_KEY = 'unicode/季度报告 Q3.txt'
const UNICODE_NAME = '季度报告 最终版.txt'

const e2e = useE2eStack('delivery', {
	bigObjectBytes: BIG_OBJECT_BYTES,
	ownStack: 'downloads every demo share, the one-time one included, and sizes big/blob.bin',
})

describe('redirect delivery', () => {
	const KEY = 'e2e/figures.bin'
	// Stored as octet-stream with no Content-Disposition: what the client ends up with can
	// only come from the overrides signed into the Location.
	const BYTES = deterministicBytes(300_000, 7)
	const EXPECTED_DISPOSITION = 'attachment; filename="Q3 figures.csv"'
	const EXPECTED_TYPE = 'text/csv; charset=utf-8'
	let link: string

	beforeAll(async () => {
		await putObject(e2e.stack.emulatorRoot, KEY, BYTES, 'application/octet-stream')
		const share = await e2e.stack.createShare({
			key: KEY,
			id: 'e2e-redirect',
			delivery: 'redirect',
			filename: 'Q3 figures.csv',
		})
		link = e2e.stack.link('e2e-redirect')
		expect(share.url).toBe(link)
	})

	it('answers 302 with a Location on the emulator that signs both response overrides', async () => {
		const res = await fetch(link, { redirect: 'manual' })
		expect(res.status).toBe(302)
		expect(res.headers.get('cache-control')).toBe('private, no-store')
		const location = new URL(res.headers.get('location') ?? '')
		expect(location.origin).toBe(e2e.stack.emulatorUrl)
		expect(location.pathname).toBe(`/${KEY}`)
		expect(location.searchParams.get('response-content-disposition')).toBe(EXPECTED_DISPOSITION)
		expect(location.searchParams.get('response-content-type')).toBe(EXPECTED_TYPE)
		expect(location.searchParams.get('q-url-param-list')?.split(';').sort()).toEqual([
			'response-content-disposition',
			'response-content-type',
		])
	})

	it('fetch follows it to exactly the stored bytes, labelled by the emulator as the worker signed', async () => {
		const res = await fetch(link)
		expect(res.status).toBe(200)
		expect(res.redirected).toBe(true)
		expect(res.url.startsWith(`${e2e.stack.emulatorUrl}/`)).toBe(true)
		expect(res.headers.get('content-disposition')).toBe(EXPECTED_DISPOSITION)
		expect(res.headers.get('content-type')).toBe(EXPECTED_TYPE)
		expect(res.headers.get('content-length')).toBe(String(BYTES.length))
		expect(sha256(await bodyOf(res))).toBe(sha256(BYTES))
	})

	it('curl -L follows it to exactly the stored bytes', async () => {
		const out = join(e2e.work, 'redirect.bin')
		const headerFile = join(e2e.work, 'redirect.headers')
		const run = await curl(['--location', '--dump-header', headerFile, '--output', out, link])
		expect(run.stderr).toBe('')
		expect(run.code).toBe(0)
		const blocks = parseHeaderBlocks(await readFile(headerFile, 'utf8'))
		expect(blocks.map((block) => block.status)).toEqual([302, 200])
		expect(blocks[1]?.headers.get('content-disposition')).toBe(EXPECTED_DISPOSITION)
		expect(blocks[1]?.headers.get('content-type')).toBe(EXPECTED_TYPE)
		expect(sha256(await readFile(out))).toBe(sha256(BYTES))
	})
})

describe('stream delivery with Range', () => {
	let link: string
	let bytes: Buffer
	let etag: string

	beforeAll(async () => {
		await e2e.stack.createShare({ key: 'big/blob.bin', id: 'e2e-big', delivery: 'stream' })
		link = e2e.stack.link('e2e-big')
		const stored = await readStoredObject(e2e.stack.emulatorRoot, 'big/blob.bin')
		bytes = stored.bytes
		etag = stored.meta.etag
	})

	it('answers Range: bytes=0-99 with 206, Content-Range and exactly those 100 bytes', async () => {
		const res = await fetch(link, { headers: { range: 'bytes=0-99' } })
		expect(res.status).toBe(206)
		expect(res.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`)
		expect(res.headers.get('content-length')).toBe('100')
		expect(res.headers.get('etag')).toBe(etag)
		expect((await bodyOf(res)).equals(bytes.subarray(0, 100))).toBe(true)
	})

	it('lets `curl -C -` finish a partial download into a byte-identical file', async () => {
		const file = join(e2e.work, 'resumed.bin')
		const have = Math.floor(bytes.length / 3) + 1
		await writeFile(file, bytes.subarray(0, have))
		const run = await curl([
			'--continue-at',
			'-',
			'--fail',
			'--output',
			file,
			'--write-out',
			'%{http_code} %{size_download}',
			link,
		])
		expect(run.stderr).toBe('')
		expect(run.code).toBe(0)
		// A real resume: 206 and only the missing bytes on the wire.
		expect(run.stdout.toString()).toBe(`206 ${bytes.length - have}`)
		expect(sha256(await readFile(file))).toBe(sha256(bytes))
	})
})

describe('HEAD', () => {
	let stored: Awaited<ReturnType<typeof readStoredObject>>

	beforeAll(async () => {
		stored = await readStoredObject(e2e.stack.emulatorRoot, 'big/blob.bin')
		await e2e.stack.createShare({ key: 'big/blob.bin', id: 'e2e-head-stream', delivery: 'stream' })
		await e2e.stack.createShare({ key: 'big/blob.bin', id: 'e2e-head-redirect', delivery: 'redirect' })
	})

	it('stream mode, fetch: Content-Length and ETag of the object, no body', async () => {
		const res = await fetch(e2e.stack.link('e2e-head-stream'), { method: 'HEAD' })
		expect(res.status).toBe(200)
		expect(res.headers.get('content-length')).toBe(String(stored.meta.size))
		expect(res.headers.get('etag')).toBe(stored.meta.etag)
		expect(res.headers.get('accept-ranges')).toBe('bytes')
		expect((await bodyOf(res)).length).toBe(0)
	})

	it('redirect mode, fetch: a Location signed for HEAD (useless for GET), followed to the same headers', async () => {
		const link = e2e.stack.link('e2e-head-redirect')
		const hop = await fetch(link, { method: 'HEAD', redirect: 'manual' })
		expect(hop.status).toBe(302)
		const location = hop.headers.get('location') ?? ''
		// The method is part of the signature: a HEAD URL cannot be replayed as a GET.
		const asGet = await fetch(location)
		expect(asGet.status).toBe(403)
		expect((await cosError(asGet)).Code).toBe('SignatureDoesNotMatch')

		const res = await fetch(link, { method: 'HEAD' })
		expect(res.status).toBe(200)
		expect(res.redirected).toBe(true)
		expect(res.headers.get('content-length')).toBe(String(stored.meta.size))
		expect(res.headers.get('etag')).toBe(stored.meta.etag)
		expect((await bodyOf(res)).length).toBe(0)
	})

	it('stream mode, curl -I: the same headers, nothing downloaded', async () => {
		const run = await curl([
			'--head',
			'--write-out',
			'%{stderr}%{size_download}',
			e2e.stack.link('e2e-head-stream'),
		])
		expect(run.code).toBe(0)
		expect(run.stderr).toBe('0')
		const blocks = parseHeaderBlocks(run.stdout.toString())
		expect(blocks.map((block) => block.status)).toEqual([200])
		expect(blocks[0]?.headers.get('content-length')).toBe(String(stored.meta.size))
		expect(blocks[0]?.headers.get('etag')).toBe(stored.meta.etag)
	})

	it('redirect mode, curl -I -L: 302 then the object headers, nothing downloaded', async () => {
		const run = await curl([
			'--head',
			'--location',
			'--write-out',
			'%{stderr}%{size_download}',
			e2e.stack.link('e2e-head-redirect'),
		])
		expect(run.code).toBe(0)
		expect(run.stderr).toBe('0')
		const blocks = parseHeaderBlocks(run.stdout.toString())
		expect(blocks.map((block) => block.status)).toEqual([302, 200])
		expect(blocks[1]?.headers.get('content-length')).toBe(String(stored.meta.size))
		expect(blocks[1]?.headers.get('etag')).toBe(stored.meta.etag)
	})
})

describe('conditional GET', () => {
	it('stream mode: If-None-Match with the ETag of an earlier response answers 304 without a body', async () => {
		await e2e.stack.createShare({ key: 'images/logo.png', id: 'e2e-logo', delivery: 'stream' })
		const link = e2e.stack.link('e2e-logo')
		const first = await fetch(link)
		expect(first.status).toBe(200)
		await bodyOf(first)
		const etag = first.headers.get('etag') ?? ''
		expect(etag).toMatch(/^"[0-9a-f]{32}"$/)

		const again = await fetch(link, { headers: { 'if-none-match': etag } })
		expect(again.status).toBe(304)
		expect(again.headers.get('etag')).toBe(etag)
		expect((await bodyOf(again)).length).toBe(0)

		const other = await fetch(link, { headers: { 'if-none-match': '"0123456789abcdef0123456789abcdef"' } })
		expect(other.status).toBe(200)
		await bodyOf(other)
	})
})

describe('unicode file names', () => {
	let stored: Buffer

	beforeAll(async () => {
		stored = (await readStoredObject(e2e.stack.emulatorRoot, UNICODE_KEY)).bytes
		await e2e.stack.createShare({
			key: UNICODE_KEY,
			id: 'e2e-unicode',
			delivery: 'stream',
			filename: UNICODE_NAME,
		})
		await e2e.stack.createShare({
			key: UNICODE_KEY,
			id: 'e2e-unicode-redirect',
			delivery: 'redirect',
			filename: UNICODE_NAME,
		})
	})

	it("stream mode: Content-Disposition's filename* decodes to the exact name, with an ASCII fallback", async () => {
		const res = await fetch(e2e.stack.link('e2e-unicode'))
		expect(res.status).toBe(200)
		const disposition = res.headers.get('content-disposition')
		expect(filenameStar(disposition)).toBe(UNICODE_NAME)
		expect(filenameFallback(disposition)).toMatch(/^[\x20-\x7e]+\.txt$/)
		expect(sha256(await bodyOf(res))).toBe(sha256(stored))
	})

	it('redirect mode: the emulator sends the signed Content-Disposition, whose filename* decodes to the name', async () => {
		const res = await fetch(e2e.stack.link('e2e-unicode-redirect'))
		expect(res.status).toBe(200)
		expect(filenameStar(res.headers.get('content-disposition'))).toBe(UNICODE_NAME)
		expect(sha256(await bodyOf(res))).toBe(sha256(stored))
	})

	it('curl -OJ saves the file under a name the server gave, with the exact bytes', async () => {
		const link = e2e.stack.link('e2e-unicode')
		const head = await fetch(link, { method: 'HEAD' })
		const disposition = head.headers.get('content-disposition')
		const dir = await tempDir('curl-oj')
		try {
			const run = await curl(['--remote-name', '--remote-header-name', link], { cwd: dir })
			expect(run.stderr).toBe('')
			expect(run.code).toBe(0)
			const saved = await readdir(dir)
			expect(saved).toHaveLength(1)
			// curl's -J reads only the plain filename= parameter and ignores RFC 8187 filename*
			// (true of curl 7.88 here and of curl 8.x), so it saves under the ASCII fallback
			// ("____ ___.txt"), not "季度报告 最终版.txt". The exact unicode name is proven by the
			// header decoding above; a curl that learns filename* may use it instead.
			expect([filenameFallback(disposition), filenameStar(disposition)]).toContain(saved[0])
			expect(sha256(await readFile(join(dir, saved[0] ?? '')))).toBe(sha256(stored))
		} finally {
			await rm(dir, { recursive: true, force: true })
		}
	})
})

describe('the demo shares seeded by startStack', () => {
	it('all answer 200 with their object bytes when followed', async () => {
		const ids = e2e.stack.shares.map((share) => share.id)
		for (const id of [
			'q3-report',
			'q3-report-inline',
			'big-file',
			'unicode-name',
			'plus-space',
			'logo',
			'one-hour',
		])
			expect(ids).toContain(id)
		const results: Record<string, { status: number; sameBytes: boolean }> = {}
		// Shares of one object; folder shares and upload links have suites of their own.
		const fileShares = e2e.stack.shares.filter((share) => (share.body.type ?? 'file') === 'file')
		for (const share of fileShares) {
			const key = share.body.key
			if (typeof key !== 'string') throw new Error(`demo share ${share.id} has no key`)
			const { bytes } = await readStoredObject(e2e.stack.emulatorRoot, key)
			// A protected demo share is unlocked first, as an API client would.
			const headers: Record<string, string> = {}
			const secret = typeof share.body.password === 'string' ? share.body.password : share.code
			if (secret !== undefined) {
				const unlock = await fetch(`${e2e.stack.workerUrl}/_/unlock/${share.id}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ password: secret }),
				})
				headers.authorization = `Bearer ${((await unlock.json()) as { token: string }).token}`
			}
			const res = await fetch(e2e.stack.link(share.id), { headers })
			const body = await bodyOf(res)
			results[share.id] = { status: res.status, sameBytes: sha256(body) === sha256(bytes) }
		}
		const expected = Object.fromEntries(
			fileShares.map((share) => [share.id, { status: 200, sameBytes: true }]),
		)
		expect(results).toEqual(expected)
	})

	it('are all listed by the admin API with their keys intact (unicode, "+" and space included)', async () => {
		const res = await fetch(`${e2e.stack.workerUrl}/api/shares?limit=1000`, {
			headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
		})
		expect(res.status).toBe(200)
		const { shares } = (await res.json()) as { shares: { id: string; key?: string }[] }
		const listed = new Map(shares.map((share) => [share.id, share.key]))
		for (const share of e2e.stack.shares) expect(listed.get(share.id)).toBe(share.body.key)
	})

	it('big-file is as large as startStack was asked (StackOptions.bigObjectBytes)', async () => {
		const { meta } = await readStoredObject(e2e.stack.emulatorRoot, 'big/blob.bin')
		expect(meta.size).toBe(BIG_OBJECT_BYTES)
	})
})
