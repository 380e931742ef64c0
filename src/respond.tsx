// The one error renderer: JSON for API clients, a small page for browsers.
import type { Context } from 'hono'
import { CredentialsExpiredError } from './cos/errors.ts'
import type { AppEnv } from './env.ts'
import { AppError } from './errors.ts'
import { PAGE_CSP, SECURITY_HEADERS } from './http/headers.ts'
import { log, redact } from './log.ts'
import { ErrorPage } from './pages/error.tsx'
import { requestId } from './request-id.ts'
import { InvalidRecordError } from './shares/store.ts'

const TITLES: Record<number, string> = {
	400: 'Bad request',
	401: 'Not authorized',
	403: 'Not available',
	404: 'Link not found',
	405: 'Not allowed',
	409: 'Already exists',
	410: 'This link has expired',
	413: 'Too large',
	415: 'Unsupported type',
	431: 'Request headers too large',
	500: 'Something is wrong on our side',
	502: 'Storage is not answering',
	503: 'Temporarily unavailable',
}

function wantsHtml(c: Context<AppEnv>): boolean {
	if (c.req.path.startsWith('/api/')) return false
	return (c.req.header('accept') ?? '').includes('text/html')
}

export function errorResponse(c: Context<AppEnv>, error: AppError): Response | Promise<Response> {
	const id = requestId(c)
	c.header('Cache-Control', 'no-store')
	// Outside the API the same error is a page or JSON depending on Accept.
	if (!c.req.path.startsWith('/api/')) c.header('Vary', 'Accept')
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	if (wantsHtml(c)) {
		c.header('Content-Security-Policy', PAGE_CSP)
		const title = TITLES[error.status] ?? 'Error'
		return c.html(
			<ErrorPage status={error.status} title={title} message={error.message} requestId={id} />,
			error.status,
		)
	}
	return c.json(
		{
			error: {
				code: error.code,
				message: error.message,
				...error.details,
				requestId: id,
			},
		},
		error.status,
	)
}

/** Typed errors from layers that know nothing of HTTP, as the errors a client sees. */
function asAppError(error: Error): AppError | undefined {
	if (error instanceof AppError) return error
	// Any route that signs can meet an expired temporary key; none needs to catch it itself.
	if (error instanceof CredentialsExpiredError)
		return new AppError(503, error.code, 'The storage credentials have expired. Please try again later.')
	if (error instanceof InvalidRecordError)
		return new AppError(500, 'invalid_record', 'This share is stored in a form this version cannot read.')
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
	return errorResponse(c, new AppError(500, 'internal_error', 'Something went wrong. Please try again.'))
}
