// Streams an object from COS through the worker: one signed subrequest (signature in the
// Authorization header, so traces never hold it), Range and conditionals forwarded,
// If-Range evaluated here because COS does not document it.
import type { SignedRequest } from '../cos/presign.ts'
import { FORWARDED_CONDITIONALS, MAX_FORWARDED_HEADER_BYTES } from './headers.ts'
import { parseIfRange, singleRange } from './range.ts'

export interface OriginRequest {
	signed: SignedRequest
	method: 'GET' | 'HEAD'
	/** The client's request headers. */
	client: Headers
	/** Applies until the response headers arrive, never to the body. */
	timeoutMs: number
	/** The clock, in milliseconds since the epoch. */
	now: number
}

// Range is never forwarded as sent (singleRange rebuilds it, or drops it), so a huge one
// just means the whole object; these go to COS verbatim.
const BOUNDED = [...FORWARDED_CONDITIONALS, 'if-range'] as const

/** The first forwarded header too large to pass on, if any: the caller answers 431 itself. */
export function oversizedHeader(client: Headers): string | undefined {
	return BOUNDED.find((name) => (client.get(name)?.length ?? 0) > MAX_FORWARDED_HEADER_BYTES)
}

/**
 * RFC 9110 §13.1.5: a date validator matches only an identical Last-Modified that is
 * strong, i.e. at least one second older than now: an object rewritten within its
 * Last-Modified second could otherwise be spliced onto the bytes a client already has.
 */
function dateStillMatches(lastModified: string | null, ifRangeDate: string, now: number): boolean {
	const modified = Date.parse(lastModified ?? '')
	return modified === Date.parse(ifRangeDate) && now - modified >= 1000
}

export class OriginTimeoutError extends Error {
	override readonly name = 'OriginTimeoutError'
}

async function fetchOrigin(
	url: string,
	method: string,
	headers: Headers,
	timeoutMs: number,
): Promise<Response> {
	const controller = new AbortController()
	const timer = setTimeout(() => controller.abort(), timeoutMs)
	try {
		// no-store: the edge's subrequest cache can turn a signed HEAD into a GET and answer
		// a Range with a full 200. redirect: manual, COS never redirects an object GET.
		return await fetch(url, {
			method,
			headers,
			cache: 'no-store',
			redirect: 'manual',
			signal: controller.signal,
		})
	} catch (error) {
		if (controller.signal.aborted) throw new OriginTimeoutError('COS did not answer in time')
		throw error
	} finally {
		clearTimeout(timer)
	}
}

/** The origin's response for a client request, after Range/If-Range resolution. */
export async function requestObject(req: OriginRequest): Promise<Response> {
	const headers = new Headers(req.signed.headers)
	for (const name of FORWARDED_CONDITIONALS) {
		const value = req.client.get(name)
		if (value !== null) headers.set(name, value)
	}
	let range = singleRange(req.client.get('range') ?? undefined)
	// If-Range: send the validator as a precondition on the range; if it fails, the object
	// changed and the client must get the whole new version, never a splice of two.
	let guard: 'if-match' | 'if-unmodified-since' | undefined
	let guardDate: string | undefined
	const ifRange = range ? parseIfRange(req.client.get('if-range') ?? undefined) : undefined
	if (ifRange) {
		const slot = ifRange.kind === 'etag' ? 'if-match' : 'if-unmodified-since'
		if (ifRange.kind === 'invalid' || headers.has(slot)) range = undefined
		else {
			guard = slot
			headers.set(slot, ifRange.kind === 'etag' ? ifRange.etag : ifRange.date)
			if (ifRange.kind === 'date') guardDate = ifRange.date
		}
	}
	if (range) headers.set('range', range)
	const first = await fetchOrigin(req.signed.url, req.method, headers, req.timeoutMs)
	if (!guard) return first
	const changed =
		first.status === 412 ||
		(guardDate !== undefined &&
			first.status === 206 &&
			!dateStillMatches(first.headers.get('last-modified'), guardDate, req.now))
	if (!changed) return first
	await first.body?.cancel()
	headers.delete('range')
	headers.delete(guard)
	return fetchOrigin(req.signed.url, req.method, headers, req.timeoutMs)
}
