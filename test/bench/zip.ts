// Benchmark: a folder of 3 × 64 MiB downloaded as one streamed zip through coslink, next to
// the same 192 MiB streamed as one file, with the CPU and peak RSS of the workerd serving
// them. A zip passes every byte through JavaScript (CRC-32), so its CPU per MiB is what
// sizes the worker's CPU limit and ZIP_MAX_BYTES; its memory must not grow with the folder
// (a 1 × 64 MiB folder is measured too). Run with `npm run bench -- zip`.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, fileURLToPath as toPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { putObject } from '../emulator/store.ts'
import { waitUntilOk } from './http-client.ts'
import { markdownTable, median } from './measure.ts'
import { MIB, objectChunks, objectKey } from './object-bytes.ts'
import type { OriginReady } from './origin.ts'
import { childProcesses, cpuSeconds, memoryStatus, resetPeakRss, sampleRss } from './procfs.ts'
import { compatibilityDate, runtimeVersions } from './workerd.ts'

interface HttpWorker {
	url: URL
	pid: number
	dispose(): Promise<void>
}

/**
 * The whole worker with its KV namespace and its share Durable Object, in a workerd of its
 * own reached on its own socket. (serve.ts/worker-bundle.ts predate the Durable Object.)
 */
async function serveApp(vars: Record<string, string>): Promise<HttpWorker> {
	const bundled = await build({
		entryPoints: [toPath(new URL('../../src/index.ts', import.meta.url))],
		bundle: true,
		format: 'esm',
		platform: 'neutral',
		conditions: ['workerd', 'worker', 'browser'],
		mainFields: ['module', 'main'],
		target: 'es2024',
		jsx: 'automatic',
		jsxImportSource: 'hono/jsx',
		external: ['cloudflare:*'],
		write: false,
		logLevel: 'silent',
	})
	const script = bundled.outputFiles[0]?.text ?? ''
	const before = childProcesses('workerd')
	const env: Record<string, unknown> = {
		SHARES: { type: 'kv' },
		SHARE_STATE: { type: 'durable-object', worker: 'coslink', exportName: 'ShareState' },
	}
	for (const [name, value] of Object.entries(vars)) env[name] = { type: 'text', value }
	const mf = new Miniflare({
		host: '127.0.0.1',
		port: 0,
		enableDevRegistry: false,
		telemetry: { enabled: false },
		workers: [
			{
				config: {
					name: 'coslink',
					compatibilityDate: compatibilityDate(),
					manifest: {
						mainModule: 'worker.mjs',
						modulesRoot: '/',
						modules: { 'worker.mjs': { type: 'esm', contents: script } },
					},
					env,
					exports: { ShareState: { type: 'durable-object', storage: 'sqlite' } },
				},
				dev: { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] },
			},
		],
	} as ConstructorParameters<typeof Miniflare>[0])
	await mf.ready
	const url = await mf.unsafeGetDirectURL('coslink')
	const started = [...childProcesses('workerd')].filter((pid) => !before.has(pid))
	const pid = started[0]
	if (pid === undefined || started.length !== 1) {
		await mf.dispose()
		throw new Error(`expected one new workerd process, found ${started.length}`)
	}
	return { url, pid, dispose: () => mf.dispose() }
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'
const CREDENTIALS = {
	secretId: 'AKIDbenchmarkEXAMPLE0000000000000000',
	secretKey: 'benchmarkEXAMPLEsecretKEY000000000',
}
const BUCKET = 'examplebucket-1250000000'
const REGION = 'ap-guangzhou'
const PART = 64 * MIB
const ONE_FILE = 3 * PART

interface Origin extends OriginReady {
	child: ChildProcess
}

function startOrigin(dir: string): Promise<Origin> {
	const child = spawn(
		process.execPath,
		[
			fileURLToPath(new URL('./origin.ts', import.meta.url)),
			'--kind=emulator',
			`--dir=${dir}`,
			`--sizes=${ONE_FILE}`,
			`--bucket=${BUCKET}`,
			`--region=${REGION}`,
			`--secret-id=${CREDENTIALS.secretId}`,
			`--secret-key=${CREDENTIALS.secretKey}`,
		],
		{ stdio: ['pipe', 'pipe', 'inherit'] },
	)
	return new Promise((resolve, reject) => {
		createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
			resolve({ ...(JSON.parse(line) as OriginReady), child }),
		)
		child.once('exit', (code) => reject(new Error(`origin exited with ${code}`)))
	})
}

async function stopOrigin(origin: Origin | undefined): Promise<void> {
	if (!origin || origin.child.exitCode !== null) return
	const exited = new Promise<void>((done) => origin.child.once('exit', () => done()))
	origin.child.stdin?.end()
	const timer = setTimeout(() => origin.child.kill('SIGKILL'), 5000)
	await exited
	clearTimeout(timer)
}

function download(url: URL): Promise<{ bytes: number; seconds: number; length: string | undefined }> {
	return new Promise((resolve, reject) => {
		const start = performance.now()
		const req = request(url, { agent: false }, (res) => {
			if (res.statusCode !== 200) {
				res.resume()
				reject(new Error(`GET ${url.pathname} answered ${res.statusCode}`))
				return
			}
			let bytes = 0
			res.on('data', (chunk: Buffer) => {
				bytes += chunk.length
			})
			res.on('error', reject)
			res.on('end', () =>
				resolve({
					bytes,
					seconds: (performance.now() - start) / 1000,
					length: res.headers['content-length'],
				}),
			)
		})
		req.on('error', reject)
		req.end()
	})
}

interface Sample {
	mbps: number
	cpuMsPerMib: number
	peakRss: number
	idleRss: number
}

async function measure(worker: HttpWorker, url: URL, payload: number): Promise<Sample> {
	const idleRss = memoryStatus(worker.pid).rss
	const hwmReset = resetPeakRss(worker.pid)
	const sampler = sampleRss(worker.pid, 50)
	const cpuBefore = cpuSeconds(worker.pid)
	const { bytes, seconds, length } = await download(url)
	const cpu = cpuSeconds(worker.pid) - cpuBefore
	const { peakSampled, hwm } = sampler.stop()
	if (length !== String(bytes)) throw new Error(`${url.pathname}: ${bytes} bytes, Content-Length ${length}`)
	return {
		mbps: bytes / seconds / 1e6,
		cpuMsPerMib: (cpu * 1000) / (payload / MIB),
		peakRss: hwmReset ? Math.max(peakSampled, hwm) : peakSampled,
		idleRss,
	}
}

async function createShare(app: HttpWorker, body: Record<string, unknown>): Promise<void> {
	const res = await fetch(new URL('/api/shares', app.url), {
		method: 'POST',
		headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	})
	if (res.status !== 201) throw new Error(`creating ${String(body.id)} answered ${res.status}`)
	await res.body?.cancel()
}

export async function run(rounds = 3): Promise<void> {
	const began = performance.now()
	const dir = await mkdtemp(join(os.tmpdir(), 'coslink-bench-zip-'))
	let origin: Origin | undefined
	let app: HttpWorker | undefined
	try {
		origin = await startOrigin(dir)
		const root = join(dir, 'cos')
		// The same incompressible bytes, cut into a folder of three (and a folder of one).
		for (const name of ['a', 'b', 'c'])
			await putObject(root, `zipbench/three/part-${name}.bin`, objectChunks(PART), 'application/octet-stream')
		await putObject(root, 'zipbench/one/part-a.bin', objectChunks(PART), 'application/octet-stream')
		app = await serveApp({
			COS_SECRET_ID: CREDENTIALS.secretId,
			COS_SECRET_KEY: CREDENTIALS.secretKey,
			ADMIN_TOKEN,
			LINK_SECRET: 'bench-link-secret-0123456789abcdef',
			COS_BUCKET: BUCKET,
			COS_REGION: REGION,
			COS_ENDPOINT: origin.url,
		})
		await waitUntilOk(new URL('/_/health', app.url))
		await createShare(app, { id: 'zip-three', type: 'folder', prefix: 'zipbench/three/' })
		await createShare(app, { id: 'zip-one', type: 'folder', prefix: 'zipbench/one/' })
		await createShare(app, { id: 'one-file', key: objectKey(ONE_FILE), delivery: 'stream' })
		const base = app.url
		const paths = [
			{ name: 'zip of 3 × 64 MiB folder', url: new URL('/_/zip/zip-three/', base), payload: 3 * PART },
			{ name: 'zip of 1 × 64 MiB folder', url: new URL('/_/zip/zip-one/', base), payload: PART },
			{ name: 'stream of one 192 MiB file', url: new URL('/one-file', base), payload: ONE_FILE },
		]
		for (const path of paths) await download(path.url)
		const samples = new Map<string, Sample[]>()
		for (let round = 0; round < rounds; round++) {
			for (let i = 0; i < paths.length; i++) {
				const path = paths[(round + i) % paths.length]
				if (!path || !app) continue
				const list = samples.get(path.name) ?? []
				list.push(await measure(app, path.url, path.payload))
				samples.set(path.name, list)
			}
		}
		const streamRate = median(samples.get('stream of one 192 MiB file')?.map((s) => s.mbps) ?? [])
		const rows = paths.map((path) => {
			const list = samples.get(path.name) ?? []
			const rate = median(list.map((s) => s.mbps))
			return [
				path.name,
				rate.toFixed(0),
				`${(rate / streamRate).toFixed(2)}×`,
				median(list.map((s) => s.cpuMsPerMib)).toFixed(1),
				`${(Math.max(...list.map((s) => s.peakRss)) / MIB).toFixed(1)} MiB (idle ${(median(list.map((s) => s.idleRss)) / MIB).toFixed(1)})`,
			]
		})
		const versions = runtimeVersions()
		console.log(
			[
				'A folder downloaded as a store-mode zip (client-zip, exact Content-Length) through coslink, from the ' +
					'project’s COS emulator (signatures checked), against the same bytes streamed as one file.',
				`Node ${versions.node}; workerd ${versions.workerd} (compatibility_date ${compatibilityDate()}); ` +
					`${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}. ${rounds} interleaved rounds after a warm-up.`,
				'',
				markdownTable(
					['path', 'MB/s (median)', 'vs one file', 'workerd CPU ms/MiB (median)', 'workerd peak RSS'],
					rows,
					['left', 'right', 'right', 'right', 'right'],
				),
				'',
				'CPU ms/MiB: CPU time of the whole workerd process per MiB of payload (the files’ bytes).',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	} finally {
		await app?.dispose()
		await stopOrigin(origin)
		await rm(dir, { recursive: true, force: true })
	}
}
