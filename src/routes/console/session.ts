// The console's session as routes see it: read (the cookie's MAC first, then one call to
// ConsoleState), started (a row in ConsoleState and its cookie), ended, and taken by the admin
// API in place of the bearer token under the console's origin and CSRF rules.
import type { Context } from 'hono'
import { changesState, isConsoleOwnRequest, servesConsole } from '../../console/origin.ts'
import {
	isCsrfToken,
	newSessionId,
	openSession,
	SESSION_TTL_SECONDS,
	type SessionClaims,
	signSession,
} from '../../console/session.ts'
import { consoleState, type LiveSession, type SessionVia } from '../../console/state.ts'
import type { AppEnv, Config } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { readSessionCookie, sessionCookie } from './cookie.ts'

/** The header a state-changing request with the session carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token'

/** The shortest session Access may start, whatever its own token's `exp` says. */
const MIN_ACCESS_SESSION_SECONDS = 60

export type ConsoleSession = SessionClaims & LiveSession

/** The request's live console session, if it has one. */
export async function readSession(
	c: Context<AppEnv>,
	config: Config,
	nowMs: number,
): Promise<ConsoleSession | null> {
	const claims = await openSession(config.adminToken, readSessionCookie(c), nowMs)
	if (!claims) return null
	const live = await consoleState(c.env).session(claims.sid, nowMs)
	return live ? { ...claims, ...live } : null
}

/**
 * A new session for this request: its row in ConsoleState, and the Set-Cookie value that
 * carries it. It lives SESSION_TTL_SECONDS, or until `endsBy` (Unix seconds: the end of the
 * Access token that started it) if that comes first.
 */
export async function startSession(
	c: Context<AppEnv>,
	config: Config,
	via: SessionVia,
	subject: string | null,
	nowMs: number,
	endsBy?: number,
): Promise<{ session: ConsoleSession; cookie: string }> {
	const now = Math.floor(nowMs / 1000)
	const ceiling = now + SESSION_TTL_SECONDS
	const expires =
		endsBy === undefined ? ceiling : Math.min(ceiling, Math.max(endsBy, now + MIN_ACCESS_SESSION_SECONDS))
	const sid = newSessionId()
	await consoleState(c.env).open(sid, via, subject, expires * 1000, nowMs)
	const value = await signSession(config.adminToken, { sid, expires })
	return {
		session: { sid, expires, via, subject, expiresAt: expires * 1000 },
		cookie: sessionCookie(c.req.url, value, expires - now),
	}
}

/** Signs the session of this cookie out for good (nothing, when it names none). */
export async function endSession(env: AppEnv['Bindings'], sid: string): Promise<void> {
	await consoleState(env).revoke(sid)
}

/**
 * The admin API's reading of the console's session, for a request without an Authorization
 * header: undefined when it carries no session cookie this host accepts (the bearer token's
 * 401 follows); a 403 when the cookie comes from anywhere but the console's own pages, or a
 * state-changing request lacks the CSRF token; else whether the session is live.
 */
export async function apiSession(c: Context<AppEnv>, config: Config): Promise<boolean | undefined> {
	const url = new URL(c.req.url)
	if (!servesConsole(url.host, config.consoleHost)) return undefined
	const value = readSessionCookie(c)
	if (value === undefined) return undefined
	if (!isConsoleOwnRequest(c.req.header('sec-fetch-site'), c.req.header('origin'), url.origin))
		throw AppError.of(
			'console_cross_site',
			'A session cookie opens the API only for the console’s own pages.',
		)
	const nowMs = Date.now()
	const claims = await openSession(config.adminToken, value, nowMs)
	if (!claims) return false
	if (
		changesState(c.req.method) &&
		!(await isCsrfToken(config.adminToken, claims.sid, c.req.header(CSRF_HEADER)))
	)
		throw new AppError(
			'csrf_failed',
			`Send the console's CSRF token (<meta name="coslink-csrf">) as ${CSRF_HEADER}.`,
		)
	return (await consoleState(c.env).session(claims.sid, nowMs)) !== null
}
