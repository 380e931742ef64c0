// Benchmark: what recording a download costs the worker that served it — the route's
// report (counting rules and a few header reads, in the request) and the producer's drain
// (ids, agent family, visitor hash, packing, the message's serialization: after the
// response, in the same isolate) — measured as workerd CPU per event over large batches, so
// no HTTP, no other worker and no consumer is in the figure. The Queue's own transport and
// the consumer (D1, webhooks) run elsewhere in production; the redirect benchmark shows them
// together. Run with `npm run bench -- events`.
import os from 'node:os'
import { markdownTable, median } from './measure.ts'
import { cpuSeconds } from './procfs.ts'
import { serveWorker } from './serve.ts'
import { bundle, compatibilityDate, runtimeVersions } from './workerd.ts'

export interface EventsBenchOptions {
	/** Interleaved rounds; medians over them. Default 7. */
	rounds?: number
	/** Downloads reported per batch. Default 20,000. */
	batch?: number
}

interface Reply {
	events: number
	messages: number
	/** sendBatch calls. */
	calls: number
	inlineMs: number
}

export async function run(options: EventsBenchOptions = {}): Promise<void> {
	const rounds = options.rounds ?? 7
	const batch = options.batch ?? 20_000
	const began = performance.now()
	const worker = await serveWorker({
		name: 'events-bench',
		script: await bundle('../events/bench.worker.ts'),
	})
	try {
		const measure = async (n: number) => {
			const before = cpuSeconds(worker.pid)
			const res = await fetch(new URL(`/?n=${n}`, worker.url))
			const reply = (await res.json()) as Reply
			const cpu = cpuSeconds(worker.pid) - before
			if (reply.events !== n) throw new Error(`${n} downloads left as ${reply.events} events`)
			return { ...reply, cpu }
		}
		// Warm-up (JIT, memos), and the cost of a request that reports nothing.
		await measure(batch)
		const empty: number[] = []
		const perEvent: number[] = []
		const inline: number[] = []
		let messages = 0
		let calls = 0
		for (let round = 0; round < rounds; round++) {
			empty.push((await measure(0)).cpu)
			const full = await measure(batch)
			perEvent.push(full.cpu / batch)
			inline.push(full.inlineMs / batch)
			messages = full.messages
			calls = full.calls
		}
		const cpuUs = (median(perEvent) - median(empty) / batch) * 1e6
		const inlineUs = median(inline) * 1000
		const versions = runtimeVersions()
		const cpus = os.cpus()
		console.log(
			[
				`${batch.toLocaleString('en-US')} downloads of a warm redirect share reported per request, as the warm ` +
					'path reports each (reportDelivery), then drained to a queue that serializes every message ' +
					`(structuredClone) — ${messages} messages in ${calls} sendBatch calls per batch. ${rounds} rounds; medians.`,
				`Node ${versions.node}; workerd ${versions.workerd} (Miniflare ${versions.miniflare}, ` +
					`compatibility_date ${compatibilityDate()}); ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}.`,
				'',
				markdownTable(
					['what', 'per download'],
					[
						['workerd CPU, report + drain', `${cpuUs.toFixed(1)} µs`],
						['of which in the request (worker clock)', `${inlineUs.toFixed(1)} µs`],
						['of which after the response (the rest)', `${Math.max(0, cpuUs - inlineUs).toFixed(1)} µs`],
					],
					['left', 'right'],
				),
				'',
				'Compare with the warm 302’s own workerd CPU per request in the redirect benchmark (`npm run bench -- redirect`).',
				'',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	} finally {
		await worker.dispose()
	}
}
