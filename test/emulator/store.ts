// Objects on disk. COS keys may hold anything a file name cannot (850 UTF-8 bytes, '//'
// runs, a leading '/', '..' segments, unicode), so nothing is named after the key itself:
//   meta/<sha256(key)>.json        the key, its headers, and which data file holds its bytes
//   data/<sha256(key)>.<random>    the bytes of one version
//   tmp/                           uploads in progress (same filesystem, so rename is atomic)
// A PUT writes a fresh data file, then swaps the metadata in with a rename: a reader who
// already opened the old version keeps reading it (POSIX keeps unlinked files alive).
import { createHash, randomBytes } from 'node:crypto'
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CosError } from './errors.ts'

export const MAX_KEY_BYTES = 850

export interface ObjectMeta {
	key: string
	size: number
	/** Quoted, as COS sends it: "\"<md5 hex>\"". */
	etag: string
	/** ISO 8601 on a whole second (HTTP dates carry no fractions). */
	lastModified: string
	contentType: string
	/** Stored response headers sent back on GET/HEAD (cache-control, x-cos-meta-*, …). */
	headers: Record<string, string>
	/** Data file name under data/. */
	file: string
}

export type ObjectBody = Buffer | Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

export interface WriteOptions {
	contentType?: string | undefined
	headers?: Record<string, string> | undefined
	/** Epoch milliseconds. Default: now. */
	lastModified?: number | undefined
	/** x-cos-forbid-overwrite: refuse with 409 FileAlreadyExists when the key exists. */
	forbidOverwrite?: boolean | undefined
	/** Base64 Content-MD5 the body must match (400 BadDigest otherwise). */
	contentMd5?: string | undefined
	/** Content-Length the body must match (400 IncompleteBody otherwise). */
	contentLength?: number | undefined
}

const metaDir = (root: string) => join(root, 'meta')
const dataDir = (root: string) => join(root, 'data')
const tmpDir = (root: string) => join(root, 'tmp')

const keyId = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex')
const metaPath = (root: string, key: string) => join(metaDir(root), `${keyId(key)}.json`)

const isNotFound = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT'

export async function ensureStore(root: string): Promise<void> {
	await Promise.all(
		[root, metaDir(root), dataDir(root), tmpDir(root)].map((dir) => mkdir(dir, { recursive: true })),
	)
}

/** UTF-8 byte order, the order COS lists keys in (JS string order differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
	return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

export function assertStorableKey(key: string): void {
	if (key === '') throw new CosError(400, 'InvalidURI', 'Object key must not be empty.')
	if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
		throw new CosError(400, 'KeyTooLong', `Your key is too long (max ${MAX_KEY_BYTES} UTF-8 bytes).`)
	if (!key.isWellFormed()) throw new CosError(400, 'InvalidURI', 'Object key is not valid UTF-8.')
}

export async function readMeta(root: string, key: string): Promise<ObjectMeta | undefined> {
	try {
		return JSON.parse(await readFile(metaPath(root, key), 'utf8')) as ObjectMeta
	} catch (error) {
		if (isNotFound(error)) return undefined
		throw error
	}
}

export interface OpenObject {
	meta: ObjectMeta
	handle: FileHandle
}

/** The metadata and an open handle on the bytes it describes; the caller closes the handle. */
export async function openObject(root: string, key: string): Promise<OpenObject | undefined> {
	// A concurrent PUT may replace the metadata and unlink the old data file between the two
	// reads; the new metadata then names a file that exists, so read again.
	for (let attempt = 0; ; attempt++) {
		const meta = await readMeta(root, key)
		if (!meta) return undefined
		try {
			return { meta, handle: await open(join(dataDir(root), meta.file), 'r') }
		} catch (error) {
			if (!isNotFound(error) || attempt >= 5) throw error
		}
	}
}

// Writers of one key commit one at a time, so "does it exist?" and the swap cannot interleave.
const commitLocks = new Map<string, Promise<unknown>>()

function withKeyLock<T>(lockKey: string, task: () => Promise<T>): Promise<T> {
	const previous = commitLocks.get(lockKey) ?? Promise.resolve()
	const run = previous.then(task, task)
	const settled = run.catch(() => undefined)
	commitLocks.set(lockKey, settled)
	void settled.then(() => {
		if (commitLocks.get(lockKey) === settled) commitLocks.delete(lockKey)
	})
	return run
}

async function* chunksOf(body: ObjectBody): AsyncGenerator<Uint8Array> {
	if (typeof body === 'string') yield Buffer.from(body, 'utf8')
	else if (body instanceof Uint8Array) yield body
	else yield* body
}

/** Streams a body to disk and makes it the object's current version. */
export async function writeObject(
	root: string,
	key: string,
	body: ObjectBody,
	options: WriteOptions = {},
): Promise<ObjectMeta> {
	assertStorableKey(key)
	await ensureStore(root)
	const id = keyId(key)
	if (options.forbidOverwrite && (await readMeta(root, key))) throw fileAlreadyExists()

	const file = `${id}.${randomBytes(8).toString('hex')}`
	const tmpData = join(tmpDir(root), file)
	const md5 = createHash('md5')
	let size = 0
	try {
		async function* hashed(): AsyncGenerator<Uint8Array> {
			for await (const chunk of chunksOf(body)) {
				md5.update(chunk)
				size += chunk.byteLength
				yield chunk
			}
		}
		// open() + createWriteStream keeps the bytes off the heap whatever the object's size.
		await pipeline(Readable.from(hashed()), (await open(tmpData, 'wx')).createWriteStream())
		const digest = md5.digest()
		if (options.contentLength !== undefined && options.contentLength !== size)
			throw new CosError(
				400,
				'IncompleteBody',
				'You did not provide the number of bytes specified by the Content-Length HTTP header.',
			)
		if (options.contentMd5 !== undefined && options.contentMd5 !== digest.toString('base64'))
			throw new CosError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')

		const now = options.lastModified ?? Date.now()
		const meta: ObjectMeta = {
			key,
			size,
			etag: `"${digest.toString('hex')}"`,
			lastModified: new Date(Math.floor(now / 1000) * 1000).toISOString(),
			contentType: options.contentType || 'application/octet-stream',
			headers: options.headers ?? {},
			file,
		}
		return await withKeyLock(`${root}\0${id}`, async () => {
			const previous = await readMeta(root, key)
			if (options.forbidOverwrite && previous) throw fileAlreadyExists()
			await rename(tmpData, join(dataDir(root), file))
			const tmpMeta = join(tmpDir(root), `${file}.json`)
			await writeFile(tmpMeta, JSON.stringify(meta))
			await rename(tmpMeta, metaPath(root, key))
			if (previous) await rm(join(dataDir(root), previous.file), { force: true })
			return meta
		})
	} finally {
		await rm(tmpData, { force: true })
	}
}

function fileAlreadyExists(): CosError {
	return new CosError(
		409,
		'FileAlreadyExists',
		'The object already exists and x-cos-forbid-overwrite is true.',
	)
}

/** Seeds or replaces one object (tests and the launcher). Returns its metadata. */
export function putObject(
	root: string,
	key: string,
	body: ObjectBody,
	contentType = 'application/octet-stream',
	options: Omit<WriteOptions, 'contentType'> = {},
): Promise<ObjectMeta> {
	return writeObject(root, key, body, { ...options, contentType })
}

/** Removes an object; true when it existed. */
export async function deleteObject(root: string, key: string): Promise<boolean> {
	return withKeyLock(`${root}\0${keyId(key)}`, async () => {
		const meta = await readMeta(root, key)
		if (!meta) return false
		await rm(metaPath(root, key), { force: true })
		await rm(join(dataDir(root), meta.file), { force: true })
		return true
	})
}

/** Every object's metadata, in COS's listing order (UTF-8 bytes). */
export async function listObjects(root: string): Promise<ObjectMeta[]> {
	let names: string[]
	try {
		names = await readdir(metaDir(root))
	} catch (error) {
		if (isNotFound(error)) return []
		throw error
	}
	const metas = await Promise.all(
		names
			.filter((name) => name.endsWith('.json'))
			.map(async (name) => {
				try {
					return JSON.parse(await readFile(join(metaDir(root), name), 'utf8')) as ObjectMeta
				} catch (error) {
					// Deleted between readdir and readFile.
					if (isNotFound(error)) return undefined
					throw error
				}
			}),
	)
	return metas.filter((meta) => meta !== undefined).sort((a, b) => compareKeys(a.key, b.key))
}

export async function listKeys(root: string): Promise<string[]> {
	return (await listObjects(root)).map((meta) => meta.key)
}
