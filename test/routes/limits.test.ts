import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { adminRequest, BUCKET_HOST, createShare, envWith, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION, mockCos } from './page-helpers.ts'

resetBetweenTests()

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }

async function stats(id: string) {
	const res = await adminRequest(`/${id}`)
	return (await res.json()) as {
		downloads: number
		remainingDownloads: number | null
		firstDownloadAt: string | null
		lastDownloadAt: string | null
	}
}

async function concurrentGrants(id: string, requests: number): Promise<number[]> {
	const responses = await Promise.all(
		Array.from({ length: requests }, () => get(`/${id}`, { headers: CURL, redirect: 'manual' })),
	)
	return responses.map((res) => res.status)
}

describe('exact download limits', () => {
	for (const limit of [1, 7, 50]) {
		it(`grants exactly ${limit} of 50 concurrent requests against maxDownloads ${limit}`, async () => {
			await createShare({ key: 'f.bin', id: `limit-${limit}`, maxDownloads: limit })
			const statuses = await concurrentGrants(`limit-${limit}`, 50)
			expect(statuses.filter((status) => status === 302)).toHaveLength(limit)
			expect(statuses.filter((status) => status === 410)).toHaveLength(50 - limit)
			expect((await stats(`limit-${limit}`)).downloads).toBe(limit)
		})
	}

	it('answers 410 download_limit_reached once the limit is spent', async () => {
		await createShare({ key: 'f.bin', id: 'limit-spent', maxDownloads: 1 })
		await get('/limit-spent', { headers: CURL })
		const res = await get('/limit-spent', { headers: CURL })
		expect(res.status).toBe(410)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('download_limit_reached')
	})

	it('tells a browser on a spent link that its downloads are used up, not that it expired', async () => {
		await createShare({ key: 'f.bin', id: 'limit-spent-page', maxDownloads: 1 })
		await get('/limit-spent-page', { headers: CURL })
		const res = await get('/limit-spent-page', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(410)
		const html = await res.text()
		expect(html).toContain('<h1>All downloads used</h1>')
		expect(html).not.toContain('This link has expired')
	})

	it('sends an API client to a ticket, which redirects to COS', async () => {
		await createShare({ key: 'f.bin', id: 'limit-ticket', maxDownloads: 3 })
		const res = await get('/limit-ticket', { headers: CURL })
		expect(res.status).toBe(302)
		const location = res.headers.get('location') ?? ''
		expect(location).toMatch(/^\/_\/t\/t\.limit-ticket\./)
		const ticket = await get(location, { headers: CURL })
		expect(ticket.status).toBe(302)
		expect(new URL(ticket.headers.get('location') ?? '').host).toBe(BUCKET_HOST)
	})

	it('signs a ticket redirect for at most 30 seconds', async () => {
		await createShare({ key: 'f.bin', id: 'limit-ttl', maxDownloads: 3, signTtl: 3600 })
		const location = (await get('/limit-ttl', { headers: CURL })).headers.get('location') ?? ''
		const now = Math.floor(Date.now() / 1000)
		const cos = new URL((await get(location)).headers.get('location') ?? '')
		const end = Number((cos.searchParams.get('q-sign-time') ?? '').split(';')[1])
		expect(end - now).toBeLessThanOrEqual(30)
		expect(end - now).toBeGreaterThan(25)
	})

	it('serves a ticket again and again, with Range, without counting', async () => {
		await createShare({ key: 'f.bin', id: 'limit-resume', maxDownloads: 2 })
		const location = (await get('/limit-resume', { headers: CURL })).headers.get('location') ?? ''
		for (const range of [undefined, 'bytes=0-99', 'bytes=100-', 'bytes=100-']) {
			const res = await get(location, { headers: range ? { range } : {} })
			expect(res.status).toBe(302)
		}
		await get(location, { method: 'HEAD' })
		expect((await stats('limit-resume')).downloads).toBe(1)
	})

	it('streams a ticket of a stream share with the requested Range', async () => {
		mockCos({ body: '0123456789', type: 'application/octet-stream' })
		await createShare({ key: 'f.bin', id: 'limit-stream', maxDownloads: 1, delivery: 'stream' })
		const location = (await get('/limit-stream', { headers: CURL })).headers.get('location') ?? ''
		const part = await get(location, { headers: { range: 'bytes=4-' } })
		expect(part.status).toBe(206)
		expect(await part.text()).toBe('456789')
		expect((await stats('limit-stream')).downloads).toBe(1)
	})

	it('spends one download on a bare-URL resume (wget -c) and serves it through a ticket, never 416', async () => {
		await createShare({ key: 'f.bin', id: 'limit-range', maxDownloads: 1 })
		const res = await get('/limit-range', { headers: { ...CURL, range: 'bytes=1-' }, redirect: 'manual' })
		expect(res.status).toBe(302)
		expect(res.headers.get('location')).toMatch(/^\/_\/t\//)
		expect((await stats('limit-range')).downloads).toBe(1)
		const spent = await get('/limit-range', { headers: { ...CURL, range: 'bytes=1-' } })
		expect(spent.status).toBe(410)
	})

	it('answers a bytes=0-0 size probe without spending a download', async () => {
		mockCos({ body: '0123456789' })
		await createShare({ key: 'f.bin', id: 'limit-probe', maxDownloads: 1 })
		const res = await get('/limit-probe', { headers: { ...CURL, range: 'bytes=0-0' } })
		expect(res.status).toBe(206)
		expect(res.headers.get('content-range')).toBe('bytes 0-0/10')
		expect((await stats('limit-probe')).downloads).toBe(0)
	})

	it('never spends a download on HEAD', async () => {
		await createShare({ key: 'f.bin', id: 'limit-head', maxDownloads: 1 })
		for (let i = 0; i < 3; i++) await get('/limit-head', { method: 'HEAD', headers: CURL })
		expect((await stats('limit-head')).downloads).toBe(0)
	})

	it('never spends a download on a prefetch', async () => {
		mockCos({ body: 'x' })
		await createShare({ key: 'f.bin', id: 'limit-prefetch', maxDownloads: 1 })
		await get('/limit-prefetch', { headers: { ...CURL, 'sec-purpose': 'prefetch' } })
		await get('/limit-prefetch', { headers: { ...CURL, purpose: 'prefetch' } })
		expect((await stats('limit-prefetch')).downloads).toBe(0)
	})

	const UNFURLERS = [
		'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
		'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
		'Twitterbot/1.0',
		'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
		'WhatsApp/2.23.20.0',
		'TelegramBot (like TwitterBot)',
		'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
		'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5',
		'Mozilla/5.0 (compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview)',
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
	]
	for (const agent of UNFURLERS) {
		it(`never spends a download for the link preview agent ${agent.slice(0, 40)}`, async () => {
			mockCos({ body: 'x' })
			const id = `unfurl-${UNFURLERS.indexOf(agent)}`
			await createShare({ key: 'f.bin', id, maxDownloads: 1 })
			const res = await get(`/${id}`, { headers: { 'user-agent': agent } })
			expect(res.status).toBe(200)
			expect(res.headers.get('content-type')).toContain('text/html')
			expect((await stats(id)).downloads).toBe(0)
		})
	}

	it('gives a browser the page, whose button posts to /_/consume and spends nothing by itself', async () => {
		mockCos({ body: 'x' })
		await createShare({ key: 'f.bin', id: 'limit-page', maxDownloads: 2 })
		const res = await get('/limit-page', { headers: CHROME_NAVIGATION })
		const html = await res.text()
		expect(html).toContain('action="/_/consume/limit-page"')
		expect(html).toContain('2 downloads left')
		expect((await stats('limit-page')).downloads).toBe(0)
	})

	it("lets the page's form follow its ticket to the bucket under the page's CSP", async () => {
		mockCos({ body: 'x' })
		await createShare({ key: 'f.bin', id: 'limit-csp', maxDownloads: 2 })
		const res = await get('/limit-csp', { headers: CHROME_NAVIGATION })
		expect(res.headers.get('content-security-policy')).toContain(`form-action 'self' https://${BUCKET_HOST}`)
	})

	it('spends one download on POST /_/consume and answers 303 to the ticket', async () => {
		await createShare({ key: 'f.bin', id: 'limit-consume', maxDownloads: 2 })
		const res = await get('/_/consume/limit-consume', { method: 'POST' })
		expect(res.status).toBe(303)
		expect(res.headers.get('location')).toMatch(/^\/_\/t\/t\.limit-consume\./)
		expect((await stats('limit-consume')).downloads).toBe(1)
	})

	it('refuses a consume POST from another site', async () => {
		await createShare({ key: 'f.bin', id: 'limit-csrf', maxDownloads: 2 })
		const res = await get('/_/consume/limit-csrf', {
			method: 'POST',
			headers: { origin: 'https://evil.example' },
		})
		expect(res.status).toBe(403)
		expect((await stats('limit-csrf')).downloads).toBe(0)
	})

	it('shows downloads, remainingDownloads, firstDownloadAt and lastDownloadAt', async () => {
		await createShare({ key: 'f.bin', id: 'limit-stats', maxDownloads: 5 })
		vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-06-01T00:00:00Z'))
		await get('/limit-stats', { headers: CURL })
		vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-06-01T00:01:00Z'))
		await get('/limit-stats', { headers: CURL })
		vi.restoreAllMocks()
		expect(await stats('limit-stats')).toMatchObject({
			downloads: 2,
			remainingDownloads: 3,
			firstDownloadAt: '2026-06-01T00:00:00.000Z',
			lastDownloadAt: '2026-06-01T00:01:00.000Z',
		})
	})
})

describe('tickets', () => {
	it('refuses a tampered ticket', async () => {
		await createShare({ key: 'f.bin', id: 'ticket-tamper', maxDownloads: 2 })
		const location = (await get('/ticket-tamper', { headers: CURL })).headers.get('location') ?? ''
		const parts = location.split('.')
		parts[3] = String(Number(parts[3]) + 1)
		expect((await get(parts.join('.'))).status).toBe(404)
	})

	it('refuses a ticket after the share is deleted, with no wait', async () => {
		await createShare({ key: 'f.bin', id: 'ticket-revoke', maxDownloads: 2 })
		const location = (await get('/ticket-revoke', { headers: CURL })).headers.get('location') ?? ''
		expect((await get(location)).status).toBe(302)
		await adminRequest('/ticket-revoke', { method: 'DELETE' })
		expect((await get(location)).status).toBe(404)
	})

	it('refuses a ticket of a deleted share once its id is created again', async () => {
		await createShare({ key: 'f.bin', id: 'ticket-reborn', maxDownloads: 2 })
		const location = (await get('/ticket-reborn', { headers: CURL })).headers.get('location') ?? ''
		await adminRequest('/ticket-reborn', { method: 'DELETE' })
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 5)
		await createShare({ key: 'f.bin', id: 'ticket-reborn', maxDownloads: 2 })
		vi.restoreAllMocks()
		expect((await get(location)).status).toBe(404)
	})

	it('makes tickets that live TICKET_TTL seconds', async () => {
		const shortLived = envWith({ TICKET_TTL: '60' })
		await createShare({ key: 'f.bin', id: 'ticket-setting', maxDownloads: 2 }, shortLived)
		const now = Math.floor(Date.now() / 1000)
		const location =
			(await get('/ticket-setting', { headers: CURL }, shortLived)).headers.get('location') ?? ''
		const expires = Number(location.split('.')[4])
		expect(expires - now).toBeGreaterThanOrEqual(59)
		expect(expires - now).toBeLessThanOrEqual(61)
	})

	it('names TICKET_TTL when it is out of range', async () => {
		const res = await adminRequest('', {}, envWith({ TICKET_TTL: '0' }))
		expect(res.status).toBe(500)
		expect(((await res.json()) as { error: { setting: string } }).error.setting).toBe('TICKET_TTL')
	})

	it('refuses a ticket past its TICKET_TTL', async () => {
		await createShare({ key: 'f.bin', id: 'ticket-old', maxDownloads: 2 })
		const location = (await get('/ticket-old', { headers: CURL })).headers.get('location') ?? ''
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 3601_000)
		expect((await get(location)).status).toBe(404)
	})
})

describe('instant revocation of restricted shares', () => {
	it('refuses the next request after DELETE, though KV and the cache still hold the record', async () => {
		await createShare({ key: 'f.bin', id: 'revoke-now', strict: true })
		expect((await get('/revoke-now', { headers: CURL })).status).toBe(302)
		await adminRequest('/revoke-now', { method: 'DELETE' })
		expect((await get('/revoke-now', { headers: CURL })).status).toBe(404)
	})

	it('applies a PATCH to a limited share at the next request', async () => {
		await createShare({ key: 'f.bin', id: 'revoke-patch', maxDownloads: 5 })
		await get('/revoke-patch', { headers: CURL })
		await adminRequest('/revoke-patch', { method: 'PATCH', json: { maxDownloads: 1 } })
		expect((await get('/revoke-patch', { headers: CURL })).status).toBe(410)
	})

	it('refuses a strict share deleted by another isolate, whose KV replica still says it exists', async () => {
		await createShare({ key: 'f.bin', id: 'revoke-other', strict: true })
		expect((await get('/revoke-other', { headers: CURL })).status).toBe(302)
		const raw = await env.SHARES.get('share:revoke-other', 'text')
		await adminRequest('/revoke-other', { method: 'DELETE' })
		// Another location's KV still has it, as it would for up to a minute.
		await env.SHARES.put('share:revoke-other', raw ?? '')
		expect((await get('/revoke-other', { headers: CURL })).status).toBe(404)
	})
})

describe('expiresAfterFirstDownload', () => {
	it('expires the share that long after its first download', async () => {
		const start = Date.parse('2026-06-01T00:00:00Z')
		vi.spyOn(Date, 'now').mockReturnValue(start)
		await createShare({ key: 'f.bin', id: 'after-first', expiresAfterFirstDownload: 60 })
		expect((await get('/after-first', { headers: CURL })).status).toBe(302)
		vi.spyOn(Date, 'now').mockReturnValue(start + 59_000)
		expect((await get('/after-first', { headers: CURL })).status).toBe(302)
		vi.spyOn(Date, 'now').mockReturnValue(start + 60_000)
		const res = await get('/after-first', { headers: CURL })
		expect(res.status).toBe(410)
	})

	it('does not start the clock before the first download', async () => {
		const start = Date.parse('2026-06-01T00:00:00Z')
		vi.spyOn(Date, 'now').mockReturnValue(start)
		await createShare({ key: 'f.bin', id: 'after-first-idle', expiresAfterFirstDownload: 60 })
		vi.spyOn(Date, 'now').mockReturnValue(start + 3600_000)
		expect((await get('/after-first-idle', { headers: CURL })).status).toBe(302)
	})
})

describe('admin rules', () => {
	it('refuses cache on a limited share', async () => {
		const res = await adminRequest('', {
			method: 'POST',
			json: { key: 'f.bin', maxDownloads: 1, cache: { maxAge: 60 }, delivery: 'stream' },
		})
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe('cache')
	})

	it('refuses to make a share limited by PATCH when LINK_SECRET is not set, changing nothing', async () => {
		await createShare({ key: 'f.bin', id: 'patch-no-secret' })
		const noSecret = envWith({ LINK_SECRET: '' })
		const res = await adminRequest(
			'/patch-no-secret',
			{ method: 'PATCH', json: { maxDownloads: 1 } },
			noSecret,
		)
		expect(res.status).toBe(500)
		const after = (await (await adminRequest('/patch-no-secret')).json()) as { maxDownloads?: number }
		expect(after.maxDownloads).toBeUndefined()
	})

	it('refuses a limited share when LINK_SECRET is not set', async () => {
		const res = await adminRequest(
			'',
			{ method: 'POST', json: { key: 'f.bin', maxDownloads: 1 } },
			envWith({ LINK_SECRET: '' }),
		)
		expect(res.status).toBe(500)
		expect(((await res.json()) as { error: { setting: string } }).error.setting).toBe('LINK_SECRET')
	})
})
