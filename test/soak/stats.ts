// What the soak counts: every request the worker answered, by scenario, with its latency
// (send to the end of the body) and, when it was not what the scenario expects, its status.
// The bare twin's answers are counted apart: they only prove it took the same load.

/** A status a request answered, 'network' when it got no answer, 'exception' when a step threw. */
export type Outcome = number | 'network' | 'exception'

interface ScenarioStats {
	requests: number
	latencies: number[]
	/** Unexpected outcomes → count. */
	errors: Map<Outcome, number>
}

export interface Row {
	scenario: string
	requests: number
	p50: number
	p99: number
	errors: Map<Outcome, number>
}

export function percentile(sorted: Float64Array, fraction: number): number {
	if (sorted.length === 0) return Number.NaN
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))
	return sorted[index] ?? Number.NaN
}

export class Stats {
	private readonly scenarios = new Map<string, ScenarioStats>()
	/** Every 5xx the worker answered, expected or not. */
	serverErrors = 0
	/** Requests that went elsewhere: the redirects followed to COS, the pre-signed PUTs. */
	originRequests = 0
	originErrors = new Map<Outcome, number>()
	twinRequests = 0
	twinErrors = new Map<Outcome, number>()

	private of(scenario: string): ScenarioStats {
		let stats = this.scenarios.get(scenario)
		if (!stats) {
			stats = { requests: 0, latencies: [], errors: new Map() }
			this.scenarios.set(scenario, stats)
		}
		return stats
	}

	/** One request to the worker; `expected` false counts its outcome as an error. */
	worker(scenario: string, outcome: Outcome, ms: number, expected: boolean): void {
		const stats = this.of(scenario)
		stats.requests++
		stats.latencies.push(ms)
		if (typeof outcome === 'number' && outcome >= 500) this.serverErrors++
		if (!expected) bump(stats.errors, outcome)
	}

	/** What the first step that threw said. */
	firstException: string | undefined

	/** A step that threw (a body it could not read, say): counted as an error of its own. */
	exception(error: unknown): void {
		this.firstException ??= error instanceof Error ? (error.stack ?? error.message) : String(error)
		bump(this.of('step threw').errors, 'exception')
	}

	origin(outcome: Outcome, expected: boolean): void {
		this.originRequests++
		if (!expected) bump(this.originErrors, outcome)
	}

	twin(outcome: Outcome): void {
		this.twinRequests++
		if (outcome !== 302) bump(this.twinErrors, outcome)
	}

	/** One row per scenario (those in `order` first, in that order), and a last row for all of them. */
	rows(order: readonly string[] = []): Row[] {
		const rows: Row[] = []
		const all: number[] = []
		const allErrors = new Map<Outcome, number>()
		const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length)
		const sorted = [...this.scenarios].sort(([a], [b]) => rank(a) - rank(b))
		for (const [scenario, stats] of sorted) {
			const sorted = Float64Array.from(stats.latencies).sort()
			rows.push({
				scenario,
				requests: stats.requests,
				p50: percentile(sorted, 0.5),
				p99: percentile(sorted, 0.99),
				errors: stats.errors,
			})
			all.push(...stats.latencies)
			for (const [outcome, count] of stats.errors) bump(allErrors, outcome, count)
		}
		const latencies = Float64Array.from(all).sort()
		rows.push({
			scenario: 'all',
			requests: all.length,
			p50: percentile(latencies, 0.5),
			p99: percentile(latencies, 0.99),
			errors: allErrors,
		})
		return rows
	}
}

function bump(map: Map<Outcome, number>, outcome: Outcome, by = 1): void {
	map.set(outcome, (map.get(outcome) ?? 0) + by)
}

/** `3× 502, 1× network`, or `0`. */
export function formatErrors(errors: Map<Outcome, number>): string {
	if (errors.size === 0) return '0'
	return [...errors]
		.sort(([a], [b]) => String(a).localeCompare(String(b)))
		.map(([outcome, count]) => `${count}× ${outcome}`)
		.join(', ')
}
