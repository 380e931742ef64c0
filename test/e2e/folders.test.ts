// End to end, folder shares: the worker under `wrangler dev` in front of the COS emulator
// (which lists with GET Bucket and checks every signature), the demo folder seeded by the
// stack, real clients, and the archives checked by Python's zipfile and Debian's unzip.
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DEMO_FOLDER_MANY } from '../emulator/seed.ts'
import { bodyOf, readStoredObject, sha256, useE2eStack } from './helpers.ts'

const run = promisify(execFile)
const e2e = useE2eStack('folders', { bigObjectBytes: 64 * 1024 })
const JSON_ACCEPT = { headers: { accept: 'application/json' } }
const PREFIX = 'demo-folder/'

interface Listing {
	path: string
	folders: { name: string; path: string }[]
	files: { name: string; path: string; size: number; etag: string }[]
	cursor: string | null
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/')

async function list(path: string, query = ''): Promise<Listing> {
	const res = await fetch(`${e2e.stack.link('demo-folder')}/${encodePath(path)}${query}`, JSON_ACCEPT)
	expect(res.status).toBe(200)
	return (await res.json()) as Listing
}

/** name → sha256 of every member, read by Python's zipfile (it checks each CRC too). */
async function zipMembers(file: string): Promise<Record<string, string>> {
	const script =
		'import hashlib,json,sys,zipfile\n' +
		'z=zipfile.ZipFile(sys.argv[1])\n' +
		'assert z.testzip() is None\n' +
		'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))\n'
	const { stdout } = await run('python3', ['-c', script, file])
	return JSON.parse(stdout) as Record<string, string>
}

async function storedSha(relative: string): Promise<string> {
	return sha256((await readStoredObject(e2e.stack.emulatorRoot, PREFIX + relative)).bytes)
}

async function downloadZip(path: string, query: string, file: string): Promise<string> {
	const res = await fetch(`${e2e.stack.workerUrl}/_/zip/demo-folder/${encodePath(path)}${query}`)
	expect(res.status).toBe(200)
	expect(res.headers.get('content-type')).toBe('application/zip')
	const bytes = await bodyOf(res)
	expect(bytes.length).toBe(Number(res.headers.get('content-length')))
	const target = join(e2e.work, file)
	await writeFile(target, bytes)
	return target
}

describe('browsing a folder share', () => {
	it('redirects the bare address to the share root', async () => {
		const res = await fetch(e2e.stack.link('demo-folder'), { redirect: 'manual' })
		expect(res.status).toBe(301)
		expect(res.headers.get('location')).toBe('/demo-folder/')
	})

	it('lists the root: sub-folders and files, paths without the prefix', async () => {
		const root = await list('')
		expect(root.path).toBe('')
		expect(root.folders.map((f) => f.path)).toEqual(['empty/', 'many/', '报告 2026/'])
		expect(root.files.map((f) => f.path)).toEqual(['100% done + more.txt', 'readme.txt'])
		expect(root.cursor).toBeNull()
	})

	it('goes down two levels', async () => {
		const first = await list('报告 2026/')
		expect(first.folders.map((f) => f.path)).toEqual(['报告 2026/细节/'])
		expect(first.files.map((f) => f.name)).toEqual(['季度 Q1.txt', '📷 photo.png'])
		const second = await list('报告 2026/细节/')
		expect(second.path).toBe('报告 2026/细节/')
		expect(second.files.map((f) => f.path)).toEqual(['报告 2026/细节/data.csv'])
	})

	it('lists the empty sub-folder as empty', async () => {
		expect(await list('empty/')).toEqual({ path: 'empty/', folders: [], files: [], cursor: null })
	})

	it('walks every page of the 1,200-file folder, each name once', async () => {
		const names: string[] = []
		let cursor: string | null = null
		let pages = 0
		do {
			const page: Listing = await list('many/', cursor ? `?cursor=${cursor}` : '')
			names.push(...page.files.map((f) => f.name))
			cursor = page.cursor
			pages++
		} while (cursor)
		expect(pages).toBe(2)
		expect(names).toHaveLength(DEMO_FOLDER_MANY)
		expect(new Set(names).size).toBe(DEMO_FOLDER_MANY)
		expect(names.at(-1)).toBe('file-1199.txt')
	})

	it('walks the same folder in pages of 500 with ?limit', async () => {
		const first = await list('many/', '?limit=500')
		expect(first.files).toHaveLength(500)
		const second = await list('many/', `?limit=500&cursor=${first.cursor}`)
		expect(second.files[0]?.name).toBe('file-0500.txt')
	})
})

describe('downloading from a folder share', () => {
	it('downloads a file inside the folder with the same bytes as stored', async () => {
		const res = await fetch(`${e2e.stack.link('demo-folder')}/${encodePath('报告 2026/📷 photo.png')}`)
		expect(res.status).toBe(200)
		expect(sha256(await bodyOf(res))).toBe(await storedSha('报告 2026/📷 photo.png'))
	})

	it('downloads a key with a percent, a plus and spaces', async () => {
		const res = await fetch(`${e2e.stack.link('demo-folder')}/${encodePath('100% done + more.txt')}`)
		expect(await res.text()).toBe('percent, plus, space\n')
	})

	it('zips one level: every member named and hashed as stored', async () => {
		const file = await downloadZip('报告 2026/', '', 'level.zip')
		expect(await zipMembers(file)).toEqual({
			'季度 Q1.txt': await storedSha('报告 2026/季度 Q1.txt'),
			'📷 photo.png': await storedSha('报告 2026/📷 photo.png'),
		})
	})

	it('zips a level with its sub-folders when recursive', async () => {
		const file = await downloadZip('报告 2026/', '?recursive=1', 'recursive.zip')
		expect(await zipMembers(file)).toEqual({
			'季度 Q1.txt': await storedSha('报告 2026/季度 Q1.txt'),
			'📷 photo.png': await storedSha('报告 2026/📷 photo.png'),
			'细节/data.csv': await storedSha('报告 2026/细节/data.csv'),
		})
	})

	it('zips the empty sub-folder as an archive with no members', async () => {
		const file = await downloadZip('empty/', '', 'empty.zip')
		expect(await zipMembers(file)).toEqual({})
	})

	it('passes Debian unzip’s own test of the archive', async () => {
		const file = await downloadZip('', '', 'root.zip')
		const { stdout } = await run('unzip', ['-t', file])
		expect(stdout).toContain('No errors detected')
		expect(stdout).toContain('100% done + more.txt')
	})

	it('refuses a recursive zip of more than 1,000 files with 413 and a clear message', async () => {
		const res = await fetch(`${e2e.stack.workerUrl}/_/zip/demo-folder/?recursive=1`, JSON_ACCEPT)
		expect(res.status).toBe(413)
		const body = (await res.json()) as { error: { code: string; detail: string } }
		expect(body.error.code).toBe('zip_too_large')
		expect(body.error.detail).toContain('1000 files')
	})

	it('answers a path outside the prefix with 404', async () => {
		const res = await fetch(`${e2e.stack.link('demo-folder')}/%252e%252e/docs/report.pdf`)
		expect(res.status).toBe(404)
	})
})
