// The soak's HTTP client: every request to the worker is timed, checked against the
// statuses its scenario expects, and sent at the same moment, byte for byte, to the bare
// twin, so the twin takes the same load. Requests to COS (redirects followed, pre-signed
// PUTs) are counted apart. Every request is bounded by a timeout; only loopback URLs.
import type { Outcome, Stats } from './stats.ts'

const TIMEOUT_MS = 30_000

export interface RequestSpec {
	method?: string
	headers?: Record<string, string>
	/** ArrayBuffer-backed, as fetch wants. */
	body?: Uint8Array<ArrayBuffer> | string
}

export interface Answer {
	status: number
	headers: Headers
	/** The body, when asked to keep it (`keep`); otherwise empty. */
	body: Buffer
	bytes: number
}

export function assertLoopback(url: URL): void {
	if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]' && url.hostname !== 'localhost')
		throw new Error(`refusing to send the soak to ${url.host}: it only loads the loopback`)
}

async function send(url: URL, spec: RequestSpec, keep: boolean): Promise<Answer> {
	assertLoopback(url)
	const res = await fetch(url, {
		method: spec.method ?? 'GET',
		headers: spec.headers ?? {},
		...(spec.body === undefined ? {} : { body: spec.body }),
		redirect: 'manual',
		signal: AbortSignal.timeout(TIMEOUT_MS),
	})
	const chunks: Buffer[] = []
	let bytes = 0
	if (res.body)
		for await (const chunk of res.body) {
			bytes += chunk.byteLength
			if (keep) chunks.push(Buffer.from(chunk))
		}
	return { status: res.status, headers: res.headers, body: Buffer.concat(chunks), bytes }
}

export class Client {
	private readonly app: URL
	private readonly twin: URL | undefined
	private readonly stats: Stats

	constructor(app: URL, twin: URL | undefined, stats: Stats) {
		this.app = app
		this.twin = twin
		this.stats = stats
	}

	/**
	 * A request to the worker (and the same one to the twin); undefined when it got no answer
	 * or an unexpected one (counted as an error either way).
	 */
	async worker(
		scenario: string,
		path: string,
		spec: RequestSpec,
		expect: readonly number[],
		keep = false,
	): Promise<Answer | undefined> {
		const started = performance.now()
		const [answer] = await Promise.all([
			send(new URL(path, this.app), spec, keep).catch(() => undefined),
			this.mirror(path, spec),
		])
		const outcome: Outcome = answer?.status ?? 'network'
		const expected = answer !== undefined && expect.includes(answer.status)
		this.stats.worker(scenario, outcome, performance.now() - started, expected)
		return expected ? answer : undefined
	}

	/** A request to COS: a redirect followed, a pre-signed PUT. */
	async origin(url: string, spec: RequestSpec, expect: readonly number[]): Promise<Answer | undefined> {
		const answer = await send(new URL(url), spec, false).catch(() => undefined)
		const expected = answer !== undefined && expect.includes(answer.status)
		this.stats.origin(answer?.status ?? 'network', expected)
		return expected ? answer : undefined
	}

	/** Follows a worker's redirect to COS and reads the object. */
	async follow(answer: Answer | undefined): Promise<void> {
		const location = answer?.headers.get('location')
		if (location) await this.origin(location, {}, [200, 206])
	}

	private async mirror(path: string, spec: RequestSpec): Promise<void> {
		if (!this.twin) return
		const answer = await send(new URL(path, this.twin), spec, false).catch(() => undefined)
		this.stats.twin(answer?.status ?? 'network')
	}
}
