// Small HTTP helpers for the benchmarks' setup and checks (never the timed load): a raw GET
// that shows headers exactly as sent on the wire, JSON requests, readiness polling.
import { request } from 'node:http'

export interface RawResponse {
	status: number
	/** Header pairs in wire order, names lower-cased. */
	headers: [string, string][]
	body: Buffer
}

/** GET with Node's http client: no Accept-Encoding, no redirect following. */
export function rawGet(url: URL, headers: Record<string, string> = {}): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'GET', headers, agent: false }, (res) => {
			const chunks: Buffer[] = []
			res.on('data', (chunk: Buffer) => chunks.push(chunk))
			res.on('error', reject)
			res.on('end', () => {
				const pairs: [string, string][] = []
				for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
					pairs.push([(res.rawHeaders[i] ?? '').toLowerCase(), res.rawHeaders[i + 1] ?? ''])
				resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) })
			})
		})
		req.on('error', reject)
		req.end()
	})
}

/** Polls a URL until it answers 200, or fails after `timeoutMs`. */
export async function waitUntilOk(url: URL, timeoutMs = 15_000): Promise<void> {
	const deadline = performance.now() + timeoutMs
	let last = 'no answer'
	while (performance.now() < deadline) {
		try {
			const res = await rawGet(url)
			if (res.status === 200) return
			last = `${res.status} ${res.body.toString('utf8').slice(0, 200)}`
		} catch (error) {
			last = error instanceof Error ? error.message : String(error)
		}
		await new Promise((resolve) => setTimeout(resolve, 100))
	}
	throw new Error(`${url.href} did not answer 200 within ${timeoutMs} ms (last: ${last})`)
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function forEachLimited<T>(
	items: readonly T[],
	concurrency: number,
	task: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0
	const lane = async () => {
		while (next < items.length) {
			const item = items[next++] as T
			await task(item)
		}
	}
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane))
}
