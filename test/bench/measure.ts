// Measurement and reporting shared by the benchmarks: batch sizing, interleaved rounds,
// medians and a Markdown table (pasted into the README as is).

/** Runs a batch of n operations; resolves to the seconds the batch took. */
export type Measure = (n: number) => Promise<number>

export interface Variant {
	name: string
	runtime: string
	measure: Measure
}

export interface VariantResult extends Variant {
	/** Operations per batch, fixed after calibration. */
	batch: number
	/** Operations per second, one per round. */
	rates: number[]
}

export interface RoundOptions {
	rounds: number
	/** Target duration of one batch, seconds. */
	batchSeconds: number
}

/** Shortest batch whose timing is trusted for sizing: well above a 1 ms clock. */
const MIN_CALIBRATION_SECONDS = 0.05

/**
 * Batch size that takes about `seconds`: grows n until one batch lasts long enough to be
 * timed, then scales. Doubles as the warm-up (JIT, caches) before any sample is kept.
 */
export async function calibrate(measure: Measure, seconds: number): Promise<number> {
	let n = 16
	for (;;) {
		const took = await measure(n)
		if (took >= MIN_CALIBRATION_SECONDS) return Math.max(1, Math.round((n * seconds) / took))
		if (n >= 1 << 26) throw new Error('a batch of 2^26 operations still took no measurable time')
		n *= took > 0 ? Math.min(16, Math.max(2, Math.ceil(MIN_CALIBRATION_SECONDS / took))) : 8
	}
}

/**
 * Calibrates every variant, then runs `rounds` rounds that each time every variant once,
 * starting each round one variant further on, so slow drift on a noisy machine spreads
 * over all of them instead of landing on whichever always runs last.
 */
export async function runRounds(
	variants: readonly Variant[],
	options: RoundOptions,
): Promise<VariantResult[]> {
	const results: VariantResult[] = []
	for (const variant of variants)
		results.push({ ...variant, batch: await calibrate(variant.measure, options.batchSeconds), rates: [] })
	for (let round = 0; round < options.rounds; round++) {
		for (let i = 0; i < results.length; i++) {
			const result = results[(round + i) % results.length]
			if (!result) continue
			result.rates.push(result.batch / (await result.measure(result.batch)))
		}
	}
	return results
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b)
	if (sorted.length === 0) return Number.NaN
	const mid = sorted.length >> 1
	const upper = sorted[mid] ?? Number.NaN
	return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2
}

/**
 * Each round's ratio of `values` to `baseline` (the baseline measured in the same round,
 * seconds apart on the same machine), and their median: a round the machine was busy for
 * moves both sides of its own ratio, not the median of every other round.
 */
export function roundRatios(
	values: readonly number[],
	baseline: readonly number[],
): { ratio: number; perRound: number[] } {
	const perRound = values.map((value, round) => value / (baseline[round] ?? Number.NaN))
	return { ratio: median(perRound), perRound }
}

/** 12345.6 → "12,346"; three significant digits below 100. */
export function formatRate(rate: number): string {
	if (!Number.isFinite(rate)) return 'n/a'
	return rate >= 100
		? Math.round(rate).toLocaleString('en-US')
		: rate.toLocaleString('en-US', { maximumSignificantDigits: 3 })
}

export function formatRatio(ratio: number): string {
	if (!Number.isFinite(ratio)) return 'n/a'
	return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`
}

export type Align = 'left' | 'right'

/** A Markdown table with padded columns, readable in a terminal and in the README. */
export function markdownTable(
	header: readonly string[],
	rows: readonly (readonly string[])[],
	align: readonly Align[],
): string {
	const widths = header.map((title, column) =>
		Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
	)
	const line = (cells: readonly string[]) =>
		`| ${widths
			.map((width, column) => {
				const cell = cells[column] ?? ''
				return align[column] === 'right' ? cell.padStart(width) : cell.padEnd(width)
			})
			.join(' | ')} |`
	const rule = `| ${widths
		.map((width, column) => (align[column] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))
		.join(' | ')} |`
	return [line(header), rule, ...rows.map(line)].join('\n')
}
