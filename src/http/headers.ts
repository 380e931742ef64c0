// Header policy: what every response carries, and what may pass from COS to a client.

/** On every response: nothing here is for search engines, framing or referrers. */
export const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Robots-Tag': 'noindex, nofollow',
	'X-Frame-Options': 'DENY',
}

/** Object bytes served from our origin are untrusted: never let them script it. */
export const OBJECT_CSP = "sandbox; default-src 'none'"

/**
 * Inline audio and video: Chromium's own media document must load the object itself, which
 * a bare sandbox (an opaque origin) forbids. Still no scripts, forms or plugins.
 */
export const MEDIA_CSP = "sandbox allow-same-origin; default-src 'none'; media-src 'self'"

/**
 * A preview (/:id/preview) keeps its sandbox but may be framed by our own download page,
 * which embeds PDF and text through `<object>`; any other site still may not frame it.
 */
export function embeddableBySelf(csp: string): string {
	return `${csp}; frame-ancestors 'self'`
}

/** Private, per-request answers: no shared cache may keep them, no edge may rewrite them. */
export const NO_STORE = 'private, no-store'

/** Headers from COS a client may see when the worker streams an object. */
export const PASSED_FROM_ORIGIN = [
	'content-length',
	'content-range',
	'etag',
	'last-modified',
	'accept-ranges',
	'content-language',
	'content-encoding',
] as const

/** Past this, a forwarded header is refused (431) rather than passed on for COS to reject. */
export const MAX_FORWARDED_HEADER_BYTES = 4096

/** Conditional request headers the worker forwards to COS unsigned. */
export const FORWARDED_CONDITIONALS = [
	'if-none-match',
	'if-modified-since',
	'if-match',
	'if-unmodified-since',
] as const
