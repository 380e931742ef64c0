// End to end, the access pipeline for every kind of share: protected folders (password and
// extraction code), limited folders (tickets, resumes, exact counts under concurrency), a
// protected upload link and a strict folder revoked at once. One stack (the COS emulator and
// the worker under `wrangler dev`), real clients, and zips read back by Python's zipfile.
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { putObject } from '../emulator/store.ts'
import {
	bodyOf,
	curl,
	deterministicBytes,
	readStoredObject,
	type ShareBody,
	type ShareView,
	sha256,
	useE2eStack,
} from './helpers.ts'

const run = promisify(execFile)
const e2e = useE2eStack('restricted-kinds', { bigObjectBytes: 64 * 1024, seedShares: false })

const PREFIX = 'rk/'
const DATA = deterministicBytes(200_000, 31)
const NOTES = 'notes for a restricted folder\n'
const DEEP = 'one level down\n'
const JSON_ACCEPT = { accept: 'application/json' }
const BROWSER = {
	accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
	'sec-fetch-mode': 'navigate',
	'user-agent':
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36',
	'accept-language': 'en',
}

beforeAll(async () => {
	const root = e2e.stack.emulatorRoot
	await putObject(root, `${PREFIX}data.bin`, DATA, 'application/octet-stream')
	await putObject(root, `${PREFIX}notes.txt`, Buffer.from(NOTES), 'text/plain')
	await putObject(root, `${PREFIX}sub/deep.txt`, Buffer.from(DEEP), 'text/plain')
})

const url = (path: string) => `${e2e.stack.workerUrl}${path}`

function create(body: ShareBody): Promise<ShareView> {
	return e2e.stack.createShare(body)
}

/** The admin API's count of a share's downloads. */
async function downloads(id: string): Promise<number> {
	const res = await fetch(url(`/api/shares/${id}`), {
		headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
	})
	expect(res.status).toBe(200)
	return ((await res.json()) as ShareView).downloads ?? Number.NaN
}

async function errorCode(res: Response): Promise<string> {
	return ((await res.json()) as { error: { code: string } }).error.code
}

interface Followed {
	res: Response
	/** Every status on the way, the last one included. */
	chain: number[]
	/** Every address asked, the first one included. */
	hops: string[]
}

/**
 * GET `path` and follow redirects by hand, as a download manager would: the unlock token
 * goes only to the worker (never to the bucket), a Range to every hop.
 */
async function follow(path: string, options: { token?: string; range?: string } = {}): Promise<Followed> {
	const worker = new URL(e2e.stack.workerUrl).origin
	let target = new URL(path, e2e.stack.workerUrl)
	const chain: number[] = []
	const hops: string[] = []
	for (let hop = 0; hop < 6; hop++) {
		const headers: Record<string, string> = {}
		if (options.range) headers.range = options.range
		if (options.token && target.origin === worker) headers.authorization = `Bearer ${options.token}`
		hops.push(target.href)
		const res = await fetch(target, { headers, redirect: 'manual' })
		chain.push(res.status)
		const location = res.headers.get('location')
		if (res.status < 300 || res.status > 399 || location === null) return { res, chain, hops }
		await res.body?.cancel()
		target = new URL(location, target)
	}
	throw new Error(`too many redirects: ${hops.join(' → ')}`)
}

/** name → sha256 of every member, read by Python's zipfile (which checks each CRC too). */
async function zipMembers(bytes: Buffer, file: string): Promise<Record<string, string>> {
	const target = join(e2e.work, file)
	await writeFile(target, bytes)
	const script =
		'import hashlib,json,sys,zipfile\n' +
		'z=zipfile.ZipFile(sys.argv[1])\n' +
		'assert z.testzip() is None\n' +
		'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))\n'
	const { stdout } = await run('python3', ['-c', script, target])
	return JSON.parse(stdout) as Record<string, string>
}

const ROOT_ZIP = { 'data.bin': sha256(DATA), 'notes.txt': sha256(Buffer.from(NOTES)) }
const RECURSIVE_ZIP = { ...ROOT_ZIP, 'sub/deep.txt': sha256(Buffer.from(DEEP)) }

async function unlock(id: string, password: string): Promise<string> {
	const res = await fetch(url(`/_/unlock/${id}`), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ password }),
	})
	expect(res.status).toBe(200)
	const body = (await res.json()) as { token: string; expiresAt: string }
	expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now())
	return body.token
}

/** A protected folder share, from outside: locked everywhere, then open with the token. */
async function checkProtectedFolder(id: string, secret: string): Promise<void> {
	const listing = await fetch(url(`/${id}/`), { headers: JSON_ACCEPT })
	expect(listing.status).toBe(401)
	expect(listing.headers.get('www-authenticate')).toContain('Bearer')
	expect(await errorCode(listing)).toBe('password_required')

	const page = await fetch(url(`/${id}/sub/`), { headers: BROWSER })
	expect(page.status).toBe(401)
	const html = await page.text()
	expect(html).toContain(`action="/_/unlock/${id}"`)
	expect(html).toContain(`<input type="hidden" name="back" value="/${id}/sub/"/>`)
	expect(html).not.toContain('deep.txt')

	const file = await follow(`/${id}/data.bin`)
	expect(file.chain).toEqual([401])
	expect(await errorCode(file.res)).toBe('password_required')
	const zip = await follow(`/_/zip/${id}/`)
	expect(zip.chain).toEqual([401])
	expect(await errorCode(zip.res)).toBe('password_required')

	const wrong = await fetch(url(`/_/unlock/${id}`), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ password: `${secret}x` }),
	})
	expect(wrong.status).toBe(401)
	expect(await errorCode(wrong)).toBe('wrong_password')

	const token = await unlock(id, secret)
	const open = await fetch(url(`/${id}/`), { headers: { ...JSON_ACCEPT, authorization: `Bearer ${token}` } })
	expect(open.status).toBe(200)
	const body = (await open.json()) as { folders: { path: string }[]; files: { path: string }[] }
	expect(body.folders.map((f) => f.path)).toEqual(['sub/'])
	expect(body.files.map((f) => f.path)).toEqual(['data.bin', 'notes.txt'])

	const bytes = await follow(`/${id}/data.bin`, { token })
	expect(bytes.chain).toEqual([302, 200])
	expect(sha256(await bodyOf(bytes.res))).toBe(sha256(DATA))

	const archive = await follow(`/_/zip/${id}/?recursive=1`, { token })
	expect(archive.chain).toEqual([200])
	expect(archive.res.headers.get('content-type')).toBe('application/zip')
	expect(await zipMembers(await bodyOf(archive.res), `${id}.zip`)).toEqual(RECURSIVE_ZIP)
}

describe('a folder share with a password', () => {
	it('answers 401 to its listing, a file and a zip until unlocked, then serves them with the token', async () => {
		await create({ type: 'folder', prefix: PREFIX, id: 'rk-password', password: 'open sesame' })
		await checkProtectedFolder('rk-password', 'open sesame')
	})
})

describe('a folder share with an extraction code', () => {
	it('gives the code once, and is unlocked by it like a password', async () => {
		const share = await create({ type: 'folder', prefix: PREFIX, id: 'rk-code', extractionCode: true })
		expect(share.extractionCode).toMatch(/^\w{4,8}$/)
		expect(share.protected).toBe(true)
		const again = await fetch(url('/api/shares/rk-code'), {
			headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
		})
		expect(((await again.json()) as ShareView).extractionCode).toBeUndefined()
		await checkProtectedFolder('rk-code', share.extractionCode ?? '')
	})
})

describe('a folder share with maxDownloads 2', () => {
	const id = 'rk-two'

	it('lists for free, as often as asked, in JSON and on its page', async () => {
		await create({ type: 'folder', prefix: PREFIX, id, maxDownloads: 2 })
		for (let i = 0; i < 3; i++) {
			const res = await fetch(url(`/${id}/`), { headers: JSON_ACCEPT })
			expect(res.status).toBe(200)
			expect(((await res.json()) as { files: unknown[] }).files).toHaveLength(2)
		}
		const page = await fetch(url(`/${id}/`), { headers: BROWSER })
		expect(page.status).toBe(200)
		const html = await page.text()
		expect(html).toMatch(/<strong data-downloads-left="2"[^>]*>2 downloads left<\/strong>/)
		expect(html).toContain('<input type="hidden" name="path" value="data.bin"/>')
		expect(html).not.toContain(`href="/${id}/data.bin"`)
		expect(await downloads(id)).toBe(0)
	})

	it('spends one download on a file: 302 to a ticket, which serves the bytes', async () => {
		const first = await follow(`/${id}/data.bin`)
		expect(first.chain).toEqual([302, 302, 200])
		expect(new URL(first.hops[1] ?? '').pathname).toMatch(/^\/_\/t\/t\.rk-two\./)
		expect(new URL(first.hops[2] ?? '').origin).toBe(new URL(e2e.stack.emulatorUrl).origin)
		expect(sha256(await bodyOf(first.res))).toBe(sha256(DATA))
		expect(await downloads(id)).toBe(1)

		// A resume from the middle through the same ticket counts nothing.
		const ticket = new URL(first.hops[1] ?? '').pathname
		const resumed = await follow(ticket, { range: 'bytes=100000-' })
		expect(resumed.chain).toEqual([302, 206])
		expect(resumed.res.headers.get('content-range')).toBe(`bytes 100000-199999/${DATA.length}`)
		expect(sha256(await bodyOf(resumed.res))).toBe(sha256(DATA.subarray(100_000)))
		expect(await downloads(id)).toBe(1)
	})

	it('counts a zip as one download', async () => {
		const zip = await follow(`/_/zip/${id}/`)
		expect(zip.chain).toEqual([302, 200])
		expect(new URL(zip.hops[1] ?? '').pathname).toMatch(/^\/_\/t\//)
		expect(await zipMembers(await bodyOf(zip.res), 'rk-two.zip')).toEqual(ROOT_ZIP)
		expect(await downloads(id)).toBe(2)
	})

	it('answers the third download with 410, while the listing stays free', async () => {
		const third = await follow(`/${id}/notes.txt`)
		expect(third.chain).toEqual([410])
		expect(await errorCode(third.res)).toBe('download_limit_reached')
		const zip = await follow(`/_/zip/${id}/`)
		expect(zip.chain).toEqual([410])
		await zip.res.body?.cancel()
		expect(await downloads(id)).toBe(2)
	})
})

describe('the listing page of a limited folder, as a browser uses it', () => {
	it('posts a file’s form to /_/consume: one download, 303 to a ticket that serves the file', async () => {
		await create({ type: 'folder', prefix: PREFIX, id: 'rk-form', maxDownloads: 1 })
		const html = await (await fetch(url('/rk-form/'), { headers: BROWSER })).text()
		expect(html).toContain('action="/_/consume/rk-form"')
		const res = await fetch(url('/_/consume/rk-form'), {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: 'null',
				'sec-fetch-site': 'same-origin',
			},
			body: new URLSearchParams({ path: 'notes.txt' }).toString(),
			redirect: 'manual',
		})
		expect(res.status).toBe(303)
		const ticket = await follow(res.headers.get('location') ?? '')
		expect(ticket.chain).toEqual([302, 200])
		expect(await ticket.res.text()).toBe(NOTES)
		expect(await downloads('rk-form')).toBe(1)
	})
})

describe('a folder share with maxDownloads 5 under 30 concurrent downloads', () => {
	it('grants exactly 5 (302) and refuses 25 (410)', async () => {
		await create({ type: 'folder', prefix: PREFIX, id: 'rk-five', maxDownloads: 5 })
		const answers = await Promise.all(
			Array.from({ length: 30 }, async () => {
				const res = await fetch(url('/rk-five/data.bin'), { redirect: 'manual' })
				await res.body?.cancel()
				return { status: res.status, location: res.headers.get('location') ?? '' }
			}),
		)
		const granted = answers.filter((answer) => answer.status === 302)
		expect(granted).toHaveLength(5)
		expect(answers.filter((answer) => answer.status === 410)).toHaveLength(25)
		expect(new Set(granted.map((answer) => answer.location)).size).toBe(5)
		for (const answer of granted) expect(answer.location).toMatch(/^\/_\/t\/t\.rk-five\./)
		expect(await downloads('rk-five')).toBe(5)
	})
})

describe('an upload link with a password', () => {
	it('refuses its page and every upload route until unlocked, then takes a streamed PUT', async () => {
		await create({
			type: 'upload',
			prefix: 'rk-up/',
			id: 'rk-upload',
			password: 'let me in',
			expiresIn: 3600,
			upload: { maxFileSize: 1024 * 1024 },
		})
		const page = await fetch(url('/rk-upload'), { headers: JSON_ACCEPT })
		expect(page.status).toBe(401)
		expect(await errorCode(page)).toBe('password_required')
		const start = await fetch(url('/rk-upload/uploads'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'hello.txt', size: 5, type: 'text/plain' }),
		})
		expect(start.status).toBe(401)
		expect(await errorCode(start)).toBe('password_required')
		const put = await fetch(url('/rk-upload/uploads/hello.txt'), { method: 'PUT', body: 'hello' })
		expect(put.status).toBe(401)
		expect(await errorCode(put)).toBe('password_required')

		const token = await unlock('rk-upload', 'let me in')
		const bytes = deterministicBytes(300_000, 32)
		const file = join(e2e.work, 'report 季度.bin')
		await writeFile(file, bytes)
		const sent = await curl([
			'-T',
			file,
			'-H',
			`Authorization: Bearer ${token}`,
			'-w',
			'\n%{http_code}',
			url(`/rk-upload/uploads/${encodeURIComponent('report 季度.bin')}`),
		])
		expect(sent.code).toBe(0)
		const [json = '', status] = sent.stdout.toString('utf8').split('\n')
		expect(status).toBe('201')
		const stored = JSON.parse(json) as { key: string; name: string; size: number }
		expect(stored).toMatchObject({ name: 'report 季度.bin', size: bytes.length })
		expect(stored.key.startsWith('rk-up/')).toBe(true)

		// In the bucket, and through a folder share of the prefix.
		expect(sha256((await readStoredObject(e2e.stack.emulatorRoot, stored.key)).bytes)).toBe(sha256(bytes))
		await create({ type: 'folder', prefix: 'rk-up/', id: 'rk-up-read' })
		const relative = stored.key.slice('rk-up/'.length)
		const back = await follow(`/rk-up-read/${relative.split('/').map(encodeURIComponent).join('/')}`)
		expect(back.chain).toEqual([302, 200])
		expect(sha256(await bodyOf(back.res))).toBe(sha256(bytes))
	})
})

describe('a strict folder share', () => {
	it('answers 404 to its listing, a file and a zip at once after DELETE', async () => {
		await create({ type: 'folder', prefix: PREFIX, id: 'rk-strict', strict: true })
		// Every path asked once first, so nothing is cold when the share goes.
		const listed = await fetch(url('/rk-strict/'), { headers: JSON_ACCEPT })
		expect(listed.status).toBe(200)
		await listed.body?.cancel()
		const file = await follow('/rk-strict/notes.txt')
		expect(file.chain).toEqual([302, 200])
		expect(await file.res.text()).toBe(NOTES)
		const zip = await follow('/_/zip/rk-strict/')
		expect(zip.chain).toEqual([200])
		await zip.res.body?.cancel()

		expect(await e2e.stack.deleteShare('rk-strict')).toBe(204)
		const after = await Promise.all([
			fetch(url('/rk-strict/'), { headers: JSON_ACCEPT }),
			fetch(url('/rk-strict/notes.txt'), { redirect: 'manual' }),
			fetch(url('/_/zip/rk-strict/'), { redirect: 'manual' }),
		])
		expect(after.map((res) => res.status)).toEqual([404, 404, 404])
		for (const res of after) await res.body?.cancel()
	})
})
