import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { SECURITY_HEADERS } from '../http/headers.ts'

/**
 * The security headers for sub-apps whose responses Hono builds (JSON, text). The public
 * share routes build their responses with the headers already in place instead: this
 * layer costs a measurable share of a 302's CPU time.
 */
export const secure = createMiddleware<AppEnv>(async (c, next) => {
	await next()
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value)
})
