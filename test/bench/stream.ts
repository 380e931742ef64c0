// Benchmark: downloading a large object streamed through coslink (a `delivery: "stream"`
// share) next to the same bytes straight from the origin and through a bare relay worker
// (`return fetch(origin)`), with the peak RSS of the workerd serving each worker: a worker
// that streams needs the same memory for 64 MiB as for 256 MiB. A 50 MiB edge-cached share
// answered from the cache sits next to its uncached stream. Run with
// `npm run bench -- stream`.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import type * as Presign from '../../src/cos/presign.ts'
import {
	appVars,
	BUCKET,
	CREDENTIALS,
	createShare,
	directUrl,
	download,
	drainEvents,
	type EventsPipeline,
	formatMib,
	type Origin,
	REGION,
	serveApp,
	startEventsPipeline,
	startOrigin,
} from './app-bench.ts'
import { waitUntilOk } from './http-client.ts'
import { formatRatio, markdownTable, median, roundRatios } from './measure.ts'

/** Issue 17's floor for the stream against the bare relay. */
const STREAM_GOAL = 0.95

import { MIB, objectKey, objectMd5 } from './object-bytes.ts'
import { startCpuMeter, watchProcess } from './procfs.ts'
import { type HttpWorker, serveWorker } from './serve.ts'
import { bundleApp, bundleTwin } from './worker-bundle.ts'
import { bundle, compatibilityDate, importBundle, runtimeVersions } from './workerd.ts'

export interface StreamBenchOptions {
	/** Interleaved rounds; MB/s is the median over them. Default 9. */
	rounds?: number
	/** Object sizes in MiB; the largest is the headline. Default [64, 256]. */
	sizesMiB?: number[]
}

const PRESIGN_TTL = 3600
/** The edge-cache row: one object under CACHE_MAX_BYTES (64 MiB by default). */
const CACHED_MIB = 50
const CACHED_PATH = 'coslink cached share, hit (functional: Miniflare’s cache)'

interface Path {
	name: string
	/** The URL that downloads an object of this size. */
	url: (size: number) => URL
	/** The workerd process in the path, if any. */
	worker: HttpWorker | undefined
	sizes: number[]
}

interface Sample {
	mbps: number
	bytes: number
	/** CPU seconds the worker's workerd used during the download. */
	cpu?: number
	/** Cores' worth of CPU other processes on the machine used meanwhile. */
	foreignCores: number
	/** Bytes: VmRSS before the download, and the peak during it (max of 50 ms samples and VmHWM). */
	idleRss?: number
	peakRss?: number
}

async function measure(path: Path, size: number): Promise<Sample> {
	const url = path.url(size)
	const pid = path.worker?.pid
	if (pid === undefined) {
		const meter = startCpuMeter()
		const { bytes, seconds } = await download(url)
		const { foreignCores } = meter.stop()
		if (bytes !== size) throw new Error(`${path.name}: ${bytes} bytes, expected ${size}`)
		return { mbps: bytes / seconds / 1e6, bytes, foreignCores }
	}
	const watch = watchProcess(pid)
	const meter = startCpuMeter()
	const { bytes, seconds } = await download(url)
	const { foreignCores } = meter.stop()
	const { cpu, idleRss, peakRss } = watch.stop()
	if (bytes !== size) throw new Error(`${path.name}: ${bytes} bytes, expected ${size}`)
	return { mbps: bytes / seconds / 1e6, bytes, cpu, foreignCores, idleRss, peakRss }
}

function createStreamShare(
	app: HttpWorker,
	id: string,
	key: string,
	extra: Record<string, unknown> = {},
): Promise<void> {
	return createShare(app, { key, id, delivery: 'stream', ...extra })
}

export async function run(options: StreamBenchOptions = {}): Promise<void> {
	const rounds = options.rounds ?? 9
	const cachedSize = CACHED_MIB * MIB
	const sizes = [...new Set([...(options.sizesMiB ?? [64, 256]), CACHED_MIB])]
		.map((mib) => mib * MIB)
		.sort((a, b) => a - b)
	const largest = sizes[sizes.length - 1] ?? 0
	const began = performance.now()
	const dir = await mkdtemp(join(os.tmpdir(), 'coslink-bench-stream-'))
	const workers: HttpWorker[] = []
	let origin: Origin | undefined
	let pipeline: EventsPipeline | undefined
	try {
		const [relayScript, presignScript] = await Promise.all([
			bundleTwin('relay'),
			bundle('../../src/cos/presign.ts'),
		])
		const { presignObjectUrl } = await importBundle<typeof Presign>(presignScript)
		const expectedMd5 = new Map(sizes.map((size) => [size, objectMd5(size)]))

		// The origin: the project's COS emulator if it works here, else the simple server.
		let fallbackReason: string | undefined
		const signedPath = async (size: number): Promise<string> => {
			if (origin?.kind !== 'emulator') return `/${objectKey(size)}`
			const { url } = await presignObjectUrl({
				credentials: CREDENTIALS,
				target: { bucket: BUCKET, region: REGION, endpoint: origin.url },
				method: 'GET',
				key: objectKey(size),
				ttl: PRESIGN_TTL,
			})
			const signed = new URL(url)
			return signed.pathname + signed.search
		}
		const originUrl = async (size: number) => new URL(await signedPath(size), origin?.url)
		try {
			origin = await startOrigin('emulator', dir, sizes)
			const first = sizes[0] ?? 0
			const check = await download(await originUrl(first), true)
			if (check.md5 !== expectedMd5.get(first)) throw new Error('the emulator served other bytes')
		} catch (error) {
			fallbackReason = error instanceof Error ? error.message.split('\n')[0] : String(error)
			await origin?.stop()
			origin = await startOrigin('simple', dir, sizes)
		}
		const theOrigin = origin

		const relay = await serveWorker({
			name: 'bare-relay',
			script: relayScript,
			vars: { ORIGIN: theOrigin.url },
			directSocket: true,
		})
		workers.push(relay)
		// Stats and webhooks on, as deployed: every download is an event, counted by the
		// worker's consumer (its own workerd here) and sent as a webhook (app-bench.ts).
		pipeline = await startEventsPipeline(await bundleApp(), appVars(theOrigin.url))
		const app = await serveApp(
			theOrigin.url,
			{ SIGN_TTL: '300', DEFAULT_DELIVERY: 'redirect' },
			pipeline.producer,
		)
		workers.push(app)
		await waitUntilOk(new URL('/_/health', app.url))
		const shareId = (size: number) => `stream-${size / MIB}mib`
		for (const size of sizes) await createStreamShare(app, shareId(size), objectKey(size))
		const cachedId = `cached-${CACHED_MIB}mib`
		await createStreamShare(app, cachedId, objectKey(cachedSize), { cache: { maxAge: 3600 } })

		// Signed once: a pre-signed URL lives PRESIGN_TTL seconds, far longer than the run.
		const signed = new Map<number, string>()
		for (const size of sizes) signed.set(size, await signedPath(size))
		const relayPath = (size: number) => signed.get(size) ?? ''
		const paths: Path[] = [
			{
				name: 'direct from origin',
				url: (size) => new URL(relayPath(size), theOrigin.url),
				worker: undefined,
				sizes,
			},
			{
				name: 'bare relay worker',
				url: (size) => new URL(relayPath(size), directUrl(relay)),
				worker: relay,
				sizes,
			},
			{
				name: 'coslink stream share',
				url: (size) => new URL(`/${shareId(size)}`, directUrl(app)),
				worker: app,
				sizes,
			},
			{
				name: CACHED_PATH,
				url: () => new URL(`/${cachedId}`, directUrl(app)),
				worker: app,
				sizes: [cachedSize],
			},
			{
				name: 'via mf.ready: bare relay worker',
				url: (size) => new URL(relayPath(size), relay.url),
				worker: relay,
				sizes: [largest],
			},
			{
				name: 'via mf.ready: coslink stream share',
				url: (size) => new URL(`/${shareId(size)}`, app.url),
				worker: app,
				sizes: [largest],
			},
		]

		// The cached row times hits only: fill the cache, then check the next answer is one.
		const cachedUrl = new URL(`/${cachedId}`, directUrl(app))
		await download(cachedUrl)
		let throughApp = 1
		let status: unknown
		for (let i = 0; i < 50 && status !== 'coslink; hit'; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100))
			status = (await download(cachedUrl)).headers['cache-status']
			throughApp++
		}
		if (status !== 'coslink; hit')
			throw new Error(`the cached share is not answered from the cache: ${status}`)

		// Warm-up, and proof that every path delivers the object's exact bytes.
		for (const path of paths) {
			for (const size of path.sizes) {
				const got = await download(path.url(size), true)
				if (path.worker === app) throughApp++
				if (got.bytes !== size || got.md5 !== expectedMd5.get(size))
					throw new Error(`${path.name} delivered ${got.bytes} bytes (md5 ${got.md5}) for ${size}`)
				if (path.worker === app) {
					const length = got.headers['content-length']
					if (length !== String(size) || !String(got.headers['content-disposition']).startsWith('attachment'))
						throw new Error(`coslink streamed without Content-Length or Content-Disposition`)
				}
			}
		}

		const samples = new Map<string, Sample[]>()
		const keyOf = (path: Path, size: number) => `${path.name}\n${size}`
		for (let round = 0; round < rounds; round++) {
			for (let i = 0; i < paths.length; i++) {
				const path = paths[(round + i) % paths.length]
				if (!path) continue
				for (const size of path.sizes) {
					const list = samples.get(keyOf(path, size)) ?? []
					list.push(await measure(path, size))
					if (path.worker === app) throughApp++
					samples.set(keyOf(path, size), list)
				}
			}
		}

		const mbps = (name: string, size: number) =>
			median(samples.get(`${name}\n${size}`)?.map((sample) => sample.mbps) ?? [])
		// Summed over rounds: /proc counts CPU in 10 ms ticks, coarse for one download.
		const cpuPerGib = (list: Sample[]) =>
			list.reduce((sum, sample) => sum + (sample.cpu ?? 0), 0) /
			(list.reduce((sum, sample) => sum + sample.bytes, 0) / (1024 * MIB))
		const rows: string[][] = []
		for (const path of paths) {
			for (const size of path.sizes) {
				const list = samples.get(keyOf(path, size)) ?? []
				const rate = median(list.map((sample) => sample.mbps))
				const relayName = path.name.startsWith('via mf.ready')
					? 'via mf.ready: bare relay worker'
					: 'bare relay worker'
				const peaks = list.flatMap((sample) => (sample.peakRss === undefined ? [] : [sample.peakRss]))
				const idles = list.flatMap((sample) => (sample.idleRss === undefined ? [] : [sample.idleRss]))
				rows.push([
					path.name,
					`${size / MIB} MiB`,
					rate.toFixed(0),
					path.worker ? formatRatio(rate / mbps(relayName, size)) : '—',
					formatRatio(rate / mbps('direct from origin', size)),
					peaks.length > 0 ? `${formatMib(Math.max(...peaks))} (idle ${formatMib(median(idles))})` : '—',
					path.worker ? `${cpuPerGib(list).toFixed(3)} s` : '—',
				])
			}
		}
		// Issue 17: streaming through coslink keeps ≥ 0.95× a bare relay's throughput.
		const streamed = paths.find((path) => path.name === 'coslink stream share')?.sizes ?? []
		// As in the redirect bench: each round's coslink download against the relay's of the
		// same round, and the median of those ratios.
		const goals = streamed.map((size) => {
			const rates = (name: string) => (samples.get(`${name}\n${size}`) ?? []).map((sample) => sample.mbps)
			const { ratio, perRound } = roundRatios(rates('coslink stream share'), rates('bare relay worker'))
			return (
				`- coslink stream share, ${size / MIB} MiB: ${formatRatio(ratio)} the bare relay's MB/s, median of the ` +
				`rounds' ratios (${perRound.map(formatRatio).join(', ')}; goal ≥ ${STREAM_GOAL.toFixed(2)}×: ` +
				`${ratio >= STREAM_GOAL ? 'met' : 'NOT met'})`
			)
		})
		const foreign = [...samples.values()].flat().map((sample) => sample.foreignCores)
		const spread = paths
			.flatMap((path) =>
				path.sizes.map(
					(size) =>
						`  ${path.name}, ${size / MIB} MiB: ${(samples.get(keyOf(path, size)) ?? [])
							.map((sample) => sample.mbps.toFixed(0))
							.join(', ')}`,
				),
			)
			.join('\n')

		const drained = await drainEvents(pipeline)
		const versions = runtimeVersions()
		const cpus = os.cpus()
		const originText =
			theOrigin.kind === 'emulator'
				? 'the project’s COS emulator (test/emulator, signatures checked with Tencent’s SDK; direct and relay use a URL pre-signed by src/cos/presign.ts, coslink signs its own Authorization header)'
				: `a minimal Node http server (fs.createReadStream, Content-Length, no auth)${
						fallbackReason ? `; the COS emulator was not used: ${fallbackReason}` : ''
					}`
		console.log(
			[
				`GET of ${sizes.map((size) => `${size / MIB} MiB`).join(' and ')} objects of incompressible ` +
					'deterministic bytes, read and discarded by Node’s http client in this process (byte count checked ' +
					'on every download, MD5 on a warm-up download per path).',
				`Origin: ${originText}, in its own Node process on 127.0.0.1.`,
				'Workers: each in its own workerd (Miniflare API), reached on its own socket (unsafeDirectSockets) ' +
					'unless marked "via mf.ready" (Miniflare’s entry worker in front).',
				`Node ${versions.node}; workerd ${versions.workerd} (Miniflare ${versions.miniflare}, ` +
					`compatibility_date ${compatibilityDate()}).`,
				`${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()} ${os.arch()}: client, ` +
					'origin and workerd share the cores.',
				`${rounds} interleaved rounds after a warm-up; MB/s (10^6 bytes/s) is the median over rounds. ` +
					'workerd peak RSS: the highest of VmRSS sampled every 50 ms and VmHWM (reset before each download), ' +
					'max over rounds; idle: VmRSS just before the download, median.',
				`"${CACHED_PATH}": a share with \`cache: { maxAge }\`, every timed download a hit (checked first) ` +
					'from Miniflare’s local Cache API. Functional proof only: Cloudflare’s edge cache is another system, ' +
					'so this rate says nothing about its speed.',
				'',
				markdownTable(
					[
						'path',
						'object',
						'MB/s (median)',
						'vs bare relay',
						'vs direct',
						'workerd peak RSS',
						'workerd CPU/GiB',
					],
					rows,
					['left', 'right', 'right', 'right', 'right', 'right', 'right'],
				),
				'',
				...goals,
				'',
				`MB/s per round:\n${spread}`,
				'',
				'Stats and webhooks on: the coslink worker reports every download to the EVENTS queue; the same ' +
					'worker consumes it in a second workerd (as Cloudflare runs consumer invocations apart from the ' +
					'requests), counting into STATS and sending each download as a webhook to a receiver in its own ' +
					`process. Afterwards STATS counted ${drained.downloads} downloads for the ${throughApp} the ` +
					`benchmark made through the worker, and the receiver got ${drained.webhooks} webhooks.`,
				'',
				'workerd CPU/GiB: CPU time of the worker’s whole workerd process per GiB delivered (all rounds); unlike ' +
					'MB/s it does not move when other processes take the cores. Other processes used ' +
					`${median(foreign).toFixed(2)} cores (median; max ${Math.max(...foreign).toFixed(2)}) during the ` +
					'timed downloads.',
				'',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	} finally {
		await Promise.all(workers.map((worker) => worker.dispose()))
		await pipeline?.stop()
		await origin?.stop()
		await rm(dir, { recursive: true, force: true })
	}
}
