// GET /_/admin for a visitor with no session, POST /_/admin/login, POST /_/admin/logout.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ERRORS } from '../../src/errors.ts'
import { FREE_ATTEMPTS } from '../../src/shares/limits.ts'
import { consoleRequest, cookieOf, freshIp, ORIGIN, OWN_PAGE, postLogin, signIn } from './console-helpers.ts'
import { ADMIN_TOKEN, envWith, request } from './helpers.ts'

afterEach(() => {
	vi.restoreAllMocks()
})

async function errorOf(res: Response) {
	return ((await res.json()) as { error: { code: string; message: string } }).error
}

describe('GET /_/admin without a session', () => {
	it('shows the sign-in page: a labelled password field for the admin token and a Sign in button', async () => {
		const res = await consoleRequest('/_/admin')
		expect(res.status).toBe(200)
		const html = await res.text()
		expect(html).toContain('<label for="token">Admin token</label>')
		expect(html).toMatch(
			/<input id="token" name="token" type="password" required=""[^>]*autocomplete="current-password"/,
		)
		expect(html).toContain('<form method="post" action="/_/admin/login"')
		expect(html).toMatch(/<button class="btn primary" type="submit">Sign in<\/button>/)
		expect(html).toContain('<code>ADMIN_TOKEN</code>')
		expect(html).toContain('<code>npm start</code>')
		expect(html).not.toContain('role="alert"')
		expect(html).not.toContain('Cloudflare Access')
		expect(res.headers.getSetCookie()).toEqual([])
	})

	it('answers private, unframeable and without a referrer, varying by cookie and language', async () => {
		const res = await consoleRequest('/_/admin')
		expect(res.headers.get('cache-control')).toBe('private, no-store')
		expect(res.headers.get('x-frame-options')).toBe('DENY')
		expect(res.headers.get('referrer-policy')).toBe('no-referrer')
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
		expect(res.headers.get('vary')).toBe('Cookie, Accept-Language')
	})

	it('speaks Chinese to a Chinese Accept-Language, and offers both languages', async () => {
		const html = await (
			await consoleRequest('/_/admin', { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } })
		).text()
		expect(html).toContain('<html lang="zh-CN">')
		expect(html).toContain('<label for="token">管理令牌</label>')
		expect(html).toContain('>登录</button>')
		expect(html).toContain('href="/_/admin?lang=en"')
		expect(html).toContain('href="/_/admin?lang=zh"')
	})

	it('lets ?lang= choose the language over Accept-Language, and carries it through the form', async () => {
		const html = await (
			await consoleRequest('/_/admin?lang=zh', { headers: { 'accept-language': 'en' } })
		).text()
		expect(html).toContain('管理令牌')
		expect(html).toContain('action="/_/admin/login?lang=zh"')
		expect(html).toContain('<input type="hidden" name="lang" value="zh"/>')
	})

	it('answers /_/admin/ and HEAD alike', async () => {
		expect((await consoleRequest('/_/admin/')).status).toBe(200)
		const head = await consoleRequest('/_/admin', { method: 'HEAD' })
		expect(head.status).toBe(200)
		expect(await head.text()).toBe('')
	})
})

describe('POST /_/admin/login', () => {
	it('signs in with the right token: a 303 to the console and a __Host- cookie, Secure, HttpOnly, Strict, 12 hours', async () => {
		const res = await postLogin(ADMIN_TOKEN)
		expect(res.status).toBe(303)
		expect(res.headers.get('location')).toBe('/_/admin')
		const [cookie, ...others] = res.headers.getSetCookie()
		expect(others).toEqual([])
		expect(cookie).toMatch(/^__Host-coslink-console=s\.[\w-]{22}\.\d+\.[\w-]{43}; /)
		for (const attribute of ['Max-Age=43200', 'Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict'])
			expect(cookie?.split('; ')).toContain(attribute)
		expect(cookie).not.toMatch(/Domain=/i)
		expect(res.headers.get('cache-control')).toBe('private, no-store')
	})

	it('keeps a language chosen by the form through the redirect', async () => {
		const res = await postLogin(ADMIN_TOKEN, { lang: 'zh' })
		expect(res.headers.get('location')).toBe('/_/admin?lang=zh')
	})

	it('uses a cookie without Secure, and without the __Host- prefix, on plain http to localhost', async () => {
		const res = await postLogin(ADMIN_TOKEN, { origin: 'http://localhost:8787' })
		const cookie = res.headers.getSetCookie()[0] ?? ''
		expect(cookie).toMatch(/^coslink-console=s\./)
		expect(cookie).not.toContain('Secure')
		expect(cookie).toContain('HttpOnly')
		const shell = await request('http://localhost:8787/_/admin', { headers: { cookie: cookieOf(res) } })
		expect(await shell.text()).toContain('<div id="console"')
	})

	it('keeps Secure and __Host- on plain http to any other host: no clear-text session over a network', async () => {
		const res = await postLogin(ADMIN_TOKEN, { origin: 'http://share.example.com' })
		const cookie = res.headers.getSetCookie()[0] ?? ''
		expect(cookie).toMatch(/^__Host-coslink-console=s\./)
		expect(cookie.split('; ')).toContain('Secure')
	})

	it('gives a JSON client 204 and the cookie', async () => {
		const res = await consoleRequest('/_/admin/login', {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json',
				'cf-connecting-ip': freshIp(),
			},
			body: JSON.stringify({ token: ADMIN_TOKEN }),
		})
		expect(res.status).toBe(204)
		expect(cookieOf(res)).toMatch(/^__Host-coslink-console=/)
	})

	it('refuses a wrong token with 401, a clear message and no cookie', async () => {
		const res = await postLogin('not-the-admin-token')
		expect(res.status).toBe(401)
		expect(res.headers.getSetCookie()).toEqual([])
		const html = await res.text()
		expect(html).toContain('role="alert"')
		expect(html).toContain('That admin token is not right. Check it and try again.')
		expect(html).toContain('aria-invalid="true"')
	})

	it('says so in Chinese too', async () => {
		const res = await postLogin('not-the-admin-token', { headers: { 'accept-language': 'zh' } })
		expect(await res.text()).toContain('管理令牌不正确，请检查后重试。')
	})

	it('refuses a prefix of the token, the token with more after it, and nothing at all', async () => {
		for (const token of [ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ''])
			expect((await postLogin(token)).status).toBe(401)
	})

	it('refuses a JSON client with unauthorized and no cookie', async () => {
		const res = await consoleRequest('/_/admin/login', {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json',
				'cf-connecting-ip': freshIp(),
			},
			body: JSON.stringify({ token: 'nope' }),
		})
		expect(res.status).toBe(401)
		expect((await errorOf(res)).code).toBe('unauthorized')
		expect(res.headers.getSetCookie()).toEqual([])
	})

	it('slows a network after five wrong tokens, as unlocks are: 429 with Retry-After, then the right token works after the wait', async () => {
		const now = Date.now()
		vi.spyOn(Date, 'now').mockReturnValue(now)
		const ip = freshIp()
		for (let i = 0; i < FREE_ATTEMPTS; i++) expect((await postLogin('wrong', { ip })).status).toBe(401)
		const waiting = await postLogin(ADMIN_TOKEN, { ip })
		expect(waiting.status).toBe(429)
		expect(waiting.headers.get('retry-after')).toBe('1')
		expect(waiting.headers.getSetCookie()).toEqual([])
		expect(await waiting.text()).toContain('Too many attempts from your network.')
		vi.spyOn(Date, 'now').mockReturnValue(now + 1000)
		expect((await postLogin(ADMIN_TOKEN, { ip })).status).toBe(303)
		// Signed in: that network starts again from no failures.
		expect((await postLogin('wrong', { ip })).status).toBe(401)
	})

	it('answers a waiting JSON client with too_many_attempts', async () => {
		const ip = freshIp()
		vi.spyOn(Date, 'now').mockReturnValue(Date.now())
		for (let i = 0; i < FREE_ATTEMPTS; i++) await postLogin('wrong', { ip })
		const res = await consoleRequest('/_/admin/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json', 'cf-connecting-ip': ip },
			body: JSON.stringify({ token: ADMIN_TOKEN }),
		})
		expect(res.status).toBe(429)
		expect(res.headers.get('retry-after')).toBe('1')
		expect((await errorOf(res)).code).toBe('too_many_attempts')
	})

	it.each([
		['a cross-site form', { 'sec-fetch-site': 'cross-site' }],
		['a same-site form (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
		['a foreign Origin', { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }],
		['Origin: null from a sandboxed frame elsewhere', { 'sec-fetch-site': 'cross-site', origin: 'null' }],
	])('refuses %s with 403 and no cookie, before looking at the token', async (_, headers) => {
		const res = await postLogin(ADMIN_TOKEN, { headers: { ...headers, accept: 'application/json' } })
		expect(res.status).toBe(403)
		const error = await errorOf(res)
		expect(error.code).toBe('cross_site_request')
		expect(error.message).toContain('console')
		expect(res.headers.getSetCookie()).toEqual([])
	})

	it('refuses a body that is neither a form nor JSON with 415', async () => {
		const res = await consoleRequest('/_/admin/login', {
			method: 'POST',
			headers: { 'content-type': 'text/plain', accept: 'application/json' },
			body: ADMIN_TOKEN,
		})
		expect(res.status).toBe(415)
	})
})

describe('sessions', () => {
	it('shows the shell to a signed-in browser, and the sign-in page again once the session expires (12 h)', async () => {
		const { cookie } = await signIn()
		const shell = await consoleRequest('/_/admin', { headers: { cookie } })
		expect(await shell.text()).toContain('<div id="console"')
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 12 * 3600_000)
		const later = await consoleRequest('/_/admin', { headers: { cookie } })
		expect(await later.text()).toContain('<label for="token">')
	})

	it('ends every session when ADMIN_TOKEN is rotated', async () => {
		const { cookie } = await signIn()
		const rotated = envWith({ ADMIN_TOKEN: `${ADMIN_TOKEN}-rotated` })
		const res = await consoleRequest('/_/admin', { headers: { cookie } }, rotated)
		expect(await res.text()).toContain('<label for="token">')
	})

	it('refuses a cookie whose MAC was changed', async () => {
		const { cookie } = await signIn()
		const forged = `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`
		const res = await consoleRequest('/_/admin', { headers: { cookie: forged } })
		expect(await res.text()).toContain('<label for="token">')
	})
})

describe('POST /_/admin/logout', () => {
	it('signs out for good with the shell form: a 303 to the sign-in page, the cookie cleared, and the old cookie opens nothing', async () => {
		const { cookie, csrf } = await signIn()
		const res = await consoleRequest('/_/admin/logout', {
			method: 'POST',
			headers: {
				...OWN_PAGE,
				cookie,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: new URLSearchParams({ csrf }),
		})
		expect(res.status).toBe(303)
		expect(res.headers.get('location')).toBe('/_/admin')
		const cleared = res.headers.getSetCookie()[0] ?? ''
		expect(cleared).toMatch(/^__Host-coslink-console=; /)
		expect(cleared).toContain('Max-Age=0')
		// The same cookie, replayed (a copy kept before sign-out): the server ended it.
		const replay = await consoleRequest('/_/admin', { headers: { cookie } })
		expect(await replay.text()).toContain('<label for="token">')
		const api = await request(`${ORIGIN}/api/shares`, { headers: { cookie, ...OWN_PAGE } })
		expect(api.status).toBe(401)
	})

	it('takes the CSRF token as x-csrf-token, and answers a JSON client 204', async () => {
		const { cookie, csrf } = await signIn()
		const res = await consoleRequest('/_/admin/logout', {
			method: 'POST',
			headers: { ...OWN_PAGE, cookie, accept: 'application/json', 'x-csrf-token': csrf },
		})
		expect(res.status).toBe(204)
		expect(res.headers.getSetCookie()[0]).toContain('Max-Age=0')
	})

	it('refuses a sign-out without the CSRF token, or with a wrong one, and the session stays', async () => {
		const { cookie, csrf } = await signIn()
		for (const given of [undefined, `${csrf}x`]) {
			const res = await consoleRequest('/_/admin/logout', {
				method: 'POST',
				headers: {
					...OWN_PAGE,
					cookie,
					accept: 'application/json',
					...(given ? { 'x-csrf-token': given } : {}),
				},
			})
			expect(res.status).toBe(403)
			expect(await errorOf(res)).toMatchObject({ code: 'csrf_failed', message: ERRORS.csrf_failed.en })
		}
		expect(await (await consoleRequest('/_/admin', { headers: { cookie } })).text()).toContain(
			'<div id="console"',
		)
	})

	it('refuses a cross-site sign-out with 403', async () => {
		const { cookie, csrf } = await signIn()
		const res = await consoleRequest('/_/admin/logout', {
			method: 'POST',
			headers: { 'sec-fetch-site': 'cross-site', cookie, accept: 'application/json', 'x-csrf-token': csrf },
		})
		expect(res.status).toBe(403)
		expect((await errorOf(res)).code).toBe('cross_site_request')
	})

	it('clears the cookie of a visitor with no session, and sends them to the sign-in page', async () => {
		const res = await consoleRequest('/_/admin/logout', {
			method: 'POST',
			headers: { ...OWN_PAGE, accept: 'text/html' },
		})
		expect(res.status).toBe(303)
		expect(res.headers.getSetCookie()[0]).toContain('Max-Age=0')
	})
})
