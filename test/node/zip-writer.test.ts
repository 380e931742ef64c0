// The zip writer (src/http/zip.ts) run in Node and its archives read by the readers people
// use: Python's zipfile (which checks every CRC) and Debian's unzip. The zip64 records are
// checked here with every member written in zip64 form (APPNOTE allows it at any size),
// so no test needs 4 GiB; test/http/zip.test.ts streams one past 4 GiB through workerd.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ZipMember, type ZipOptions, zipStream } from '../../src/http/zip.ts'

const run = promisify(execFile)
let work = ''

beforeAll(async () => {
	work = await mkdtemp(join(tmpdir(), 'coslink-zip-'))
})
afterAll(async () => {
	await rm(work, { recursive: true, force: true })
})

function member(name: string, bytes: Uint8Array<ArrayBuffer>): ZipMember {
	return {
		name,
		size: bytes.length,
		lastModified: new Date(Date.UTC(2026, 0, 2, 3, 4, 6)),
		open: async () => new Blob([bytes]).stream(),
	}
}

const text = (value: string) => new TextEncoder().encode(value)
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Writes the archive to a file; checks it has exactly the announced length. */
async function archive(file: string, members: readonly ZipMember[], options?: ZipOptions): Promise<string> {
	const { body, length } = zipStream(members, options)
	const bytes = new Uint8Array(await new Response(body).arrayBuffer())
	expect(bytes.length).toBe(length)
	const path = join(work, file)
	await writeFile(path, bytes)
	return path
}

interface PythonView {
	members: Record<string, string>
	utf8: boolean[]
	modes: number[]
	dates: number[][]
}

/** What Python's zipfile reads: name → sha256, the UTF-8 flag, Unix modes, dates. */
async function python(path: string): Promise<PythonView> {
	const script =
		'import hashlib,json,sys,zipfile\n' +
		'z=zipfile.ZipFile(sys.argv[1])\n' +
		'assert z.testzip() is None\n' +
		'i=z.infolist()\n' +
		'print(json.dumps({"members":{x.filename:hashlib.sha256(z.read(x)).hexdigest() for x in i},' +
		'"utf8":[bool(x.flag_bits&0x800) for x in i],"modes":[x.external_attr>>16 for x in i],' +
		'"dates":[list(x.date_time) for x in i]}))\n'
	const { stdout } = await run('python3', ['-c', script, path], { maxBuffer: 64 * 1024 * 1024 })
	return JSON.parse(stdout) as PythonView
}

async function unzipTest(path: string): Promise<string> {
	const { stdout } = await run('unzip', ['-t', path], { maxBuffer: 64 * 1024 * 1024 })
	return stdout
}

const SAMPLE: [string, Uint8Array<ArrayBuffer>][] = [
	['readme.txt', text('hello\n')],
	['报告 2026/季度 Q1.txt', text('季度\n'.repeat(1000))],
	['照片/📷 photo.bin', Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff)],
	['empty.txt', new Uint8Array(0)],
	['naïve café/Ελληνικά.txt', text('ok')],
]
const EXPECTED = Object.fromEntries(SAMPLE.map(([name, bytes]) => [name, sha256(bytes)]))

describe('archives read back by Python’s zipfile and Debian’s unzip', () => {
	it.each([
		['32-bit records', {}],
		['every record in zip64 form', { forceZip64: true }],
	] as const)('reads UTF-8 names and every member’s bytes with %s', async (label, options) => {
		const path = await archive(
			`${label.replaceAll(' ', '-')}.zip`,
			SAMPLE.map(([name, bytes]) => member(name, bytes)),
			options,
		)
		const view = await python(path)
		expect(view.members).toEqual(EXPECTED)
		expect(view.utf8.every(Boolean)).toBe(true)
		expect(view.modes.every((mode) => mode === 0o100644)).toBe(true)
		expect(view.dates[0]).toEqual([2026, 1, 2, 3, 4, 6])
		expect(await unzipTest(path)).toContain('No errors detected')
	})

	it('reads an empty folder’s archive as one with no members', async () => {
		const path = await archive('empty.zip', [])
		expect((await python(path)).members).toEqual({})
	})

	it('reads 1,000 small members, empty ones among them', async () => {
		const members = Array.from({ length: 1000 }, (_, i) =>
			member(`many/file-${String(i).padStart(4, '0')}.txt`, text(i % 7 === 0 ? '' : `file ${i}\n`)),
		)
		const path = await archive('many.zip', members)
		const view = await python(path)
		expect(Object.keys(view.members)).toHaveLength(1000)
		expect(view.members['many/file-0999.txt']).toBe(sha256(text('file 999\n')))
		expect(await unzipTest(path)).toContain('No errors detected')
	})
})
