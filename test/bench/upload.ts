// Benchmark: uploads. The same bytes PUT to the COS emulator two ways: straight to it with
// a URL pre-signed by the worker (the upload page's direct path), and streamed through the
// worker (`PUT /<id>/uploads/<name>`), with the workerd's peak RSS while it streams: a
// worker that does not buffer needs the same memory for 256 MiB as for 64 MiB. Every
// upload is checked by size and MD5 in the emulator's store. `npm run bench -- upload`.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
	BUCKET,
	CREDENTIALS,
	createShare,
	directUrl,
	formatMib,
	type Origin,
	REGION,
	withEmulatorApp,
} from './app-bench.ts'
import { formatRatio, markdownTable, median } from './measure.ts'
import { MIB, objectChunks, objectMd5 } from './object-bytes.ts'
import { watchProcess } from './procfs.ts'
import type { HttpWorker } from './serve.ts'
import { bundle, compatibilityDate, importBundle, runtimeVersions } from './workerd.ts'

export interface UploadBenchOptions {
	/** Interleaved rounds; MB/s is the median. Default 3. */
	rounds?: number
	/** Upload sizes in MiB. Default [64, 256]. */
	sizesMiB?: number[]
}

const SHARE = 'bench-upload'

/** PUTs `size` deterministic bytes with an exact Content-Length; resolves with status, body, seconds. */
function put(url: URL, size: number, headers: Record<string, string>) {
	return new Promise<{ status: number; body: string; seconds: number }>((resolve, reject) => {
		const start = performance.now()
		const req = request(
			url,
			{ method: 'PUT', agent: false, headers: { ...headers, 'content-length': size } },
			(res) => {
				let body = ''
				res.on('data', (chunk: Buffer) => {
					body += chunk.toString('utf8')
				})
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, body, seconds: (performance.now() - start) / 1000 }),
				)
				res.on('error', reject)
			},
		)
		req.on('error', reject)
		pipeline(Readable.from(objectChunks(size)), req).catch(reject)
	})
}

/** The MD5 of the stored object whose key ends with `suffix`, from the emulator's own files. */
async function storedMd5(root: string, key: string): Promise<string> {
	for (const name of await readdir(join(root, 'meta'))) {
		const meta = JSON.parse(await readFile(join(root, 'meta', name), 'utf8')) as { key: string; file: string }
		if (meta.key !== key) continue
		return createHash('md5')
			.update(await readFile(join(root, 'data', meta.file)))
			.digest('hex')
	}
	throw new Error(`no object ${key}`)
}

interface Sample {
	mbps: number
	cpu?: number
	peakRss?: number
	idleRss?: number
	key: string
}

type Presign = typeof import('../../src/cos/presign.ts')

/** A PUT pre-signed here with the worker's own signer, as POST /<id>/uploads signs one (any size: no multipart). */
async function direct(presign: Presign, origin: Origin, size: number, name: string): Promise<Sample> {
	const key = `bench-in/direct/${name}`
	const headers = {
		'content-length': String(size),
		'content-type': 'application/octet-stream',
		'x-cos-forbid-overwrite': 'true',
	}
	const { url } = await presign.presignObjectUrl({
		credentials: CREDENTIALS,
		target: { bucket: BUCKET, region: REGION, endpoint: origin.url },
		method: 'PUT',
		key,
		ttl: 3600,
		headers,
	})
	const { 'content-length': _length, ...rest } = headers
	const done = await put(new URL(url), size, rest)
	if (done.status !== 200) throw new Error(`direct PUT answered ${done.status}: ${done.body}`)
	return { mbps: size / done.seconds / 1e6, key }
}

async function streamed(app: HttpWorker, size: number, name: string): Promise<Sample> {
	const watch = watchProcess(app.pid)
	const target = new URL(`/${SHARE}/uploads/${name}`, directUrl(app))
	const done = await put(target, size, { 'content-type': 'application/octet-stream' })
	const { cpu, idleRss, peakRss } = watch.stop()
	if (done.status !== 201) throw new Error(`streamed PUT answered ${done.status}: ${done.body}`)
	const { key } = JSON.parse(done.body) as { key: string }
	return {
		mbps: size / done.seconds / 1e6,
		cpu,
		idleRss,
		peakRss,
		key,
	}
}

export async function run(options: UploadBenchOptions = {}): Promise<void> {
	const rounds = options.rounds ?? 3
	const sizes = (options.sizesMiB ?? [64, 256]).map((size) => size * MIB)
	await withEmulatorApp('upload', [MIB], async ({ origin, app, root }) => {
		await createShare(app, {
			type: 'upload',
			id: SHARE,
			prefix: 'bench-in/',
			expiresIn: 3600,
			upload: { maxFileSize: 4 * 1024 * MIB },
		})

		const presign = await importBundle<Presign>(await bundle('../../src/cos/presign.ts'))
		const theOrigin = origin
		const paths = {
			'direct signed PUT': (_worker: HttpWorker, size: number, name: string) =>
				direct(presign, theOrigin, size, name),
			'streamed through coslink': streamed,
		} as const
		const samples = new Map<string, Sample[]>()
		// Round 0 is the warm-up, and every upload's bytes are checked.
		for (let round = 0; round <= rounds; round++) {
			for (const size of sizes) {
				const order = round % 2 === 0 ? Object.entries(paths) : Object.entries(paths).reverse()
				for (const [name, upload] of order) {
					const sample = await upload(app, size, `r${round}-${size / MIB}.bin`)
					if (round === 0 && (await storedMd5(root, sample.key)) !== objectMd5(size))
						throw new Error(`${name} stored other bytes`)
					if (round === 0) continue
					const list = samples.get(`${name}\n${size}`) ?? []
					list.push(sample)
					samples.set(`${name}\n${size}`, list)
				}
			}
		}
		const rows: string[][] = []
		for (const size of sizes) {
			const directRate = median(samples.get(`direct signed PUT\n${size}`)?.map((s) => s.mbps) ?? [])
			for (const name of Object.keys(paths)) {
				const list = samples.get(`${name}\n${size}`) ?? []
				const rate = median(list.map((s) => s.mbps))
				const peaks = list.flatMap((s) => (s.peakRss === undefined ? [] : [s.peakRss]))
				const idles = list.flatMap((s) => (s.idleRss === undefined ? [] : [s.idleRss]))
				const cpu = list.reduce((sum, s) => sum + (s.cpu ?? 0), 0) / ((list.length * size) / (1024 * MIB))
				rows.push([
					name,
					`${size / MIB} MiB`,
					rate.toFixed(0),
					formatRatio(rate / directRate),
					peaks.length > 0 ? `${formatMib(Math.max(...peaks))} (idle ${formatMib(median(idles))})` : '—',
					peaks.length > 0 ? `${cpu.toFixed(3)} s` : '—',
				])
			}
		}
		const versions = runtimeVersions()
		const cpus = os.cpus()
		console.log(
			[
				`PUT of ${sizes.map((s) => `${s / MIB} MiB`).join(' and ')} of incompressible deterministic bytes from ` +
					'Node’s http client with an exact Content-Length, to the project’s COS emulator (its own Node process, ' +
					'signatures checked with Tencent’s SDK, bytes written to disk): straight to it with a URL pre-signed by ' +
					'src/cos/presign.ts (content-length, content-type and x-cos-forbid-overwrite signed), or through the worker’s streamed PUT /<id>/uploads/<name> (its own socket). ' +
					'MD5 of the stored object checked on a warm-up upload per path and size.',
				`Node ${versions.node}; workerd ${versions.workerd} (Miniflare ${versions.miniflare}, compatibility_date ${compatibilityDate()}).`,
				`${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}: client, emulator and workerd share the cores.`,
				`${rounds} interleaved rounds after a warm-up; MB/s is the median. workerd peak RSS: max of VmRSS sampled ` +
					'every 50 ms and VmHWM (reset before each upload), max over rounds.',
				'',
				markdownTable(['path', 'size', 'MB/s', 'vs direct', 'workerd peak RSS', 'workerd CPU / GiB'], rows, [
					'left',
					'right',
					'right',
					'right',
					'right',
					'right',
				]),
			].join('\n'),
		)
	})
}
