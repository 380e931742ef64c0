// The console's session cookie on the wire. Over https it is `__Host-coslink-console`:
// Secure, no Domain, Path=/, so no other host (a sibling subdomain included) can set or read
// it. Over plain http (localhost under `npm start`, the tests) a Secure cookie would never come
// back, so it is `coslink-console` without Secure. Always HttpOnly and SameSite=Strict.
import type { Context } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'
import type { AppEnv } from '../../env.ts'

export const SESSION_COOKIE = 'coslink-console'
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

function isHttps(url: string): boolean {
	return new URL(url).protocol === 'https:'
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
