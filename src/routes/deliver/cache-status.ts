// RFC 9211 on every answer at a share's address: deliveries set their own Cache-Status;
// anything else there (an error, a page) never consulted the edge cache.
import { CACHE_BYPASS } from '../../http/edge-cache.ts'
import { isShareId } from '../../shares/id.ts'

/** The first path segment of a URL as sent. */
function firstSegment(url: string): string {
	const start = url.indexOf('/', url.indexOf('//') + 2) + 1
	if (start === 0) return ''
	let end = start
	while (end < url.length && url[end] !== '/' && url[end] !== '?') end++
	return url.slice(start, end)
}

export function withCacheStatus(request: Request, response: Response): Response {
	if (response.headers.has('cache-status') || !isShareId(firstSegment(request.url))) return response
	try {
		response.headers.set('Cache-Status', CACHE_BYPASS)
	} catch {
		// A response with immutable headers (passed through as fetched) goes out as it is.
	}
	return response
}
