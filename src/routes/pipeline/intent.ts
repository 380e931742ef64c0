// What a request under a share's id asks for, in the terms authorization cares about: a look
// (a page, a listing, a link card: none of the object's bytes), headers only, the free
// one-byte probe, a download (bytes, counted on a limited share) or an upload. One table
// for every kind of share, so a new route is a download unless it is named here as
// something less; the routes themselves decide nothing about who may have the bytes.
import { isUnfurler, wantsPage } from '../../http/negotiate.ts'
import { singleRange } from '../../http/range.ts'
import { parseSharePath, type SharePath } from '../../http/share-path.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import type { TicketTarget } from '../../shares/tokens.ts'

export type Intent =
	| { kind: 'look' }
	/** A link card or a prefetch of one file in a folder: a limited share sends it to the listing. */
	| { kind: 'card'; listing: string }
	| { kind: 'head' }
	| { kind: 'probe'; target: TicketTarget }
	| { kind: 'download'; target: TicketTarget }
	| { kind: 'preview' }
	| { kind: 'upload' }
	/** No route of this kind of share answers it with bytes: the router says 404 or 405. */
	| { kind: 'none' }

/** The one Range a limited share serves without spending: exactly the first byte, as the range parser reads it. */
export const PROBE_RANGE = 'bytes=0-0'

/** `Sec-Purpose: prefetch` (and the older `Purpose`): a guess at a click, never a download. */
export function isPrefetch(headers: Headers): boolean {
	return /prefetch|prerender/i.test(`${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''}`)
}

/** Someone who wants to see the share rather than have its bytes: a browser, a link card, a prefetch. */
export function isLooking(headers: Headers, method: string): boolean {
	return wantsPage(headers, method) || isUnfurler(headers.get('user-agent')) || isPrefetch(headers)
}

/** A free probe: `Range: bytes=0-0` (any spelling the range parser reads as exactly that). */
export function isProbe(headers: Headers): boolean {
	return singleRange(headers.get('range') ?? undefined) === PROBE_RANGE
}

/** A relative path inside a folder as a SharePath, or undefined when any segment is refused. */
export function sharePathOf(relative: string): SharePath | undefined {
	return parseSharePath(`/${relative.split('/').map(encodeURIComponent).join('/')}`, 0)
}

function bytesIntent(headers: Headers, method: string, target: TicketTarget): Intent {
	if (method === 'HEAD') return { kind: 'head' }
	if (method !== 'GET') return { kind: 'none' }
	if (isProbe(headers)) return { kind: 'probe', target }
	return { kind: 'download', target }
}

/** The intent of `method` on `url` (its path still encoded, as sent) for `record`. */
export function intentOf(record: ShareRecord, url: URL, method: string, headers: Headers): Intent {
	if (record.type === 'upload') return { kind: 'upload' }
	const { pathname } = url
	const zip = pathname.startsWith('/_/zip/')
	// Segments after the id: /<id>/a/b → ['a', 'b'], /_/zip/<id>/a/ → ['a', ''].
	const rest = pathname.split('/').slice(zip ? 4 : 2)
	if (record.type === 'file') {
		if (zip) return { kind: 'none' }
		const [sub, ...more] = rest
		if (more.length > 0) return { kind: 'none' }
		if (sub === 'preview') return { kind: 'preview' }
		if (sub !== undefined && sub !== 'download') return { kind: 'none' }
		// The share's own address and /download show a page to whoever is only looking.
		if (method === 'GET' && isLooking(headers, method)) return { kind: 'look' }
		return bytesIntent(headers, method, { kind: 'file' })
	}
	const path = parseSharePath(pathname, zip ? 3 : 1)
	// The folder's own address (a redirect to its listing) and every listing show no bytes.
	if (!zip && (rest.length === 0 || path?.directory)) return { kind: 'look' }
	if (path === undefined) return { kind: 'none' }
	if (zip) {
		if (!path.directory || (method !== 'GET' && method !== 'HEAD')) return { kind: 'none' }
		if (method === 'HEAD') return { kind: 'head' }
		const recursive = url.searchParams.get('recursive') === '1'
		return { kind: 'download', target: { kind: 'zip', path: path.relative, recursive } }
	}
	if (method === 'GET' && (isUnfurler(headers.get('user-agent')) || isPrefetch(headers)))
		return { kind: 'card', listing: pathname.slice(0, pathname.lastIndexOf('/') + 1) }
	return bytesIntent(headers, method, { kind: 'path', path: path.relative })
}
