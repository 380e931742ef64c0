// The console's shell: the exact document the browser app starts in (its contract).
import { describe, expect, it } from 'vitest'
import { csrfToken } from '../../src/console/session.ts'
import { consoleRequest, signIn } from './console-helpers.ts'
import { ADMIN_TOKEN, BUCKET_HOST, envWith } from './helpers.ts'

async function shell(headers: Record<string, string> = {}, testEnv?: object) {
	const session = await signIn(testEnv)
	const res = await consoleRequest('/_/admin', { headers: { cookie: session.cookie, ...headers } }, testEnv)
	return { res, html: await res.text(), ...session }
}

describe('the console shell', () => {
	it('is a full HTML document with the meta, stylesheet and module script the app expects', async () => {
		const { res, html } = await shell()
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toMatch(/^text\/html/)
		expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true)
		expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>')
		expect(html).toContain('<meta name="color-scheme" content="light dark"/>')
		expect(html).toContain('<link rel="stylesheet" href="/_/admin/assets/console.css"/>')
		expect(html).toContain('<script type="module" src="/_/admin/assets/console.js"></script>')
	})

	it('carries the session\'s CSRF token in <meta name="coslink-csrf"> and in the sign-out form', async () => {
		const { html, sid, csrf } = await shell()
		expect(csrf).toBe(await csrfToken(ADMIN_TOKEN, sid))
		expect(html).toContain(`<meta name="coslink-csrf" content="${csrf}"/>`)
		expect(html).toMatch(
			new RegExp(
				`<header class="console-top">.*<form method="post" action="/_/admin/logout"><input type="hidden" name="csrf" value="${csrf}"/><button type="submit" class="btn secondary signout">Sign out</button></form></header>`,
			),
		)
	})

	it('names the language, how the session was signed in, and the base of share links on #console', async () => {
		const { html } = await shell()
		expect(html).toContain(
			'<div id="console" data-lang="en" data-via="token" data-base="https://share.example.com"></div>',
		)
		expect(html).toMatch(/<noscript><p>The admin console needs JavaScript\.[^<]*<\/p><\/noscript>/)
	})

	it('takes data-base from PUBLIC_BASE_URL when it is set', async () => {
		const { html } = await shell({}, envWith({ PUBLIC_BASE_URL: 'https://s.example.org' }))
		expect(html).toContain('data-base="https://s.example.org"')
	})

	it('speaks Chinese by Accept-Language or ?lang=zh', async () => {
		const { html } = await shell({ 'accept-language': 'zh-CN' })
		expect(html).toContain('<html lang="zh-CN">')
		expect(html).toContain('data-lang="zh"')
		expect(html).toContain('>退出登录</button>')
		const { cookie } = await signIn()
		const chosen = await (await consoleRequest('/_/admin?lang=zh', { headers: { cookie } })).text()
		expect(chosen).toContain('data-lang="zh"')
	})

	it('has no inline script or style at all', async () => {
		const { html } = await shell()
		expect(html).not.toContain('<style')
		expect(html.match(/<script[^>]*>/g)).toEqual(['<script type="module" src="/_/admin/assets/console.js">'])
		expect(html).not.toMatch(/ style=/)
		expect(html).not.toMatch(/ on\w+=/)
	})

	it("has its own CSP: scripts and styles from our origin only, fetches to us and the bucket's origin", async () => {
		const { res } = await shell()
		expect(res.headers.get('content-security-policy')).toBe(
			`default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' https://${BUCKET_HOST}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
		)
	})

	it("names a custom COS_ENDPOINT's origin in connect-src", async () => {
		const { res } = await shell({}, envWith({ COS_ENDPOINT: 'https://files.example.com' }))
		expect(res.headers.get('content-security-policy')).toContain(
			"connect-src 'self' https://files.example.com;",
		)
	})

	it('is never stored, never framed, and varies by cookie and language', async () => {
		const { res } = await shell()
		expect(res.headers.get('cache-control')).toBe('private, no-store')
		expect(res.headers.get('x-frame-options')).toBe('DENY')
		expect(res.headers.get('referrer-policy')).toBe('no-referrer')
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('vary')).toBe('Cookie, Accept-Language')
		expect(res.headers.getSetCookie()).toEqual([])
	})

	it('answers HEAD with the headers and no body', async () => {
		const { cookie } = await signIn()
		const res = await consoleRequest('/_/admin', { method: 'HEAD', headers: { cookie } })
		expect(res.status).toBe(200)
		expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
		expect(await res.text()).toBe('')
	})
})
