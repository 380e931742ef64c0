// The warm path for a protected file share: a token this isolate has verified once is
// accepted again without WebCrypto; everything else still goes through the routes.
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { warmRedirect } from '../../src/routes/deliver/warm-redirect.ts'
import { isKnownUnlocked } from '../../src/routes/pipeline/gate.tsx'
import { peekShare } from '../../src/shares/store.ts'
import { signUnlockToken } from '../../src/shares/tokens.ts'
import { adminRequest, createShare, envWith, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

const NOW = Date.parse('2026-06-01T12:00:00.250Z')
const PASSWORD = 'open sesame'

async function protectedShare(id: string, extra: Record<string, unknown> = {}) {
	await createShare({ key: 'files/hello.txt', id, delivery: 'redirect', password: PASSWORD, ...extra })
}

async function unlock(id: string): Promise<string> {
	const res = await get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.50' },
		body: JSON.stringify({ password: PASSWORD }),
	})
	expect(res.status).toBe(200)
	return ((await res.json()) as { token: string }).token
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const cookie = (id: string, token: string) => ({ cookie: `theme=dark; coslink_unlock_${id}=${token}` })
const request = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
	new Request(`https://share.example.com${path}`, { method, headers })

/** A share unlocked and then redirected once through the routes at NOW: warm from here on. */
async function warmed(id: string, extra: Record<string, unknown> = {}) {
	await protectedShare(id, extra)
	const token = await unlock(id)
	vi.spyOn(Date, 'now').mockReturnValue(NOW)
	const routed = await get(`/${id}`, { headers: bearer(token) })
	expect(routed.status).toBe(302)
	return { token, routed }
}

describe('the warm redirect of a protected share', () => {
	it('answers a verified Bearer token with the routes’ very response, and the same token by cookie', async () => {
		const { token, routed } = await warmed('fastpw-same')
		const fast = warmRedirect(request('/fastpw-same', bearer(token)), env, NOW)
		expect(fast?.status).toBe(302)
		expect([...(fast?.headers ?? [])]).toEqual([...routed.headers])
		expect(fast?.headers.get('referrer-policy')).toBe('no-referrer')
		expect(warmRedirect(request('/fastpw-same', cookie('fastpw-same', token)), env, NOW)?.status).toBe(302)
		expect(warmRedirect(request('/fastpw-same/download', bearer(token)), env, NOW)?.status).toBe(302)
	})

	it('leaves a request without a token, or with a token never verified here, to the routes (401)', async () => {
		const { token } = await warmed('fastpw-none')
		expect(warmRedirect(request('/fastpw-none'), env, NOW)).toBeUndefined()
		// A valid token minted under the secret but never seen by this isolate: the routes check it.
		const fresh = await signUnlockToken(String(env.LINK_SECRET), {
			id: 'fastpw-none',
			grant: token.split('.')[2] ?? '',
			expires: Math.floor(NOW / 1000) + 600,
		})
		expect(warmRedirect(request('/fastpw-none', bearer(fresh)), env, NOW)).toBeUndefined()
		// A forged MAC is never remembered, however often it is tried.
		const forged = `${token.slice(0, -4)}AAAA`
		for (let i = 0; i < 3; i++)
			expect((await get('/fastpw-none', { headers: bearer(forged) })).status).toBe(401)
		expect(warmRedirect(request('/fastpw-none', bearer(forged)), env, NOW)).toBeUndefined()
		expect((await get('/fastpw-none')).status).toBe(401)
	})

	it('never takes one share’s token for another share with the same password', async () => {
		const { token } = await warmed('fastpw-a')
		await protectedShare('fastpw-b')
		const tokenB = await unlock('fastpw-b')
		await get('/fastpw-b', { headers: bearer(tokenB) })
		expect(warmRedirect(request('/fastpw-b', bearer(token)), env, NOW)).toBeUndefined()
		expect(warmRedirect(request('/fastpw-b', cookie('fastpw-a', token)), env, NOW)).toBeUndefined()
		expect((await get('/fastpw-b', { headers: bearer(token) })).status).toBe(401)
	})

	it('stops at once when the token expires', async () => {
		const { token } = await warmed('fastpw-expiry')
		const record = peekShare(env.SHARES, 'fastpw-expiry', NOW)
		if (!record) throw new Error('the share is not in the isolate cache')
		const headers = new Headers(bearer(token))
		const secret = String(env.LINK_SECRET)
		const expires = Number(token.split('.')[3]) * 1000
		expect(isKnownUnlocked(headers, record, secret, expires - 1)).toBe(true)
		expect(isKnownUnlocked(headers, record, secret, expires)).toBe(false)
		vi.spyOn(Date, 'now').mockReturnValue(expires)
		expect((await get('/fastpw-expiry', { headers: bearer(token) })).status).toBe(401)
	})

	it('stops when the password changes: the new record has another grant version', async () => {
		const { token } = await warmed('fastpw-change')
		const changed = await adminRequest('/fastpw-change', { method: 'PATCH', json: { password: 'new one' } })
		expect(changed.status).toBe(200)
		expect(warmRedirect(request('/fastpw-change', bearer(token)), env, NOW)).toBeUndefined()
		expect((await get('/fastpw-change', { headers: bearer(token) })).status).toBe(401)
	})

	it('keeps the token when only the note changes, and answers warm again once re-signed', async () => {
		const { token } = await warmed('fastpw-note')
		await adminRequest('/fastpw-note', { method: 'PATCH', json: { note: 'v2' } })
		expect((await get('/fastpw-note', { headers: bearer(token) })).status).toBe(302)
		expect(warmRedirect(request('/fastpw-note', bearer(token)), env, NOW)?.status).toBe(302)
	})

	it('stops after a DELETE in this isolate', async () => {
		const { token } = await warmed('fastpw-deleted')
		await adminRequest('/fastpw-deleted', { method: 'DELETE' })
		expect(warmRedirect(request('/fastpw-deleted', bearer(token)), env, NOW)).toBeUndefined()
		expect((await get('/fastpw-deleted', { headers: bearer(token) })).status).toBe(404)
	})

	it('does not accept a token remembered under another LINK_SECRET', async () => {
		const { token } = await warmed('fastpw-rotated')
		const rotated = envWith({ LINK_SECRET: 'a-rotated-link-secret-0123456789abcdef' })
		expect(warmRedirect(request('/fastpw-rotated', bearer(token)), rotated, NOW)).toBeUndefined()
		expect((await get('/fastpw-rotated', { headers: bearer(token) }, rotated)).status).toBe(401)
	})

	it('leaves a link-preview bot at the share address to the routes', async () => {
		const { token } = await warmed('fastpw-bot')
		const bot = request('/fastpw-bot', { ...bearer(token), 'user-agent': 'Slackbot 1.0' })
		expect(warmRedirect(bot, env, NOW)).toBeUndefined()
	})

	it('is never warm for a protected share that is also limited or strict', async () => {
		for (const [id, extra] of [
			['fastpw-limited', { maxDownloads: 5 }],
			['fastpw-once', { expiresAfterFirstDownload: 600 }],
			['fastpw-strict', { strict: true }],
		] as const) {
			await protectedShare(id, extra)
			const token = await unlock(id)
			vi.spyOn(Date, 'now').mockReturnValue(NOW)
			await get(`/${id}/download`, { headers: bearer(token) })
			await get(`/${id}/download`, { headers: bearer(token) })
			expect(warmRedirect(request(`/${id}/download`, bearer(token)), env, NOW), id).toBeUndefined()
		}
	})
})
