// The part of autocannon 9's programmatic API the benchmarks use. autocannon ships no
// types and @types/autocannon is not installed; this is written from its README and
// lib/run.js, and covers nothing else.
declare module 'autocannon' {
	import type { EventEmitter } from 'node:events'

	export interface AutocannonRequest {
		method?: string
		path?: string
		headers?: Record<string, string>
		body?: string | Buffer
		/** Called before each request is sent; return the request to send. */
		setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest
	}

	export interface AutocannonOptions {
		url: string
		connections?: number
		/** Seconds. */
		duration?: number
		amount?: number
		pipelining?: number
		/** Seconds to wait for a response. */
		timeout?: number
		headers?: Record<string, string>
		requests?: AutocannonRequest[]
		/** Leave non-2xx responses out of the latency and throughput histograms. */
		excludeErrorStats?: boolean
		title?: string
	}

	/** hdr-histogram-percentiles-obj: min, max, mean and percentiles. */
	export interface Histogram {
		min: number
		max: number
		average: number
		mean: number
		stddev: number
		total: number
		p50: number
		p90: number
		p99: number
	}

	export interface AutocannonResult {
		title?: string
		url: string
		requests: Histogram
		latency: Histogram
		throughput: Histogram
		/** Seconds. */
		duration: number
		errors: number
		timeouts: number
		mismatches: number
		non2xx: number
		resets: number
		start: Date
		finish: Date
		'1xx': number
		'2xx': number
		'3xx': number
		'4xx': number
		'5xx': number
		statusCodeStats: Record<string, { count: number }>
	}

	export interface AutocannonInstance extends EventEmitter {
		stop(): void
		on(
			event: 'response',
			listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
		): this
		on(event: 'reqError', listener: (error: Error) => void): this
		on(event: string, listener: (...args: unknown[]) => void): this
	}

	export type AutocannonCallback = (error: Error | null, result: AutocannonResult) => void

	export default function autocannon(
		options: AutocannonOptions,
		callback: AutocannonCallback,
	): AutocannonInstance
}
