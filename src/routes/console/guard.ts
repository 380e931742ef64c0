// What every /_/admin response needs: the configuration, the console's own host (CONSOLE_HOST:
// any other host answers 404, as for an address that does not exist), and its headers:
// private, never stored, never framed, no referrer, and varying by cookie and language.
import { createMiddleware } from 'hono/factory'
import { servesConsole } from '../../console/origin.ts'
import { type AppEnv, readConfig } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'

const VARY = ['Cookie', 'Accept-Language']

/** `vary` with each of `names` it lacks, in order. */
function varyWith(vary: string | null, names: readonly string[]): string {
	const present = (vary ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '')
	const lower = new Set(present.map((name) => name.toLowerCase()))
	return [...present, ...names.filter((name) => !lower.has(name.toLowerCase()))].join(', ')
}

export const consoleGuard = createMiddleware<AppEnv>(async (c, next) => {
	const config = readConfig(c.env)
	if (!servesConsole(new URL(c.req.url).host, config.consoleHost)) throw new AppError('not_found')
	c.set('config', config)
	await next()
	const headers = c.res.headers
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value)
	// A static asset of the console may say how long it keeps; everything else is private.
	if (!headers.has('cache-control')) headers.set('Cache-Control', NO_STORE)
	headers.set('Vary', varyWith(headers.get('vary'), VARY))
})
