// What every admin sub-app shares: the guard (security headers, no-store, the admin token,
// a body limit, JSON bodies only), the validation hook that keeps errors in the catalogue's
// `{ error: { code, message, detail, field } }` shape, and the error responses as the
// OpenAPI document states them.
import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import type { ZodError } from 'zod'
import { type AppEnv, readConfig } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { NO_STORE } from '../../http/headers.ts'
import { apiSession } from '../console/session.ts'
import { secure } from '../secure.ts'
import { hasAdminToken } from './auth.ts'
import { errorSchema } from './views.ts'

/** The first problem of a failed parse as the client's error, naming the field. */
export function validationError(error: ZodError, target: string): AppError {
	const issue = error.issues[0]
	const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined
	// A nested unknown field is named by its full path (upload.maxFiles), as others are.
	const path = issue?.path.join('.') ?? ''
	const field = unknownKey ? (path ? `${path}.${unknownKey}` : unknownKey) : path || 'body'
	const message = unknownKey ? 'is not a known field' : (issue?.message ?? 'is invalid')
	const code = target === 'query' ? 'invalid_query' : 'invalid_body'
	return new AppError(code, `${field}: ${message}`, { field })
}

interface HookResult {
	success: boolean
	error?: ZodError
	target: string
}

/** Every request validator's hook: a failure is an AppError, rendered like any other. */
export function defaultHook(result: HookResult): void {
	if (!result.success && result.error) throw validationError(result.error, result.target)
}

/** An OpenAPIHono sub-app whose validation errors speak the catalogue. */
export function openApiApp(): OpenAPIHono<AppEnv> {
	return new OpenAPIHono<AppEnv>({ defaultHook })
}

/**
 * JSON bodies only (415 otherwise), parsed here (400 for anything that is not JSON), so the
 * route's validator sees a parsed body and speaks only of its fields.
 */
const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
	if (c.req.method !== 'POST' && c.req.method !== 'PATCH') return next()
	if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? ''))
		throw new AppError('unsupported_media_type', 'Send the body as application/json.')
	try {
		// Hono keeps the parsed body: the validator reads this one.
		await c.req.json()
	} catch {
		throw new AppError('invalid_body', 'The body is not valid JSON.')
	}
	await next()
})

/** Admin answers are private and change with every write: no cache may keep one. */
const noStore = createMiddleware<AppEnv>(async (c, next) => {
	await next()
	if (c.res.ok) c.res.headers.set('Cache-Control', NO_STORE)
})

/**
 * The bearer token, as scripts send it; or, on a request with no Authorization header at all,
 * the admin console's session cookie, from the console's own pages only and with its CSRF
 * token on every write (routes/console/session.ts).
 */
const adminToken = createMiddleware<AppEnv>(async (c, next) => {
	const config = readConfig(c.env)
	const authorization = c.req.header('authorization')
	const session = authorization === undefined ? await apiSession(c, config) : undefined
	if (session === false) {
		c.header('WWW-Authenticate', 'Bearer realm="coslink"')
		throw new AppError('unauthorized', 'The console session has ended: sign in again.')
	}
	if (session === undefined && !(await hasAdminToken(authorization, config.adminToken))) {
		c.header('WWW-Authenticate', 'Bearer realm="coslink"')
		throw new AppError('unauthorized', 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".')
	}
	c.set('config', config)
	await next()
})

/** Everything an admin route needs before its handler, in order. */
export function adminGuard(maxBodyBytes: number): MiddlewareHandler<AppEnv>[] {
	return [
		secure,
		noStore,
		adminToken,
		bodyLimit({
			maxSize: maxBodyBytes,
			onError: () => {
				throw new AppError('body_too_large', `The request body is over ${maxBodyBytes} bytes.`)
			},
		}),
		jsonBody,
	]
}

const errorContent = { 'application/json': { schema: errorSchema } }

/** Error responses for the document: status → which codes, and why. */
export function errorResponses(statuses: Record<number, string>) {
	const responses: Record<string, { description: string; content: typeof errorContent; headers?: object }> =
		{}
	for (const [status, description] of Object.entries(statuses))
		responses[status] = { description, content: errorContent }
	return responses
}

/** What any admin route can answer besides its own errors. */
export const ADMIN_ERRORS = {
	401: 'unauthorized: no admin token, or a wrong one (with WWW-Authenticate: Bearer), or an ended console session.',
	403: "cross_site_request or csrf_failed: the admin console's session cookie sent from anywhere but the console's own pages, or a write without its x-csrf-token (the bearer token meets neither).",
	500: 'internal_error, or misconfigured (naming the setting).',
} as const

export const BODY_ERRORS = {
	400: 'invalid_body: the body is not JSON or breaks a rule; `field` names the field.',
	413: 'body_too_large: the body is over the limit.',
	415: 'unsupported_media_type: the body is not sent as application/json.',
} as const

/** Every admin request carries the token. */
export const bearerSecurity = [{ bearer: [] }]
