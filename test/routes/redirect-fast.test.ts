import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { warmRedirect } from '../../src/routes/deliver/warm-redirect.ts'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

const NOW = Date.parse('2026-06-01T12:00:00.250Z')

async function redirectShare(id: string, extra: Record<string, unknown> = {}) {
	await createShare({ key: 'files/hello.txt', id, delivery: 'redirect', ...extra })
}

const request = (path: string, method = 'GET') => new Request(`https://share.example.com${path}`, { method })

describe('the warm redirect before the router', () => {
	it('answers a share redirected within this second with the very same response', async () => {
		await redirectShare('fast-same')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		const routed = await get('/fast-same')
		const fast = warmRedirect(request('/fast-same'), env, NOW)
		expect(fast?.status).toBe(302)
		expect([...(fast?.headers ?? [])]).toEqual([...routed.headers])
	})

	it('leaves a link-preview bot at the share address to the router, which shows it the card', async () => {
		await redirectShare('fast-bot')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-bot')
		const bot = new Request('https://share.example.com/fast-bot', {
			headers: { 'user-agent': 'Slackbot 1.0' },
		})
		expect(warmRedirect(bot, env, NOW)).toBeUndefined()
		expect(warmRedirect(request('/fast-bot'), env, NOW)?.status).toBe(302)
	})

	it('answers /download warm without a Vary, as the router does', async () => {
		await redirectShare('fast-dl')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		const routed = await get('/fast-dl/download')
		const fast = warmRedirect(request('/fast-dl/download'), env, NOW)
		expect(fast?.status).toBe(302)
		expect([...(fast?.headers ?? [])]).toEqual([...routed.headers])
	})

	it('leaves a share not yet redirected this second to the router', async () => {
		await redirectShare('fast-cold')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-cold')
		expect(warmRedirect(request('/fast-cold'), env, NOW + 1000)).toBeUndefined()
	})

	it('signs a HEAD as HEAD: a GET’s redirect does not answer it', async () => {
		await redirectShare('fast-head')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-head')
		expect(warmRedirect(request('/fast-head', 'HEAD'), env, NOW)).toBeUndefined()
	})

	it('answers nothing but GET and HEAD', async () => {
		await redirectShare('fast-post')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-post')
		expect(warmRedirect(request('/fast-post', 'POST'), env, NOW)).toBeUndefined()
	})

	it('answers 410, not the memoized redirect, in the second the share expires', async () => {
		const expiresAt = new Date(Math.floor(NOW / 1000) * 1000 + 1000).toISOString()
		await redirectShare('fast-expiring', { expiresAt })
		const clock = vi.spyOn(Date, 'now').mockReturnValue(NOW)
		expect((await get('/fast-expiring')).status).toBe(302)
		clock.mockReturnValue(NOW + 800)
		expect((await get('/fast-expiring')).status).toBe(410)
	})

	it('answers 404 at once after a DELETE in this isolate', async () => {
		await redirectShare('fast-deleted')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		expect((await get('/fast-deleted')).status).toBe(302)
		await adminRequest('/fast-deleted', { method: 'DELETE' })
		expect((await get('/fast-deleted')).status).toBe(404)
	})

	it('leaves a share with a field it does not know (a download page) to the router', async () => {
		await redirectShare('fast-page', { page: true })
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-page')
		expect(warmRedirect(request('/fast-page'), env, NOW)).toBeUndefined()
	})

	it('answers /<id>/download the same way', async () => {
		await redirectShare('fast-download')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-download/download')
		expect(warmRedirect(request('/fast-download/download'), env, NOW)?.status).toBe(302)
	})

	it('leaves other paths under a share to the router', async () => {
		await redirectShare('fast-other')
		vi.spyOn(Date, 'now').mockReturnValue(NOW)
		await get('/fast-other')
		expect(warmRedirect(request('/fast-other/'), env, NOW)).toBeUndefined()
		expect(warmRedirect(request('/fast-other/preview'), env, NOW)).toBeUndefined()
	})
})
