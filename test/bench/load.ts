// Bounded HTTP load for the benchmarks: autocannon against 127.0.0.1 only, a fixed number
// of connections for a fixed time, every response's latency kept at full resolution
// (autocannon's own histogram rounds to whole milliseconds).
import autocannon from 'autocannon'

export interface LoadOptions {
	/** Origin of the server under load; must be a loopback address. */
	url: URL
	/** Called for every request: the path to ask for next. */
	nextPath: () => string
	connections: number
	/** Seconds. */
	duration: number
	/** The status every response must have; any other fails the run. */
	expectStatus: number
	headers?: Record<string, string>
	/** Called for every request: headers to send on top of `headers` (e.g. a language). */
	nextHeaders?: () => Record<string, string>
}

export interface LoadResult {
	requests: number
	/** Seconds autocannon ran. */
	seconds: number
	/** Requests per second. */
	rate: number
	/** Milliseconds. */
	p50: number
	p99: number
}

function percentile(sorted: Float64Array, fraction: number): number {
	if (sorted.length === 0) return Number.NaN
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))
	return sorted[index] ?? Number.NaN
}

function assertLoopback(url: URL): void {
	if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]' && url.hostname !== 'localhost')
		throw new Error(`refusing to put load on ${url.host}: benchmarks only load the loopback`)
}

/** Runs one bounded load; rejects on errors, timeouts or an unexpected status. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
	assertLoopback(options.url)
	const latencies: number[] = []
	return new Promise((resolve, reject) => {
		const instance = autocannon(
			{
				url: options.url.origin,
				connections: options.connections,
				duration: options.duration,
				timeout: 10,
				headers: options.headers ?? {},
				requests: [
					{
						setupRequest(request) {
							request.path = options.nextPath()
							if (options.nextHeaders) request.headers = { ...request.headers, ...options.nextHeaders() }
							return request
						},
					},
				],
			},
			(error, result) => {
				if (error) return reject(error)
				const statuses = Object.entries(result.statusCodeStats)
					.filter(([status]) => Number(status) !== options.expectStatus)
					.map(([status, { count }]) => `${count}× ${status}`)
				if (result.errors > 0 || statuses.length > 0)
					return reject(
						new Error(
							`load on ${options.url.origin}: ${result.errors} errors (${result.timeouts} timeouts), ` +
								`unexpected statuses: ${statuses.join(', ') || 'none'}`,
						),
					)
				const sorted = Float64Array.from(latencies).sort()
				const requests = latencies.length
				resolve({
					requests,
					seconds: result.duration,
					rate: requests / result.duration,
					p50: percentile(sorted, 0.5),
					p99: percentile(sorted, 0.99),
				})
			},
		)
		instance.on('response', (_client, _status, _bytes, responseTime) => {
			latencies.push(responseTime)
		})
	})
}
