// /_/admin: the admin console's sign-in and its shell. GET shows the shell to a live session
// (or to a request Cloudflare Access signed, which starts one), else the sign-in page; the
// token form posts to /_/admin/login, the shell's sign-out form to /_/admin/logout. Mounted
// before the admin API and the share routes (system paths cannot be share ids).
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { verifyAccessJwt } from '../../console/access.ts'
import { isCsrfToken, openSession } from '../../console/session.ts'
import { consoleState } from '../../console/state.ts'
import type { AppEnv, Config } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { log } from '../../log.ts'
import { clientNetwork } from '../../shares/limits.ts'
import { isAdminToken } from '../admin/auth.ts'
import { checkSameOrigin } from '../pipeline/gate.tsx'
import { rateLimitWait } from '../pipeline/miss-limit.ts'
import { clearedSessionCookie, readSessionCookie } from './cookie.ts'
import { consoleGuard } from './guard.ts'
import { CONSOLE_PATH, chosenLang, langSuffix, loginPage, shellPage } from './pages.tsx'
import { CSRF_HEADER, endSession, readSession, startSession } from './session.ts'

export const consoleRoutes = new Hono<AppEnv>()

const MAX_FORM_BYTES = 4096

consoleRoutes.use(CONSOLE_PATH, consoleGuard)
consoleRoutes.use(`${CONSOLE_PATH}/*`, consoleGuard)
const formLimit = bodyLimit({
	maxSize: MAX_FORM_BYTES,
	onError: () => {
		throw new AppError('body_too_large', `The request body is over ${MAX_FORM_BYTES} bytes.`)
	},
})
consoleRoutes.use(`${CONSOLE_PATH}/login`, formLimit)
consoleRoutes.use(`${CONSOLE_PATH}/logout`, formLimit)

/** A request Cloudflare Access signed, as a new session; null for any other. */
async function accessSignIn(c: Context<AppEnv>, config: Config, nowMs: number) {
	const token = c.req.header('cf-access-jwt-assertion')
	if (!config.access || !token) return null
	const verdict = await verifyAccessJwt(token, config.access, { nowMs })
	if (!verdict.ok) {
		log('warn', 'access_token_refused', { reason: verdict.reason })
		return null
	}
	return startSession(c, config, 'access', verdict.subject, nowMs, verdict.expires)
}

async function home(c: Context<AppEnv>): Promise<Response> {
	const config = c.var.config
	const nowMs = Date.now()
	const chosen = chosenLang(c.req.query('lang'))
	const session = await readSession(c, config, nowMs)
	if (session) return shellPage(c, config, session, chosen)
	const started = await accessSignIn(c, config, nowMs)
	if (!started) return loginPage(c, config, chosen)
	const res = await shellPage(c, config, started.session, chosen)
	res.headers.append('Set-Cookie', started.cookie)
	return res
}

// HEAD is answered as GET without its body.
consoleRoutes.get(CONSOLE_PATH, home)
consoleRoutes.get(`${CONSOLE_PATH}/`, home)

const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i
const JSON_TYPE = /^application\/json\s*(;|$)/i

/** A client that speaks JSON: it sends JSON, or asks for it. */
function speaksJson(c: Context<AppEnv>): boolean {
	return (
		JSON_TYPE.test(c.req.header('content-type') ?? '') ||
		/application\/json/i.test(c.req.header('accept') ?? '')
	)
}

/** The string fields of a form or JSON body (empty for a body of neither kind). */
async function fields(c: Context<AppEnv>): Promise<Record<string, string>> {
	const type = c.req.header('content-type') ?? ''
	let body: unknown = {}
	if (FORM.test(type)) body = await c.req.parseBody()
	else if (JSON_TYPE.test(type)) {
		try {
			body = await c.req.json()
		} catch {
			throw new AppError('invalid_body', 'The body is not valid JSON.')
		}
	}
	const out: Record<string, string> = {}
	if (typeof body === 'object' && body !== null)
		for (const [name, value] of Object.entries(body)) if (typeof value === 'string') out[name] = value
	return out
}

function seeOther(location: string, cookie: string): Response {
	return new Response(null, { status: 303, headers: { Location: location, 'Set-Cookie': cookie } })
}

consoleRoutes.post(`${CONSOLE_PATH}/login`, async (c) => {
	checkSameOrigin(c, 'console_cross_site')
	const config = c.var.config
	const type = c.req.header('content-type') ?? ''
	if (!FORM.test(type) && !JSON_TYPE.test(type))
		throw new AppError('unsupported_media_type', 'Send the token as a form or as application/json.')
	const body = await fields(c)
	const json = speaksJson(c)
	const chosen = chosenLang(body.lang ?? c.req.query('lang'))
	const nowMs = Date.now()
	const network = clientNetwork(c.req.header('cf-connecting-ip'))
	const state = consoleState(c.env)
	// The binding is the cheap first filter: a flood is refused before the object is asked.
	const filtered = await rateLimitWait(c.env.UNLOCK_LIMIT, `console ${network}`, nowMs)
	const attempt =
		filtered > 0 ? { ok: false as const, retryAfter: filtered } : await state.attempt(network, nowMs)
	if (!attempt.ok) {
		c.header('Retry-After', String(attempt.retryAfter))
		if (json)
			throw new AppError('too_many_attempts', 'Too many wrong admin tokens were sent from your network.')
		const page = await loginPage(c, config, chosen, 429, 'too_many')
		page.headers.set('Retry-After', String(attempt.retryAfter))
		return page
	}
	if (!(await isAdminToken(body.token ?? '', config.adminToken))) {
		if (json) throw new AppError('unauthorized', 'That admin token is not right.')
		return loginPage(c, config, chosen, 401, 'wrong')
	}
	await state.signedIn(network)
	const { cookie } = await startSession(c, config, 'token', null, nowMs)
	if (json) return new Response(null, { status: 204, headers: { 'Set-Cookie': cookie } })
	return seeOther(`${CONSOLE_PATH}${langSuffix(chosen)}`, cookie)
})

// Signing out ends the session in ConsoleState for good: its cookie, replayed, opens nothing.
consoleRoutes.post(`${CONSOLE_PATH}/logout`, async (c) => {
	checkSameOrigin(c, 'console_cross_site')
	const config = c.var.config
	const claims = await openSession(config.adminToken, readSessionCookie(c), Date.now())
	if (claims) {
		const given = c.req.header(CSRF_HEADER) ?? (await fields(c)).csrf
		if (!(await isCsrfToken(config.adminToken, claims.sid, given)))
			throw new AppError(
				'csrf_failed',
				`Send the session's CSRF token as the form field csrf or ${CSRF_HEADER}.`,
			)
		await endSession(c.env, claims.sid)
	}
	const cleared = clearedSessionCookie(c.req.url)
	if (speaksJson(c)) return new Response(null, { status: 204, headers: { 'Set-Cookie': cleared } })
	return seeOther(CONSOLE_PATH, cleared)
})
