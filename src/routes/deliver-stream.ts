// Deliver by streaming: the worker fetches the object from COS and passes the bytes on
// from its own origin, so everything it labels is sandboxed.
import type { Context } from 'hono'
import { signObjectRequest } from '../cos/presign.ts'
import type { AppEnv } from '../env.ts'
import { AppError } from '../errors.ts'
import { contentDisposition } from '../http/content-disposition.ts'
import { MEDIA_CSP, NO_STORE, OBJECT_CSP, PASSED_FROM_ORIGIN, SECURITY_HEADERS } from '../http/headers.ts'
import { headerSafeMediaType, isPlayableMedia, OCTET_STREAM, servedAs } from '../http/mime.ts'
import { OriginTimeoutError, oversizedHeader, requestObject } from '../http/proxy.ts'
import { log } from '../log.ts'
import { requestId } from '../request-id.ts'
import { originFailure } from './origin-failure.ts'
import { type Presentation, type Serving, signingInput, typeByName } from './serving.ts'

const PASSED_STATUSES = new Set([200, 206, 304, 412, 416])

async function fetchObject(c: Context<AppEnv>, serving: Serving): Promise<Response> {
	const signed = await signObjectRequest(signingInput(serving))
	try {
		return await requestObject({
			signed,
			method: serving.method,
			client: c.req.raw.headers,
			timeoutMs: serving.config.originTimeoutMs,
			now: serving.now,
		})
	} catch (error) {
		log('warn', 'origin_unreachable', {
			type: error instanceof Error ? error.name : 'unknown',
			requestId: requestId(c),
		})
		const message =
			error instanceof OriginTimeoutError
				? 'The storage service did not answer in time.'
				: 'The storage service could not be reached.'
		throw new AppError(502, 'origin_error', `${message} Please try again.`)
	}
}

/** The labels for a response with a body: the share's word first, then COS's, then the name's. */
function labelled(headers: Headers, look: Presentation, originType: string | null): void {
	const declared =
		look.contentType ?? headerSafeMediaType(originType) ?? typeByName(look.filename) ?? OCTET_STREAM
	const { contentType, disposition } = servedAs(declared, look.disposition)
	headers.set('Content-Type', contentType)
	headers.set('Content-Disposition', contentDisposition(disposition, look.filename))
	// Chromium's media document must fetch the object itself; everything else stays inert.
	const playable = disposition === 'inline' && isPlayableMedia(contentType)
	headers.set('Content-Security-Policy', playable ? MEDIA_CSP : OBJECT_CSP)
}

export async function streamObject(
	c: Context<AppEnv>,
	serving: Serving,
	look: Presentation,
): Promise<Response> {
	const oversized = oversizedHeader(c.req.raw.headers)
	if (oversized) throw new AppError(431, 'header_too_large', `The ${oversized} request header is too large.`)
	const upstream = await fetchObject(c, serving)
	const { status } = upstream
	if (!PASSED_STATUSES.has(status)) return originFailure(c, upstream)
	const headers = new Headers(SECURITY_HEADERS)
	for (const name of PASSED_FROM_ORIGIN) {
		const value = upstream.headers.get(name)
		if (value !== null) headers.set(name, value)
	}
	// no-transform: an edge that recompresses would drop Content-Length and break resumes.
	headers.set('Cache-Control', `${NO_STORE}, no-transform`)
	const hasContent = status === 200 || status === 206
	if (hasContent) labelled(headers, look, upstream.headers.get('content-type'))
	else {
		// A GET of these sends no body, so a HEAD must not announce COS's error-body length;
		// a 304 describes the stored representation only through its validators.
		headers.delete('content-encoding')
		if (status === 304) headers.delete('content-length')
		else headers.set('Content-Length', '0')
		headers.set('Content-Security-Policy', OBJECT_CSP)
	}
	const withBody = serving.method === 'GET' && hasContent
	if (!withBody) await upstream.body?.cancel()
	// The body is handed over as a stream: never buffered, Content-Length kept.
	return new Response(withBody ? upstream.body : null, { status, headers })
}
