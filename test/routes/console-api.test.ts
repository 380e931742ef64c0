// The admin API with the console's session cookie instead of the bearer token: only for the
// console's own pages (Sec-Fetch-Site and Origin), and every write with the CSRF token.
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { consoleRequest, OWN_PAGE, type SignedIn, signIn } from './console-helpers.ts'
import { ADMIN_TOKEN, adminRequest, createShare } from './helpers.ts'

let session: SignedIn

beforeAll(async () => {
	session = await signIn()
})

async function errorOf(res: Response) {
	return ((await res.json()) as { error: { code: string; message: string } }).error
}

function api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
	return consoleRequest(`/api${path}`, { ...init, headers: { cookie: session.cookie, ...init.headers } })
}

function create(headers: Record<string, string>, id: string) {
	return api('/shares', {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: JSON.stringify({ key: 'docs/a.pdf', id }),
	})
}

describe('the admin API with the console session', () => {
	it('answers a same-origin GET', async () => {
		const res = await api('/shares', { headers: { 'sec-fetch-site': 'same-origin' } })
		expect(res.status).toBe(200)
		expect(res.headers.get('cache-control')).toBe('private, no-store')
	})

	it('answers a same-origin GET that names its own origin', async () => {
		const res = await api('/shares', {
			headers: { 'sec-fetch-site': 'same-origin', origin: 'https://share.example.com' },
		})
		expect(res.status).toBe(200)
	})

	it('opens every admin sub-app, stats included', async () => {
		const res = await api('/stats?ids=none-such', { headers: { 'sec-fetch-site': 'same-origin' } })
		expect(res.status).not.toBe(401)
		expect(res.status).not.toBe(403)
	})

	it.each([
		['a cross-site request', { 'sec-fetch-site': 'cross-site' }],
		[
			'a same-site request (a sibling subdomain)',
			{ 'sec-fetch-site': 'same-site', origin: 'https://x.example.com' },
		],
		['Origin: null from elsewhere', { 'sec-fetch-site': 'cross-site', origin: 'null' }],
		['Origin: null with no Sec-Fetch-Site', { origin: 'null' }],
		['a foreign Origin', { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }],
		['no Sec-Fetch-Site at all', {}],
		['a navigation typed into the address bar', { 'sec-fetch-site': 'none' }],
	])('refuses %s with 403', async (_, headers: Record<string, string>) => {
		const res = await api('/shares', { headers })
		expect(res.status).toBe(403)
		expect((await errorOf(res)).code).toBe('cross_site_request')
	})

	it('refuses a write without the CSRF token, or with a wrong one, with 403 csrf_failed', async () => {
		for (const headers of [OWN_PAGE, { ...OWN_PAGE, 'x-csrf-token': `${session.csrf}x` }]) {
			const res = await create(headers, 'console-no-csrf')
			expect(res.status).toBe(403)
			expect((await errorOf(res)).code).toBe('csrf_failed')
		}
		expect((await adminRequest('/console-no-csrf')).status).toBe(404)
	})

	it('takes a write with the CSRF token: 201', async () => {
		const res = await create({ ...OWN_PAGE, 'x-csrf-token': session.csrf }, 'console-csrf')
		expect(res.status).toBe(201)
	})

	it('asks PATCH and DELETE for the CSRF token too', async () => {
		await createShare({ key: 'docs/b.pdf', id: 'console-edit' })
		const patch = (headers: Record<string, string>) =>
			api('/shares/console-edit', {
				method: 'PATCH',
				headers: { ...headers, 'content-type': 'application/json' },
				body: JSON.stringify({ note: 'hi' }),
			})
		expect((await patch(OWN_PAGE)).status).toBe(403)
		expect((await patch({ ...OWN_PAGE, 'x-csrf-token': session.csrf })).status).toBe(200)
		expect((await api('/shares/console-edit', { method: 'DELETE', headers: OWN_PAGE })).status).toBe(403)
		const deleted = await api('/shares/console-edit', {
			method: 'DELETE',
			headers: { ...OWN_PAGE, 'x-csrf-token': session.csrf },
		})
		expect(deleted.status).toBe(204)
	})

	it("refuses another session's CSRF token", async () => {
		const other = await signIn()
		const res = await create({ ...OWN_PAGE, 'x-csrf-token': other.csrf }, 'console-other-csrf')
		expect(res.status).toBe(403)
	})

	it('keeps the bearer token working for scripts, with none of those headers', async () => {
		const res = await consoleRequest('/api/shares', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
		expect(res.status).toBe(200)
		const created = await consoleRequest('/api/shares', {
			method: 'POST',
			headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ key: 'docs/c.pdf' }),
		})
		expect(created.status).toBe(201)
	})

	it('lets a wrong bearer token decide, whatever cookie comes with it', async () => {
		const res = await api('/shares', { headers: { ...OWN_PAGE, authorization: 'Bearer wrong' } })
		expect(res.status).toBe(401)
	})

	it('refuses an ended or forged session with 401', async () => {
		const forged = `${session.cookie.slice(0, -1)}${session.cookie.endsWith('A') ? 'B' : 'A'}`
		const res = await consoleRequest('/api/shares', { headers: { cookie: forged, ...OWN_PAGE } })
		expect(res.status).toBe(401)
		expect(res.headers.get('www-authenticate')).toContain('Bearer')
	})

	it('refuses a cookie of the other scheme: https reads only the __Host- cookie', async () => {
		const value = session.cookie.slice(session.cookie.indexOf('=') + 1)
		const res = await consoleRequest('/api/shares', {
			headers: { cookie: `coslink-console=${value}`, 'sec-fetch-site': 'same-origin' },
		})
		expect(res.status).toBe(401)
	})

	it('does not take an Access token alone on the API: Access signs in at GET /_/admin', async () => {
		const res = await consoleRequest(
			'/api/shares',
			{ headers: { 'cf-access-jwt-assertion': 'a.b.c', 'sec-fetch-site': 'same-origin' } },
			env,
		)
		expect(res.status).toBe(401)
	})
})
