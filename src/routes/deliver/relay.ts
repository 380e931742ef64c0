// The streaming delivery's two halves: one signed request to COS, and the client's response
// built from COS's. Shared by the plain stream and the edge-cached one.
import type { Context } from 'hono'
import { signObjectRequest } from '../../cos/presign.ts'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { contentDisposition } from '../../http/content-disposition.ts'
import { MEDIA_CSP, OBJECT_CSP, PASSED_FROM_ORIGIN, SECURITY_HEADERS } from '../../http/headers.ts'
import {
	isPlayableMedia,
	normalizeMediaType,
	OCTET_STREAM,
	servedAs,
	storedMediaType,
} from '../../http/mime.ts'
import { wantsPage } from '../../http/negotiate.ts'
import { requestObject } from '../../http/proxy.ts'
import { originFailure, originUnreachable } from './origin-failure.ts'
import { type Presentation, type Serving, signingInput, typeByName } from './serving.ts'

const PASSED_STATUSES = new Set([200, 206, 304, 412, 416])
const TRAFFIC_LIMIT = 'x-cos-traffic-limit'

/** GET or HEAD of the object, `client` giving Range and conditionals; 502 when COS cannot be reached. */
export async function fetchObject(c: Context<AppEnv>, serving: Serving, client: Headers): Promise<Response> {
	// The worker sends the cap itself, so it goes out as a signed header, not in the URL.
	const { trafficLimit, ...input } = signingInput(serving)
	const limit = trafficLimit === undefined ? undefined : { [TRAFFIC_LIMIT]: String(trafficLimit) }
	const signed = await signObjectRequest({ ...input, headers: limit })
	if (limit) signed.headers = { ...signed.headers, ...limit }
	try {
		return await requestObject({
			signed,
			method: serving.method,
			client,
			timeoutMs: serving.config.originTimeoutMs,
			now: serving.now,
		})
	} catch (error) {
		originUnreachable(c, error)
	}
}

/**
 * The labels for a response with a body: the share's word first, then COS's (unless it is
 * an octet-stream, which says nothing), then the name's. Every candidate is normalized, and
 * servedAs never lets markup or a script go out inline.
 */
export function labelled(headers: Headers, look: Presentation, originType: string | null): void {
	const declared =
		normalizeMediaType(look.contentType) ??
		storedMediaType(originType) ??
		typeByName(look.filename) ??
		OCTET_STREAM
	const { contentType, disposition } = servedAs(declared, look.disposition)
	headers.set('Content-Type', contentType)
	headers.set('Content-Disposition', contentDisposition(disposition, look.filename))
	// Chromium's media document must fetch the object itself; everything else stays inert.
	const playable = disposition === 'inline' && isPlayableMedia(contentType)
	headers.set('Content-Security-Policy', playable ? MEDIA_CSP : OBJECT_CSP)
}

/** How a streamed response may be cached, and what the edge cache did for it. */
export interface Caching {
	cacheControl: string
	cacheStatus: string
}

/**
 * The client's response for `source` (COS's response, or one from the edge cache with the
 * same headers): only known headers pass, labelled by the share.
 */
export async function relay(
	c: Context<AppEnv>,
	method: Serving['method'],
	look: Presentation,
	source: Response,
	caching: Caching,
): Promise<Response> {
	const { status } = source
	if (!PASSED_STATUSES.has(status)) return originFailure(c, source)
	// A person who opened a range past the end gets a page that says so; a player or a
	// download manager gets COS's bodiless 416 as it was.
	if (status === 416 && wantsPage(c.req.raw.headers, c.req.method)) {
		await source.body?.cancel()
		const range = source.headers.get('content-range')
		if (range) c.header('Content-Range', range)
		throw new AppError('range_not_satisfiable')
	}
	const headers = new Headers(SECURITY_HEADERS)
	for (const name of PASSED_FROM_ORIGIN) {
		const value = source.headers.get(name)
		if (value !== null) headers.set(name, value)
	}
	headers.set('Cache-Control', caching.cacheControl)
	headers.set('Cache-Status', caching.cacheStatus)
	const hasContent = status === 200 || status === 206
	if (hasContent) labelled(headers, look, source.headers.get('content-type'))
	else {
		// A GET of these sends no body, so a HEAD must not announce COS's error-body length;
		// a 304 describes the stored representation only through its validators.
		headers.delete('content-encoding')
		if (status === 304) headers.delete('content-length')
		else headers.set('Content-Length', '0')
		headers.set('Content-Security-Policy', OBJECT_CSP)
	}
	const withBody = method === 'GET' && hasContent
	if (!withBody) await source.body?.cancel()
	// The body is handed over as a stream: never buffered, Content-Length kept.
	return new Response(withBody ? source.body : null, { status, headers })
}
