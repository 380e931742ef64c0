// Signing in to the admin console in route tests: the form a browser posts, and what a
// signed-in browser sends back (its cookie, and the CSRF token from the shell).
import { env } from 'cloudflare:workers'
import { openSession } from '../../src/console/session.ts'
import { ADMIN_TOKEN, request } from './helpers.ts'

export const ORIGIN = 'https://share.example.com'

/** What a browser sends with the console's own form posts and fetches (no-referrer: Origin null). */
export const OWN_PAGE = { 'sec-fetch-site': 'same-origin', origin: 'null' } as const

let network = 0
/** A client address on a network no other test has used: sign-in backoff is per network. */
export function freshIp(): string {
	network++
	return `10.${(network >> 8) & 255}.${network & 255}.7`
}

export function consoleRequest(path: string, init: RequestInit = {}, testEnv: object = env, origin = ORIGIN) {
	return request(`${origin}${path}`, init, testEnv)
}

/** POST /_/admin/login as the sign-in form does. */
export function postLogin(
	token: string,
	options: {
		ip?: string
		headers?: Record<string, string>
		lang?: string
		testEnv?: object
		origin?: string
	} = {},
) {
	const body = new URLSearchParams({ token })
	if (options.lang) body.set('lang', options.lang)
	return consoleRequest(
		'/_/admin/login',
		{
			method: 'POST',
			headers: {
				...OWN_PAGE,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				'cf-connecting-ip': options.ip ?? freshIp(),
				...options.headers,
			},
			body,
		},
		options.testEnv,
		options.origin,
	)
}

/** `name=value` of the session cookie a response sets. */
export function cookieOf(res: Response): string {
	const header = res.headers.getSetCookie().find((cookie) => cookie.includes('coslink-console='))
	if (!header) throw new Error(`no session cookie in ${res.status}`)
	return header.split(';')[0] ?? ''
}

/** The CSRF token in the shell's `<meta name="coslink-csrf">`. */
export function csrfOf(html: string): string {
	const csrf = /<meta name="coslink-csrf" content="([^"]+)"/.exec(html)?.[1]
	if (!csrf) throw new Error('no CSRF token in the page')
	return csrf
}

export interface SignedIn {
	/** `name=value`, for a Cookie header. */
	cookie: string
	csrf: string
	sid: string
}

/** Signs in with the admin token and reads the shell, as a browser would. */
export async function signIn(testEnv: object = env, origin = ORIGIN, token = ADMIN_TOKEN): Promise<SignedIn> {
	const res = await postLogin(token, { testEnv, origin })
	if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`)
	const cookie = cookieOf(res)
	const shell = await consoleRequest('/_/admin', { headers: { cookie } }, testEnv, origin)
	const csrf = csrfOf(await shell.text())
	const claims = await openSession(token, cookie.slice(cookie.indexOf('=') + 1), Date.now())
	if (!claims) throw new Error('the cookie does not open')
	return { cookie, csrf, sid: claims.sid }
}
