// Deliver by redirect: a 302 to a fresh pre-signed COS URL. The benchmarked hot path.
import { presignObjectUrl } from '../../cos/presign.ts'
import type { Config } from '../../env.ts'
import { contentDisposition } from '../../http/content-disposition.ts'
import { CACHE_BYPASS } from '../../http/edge-cache.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { servedAs } from '../../http/mime.ts'
import { type Method, type Presentation, type Serving, signingInput, typeByName } from './serving.ts'

// Built once: a 302 carries only these and its Location. The signature in the Location
// must not leak through a Referer, and no cache may keep a link that can be revoked.
const REDIRECT_HEADERS = { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE, 'Cache-Status': CACHE_BYPASS }

interface SignedRedirect {
	second: number
	config: Config
	/** The 302's headers, Location included: built once, reused by every memoized answer. */
	headers: Record<string, string>
}

// Keyed by an object that lives as long as what was signed (a share record lives as long
// as its isolate-cache entry, and a changed share is a new object). Within one second the
// same owner, method and config always sign to the same URL: the cheapest hot path.
const signedRedirects = new WeakMap<object, Partial<Record<Method, SignedRedirect>>>()

function redirectResponse(headers: Record<string, string>): Response {
	return new Response(null, { status: 302, headers })
}

function overrides({ filename, contentType: declared, disposition }: Presentation) {
	// The disposition is always signed: COS honours unsigned response-* parameters too, so an
	// unsigned one could be chosen by anyone holding the URL. A type is signed only when
	// known (COS keeps the type it stored otherwise); such a file always downloads, so a
	// type appended to the URL cannot make it render.
	const contentType = declared ?? typeByName(filename)
	if (contentType === undefined) return { contentDisposition: contentDisposition('attachment', filename) }
	const served = servedAs(contentType, disposition)
	return {
		contentType: served.contentType,
		contentDisposition: contentDisposition(served.disposition, filename),
	}
}

/** The 302 already signed for `memoOwner` this second with this config, if any. */
export function memoizedRedirect(
	memoOwner: object,
	method: Method,
	now: number,
	config: Config,
): Response | undefined {
	const hit = signedRedirects.get(memoOwner)?.[method]
	if (hit && hit.second === Math.floor(now / 1000) && hit.config === config)
		return redirectResponse(hit.headers)
	return undefined
}

/** A 302 to the object; `memoOwner` is what the signature may be reused for this second. */
export async function redirectTo(
	serving: Serving,
	memoOwner: object,
	look: () => Presentation,
): Promise<Response> {
	const { method, config } = serving
	const second = Math.floor(serving.now / 1000)
	let memo = signedRedirects.get(memoOwner)
	const hit = memo?.[method]
	if (hit && hit.second === second && hit.config === config) return redirectResponse(hit.headers)
	const { url } = await presignObjectUrl({ ...signingInput(serving), response: overrides(look()) })
	if (!memo) {
		memo = {}
		signedRedirects.set(memoOwner, memo)
	}
	const headers = { ...REDIRECT_HEADERS, Location: url }
	memo[method] = { second, config, headers }
	return redirectResponse(headers)
}
