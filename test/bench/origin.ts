// The origin of the stream benchmark, run as a child process (stream.ts starts it) so that
// it has its own event loop and core, as COS would, instead of sharing the client's.
//   node test/bench/origin.ts --kind emulator|simple --dir <tmp> --sizes <bytes,...>
//     [--bucket B --region R --secret-id I --secret-key K]   (emulator)
// emulator: the project's COS emulator (test/emulator/server.ts), which checks every
//           signature with Tencent's SDK and serves objects with createReadStream;
// simple:   a minimal http server answering any path ending in an object's name with its
//           file (Content-Length, fs.createReadStream), ignoring auth.
// Writes the objects first, then prints one JSON line (OriginReady) and serves until stdin
// closes or SIGTERM.
import { createReadStream, createWriteStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { objectChunks, objectKey } from './object-bytes.ts'

export type OriginKind = 'emulator' | 'simple'

export interface OriginReady {
	kind: OriginKind
	/** http://127.0.0.1:<port> */
	url: string
	pid: number
	objects: { key: string; size: number }[]
}

interface EmulatorHandle {
	url: string
	close(): Promise<void>
}

/** The part of test/emulator/server.ts used here, checked at run time. */
interface EmulatorModule {
	startEmulator(options: {
		root: string
		host: string
		port: number
		bucket: string
		region: string
		secretId: string
		secretKey: string
		record: boolean
	}): Promise<EmulatorHandle>
	putObject(root: string, key: string, body: Iterable<Uint8Array>, contentType?: string): Promise<unknown>
}

function isEmulatorModule(value: unknown): value is EmulatorModule {
	const module = value as Partial<EmulatorModule> | null
	return typeof module?.startEmulator === 'function' && typeof module.putObject === 'function'
}

async function startEmulatorOrigin(
	dir: string,
	sizes: number[],
	values: Record<string, string | undefined>,
): Promise<{ url: string; close(): Promise<void> }> {
	// Not a literal import: the emulator is optional, and its absence must not break typing.
	const specifier = new URL('../emulator/server.ts', import.meta.url).href
	const module: unknown = await import(specifier)
	if (!isEmulatorModule(module)) throw new Error('test/emulator/server.ts lacks startEmulator/putObject')
	const root = join(dir, 'cos')
	const need = (name: string) => {
		const value = values[name]
		if (!value) throw new Error(`--${name} is required for the emulator`)
		return value
	}
	for (const size of sizes)
		await module.putObject(root, objectKey(size), objectChunks(size), 'application/octet-stream')
	return module.startEmulator({
		root,
		host: '127.0.0.1',
		port: 0,
		bucket: need('bucket'),
		region: need('region'),
		secretId: need('secret-id'),
		secretKey: need('secret-key'),
		record: false,
	})
}

async function startSimpleOrigin(
	dir: string,
	sizes: number[],
): Promise<{ url: string; close(): Promise<void> }> {
	const files = new Map<string, string>()
	for (const size of sizes) {
		const name = objectKey(size).slice(objectKey(size).lastIndexOf('/') + 1)
		const path = join(dir, name)
		await pipeline(Readable.from(objectChunks(size)), createWriteStream(path))
		files.set(name, path)
	}
	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0] ?? '/'
		const file = files.get(path.slice(path.lastIndexOf('/') + 1))
		if (!file) {
			res.writeHead(404, { 'Content-Length': 0 }).end()
			return
		}
		stat(file).then(
			({ size }) => {
				res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size })
				if (req.method === 'HEAD') return void res.end()
				pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), res).catch(() => {
					// The client went away mid-body.
				})
			},
			() => res.writeHead(500, { 'Content-Length': 0 }).end(),
		)
	})
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const { port } = server.address() as AddressInfo
	return {
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()))
			server.closeAllConnections()
			await closed
		},
	}
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			kind: { type: 'string' },
			dir: { type: 'string' },
			sizes: { type: 'string' },
			bucket: { type: 'string' },
			region: { type: 'string' },
			'secret-id': { type: 'string' },
			'secret-key': { type: 'string' },
		},
		strict: true,
	})
	const { kind, dir } = values
	if ((kind !== 'emulator' && kind !== 'simple') || !dir || !values.sizes)
		throw new Error('usage: origin.ts --kind emulator|simple --dir <dir> --sizes <bytes,...>')
	const sizes = values.sizes.split(',').map(Number)
	if (sizes.some((size) => !Number.isSafeInteger(size) || size <= 0)) throw new Error('bad --sizes')
	await rm(join(dir, 'cos'), { recursive: true, force: true })
	const origin =
		kind === 'emulator' ? await startEmulatorOrigin(dir, sizes, values) : await startSimpleOrigin(dir, sizes)
	const ready: OriginReady = {
		kind,
		url: origin.url,
		pid: process.pid,
		objects: sizes.map((size) => ({ key: objectKey(size), size })),
	}
	process.stdout.write(`${JSON.stringify(ready)}\n`)
	let stopping = false
	const stop = () => {
		if (stopping) return
		stopping = true
		origin.close().finally(() => process.exit(0))
	}
	process.stdin.on('end', stop)
	process.stdin.resume()
	process.on('SIGTERM', stop)
}

if (import.meta.main) {
	main().catch((error: unknown) => {
		process.stderr.write(
			`origin: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		)
		process.exit(1)
	})
}
