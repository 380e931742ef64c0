// The console's session cookie on the wire. Over https it is `__Host-coslink-console`:
// Secure, no Domain, Path=/, so no other host (a sibling subdomain included) can set or read
// it. Over plain http to a loopback host (localhost under `npm start`, the tests) a Secure cookie
// would never come back, so it is `coslink-console` without Secure there, and only there: plain
// http to any other host still gets the Secure cookie, which a browser will not keep, so the
// console cannot be signed into over a network in clear text. Always HttpOnly and SameSite=Strict.
import type { Context } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'
import type { AppEnv } from '../../env.ts'

export const SESSION_COOKIE = 'coslink-console'
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Whether the cookie must be Secure: everywhere but plain http to this machine. */
function isHttps(url: string): boolean {
	const { protocol, hostname } = new URL(url)
	return protocol === 'https:' || !(LOOPBACK.has(hostname) || hostname.endsWith('.localhost'))
}

/** The cookie's name for a request to `url`: each scheme reads only its own. */
export function sessionCookieName(url: string): string {
	return isHttps(url) ? SECURE_SESSION_COOKIE : SESSION_COOKIE
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
	return getCookie(c, sessionCookieName(c.req.url))
}

/** A Set-Cookie value: the session's cookie for `maxAge` seconds (0 clears it). */
export function sessionCookie(url: string, value: string, maxAge: number): string {
	return generateCookie(sessionCookieName(url), value, {
		path: '/',
		httpOnly: true,
		secure: isHttps(url),
		sameSite: 'Strict',
		maxAge,
	})
}

export function clearedSessionCookie(url: string): string {
	return sessionCookie(url, '', 0)
}
