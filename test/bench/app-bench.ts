// What the benchmarks that run the whole coslink worker against an origin share: the
// made-up credentials, the origin (origin.ts) in a child process, the worker served with
// its KV namespace and Durable Object, share creation, and a timed download.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { waitUntilOk } from './http-client.ts'
import { MIB } from './object-bytes.ts'
import type { OriginKind, OriginReady } from './origin.ts'
import { cpuSeconds, lowestPriority } from './procfs.ts'
import { type HttpWorker, type HttpWorkerOptions, type QueueConsumer, serveWorker } from './serve.ts'
import { bundleApp } from './worker-bundle.ts'

// Made-up credentials of the real shape; the emulator checks signatures against them.
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'
export const CREDENTIALS = {
	secretId: 'AKIDbenchmarkEXAMPLE0000000000000000',
	secretKey: 'benchmarkEXAMPLEsecretKEY000000000',
}
export const BUCKET = 'examplebucket-1250000000'
export const REGION = 'ap-guangzhou'

export interface Origin extends OriginReady {
	child: ChildProcess
	stop(): Promise<void>
}

/** Starts origin.ts in a child process; resolves once it prints its ready line. */
export function startOrigin(kind: OriginKind, dir: string, sizes: readonly number[]): Promise<Origin> {
	const child = spawn(
		process.execPath,
		[
			fileURLToPath(new URL('./origin.ts', import.meta.url)),
			`--kind=${kind}`,
			`--dir=${dir}`,
			`--sizes=${sizes.join(',')}`,
			`--bucket=${BUCKET}`,
			`--region=${REGION}`,
			`--secret-id=${CREDENTIALS.secretId}`,
			`--secret-key=${CREDENTIALS.secretKey}`,
		],
		{ stdio: ['pipe', 'pipe', 'pipe'] },
	)
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.stdin?.end()
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
			await exited
			clearTimeout(timer)
		}
	}
	let stderr = ''
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString('utf8')
	})
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
		lines.once('line', (line) => {
			try {
				resolve({ ...(JSON.parse(line) as OriginReady), child, stop })
			} catch (error) {
				void stop()
				reject(error)
			}
		})
		child.once('exit', (code) => reject(new Error(`origin (${kind}) exited with ${code}: ${stderr.trim()}`)))
	})
}

/** The object a HEAD origin describes: what the download page shows. */
export const HEAD_OBJECT_SIZE = 1_572_864

export interface HeadOrigin {
	/** http://127.0.0.1:<port> */
	url: string
	stop(): Promise<void>
}

/**
 * Answers the download page's HEAD (every few seconds, once the worker remembers it) like
 * COS would, without checking the signature: a 1.5 MiB PDF. Redirects never reach it.
 */
export async function startHeadOrigin(): Promise<HeadOrigin> {
	const server = createServer((req, response) => {
		response.writeHead(req.method === 'HEAD' ? 200 : 405, {
			'content-type': 'application/pdf',
			'content-length': req.method === 'HEAD' ? String(HEAD_OBJECT_SIZE) : '0',
			'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
			etag: '"bench"',
		})
		response.end()
	})
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	}
}

/** The Standard Webhooks spec's example secret: the benchmarks' receiver never checks it. */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** wrangler.toml's `[[queues.consumers]]`, so the benchmark consumes as a deploy does. */
export function queueConsumers(): QueueConsumer[] {
	const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8')
	return toml
		.split('[[queues.consumers]]')
		.slice(1)
		.map((block) => {
			const fields = new Map<string, string>()
			for (const line of (block.split(/^\[/m)[0] ?? '').split('\n')) {
				const match = /^(\w+)\s*=\s*"?([^"\n]*)"?\s*$/.exec(line.trim())
				if (match?.[1] && match[2] !== undefined) fields.set(match[1], match[2])
			}
			const number = (name: string) => (fields.has(name) ? Number(fields.get(name)) : undefined)
			const name = fields.get('queue')
			if (!name) throw new Error('a [[queues.consumers]] entry without a queue in wrangler.toml')
			return {
				name,
				maxBatchSize: number('max_batch_size'),
				maxBatchTimeout: number('max_batch_timeout'),
				maxRetries: number('max_retries'),
				deadLetterQueue: fields.get('dead_letter_queue'),
			}
		})
}

/**
 * Stats and webhooks on, as deployed: the worker under load produces to EVENTS, and the
 * same worker consumes it — in its own workerd here (a Miniflare dev registry forwards the
 * queue), as Cloudflare runs consumer invocations apart from the requests that produced the
 * events: the served worker's CPU is the request path's alone. The consumer counts into
 * STATS and sends each download's webhook to a receiver in its own process.
 *
 * Cloudflare also runs the consumer on other machines. Here there are only the load's own
 * cores, so the consumer's workerd runs at the lowest CPU priority (nice 19): while a load
 * keeps the cores busy it gets almost none, and the queue holds the events until the load
 * ends (settleConsumer waits for them). Its work is deferred, never skipped: the benchmarks
 * count what arrived and the CPU it took. The receiver keeps its priority: starved, it
 * stopped accepting connections and the webhooks failed over to retries.
 */
export interface EventsPipeline {
	/** What the worker under load adds to its options. */
	producer: Pick<HttpWorkerOptions, 'queueProducers' | 'devRegistryPath'> & { vars: Record<string, string> }
	/** The consuming worker (STATS is its database; its /api/stats reads it). */
	consumer: HttpWorker
	sink: WebhookSink
	stop(): Promise<void>
}

export async function startEventsPipeline(
	script: string,
	vars: Readonly<Record<string, string>>,
): Promise<EventsPipeline> {
	const registry = await mkdtemp(join(os.tmpdir(), 'coslink-bench-registry-'))
	const sink = await startWebhookSink()
	const settings = { WEBHOOK_URL: sink.url, WEBHOOK_SECRET, ...vars }
	try {
		const consumer = await serveWorker({
			name: 'coslink-consumer',
			script,
			vars: settings,
			kvNamespaces: ['SHARES'],
			durableObjects: { SHARE_STATE: 'ShareState' },
			queueProducers: { EVENTS: 'coslink-events' },
			queueConsumers: queueConsumers(),
			d1Databases: ['STATS'],
			devRegistryPath: registry,
		})
		lowestPriority(consumer.pid)
		return {
			producer: { vars: settings, queueProducers: { EVENTS: 'coslink-events' }, devRegistryPath: registry },
			consumer,
			sink,
			stop: async () => {
				await consumer.dispose()
				await sink.stop()
				await rm(registry, { recursive: true, force: true })
			},
		}
	} catch (error) {
		await sink.stop()
		await rm(registry, { recursive: true, force: true })
		throw error
	}
}

/**
 * Waits until the consumer's workerd has stopped working through a backlog (under 5% of a
 * core over a quarter second), so the next load does not share the cores with the last one's
 * events. Returns the seconds waited.
 */
export async function settleConsumer(pipeline: EventsPipeline, timeoutMs = 60_000): Promise<number> {
	const began = performance.now()
	const windowMs = 250
	for (;;) {
		const before = cpuSeconds(pipeline.consumer.pid)
		await new Promise((resolve) => setTimeout(resolve, windowMs))
		const busy = (cpuSeconds(pipeline.consumer.pid) - before) / (windowMs / 1000)
		if (busy < 0.05 || performance.now() - began > timeoutMs) return (performance.now() - began) / 1000
	}
}

/**
 * Waits until the consumer has counted every event and its receiver has every webhook:
 * both figures unchanged for 3 s. Returns them, and how long that took.
 */
export async function drainEvents(pipeline: EventsPipeline) {
	const began = performance.now()
	const figures = async () => {
		const res = await fetch(new URL('/api/stats', pipeline.consumer.url), {
			headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
		})
		if (res.status !== 200)
			throw new Error(`the consumer's /api/stats answered ${res.status}: ${await res.text()}`)
		const { totals } = (await res.json()) as { totals: { downloads: number } }
		return { downloads: totals.downloads, webhooks: await pipeline.sink.count() }
	}
	let last = await figures()
	let steadySince = performance.now()
	while (performance.now() - steadySince < 3000 && performance.now() - began < 600_000) {
		await new Promise((resolve) => setTimeout(resolve, 500))
		const now = await figures()
		if (now.downloads !== last.downloads || now.webhooks !== last.webhooks) steadySince = performance.now()
		last = now
	}
	return { ...last, seconds: (steadySince - began) / 1000 }
}

export interface WebhookSink {
	url: string
	pid: number
	/** Deliveries it has answered so far. */
	count(): Promise<number>
	stop(): Promise<void>
}

/** webhook-sink.ts in a child process: a receiver with its own event loop. */
export function startWebhookSink(): Promise<WebhookSink> {
	const child = spawn(process.execPath, [fileURLToPath(new URL('./webhook-sink.ts', import.meta.url))], {
		stdio: ['pipe', 'pipe', 'inherit'],
	})
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
	return new Promise((resolve, reject) => {
		createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
			const { url } = JSON.parse(line) as { url: string }
			resolve({
				url,
				pid: child.pid ?? 0,
				count: async () =>
					((await (await fetch(new URL('/count', url))).json()) as { deliveries: number }).deliveries,
				stop: async () => {
					child.stdin?.end()
					await exited
				},
			})
		})
		child.once('exit', (code) => reject(new Error(`the webhook sink exited with ${code}`)))
	})
}

/** The coslink worker's settings: made-up credentials, signing for `originUrl`. */
export function appVars(originUrl: string): Record<string, string> {
	return {
		COS_SECRET_ID: CREDENTIALS.secretId,
		COS_SECRET_KEY: CREDENTIALS.secretKey,
		ADMIN_TOKEN,
		LINK_SECRET: 'bench-link-secret-0123456789abcdef',
		COS_BUCKET: BUCKET,
		COS_REGION: REGION,
		COS_ENDPOINT: originUrl,
	}
}

/** The coslink worker (src/index.ts) in its own workerd, on its own socket too, signing for `originUrl`. */
export async function serveApp(
	originUrl: string,
	vars: Readonly<Record<string, string>> = {},
	extra: Partial<HttpWorkerOptions> = {},
): Promise<HttpWorker> {
	return serveWorker({
		...extra,
		name: 'coslink',
		script: await bundleApp(),
		vars: { ...appVars(originUrl), ...extra.vars, ...vars },
		kvNamespaces: ['SHARES'],
		durableObjects: { SHARE_STATE: 'ShareState' },
		directSocket: true,
	})
}

export interface EmulatorApp {
	origin: Origin
	app: HttpWorker
	/** The emulator's store, for putObject and for reading back what it stored. */
	root: string
}

/**
 * Runs `body` against the COS emulator (holding objects of `sizes`) and the worker in front
 * of it, answering; then stops both and removes the emulator's store.
 */
export async function withEmulatorApp<T>(
	name: string,
	sizes: readonly number[],
	body: (bench: EmulatorApp) => Promise<T>,
): Promise<T> {
	const dir = await mkdtemp(join(os.tmpdir(), `coslink-bench-${name}-`))
	let origin: Origin | undefined
	let app: HttpWorker | undefined
	try {
		origin = await startOrigin('emulator', dir, sizes)
		app = await serveApp(origin.url)
		await waitUntilOk(new URL('/_/health', app.url))
		return await body({ origin, app, root: join(dir, 'cos') })
	} finally {
		await app?.dispose()
		await origin?.stop()
		await rm(dir, { recursive: true, force: true })
	}
}

/** The worker's own socket, skipping Miniflare's entry worker. */
export function directUrl(worker: HttpWorker): URL {
	if (!worker.directUrl) throw new Error(`${worker.name} has no direct socket`)
	return worker.directUrl
}

/** POST /api/shares with the admin token; throws unless it answers 201. */
export async function createShare(app: HttpWorker, body: Record<string, unknown>): Promise<void> {
	const response = await fetch(new URL('/api/shares', app.url), {
		method: 'POST',
		headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	})
	if (response.status !== 201)
		throw new Error(`creating share ${String(body.id)} answered ${response.status}: ${await response.text()}`)
	await response.body?.cancel()
}

export interface Download {
	bytes: number
	seconds: number
	md5: string | undefined
	headers: Record<string, string | string[] | undefined>
}

/** GETs a URL on a fresh connection, reading and discarding the body (hashing it if asked). */
export function download(url: URL, hash = false): Promise<Download> {
	return new Promise((resolve, reject) => {
		const md5 = hash ? createHash('md5') : undefined
		const start = performance.now()
		const req = request(url, { agent: false }, (res) => {
			if (res.statusCode !== 200) {
				res.resume()
				reject(new Error(`GET ${url.origin}${url.pathname} answered ${res.statusCode}`))
				return
			}
			let bytes = 0
			res.on('data', (chunk: Buffer) => {
				bytes += chunk.length
				md5?.update(chunk)
			})
			res.on('error', reject)
			res.on('end', () =>
				resolve({
					bytes,
					seconds: (performance.now() - start) / 1000,
					md5: md5?.digest('hex'),
					headers: res.headers,
				}),
			)
		})
		req.on('error', reject)
		req.end()
	})
}

export function formatMib(bytes: number | undefined): string {
	return bytes === undefined || !Number.isFinite(bytes) ? '—' : `${(bytes / MIB).toFixed(1)} MiB`
}
