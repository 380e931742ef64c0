// Benchmark: pre-signed COS URLs per second from our WebCrypto signer, in workerd and in
// Node, next to Tencent's Node SDK (cos-nodejs-sdk-v5 getObjectUrl) on the same inputs.
// Run with `npm run bench -- sign`.
import os from 'node:os'
import COS from 'cos-nodejs-sdk-v5'
import type { Miniflare } from 'miniflare'
import { formatRate, formatRatio, markdownTable, median, runRounds, type Variant } from './measure.ts'
import type { SignBatchReply } from './sign.worker.ts'
import type * as SignBatch from './sign-batch.ts'
import {
	bundle,
	compatibilityDate,
	importBundle,
	packageVersion,
	runtimeVersions,
	startWorker,
} from './workerd.ts'

export interface SignBenchOptions {
	/** Interleaved rounds; the table shows each variant's median over them. Default 5. */
	rounds?: number
	/** Target seconds per batch (one variant, one round). Default 0.7. */
	batchSeconds?: number
}

type Core = typeof SignBatch

const VARIANT_LABELS: Record<SignBatch.SignVariant, string> = {
	warm: 'presignObjectUrl, warm caches',
	cold: 'presignObjectUrl, cold (caches cleared)',
}
const SDK_LABEL = 'Tencent SDK getObjectUrl'

/** Fails the run if a variant signs something other than the URL the others sign. */
function urlChecker(core: Core): (url: string, who: string) => void {
	const prefix = `https://${core.BENCH_BUCKET}.cos.${core.BENCH_REGION}.myqcloud.com/docs/`
	const required = [
		'q-header-list=host',
		'q-url-param-list=response-content-disposition',
		'q-signature=',
		'response-content-disposition=attachment',
	]
	return (url, who) => {
		if (!url.startsWith(prefix) || !required.every((part) => url.includes(part)))
			throw new Error(`${who} signed an unexpected URL: ${url}`)
	}
}

function isReply(value: unknown): value is SignBatchReply {
	const reply = value as Partial<SignBatchReply> | null
	return typeof reply?.elapsedMs === 'number' && typeof reply.sample === 'string'
}

interface WorkerTiming {
	reply: SignBatchReply
	/** dispatchFetch round trip seen from Node, milliseconds. */
	roundTripMs: number
}

async function workerBatch(mf: Miniflare, variant: SignBatch.SignVariant, n: number): Promise<WorkerTiming> {
	const start = performance.now()
	const response = await mf.dispatchFetch(`http://bench.local/?variant=${variant}&n=${n}`)
	if (!response.ok) throw new Error(`bench worker answered ${response.status}: ${await response.text()}`)
	const body: unknown = await response.json()
	const roundTripMs = performance.now() - start
	if (!isReply(body)) throw new Error(`bench worker answered ${JSON.stringify(body)}`)
	return { reply: body, roundTripMs }
}

interface WorkerClock {
	/** Whether performance.now() moves during a request (workerd may freeze it until I/O). */
	advances: boolean
	/** Median round trip of an empty batch, milliseconds. */
	overheadMs: number
}

async function probeWorkerClock(mf: Miniflare): Promise<WorkerClock> {
	// Cold signatures are the slowest: 500 of them take tens of milliseconds.
	const probe = await workerBatch(mf, 'cold', 500)
	const empty: number[] = []
	for (let i = 0; i < 9; i++) empty.push((await workerBatch(mf, 'warm', 0)).roundTripMs)
	return { advances: probe.reply.elapsedMs > 0, overheadMs: median(empty) }
}

function workerdVariant(
	mf: Miniflare,
	clock: WorkerClock,
	variant: SignBatch.SignVariant,
	check: (url: string, who: string) => void,
): Variant {
	return {
		name: VARIANT_LABELS[variant],
		runtime: 'workerd',
		async measure(n) {
			const { reply, roundTripMs } = await workerBatch(mf, variant, n)
			check(reply.sample, `workerd ${variant}`)
			// A frozen worker clock: time the request from Node, less an empty request's cost.
			const ms = clock.advances ? reply.elapsedMs : Math.max(0, roundTripMs - clock.overheadMs)
			return ms / 1000
		},
	}
}

function nodeVariant(
	core: Core,
	variant: SignBatch.SignVariant,
	check: (url: string, who: string) => void,
): Variant {
	return {
		name: VARIANT_LABELS[variant],
		runtime: 'Node',
		async measure(n) {
			const start = performance.now()
			const url = await core.signBatch(variant, n)
			const seconds = (performance.now() - start) / 1000
			check(url, `Node ${variant}`)
			return seconds
		},
	}
}

function sdkVariant(core: Core, check: (url: string, who: string) => void): Variant {
	const cos = new COS({ SecretId: core.BENCH_SECRET_ID, SecretKey: core.BENCH_SECRET_KEY })
	let next = 1
	return {
		name: SDK_LABEL,
		runtime: 'Node',
		async measure(n) {
			const start = performance.now()
			let url = ''
			for (let done = 0; done < n; done++) {
				const i = next++
				// With a permanent key getObjectUrl signs synchronously and returns the URL; the
				// callback form would add a setTimeout per call. The disposition is built per
				// call, as presignObjectUrl builds it from the filename.
				url = cos.getObjectUrl({
					Bucket: core.BENCH_BUCKET,
					Region: core.BENCH_REGION,
					Key: core.objectKey(i),
					Sign: true,
					Expires: core.BENCH_TTL,
					Query: { 'response-content-disposition': core.dispositionFor(i) },
				})
			}
			const seconds = (performance.now() - start) / 1000
			check(url, 'Tencent SDK')
			return seconds
		},
	}
}

export async function run(options: SignBenchOptions = {}): Promise<void> {
	const rounds = options.rounds ?? 5
	const batchSeconds = options.batchSeconds ?? 0.7
	const began = performance.now()

	// One source, bundled twice the same way: the worker entry, and its workload for Node.
	const [workerScript, coreScript] = await Promise.all([
		bundle('./sign.worker.ts'),
		bundle('./sign-batch.ts'),
	])
	const core = await importBundle<Core>(coreScript)
	const check = urlChecker(core)

	const mf = startWorker('bench-sign', workerScript)
	try {
		await mf.ready
		const clock = await probeWorkerClock(mf)
		const variants: Variant[] = [
			sdkVariant(core, check),
			...core.SIGN_VARIANTS.flatMap((variant) => [
				workerdVariant(mf, clock, variant, check),
				nodeVariant(core, variant, check),
			]),
		]
		const results = await runRounds(variants, { rounds, batchSeconds })

		const sdkRate = median(results.find((result) => result.name === SDK_LABEL)?.rates ?? [])
		const rows = results.map((result) => {
			const rate = median(result.rates)
			return [
				result.name,
				result.runtime,
				formatRate(rate),
				`${formatRate(Math.min(...result.rates))}–${formatRate(Math.max(...result.rates))}`,
				formatRatio(rate / sdkRate),
			]
		})

		const versions = runtimeVersions()
		const cpus = os.cpus()
		console.log(
			[
				`Pre-signed GET URLs: key "${core.objectKey(0).replace('0', '<i>')}", ` +
					`attachment filename "${core.fileName(0).replace('0', '<i>')}", ttl ${core.BENCH_TTL} s, ` +
					`${core.BENCH_BUCKET} in ${core.BENCH_REGION}.`,
				`Node ${versions.node}; workerd ${versions.workerd} (Miniflare ${versions.miniflare}, ` +
					`compatibility_date ${compatibilityDate()}); cos-nodejs-sdk-v5 ${packageVersion('cos-nodejs-sdk-v5')}.`,
				`${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()} ${os.arch()}.`,
				`${rounds} interleaved rounds, each timing every variant for ~${batchSeconds} s; ops/s is the ` +
					'median over rounds, spread is min–max.',
				clock.advances
					? 'workerd timing: the worker’s own performance.now() around the loop (the local clock ' +
						`advances during a request); dispatchFetch overhead ${clock.overheadMs.toFixed(1)} ms not counted.`
					: 'workerd timing: the worker clock is frozen during a request, so batches are timed from Node ' +
						`less the empty-request round trip (${clock.overheadMs.toFixed(1)} ms).`,
				'',
				markdownTable(['variant', 'runtime', 'ops/s (median)', 'spread', 'vs Tencent SDK (Node)'], rows, [
					'left',
					'left',
					'right',
					'right',
					'right',
				]),
				'',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	} finally {
		await mf.dispose()
	}
}
