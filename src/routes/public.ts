// Public share links: GET|HEAD /:id and /:id/download. Every request signs afresh.
import { type Context, Hono } from 'hono'
import { type PresignInput, presignObjectUrl, signObjectRequest } from '../cos/presign.ts'
import { type AppEnv, type Config, readConfig } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import { contentDisposition } from '../http/content-disposition.ts'
import { NO_STORE, OBJECT_CSP, PASSED_FROM_ORIGIN, SECURITY_HEADERS } from '../http/headers.ts'
import { mediaTypeFor, servedAs } from '../http/mime.ts'
import { OriginTimeoutError, requestObject } from '../http/proxy.ts'
import { log } from '../log.ts'
import { requestId } from '../request-id.ts'
import { isShareId } from '../shares/id.ts'
import { expiresAtSeconds, shareState } from '../shares/rules.ts'
import type { ShareRecord } from '../shares/schema.ts'
import { getShare, InvalidRecordError } from '../shares/store.ts'

export const publicRoutes = new Hono<AppEnv>()

// Built once: a 302 carries only these and its Location. The signature in the Location
// must not leak through a Referer, and no cache may keep a link that can be revoked.
const REDIRECT_HEADERS = { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE }
const PASSED_STATUSES = new Set([200, 206, 304, 412, 416])
const MAX_ERROR_BODY = 8192

async function loadShare(c: Context<AppEnv>, now: number): Promise<ShareRecord> {
	const id = c.req.param('id') ?? ''
	if (!isShareId(id)) throw notFound()
	let record: ShareRecord | null
	try {
		record = await getShare(c.env.SHARES, id)
	} catch (error) {
		if (!(error instanceof InvalidRecordError)) throw error
		throw new AppError(500, 'invalid_record', 'This share is stored in a form this version cannot read.')
	}
	// A share that is not valid yet does not exist yet, as far as a visitor can tell.
	if (!record) throw notFound()
	const state = shareState(record, now)
	if (state === 'scheduled') throw notFound()
	if (state === 'expired')
		throw new AppError(410, 'share_expired', 'Its time is up. Ask whoever shared it for a new link.')
	return record
}

function basename(key: string): string {
	return key.slice(key.lastIndexOf('/') + 1) || key
}

/** What the file is called and how it is labelled, whether COS or the worker says so. */
function presentation(record: ShareRecord, originType?: string | null) {
	const filename = record.filename ?? basename(record.key)
	const declared = record.contentType ?? originType ?? mediaTypeFor(filename)
	return { filename, ...servedAs(declared, record.disposition ?? 'attachment') }
}

/** One request's view of a share; `now` is read once so every rule and signature agree. */
interface Serving {
	config: Config
	record: ShareRecord
	method: 'GET' | 'HEAD'
	now: number
}

function signingInput({ config, record, method, now }: Serving): PresignInput {
	return {
		credentials: config.credentials,
		target: config.target,
		method,
		key: record.key,
		ttl: record.signTtl ?? config.signTtl,
		notAfter: expiresAtSeconds(record),
		now,
	}
}

interface SignedRedirect {
	second: number
	config: Config
	url: string
}

// The record object lives as long as its isolate-cache entry, so this memo dies with it:
// a changed share is a new object. Within one second the same share, method and config
// always sign to the same URL, which makes this the cheapest possible hot path.
const signedRedirects = new WeakMap<ShareRecord, Partial<Record<'GET' | 'HEAD', SignedRedirect>>>()

function redirectResponse(url: string): Response {
	return new Response(null, { status: 302, headers: { ...REDIRECT_HEADERS, Location: url } })
}

async function redirectTo(serving: Serving) {
	const { record, method, config } = serving
	const second = Math.floor(serving.now / 1000)
	let memo = signedRedirects.get(record)
	const hit = memo?.[method]
	if (hit && hit.second === second && hit.config === config) return redirectResponse(hit.url)
	const { filename, contentType, disposition } = presentation(record)
	// Both overrides are always signed: COS honours unsigned response-* parameters too, so
	// leaving one out would let anyone holding the URL choose it.
	const { url } = await presignObjectUrl({
		...signingInput(serving),
		response: { contentType, contentDisposition: contentDisposition(disposition, filename) },
	})
	if (!memo) {
		memo = {}
		signedRedirects.set(record, memo)
	}
	memo[method] = { second, config, url }
	return redirectResponse(url)
}

async function cosErrorCode(response: Response): Promise<string | undefined> {
	if (!response.body) return undefined
	const reader = response.body.getReader()
	let text = ''
	const decoder = new TextDecoder()
	while (text.length < MAX_ERROR_BODY) {
		const { done, value } = await reader.read()
		if (done) break
		text += decoder.decode(value, { stream: true })
	}
	await reader.cancel()
	return /<Code>([\w.-]{1,64})<\/Code>/.exec(text)?.[1]
}

async function originFailure(c: Context<AppEnv>, upstream: Response): Promise<never> {
	if (upstream.status === 404) {
		await upstream.body?.cancel()
		throw new AppError(404, 'object_not_found', 'The shared file is no longer in storage.')
	}
	const cosCode = await cosErrorCode(upstream)
	log('warn', 'origin_error', {
		status: upstream.status,
		cosCode,
		cosRequestId: upstream.headers.get('x-cos-request-id') ?? undefined,
		requestId: requestId(c),
	})
	if (cosCode === 'DownloadForbidden')
		throw new AppError(
			403,
			'download_forbidden',
			'COS refuses to serve .apk and .ipa files from the default bucket domain. Bind a custom origin domain to the bucket and set COS_ENDPOINT to it.',
		)
	throw new AppError(502, 'origin_error', 'The storage service did not deliver the file. Please try again.')
}

async function stream(c: Context<AppEnv>, serving: Serving) {
	const { config, record, method } = serving
	const signed = await signObjectRequest(signingInput(serving))
	let upstream: Response
	try {
		upstream = await requestObject({
			signed,
			method,
			client: c.req.raw.headers,
			timeoutMs: config.originTimeoutMs,
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
	if (!PASSED_STATUSES.has(upstream.status)) return originFailure(c, upstream)
	const headers = new Headers(SECURITY_HEADERS)
	for (const name of PASSED_FROM_ORIGIN) {
		const value = upstream.headers.get(name)
		if (value !== null) headers.set(name, value)
	}
	const { filename, contentType, disposition } = presentation(record, upstream.headers.get('content-type'))
	headers.set('Content-Type', contentType)
	headers.set('Content-Disposition', contentDisposition(disposition, filename))
	// no-transform: an edge that recompresses would drop Content-Length and break resumes.
	headers.set('Cache-Control', `${NO_STORE}, no-transform`)
	headers.set('Content-Security-Policy', OBJECT_CSP)
	const withBody = method === 'GET' && (upstream.status === 200 || upstream.status === 206)
	if (!withBody) await upstream.body?.cancel()
	// The body is handed over as a stream: never buffered, Content-Length kept.
	return new Response(withBody ? upstream.body : null, { status: upstream.status, headers })
}

async function serve(c: Context<AppEnv>) {
	const config = readConfig(c.env)
	const now = Date.now()
	const record = await loadShare(c, now)
	const method = c.req.method === 'HEAD' ? 'HEAD' : 'GET'
	const delivery = record.delivery ?? config.defaultDelivery
	const serving = { config, record, method, now } as const
	return delivery === 'stream' ? stream(c, serving) : redirectTo(serving)
}

publicRoutes.get('/:id', serve)
publicRoutes.get('/:id/download', serve)
