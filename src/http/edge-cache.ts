// The edge cache: whole objects in the Workers Cache API under a key that names the share,
// its revision and the object, never a signature. Range and conditional requests are
// answered here from the stored validators (Miniflare ignores If-Range, and its 206s are
// wrong for multiple ranges), and one fill per object per isolate buffers the object from
// COS at COS's speed while any number of clients read it at their own.
import { singleRange } from './range.ts'

/** RFC 9211 cache name of every Cache-Status this worker sends. */
export const CACHE_NAME = 'coslink'
/** The share is not cached (or the response could not be): the cache was never asked. */
export const CACHE_BYPASS = `${CACHE_NAME}; fwd=bypass`
export const CACHE_HIT = `${CACHE_NAME}; hit`

/** A miss: `stored` when the object is on its way into the cache, `collapsed` when joined. */
export function cacheMiss(outcome: { stored?: boolean; collapsed?: boolean; detail?: string }): string {
	let status = `${CACHE_NAME}; fwd=uri-miss`
	if (outcome.collapsed) status += '; collapsed'
	if (outcome.stored) status += '; stored'
	if (outcome.detail) status += `; detail=${outcome.detail}`
	return status
}

/** What names one object of one share revision in the cache: never a signed URL. */
export interface EdgeKey {
	/** Scheme and host the entries live under (the Cache API is per zone). */
	origin: string
	shareId: string
	revision: number
	objectKey: string
}

// Under '/_': no share id can start with '_', so no share URL is ever an entry's key.
export function edgeCacheUrl(key: EdgeKey): string {
	const { origin, shareId, revision, objectKey } = key
	return `${origin}/_edge-cache/${encodeURIComponent(shareId)}/${revision}/${encodeURIComponent(objectKey)}`
}

/** The Cache API, where the runtime has one. */
export function edgeCache(): Cache | undefined {
	return typeof caches === 'undefined' ? undefined : caches.default
}

export type CachedAnswer =
	| { kind: 'not-modified' }
	| { kind: 'precondition-failed' }
	| { kind: 'full' }
	| { kind: 'range'; start: number; end: number }
	| { kind: 'unsatisfiable' }

function entityTags(header: string): string[] {
	return header.split(',').map((tag) => tag.trim())
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag)

function strongMatch(header: string, etag: string | null): boolean {
	if (etag === null || etag.startsWith('W/')) return false
	return entityTags(header).some((tag) => tag === '*' || tag === etag)
}

function weakMatch(header: string, etag: string | null): boolean {
	if (etag === null) return false
	return entityTags(header).some((tag) => tag === '*' || opaque(tag) === opaque(etag))
}

/** Seconds-resolution comparison, as HTTP dates have. */
function notAfter(lastModified: string | null, date: string): boolean | undefined {
	const modified = Date.parse(lastModified ?? '')
	const limit = Date.parse(date)
	if (Number.isNaN(modified) || Number.isNaN(limit)) return undefined
	return modified <= limit
}

/**
 * RFC 9110 §13.2.2, in its order: If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since, then If-Range and Range, all against the stored full object.
 */
export function answerFromStored(
	stored: { etag: string | null; lastModified: string | null; size: number },
	client: Headers,
	method: 'GET' | 'HEAD',
	now: number,
): CachedAnswer {
	const ifMatch = client.get('if-match')
	if (ifMatch !== null) {
		if (!strongMatch(ifMatch, stored.etag)) return { kind: 'precondition-failed' }
	} else {
		const since = client.get('if-unmodified-since')
		if (since !== null && notAfter(stored.lastModified, since) === false)
			return { kind: 'precondition-failed' }
	}
	const ifNoneMatch = client.get('if-none-match')
	if (ifNoneMatch !== null) {
		if (weakMatch(ifNoneMatch, stored.etag)) return { kind: 'not-modified' }
	} else {
		const since = client.get('if-modified-since')
		if (since !== null && notAfter(stored.lastModified, since) === true) return { kind: 'not-modified' }
	}
	if (method !== 'GET') return { kind: 'full' }
	const range = singleRange(client.get('range') ?? undefined)
	if (range === undefined || !ifRangeHolds(client.get('if-range'), stored, now)) return { kind: 'full' }
	return byteRange(range, stored.size)
}

/** If-Range: a strong tag equal to ours, or our Last-Modified exactly when it is strong. */
function ifRangeHolds(
	header: string | null,
	stored: { etag: string | null; lastModified: string | null },
	now: number,
) {
	if (header === null) return true
	const value = header.trim()
	if (value.startsWith('"'))
		return stored.etag !== null && !stored.etag.startsWith('W/') && value === stored.etag
	const modified = Date.parse(stored.lastModified ?? '')
	// A date is a strong validator only when at least a second older than now (§13.1.5).
	return !Number.isNaN(modified) && modified === Date.parse(value) && now - modified >= 1000
}

function byteRange(range: string, size: number): CachedAnswer {
	const [first = '', last = ''] = range.slice('bytes='.length).split('-')
	if (first === '') {
		const suffix = Number(last)
		if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
		return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 }
	}
	const start = Number(first)
	if (start >= size) return { kind: 'unsatisfiable' }
	const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
	return { kind: 'range', start, end }
}

/**
 * An object being read from COS into memory once, for the cache and for every client that
 * asked meanwhile. The fill never waits for a reader: a slow client costs no more than the
 * object's size, which the size cap bounds.
 */
export class FillBuffer {
	readonly chunks: Uint8Array[] = []
	private state: 'reading' | 'done' | 'failed' = 'reading'
	private waiters: (() => void)[] = []

	push(chunk: Uint8Array): void {
		this.chunks.push(chunk)
		this.wake()
	}

	end(failed: boolean): void {
		this.state = failed ? 'failed' : 'done'
		this.wake()
	}

	get done(): boolean {
		return this.state === 'done'
	}

	private wake(): void {
		const waiters = this.waiters
		this.waiters = []
		for (const wake of waiters) wake()
	}

	/**
	 * A reader from the first byte, at its own pace, of an object of `size` bytes: a fixed
	 * length stream, since the runtime sends a plain stream chunked, without Content-Length.
	 */
	stream(size: number): ReadableStream<Uint8Array> {
		const { readable, writable } = new FixedLengthStream(size)
		this.chunkStream()
			.pipeTo(writable)
			.catch(() => undefined)
		return readable
	}

	private chunkStream(): ReadableStream<Uint8Array> {
		let next = 0
		return new ReadableStream<Uint8Array>({
			pull: async (controller) => {
				while (next >= this.chunks.length && this.state === 'reading')
					await new Promise<void>((resolve) => this.waiters.push(resolve))
				const chunk = this.chunks[next]
				if (chunk !== undefined) {
					next++
					// A copy: a chunk handed to a stream may be detached, and others still read it.
					controller.enqueue(chunk.slice())
				} else if (this.state === 'failed')
					controller.error(new Error('the object could not be read from COS'))
				else controller.close()
			},
		})
	}
}

/** Reads `body` into `buffer` to its end; false if the origin stream broke off. */
export async function drain(body: ReadableStream<Uint8Array>, buffer: FillBuffer): Promise<boolean> {
	const reader = body.getReader()
	try {
		for (;;) {
			const { done, value } = await reader.read()
			if (done) break
			buffer.push(value)
		}
		buffer.end(false)
		return true
	} catch {
		buffer.end(true)
		return false
	}
}
