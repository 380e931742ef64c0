// The one error renderer: JSON for API clients, a small page for browsers.
import type { Context } from 'hono'
import { CredentialsExpiredError } from './cos/errors.ts'
import type { AppEnv } from './env.ts'
import { AppError, type ErrorCode, errorSentence, publicCode } from './errors.ts'
import { SECURITY_HEADERS } from './http/headers.ts'
import { pickLanguage } from './http/negotiate.ts'
import { log, redact } from './log.ts'
import { newNonce, pageCsp } from './pages/csp.ts'
import { type ErrorAction, ErrorPage } from './pages/error.tsx'
import { LANGS, type Lang } from './pages/i18n/index.ts'
import { requestId } from './request-id.ts'
import {
	InvalidShareError,
	PreconditionFailedError,
	ShareExistsError,
	ShareNotFoundError,
	UneditableRecordError,
} from './shares/errors.ts'
import { isShareId } from './shares/id.ts'
import { InvalidRecordError } from './shares/store.ts'

function wantsHtml(c: Context<AppEnv>): boolean {
	if (c.req.path.startsWith('/api/')) return false
	return (c.req.header('accept') ?? '').includes('text/html')
}

/** The same address in each language, as root-relative links. */
export function languageLinks(url: string | URL): Record<Lang, string> {
	const links = {} as Record<Lang, string>
	for (const lang of LANGS) {
		const target = new URL(url)
		target.searchParams.set('lang', lang)
		links[lang] = `${target.pathname}${target.search}`
	}
	return links
}

/** `?lang=`, then Accept-Language, then English: the language of an error's message. */
export function requestLanguage(c: Context<AppEnv>): Lang {
	return pickLanguage(c.req.header('accept-language'), c.req.query('lang'))
}

/**
 * An error as API clients see it: its public code, the catalogue's sentence in `lang` as
 * the message, what the call site knew more precisely as `detail`, and its details.
 */
export function errorFields(error: AppError, lang: Lang) {
	return {
		code: publicCode(error.code),
		message: errorSentence(error.code, error.variant, lang),
		...(error.detail === undefined ? {} : { detail: error.detail }),
		...error.details,
	}
}

/** Errors after which nothing on this site helps: the sentence says to ask the sender. */
const DEAD_ENDS = new Set<ErrorCode>([
	'share_not_found',
	'share_expired',
	'download_limit_reached',
	'invalid_record',
	'download_forbidden',
	'not_found',
])

/** The folder level a path inside a folder share sits in: /<id>/a/b.txt → /<id>/a/. */
function levelOf(pathname: string): string {
	return pathname.slice(0, pathname.lastIndexOf('/') + 1)
}

/**
 * The one thing a visitor can do after `error` on this request, read from its address:
 * back to the folder a zip or a file was asked from, the share link a download address
 * came from, or the same address again when the fault may pass.
 */
export function errorAction(c: Context<AppEnv>, error: AppError): ErrorAction | undefined {
	const url = new URL(c.req.url)
	const path = url.pathname
	const segments = path.split('/')
	const id = segments[1] === '_' ? segments[3] : segments[1]
	const idPart = id?.split('.')
	// /_/t/t.<id>.… names its share in the ticket, as /_/consume/<id> and /_/unlock/<id> do.
	const shareId = segments[2] === 't' ? idPart?.[1] : id
	const share = shareId && isShareId(shareId) ? `/${shareId}` : undefined
	if (error.status >= 500 || error.code === 'too_many_attempts') {
		const retry = Number(c.res.headers.get('retry-after') ?? '')
		const again = c.req.method === 'GET' ? `${path}${url.search}` : share
		return again === undefined
			? undefined
			: { kind: 'retry', href: again, retryAfter: Number.isInteger(retry) && retry > 0 ? retry : undefined }
	}
	// A level a folder share does not have is no dead end: the share is there.
	const dead = DEAD_ENDS.has(error.code) && error.variant !== 'path_not_found'
	if (dead || share === undefined) return undefined
	if (segments[1] === '_' && segments[2] === 'zip')
		return { kind: 'folder', href: levelOf(`/${segments.slice(3).join('/')}`) }
	if (segments[1] === '_') return { kind: 'share', href: share }
	// A file or a level inside a folder share: the level it sits in. A file share's own
	// addresses (/<id>, /<id>/download, /<id>/preview) have no folder to go back to.
	const rest = segments.slice(2)
	if (rest.length === 0 || (rest.length === 1 && ['', 'download', 'preview'].includes(rest[0] ?? '')))
		return undefined
	return { kind: 'folder', href: levelOf(path.endsWith('/') ? path.slice(0, -1) : path) }
}

export function errorResponse(c: Context<AppEnv>, error: AppError): Response | Promise<Response> {
	const id = requestId(c)
	c.header('Cache-Control', 'private, no-store')
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	// Pages and JSON messages alike speak the request's language.
	c.header('Vary', c.req.path.startsWith('/api/') ? 'Accept-Language' : 'Accept, Accept-Language', {
		append: true,
	})
	const lang = requestLanguage(c)
	if (wantsHtml(c)) {
		const nonce = newNonce()
		c.header('Content-Security-Policy', pageCsp(nonce))
		return c.html(
			<ErrorPage
				lang={lang}
				code={error.code}
				variant={error.variant}
				nonce={nonce}
				requestId={id}
				action={errorAction(c, error)}
				languageLinks={languageLinks(c.req.url)}
			/>,
			error.status,
		)
	}
	return c.json({ error: { ...errorFields(error, lang), requestId: id } }, error.status)
}

/** Typed errors from layers that know nothing of HTTP, as the errors a client sees. */
function asAppError(error: Error): AppError | undefined {
	if (error instanceof AppError) return error
	// Any route that signs can meet an expired temporary key; none needs to catch it itself.
	if (error instanceof CredentialsExpiredError) return new AppError(error.code)
	if (error instanceof ShareNotFoundError) return new AppError('share_not_found', error.message)
	if (error instanceof ShareExistsError) return new AppError('share_exists', error.message)
	if (error instanceof PreconditionFailedError) return new AppError('precondition_failed', error.message)
	if (error instanceof InvalidShareError)
		return new AppError('invalid_body', error.message, { field: error.field })
	// An edit of a record this code cannot read: the request is fine, the stored state is not.
	if (error instanceof UneditableRecordError) return new AppError('invalid_record_admin', error.message)
	if (error instanceof InvalidRecordError) return new AppError('invalid_record')
	return undefined
}

export function onError(caught: Error, c: Context<AppEnv>): Response | Promise<Response> {
	const error = asAppError(caught) ?? caught
	if (error instanceof AppError) {
		if (error.status >= 500)
			log('error', 'request_failed', {
				code: error.code,
				status: error.status,
				requestId: requestId(c),
			})
		return errorResponse(c, error)
	}
	log('error', 'unhandled', {
		type: error.name,
		message: redact(error.message),
		requestId: requestId(c),
	})
	return errorResponse(c, new AppError('internal_error'))
}
