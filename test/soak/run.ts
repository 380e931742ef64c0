// `npm run soak [-- --minutes N] [-- --users N]`: mixed traffic for N minutes (default 10)
// against a local stack this script starts and stops itself — the COS emulator, and the
// coslink worker with its KV namespace and Durable Objects in a workerd of its own — then a
// report: requests, errors by status, p50/p99 latency per kind of step, and the worker's
// memory at start and end next to a bare twin's.
//
// Why not `wrangler dev`: its proxy caps throughput near 1k req/s here, and its workerd
// grows by hundreds of MB under load even for a bare worker (COS-NOTES, "Memory under
// wrangler dev is not the worker's"). So the worker runs through Miniflare's API on a
// direct socket (test/bench/app-bench.ts), and the bare twin (test/bench/twins/
// bare-redirect.js, a constant 302) runs the same way in a workerd of its own and is sent
// every request the worker is sent, at the same moment, byte for byte. Memory is judged by
// growth: the worker's RSS over the second half of the run against the twin's.
//
// Goals: no 5xx and no unexpected status (this traffic injects no faults), and memory flat
// relative to the twin. Exits 1 when a goal is missed. Only 127.0.0.1 is ever asked.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ADMIN_TOKEN, type Origin, serveApp, startOrigin } from '../bench/app-bench.ts'
import { rawGet, waitUntilOk } from '../bench/http-client.ts'
import { memoryStatus } from '../bench/procfs.ts'
import { type HttpWorker, serveWorker } from '../bench/serve.ts'
import { bundleTwin } from '../bench/worker-bundle.ts'
import { runtimeVersions } from '../bench/workerd.ts'
import { pseudoRandomChunks } from '../emulator/samples.ts'
import { seedSampleObjects } from '../emulator/seed.ts'
import { putObject } from '../emulator/store.ts'
import { assertLoopback, Client } from './client.ts'
import { formatReport, judgeMemory, type MemorySample } from './report.ts'
import {
	adminSlots,
	type Context,
	pickStep,
	SHARES,
	SMALL_BYTES,
	SMALL_KEY,
	STEP_NAMES,
	STREAM_BYTES,
	STREAM_KEY,
} from './scenarios.ts'
import { Stats } from './stats.ts'

const SAMPLE_EVERY_MS = 5000
/** A bound on each virtual user's steps on top of the time limit (about 100 steps/s each at most). */
const MAX_STEPS_PER_USER_PER_MINUTE = 6000

function options() {
	const { values } = parseArgs({
		options: {
			minutes: { type: 'string', default: '10' },
			users: { type: 'string', default: '16' },
		},
		strict: true,
	})
	const minutes = Number(values.minutes)
	const users = Number(values.users)
	if (!(minutes > 0 && minutes <= 120)) throw new Error('--minutes must be more than 0 and at most 120')
	if (!(Number.isInteger(users) && users >= 1 && users <= 64)) throw new Error('--users must be 1 to 64')
	return { minutes, users }
}

/** xorshift32 */
function random(seed: number): () => number {
	let state = seed >>> 0 || 1
	return () => {
		state ^= state << 13
		state ^= state >>> 17
		state ^= state << 5
		return (state >>> 0) / 2 ** 32
	}
}

async function createShares(app: HttpWorker): Promise<void> {
	for (const [id, body] of Object.entries(SHARES)) {
		const res = await fetch(new URL('/api/shares', app.url), {
			method: 'POST',
			headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ ...body, id }),
		})
		if (res.status !== 201) throw new Error(`creating ${id} answered ${res.status}: ${await res.text()}`)
		await res.body?.cancel()
	}
}

/** The headers of coslink's 302 for soak-file, for the bare twin to answer every request with. */
async function redirectHeaders(app: HttpWorker): Promise<[string, string][]> {
	const reference = await rawGet(new URL('/soak-file', app.directUrl ?? app.url))
	if (reference.status !== 302) throw new Error(`GET /soak-file answered ${reference.status}`)
	const hopByHop = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])
	return reference.headers.filter(([name]) => !hopByHop.has(name))
}

function rss(worker: HttpWorker): number {
	return memoryStatus(worker.pid).rss
}

async function main(): Promise<void> {
	const { minutes, users } = options()
	const dir = await mkdtemp(join(os.tmpdir(), 'coslink-soak-'))
	let origin: Origin | undefined
	let app: HttpWorker | undefined
	let twin: HttpWorker | undefined
	try {
		// The stack: the emulator (objects of the bench's sizes, then the demo objects and the
		// soak's own), the worker in front of it, the shares; then the bare twin.
		origin = await startOrigin('emulator', dir, [SMALL_BYTES])
		const root = join(dir, 'cos')
		await seedSampleObjects(root, { bigSize: SMALL_BYTES })
		await putObject(root, STREAM_KEY, pseudoRandomChunks(STREAM_BYTES), 'application/octet-stream')
		await putObject(root, SMALL_KEY, pseudoRandomChunks(SMALL_BYTES), 'application/octet-stream')
		app = await serveApp(origin.url)
		await waitUntilOk(new URL('/_/health', app.url))
		await createShares(app)
		twin = await serveWorker({
			name: 'bare-redirect',
			script: await bundleTwin('bare-redirect'),
			vars: { REDIRECT_HEADERS: JSON.stringify(await redirectHeaders(app)) },
			directSocket: true,
		})
		const appUrl = app.directUrl ?? app.url
		const twinUrl = twin.directUrl ?? twin.url
		for (const url of [appUrl, twinUrl, new URL(origin.url)]) assertLoopback(url)

		const stats = new Stats()
		const client = new Client(appUrl, twinUrl, stats)
		const seed = Date.now() >>> 0
		const shared = { adminSlots: adminSlots() }
		const samples: MemorySample[] = []
		const sample = (at: number) => {
			try {
				samples.push({ at, app: rss(app as HttpWorker), twin: rss(twin as HttpWorker) })
			} catch {
				// A workerd that is gone shows as missing samples, and its requests as errors.
			}
		}
		const started = performance.now()
		sample(0)
		const sampler = setInterval(() => sample(performance.now() - started), SAMPLE_EVERY_MS)
		const deadline = started + minutes * 60_000
		const maxSteps = Math.ceil(minutes * MAX_STEPS_PER_USER_PER_MINUTE)
		process.stdout.write(
			`soak: ${minutes} min, ${users} virtual users, seed ${seed}; worker ${appUrl.origin} (workerd ${app.pid}), ` +
				`bare twin ${twinUrl.origin} (workerd ${twin.pid}), COS emulator ${origin.url}\n`,
		)
		const user = async (vu: number) => {
			const ctx: Context = {
				client,
				adminToken: ADMIN_TOKEN,
				vu,
				step: 0,
				adminSlots: shared.adminSlots,
				random: random(seed + vu * 7919),
			}
			while (performance.now() < deadline && ctx.step < maxSteps) {
				ctx.step++
				await pickStep(ctx.random)(ctx).catch((error: unknown) => stats.exception(error))
			}
		}
		const progress = setInterval(() => {
			const done = (performance.now() - started) / 60_000
			const all = stats.rows().at(-1)
			const last = samples.at(-1)
			const memory = last
				? `worker RSS ${(last.app / 2 ** 20).toFixed(0)} MiB, twin ${(last.twin / 2 ** 20).toFixed(0)} MiB`
				: 'no RSS sample'
			process.stdout.write(
				`  ${done.toFixed(1)} min: ${all?.requests ?? 0} requests, ${stats.serverErrors} × 5xx, ${memory}\n`,
			)
		}, 60_000)
		await Promise.all(Array.from({ length: users }, (_, vu) => user(vu)))
		const seconds = (performance.now() - started) / 1000
		clearInterval(progress)
		clearInterval(sampler)
		sample(seconds * 1000)

		const memory = judgeMemory(samples)
		const errors = stats.rows().at(-1)?.errors.size ?? 0
		if (stats.firstException) process.stderr.write(`the first step that threw: ${stats.firstException}\n`)
		process.stdout.write(
			formatReport({
				seconds,
				users,
				stats,
				samples,
				memory,
				versions: runtimeVersions(),
				order: STEP_NAMES,
			}),
		)
		const met = stats.serverErrors === 0 && errors === 0 && stats.originErrors.size === 0 && memory.flat
		process.stdout.write(`\n${met ? 'goals met' : 'GOALS MISSED'}: 5xx, unexpected statuses, memory flat.\n`)
		if (!met) process.exitCode = 1
	} finally {
		await twin?.dispose()
		await app?.dispose()
		await origin?.stop()
		await rm(dir, { recursive: true, force: true })
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
	process.exit(1)
})
