// The soak's report: a markdown table of its steps (requests, p50/p99, errors by status)
// and one of memory, the worker's workerd against the bare twin's, and the memory verdict.
import type { RuntimeVersions } from '../bench/workerd.ts'
import { formatErrors, type Stats } from './stats.ts'

const MIB = 2 ** 20
/**
 * How much more the worker's RSS may grow than the twin's over the second half of the run
 * (after warm-up: JIT, SQLite page caches, the KV and Durable Object storage the worker has
 * and the twin has not) and still count as flat. A leak of even a few hundred bytes a
 * request grows past it within minutes at this rate.
 */
export const FLAT_TOLERANCE_BYTES = 16 * MIB

export interface MemorySample {
	/** Milliseconds since the traffic started. */
	at: number
	app: number
	twin: number
}

export interface MemoryVerdict {
	/** RSS growth from the middle of the run to its end, bytes. */
	appSecondHalf: number
	twinSecondHalf: number
	/** The worker's growth beyond the twin's over the second half. */
	excess: number
	flat: boolean
}

/** Least-squares growth of one series over its samples' span: less noisy than end − middle. */
function fittedGrowth(samples: MemorySample[], value: (sample: MemorySample) => number): number {
	const first = samples[0]
	const last = samples.at(-1)
	if (!first || !last || samples.length < 2) return 0
	const n = samples.length
	const meanX = samples.reduce((sum, s) => sum + s.at, 0) / n
	const meanY = samples.reduce((sum, s) => sum + value(s), 0) / n
	let num = 0
	let den = 0
	for (const s of samples) {
		num += (s.at - meanX) * (value(s) - meanY)
		den += (s.at - meanX) ** 2
	}
	return den === 0 ? 0 : (num / den) * (last.at - first.at)
}

export function judgeMemory(samples: MemorySample[]): MemoryVerdict {
	const end = samples.at(-1)?.at ?? 0
	const secondHalf = samples.filter((sample) => sample.at >= end / 2)
	const appSecondHalf = fittedGrowth(secondHalf, (s) => s.app)
	const twinSecondHalf = fittedGrowth(secondHalf, (s) => s.twin)
	const excess = appSecondHalf - twinSecondHalf
	return { appSecondHalf, twinSecondHalf, excess, flat: excess <= FLAT_TOLERANCE_BYTES }
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`
const signedMib = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / MIB).toFixed(1)} MiB`
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value >= 10 ? 0 : 1) : '—')

export interface ReportInput {
	seconds: number
	users: number
	stats: Stats
	samples: MemorySample[]
	memory: MemoryVerdict
	versions: RuntimeVersions
	/** The steps' names in the order the table lists them. */
	order: readonly string[]
}

export function formatReport({
	seconds,
	users,
	stats,
	samples,
	memory,
	versions,
	order,
}: ReportInput): string {
	const rows = stats.rows(order)
	const lines = [
		'',
		`### Soak: ${(seconds / 60).toFixed(1)} min, ${users} virtual users ` +
			`(workerd ${versions.workerd}, Miniflare ${versions.miniflare}, Node ${versions.node}, ${navigatorCores()} cores)`,
		'',
		'| step | requests | p50 ms | p99 ms | errors |',
		'|---|---:|---:|---:|---|',
		...rows.map((row) => {
			const requests =
				row.scenario === 'all'
					? `${row.requests} (${(row.requests / seconds).toFixed(0)}/s)`
					: `${row.requests}`
			const name = row.scenario === 'all' ? '**all**' : row.scenario
			return `| ${name} | ${requests} | ${ms(row.p50)} | ${ms(row.p99)} | ${formatErrors(row.errors)} |`
		}),
		'',
		`Latency: from sending the request to the last byte of the body. 5xx: ${stats.serverErrors}. ` +
			`COS requests (redirects followed, pre-signed PUTs): ${stats.originRequests}, errors ${formatErrors(stats.originErrors)}. ` +
			`Bare twin: ${stats.twinRequests} requests, errors ${formatErrors(stats.twinErrors)}.`,
		'',
		'| workerd RSS | start | end | peak | growth, 2nd half |',
		'|---|---:|---:|---:|---:|',
		memoryRow('coslink worker', samples, (s) => s.app, memory.appSecondHalf),
		memoryRow('bare twin (same requests)', samples, (s) => s.twin, memory.twinSecondHalf),
		'',
		`Memory ${memory.flat ? 'flat' : 'NOT flat'}: over the second half the worker grew ${signedMib(memory.excess)} ` +
			`beyond the twin (least-squares fit of ${samples.length} samples; tolerance ${mib(FLAT_TOLERANCE_BYTES)}).`,
		'',
	]
	return lines.join('\n')
}

function memoryRow(
	name: string,
	samples: MemorySample[],
	value: (sample: MemorySample) => number,
	secondHalf: number,
): string {
	const first = samples[0]
	const last = samples.at(-1)
	const peak = Math.max(...samples.map(value))
	return `| ${name} | ${first ? mib(value(first)) : '—'} | ${last ? mib(value(last)) : '—'} | ${mib(peak)} | ${signedMib(secondHalf)} |`
}

function navigatorCores(): number {
	return navigator.hardwareConcurrency
}
