// Stats through the real pipeline: requests through the app, events through the real EVENTS
// queue to this worker's consumer, figures from the real D1, read back by the admin API.
import { env } from 'cloudflare:workers'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { eventsSettled } from '../../src/events/producer.ts'
import { migrateStats } from '../events/helpers.ts'
import { listXml } from './folder-cos.ts'
import { ADMIN_TOKEN, adminRequest, createShare, get, request, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION } from './page-helpers.ts'

resetBetweenTests()
beforeAll(migrateStats)
afterEach(() => {
	vi.restoreAllMocks()
})

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }
const WGET = { 'user-agent': 'Wget/1.21.4', accept: '*/*' }
const SLACK = { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }
const BODY = 'coslink stats test object '.repeat(40)

/** COS with a listing of `keys` and each key's bytes, Range included. */
function fakeBucket(keys: string[]) {
	const objects = Object.fromEntries(keys.map((key) => [key, { body: BODY }]))
	vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		const url = new URL(String(input instanceof Request ? input.url : input))
		const headers = new Headers(init?.headers)
		if (url.pathname === '/') return new Response(listXml(objects, url.searchParams))
		const base = { 'content-type': 'application/octet-stream', etag: '"e"', 'accept-ranges': 'bytes' }
		const range = /^bytes=(\d+)-(\d*)$/.exec(headers.get('range') ?? '')
		if (range && init?.method !== 'HEAD') {
			const start = Number(range[1])
			const end = range[2] ? Number(range[2]) : BODY.length - 1
			const part = BODY.slice(start, end + 1)
			return new Response(part, {
				status: 206,
				headers: {
					...base,
					'content-length': String(part.length),
					'content-range': `bytes ${start}-${end}/${BODY.length}`,
				},
			})
		}
		return new Response(init?.method === 'HEAD' ? null : BODY, {
			headers: { ...base, 'content-length': String(BODY.length) },
		})
	})
}

interface Stats {
	id: string
	downloads: number
	views: number
	bots: number
	visitors: number
	series: { t: string; downloads: number; views: number }[]
	countries: { code: string | null; downloads: number }[]
	referrers: { host: string | null; downloads: number }[]
	agents: { family: string; downloads: number }[]
	files?: { path: string; downloads: number }[]
}

async function statsOf(id: string, query = ''): Promise<Stats> {
	const res = await adminRequest(`/${id}/stats${query}`)
	if (res.status !== 200) throw new Error(`stats of ${id}: ${res.status} ${await res.text()}`)
	return (await res.json()) as Stats
}

/** Waits for the queue's consumer to count what the producer sent, until `done` holds. */
async function settledStats(id: string, done: (stats: Stats) => boolean, timeoutMs = 20_000): Promise<Stats> {
	await eventsSettled()
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const stats = await statsOf(id)
		if (done(stats) || Date.now() > deadline) return stats
		await scheduler.wait(200)
	}
}

const times = (n: number, send: () => Promise<Response>) =>
	Promise.all(Array.from({ length: n }, async () => (await send()).body?.cancel()))

describe('downloads of every kind, counted exactly through the queue', () => {
	it('counts a redirect share’s 302s, and nothing for HEAD, prefetch, the probe or a resume', async () => {
		await createShare({ key: 'st/a.bin', id: 'st-redirect', delivery: 'redirect' })
		await times(3, () => get('/st-redirect', { headers: CURL, redirect: 'manual' }))
		await times(2, () => get('/st-redirect/download', { headers: WGET, redirect: 'manual' }))
		await get('/st-redirect', { method: 'HEAD', headers: CURL, redirect: 'manual' })
		await get('/st-redirect', { headers: { ...CURL, range: 'bytes=0-0' }, redirect: 'manual' })
		await get('/st-redirect', { headers: { ...CURL, range: 'bytes=100-' }, redirect: 'manual' })
		await get('/st-redirect', { headers: { ...CURL, 'sec-purpose': 'prefetch' }, redirect: 'manual' })
		await get('/st-redirect/download', { headers: SLACK, redirect: 'manual' })
		const stats = await settledStats('st-redirect', (s) => s.downloads >= 5 && s.bots >= 1)
		expect(stats).toMatchObject({ id: 'st-redirect', downloads: 5, views: 0, bots: 1, visitors: 2 })
		expect(stats.agents).toEqual([
			{ family: 'curl', downloads: 3 },
			{ family: 'wget', downloads: 2 },
		])
		expect(stats).not.toHaveProperty('files')
	})

	it('counts a stream’s 200 and its 206 from byte 0, not its later ranges', async () => {
		fakeBucket(['st/b.bin'])
		await createShare({ key: 'st/b.bin', id: 'st-stream', delivery: 'stream' })
		await times(2, () => get('/st-stream', { headers: CURL }))
		await get('/st-stream', { headers: { ...CURL, range: 'bytes=0-99' } })
		await get('/st-stream', { headers: { ...CURL, range: 'bytes=100-' } })
		await get('/st-stream', { headers: { ...CURL, range: 'bytes=0-0' } })
		const stats = await settledStats('st-stream', (s) => s.downloads >= 3)
		expect(stats).toMatchObject({ downloads: 3, views: 0, bots: 0 })
	})

	it('counts a download page as a view, and its link card for a bot as a bot', async () => {
		fakeBucket(['st/c.pdf'])
		await createShare({ key: 'st/c.pdf', id: 'st-page', page: true })
		await times(2, () => get('/st-page', { headers: CHROME_NAVIGATION }))
		await get('/st-page', { headers: SLACK })
		await get('/st-page', { headers: CURL, redirect: 'manual' })
		const stats = await settledStats('st-page', (s) => s.views >= 2 && s.bots >= 1 && s.downloads >= 1)
		expect(stats).toMatchObject({ downloads: 1, views: 2, bots: 1, visitors: 2 })
	})

	it('counts a folder’s listings as views and its files and zips as downloads, by path', async () => {
		fakeBucket(['st-folder/a.txt', 'st-folder/sub/b.txt'])
		await createShare({ type: 'folder', prefix: 'st-folder/', id: 'st-folder' })
		await get('/st-folder/', { headers: { accept: 'application/json' } })
		await get('/st-folder/sub/', { headers: CHROME_NAVIGATION })
		await times(2, () => get('/st-folder/a.txt', { headers: CURL, redirect: 'manual' }))
		await get('/st-folder/sub/b.txt', { headers: CURL, redirect: 'manual' })
		await get('/_/zip/st-folder/', { headers: CURL })
		await get('/_/zip/st-folder/sub/', { method: 'HEAD', headers: CURL })
		const stats = await settledStats('st-folder', (s) => s.downloads >= 4 && s.views >= 2)
		expect(stats).toMatchObject({ downloads: 4, views: 2, bots: 0 })
		expect(stats.files).toEqual([
			{ path: 'a.txt', downloads: 2 },
			{ path: '/', downloads: 1 },
			{ path: 'sub/b.txt', downloads: 1 },
		])
	})

	it('counts a limited share’s downloads as its Durable Object does: each spend once, never a ticket’s resumes', async () => {
		fakeBucket(['st/d.bin'])
		await createShare({ key: 'st/d.bin', id: 'st-limited', maxDownloads: 10, delivery: 'stream' })
		const spent = await get('/st-limited', { headers: CURL, redirect: 'manual' })
		const ticket = spent.headers.get('location') ?? ''
		expect(ticket).toMatch(/^\/_\/t\//)
		await times(3, () => get(ticket, { headers: { ...CURL, range: 'bytes=10-' } }))
		await get(ticket, { headers: CURL })
		// A resume without its ticket spends again, and counts again.
		await get('/st-limited', { headers: { ...CURL, range: 'bytes=10-' }, redirect: 'manual' })
		await get('/_/consume/st-limited', {
			method: 'POST',
			headers: { 'sec-fetch-site': 'same-origin' },
			redirect: 'manual',
		})
		await get('/st-limited', { method: 'HEAD', headers: CURL })
		await get('/st-limited', { headers: { ...CURL, range: 'bytes=0-0' } })
		const counter = ((await (await adminRequest('/st-limited')).json()) as { downloads: number }).downloads
		expect(counter).toBe(3)
		const stats = await settledStats('st-limited', (s) => s.downloads >= 3)
		expect(stats.downloads).toBe(counter)
	})

	it('shows the figures by hour and by day, each bucket an ISO 8601 start', async () => {
		await createShare({ key: 'st/e.bin', id: 'st-series' })
		await get('/st-series', { headers: CURL, redirect: 'manual' })
		await settledStats('st-series', (s) => s.downloads >= 1)
		const now = Date.now()
		const from = new Date(now - 3 * 3600_000).toISOString()
		const to = new Date(now).toISOString()
		const hourly = await statsOf('st-series', `?from=${from}&to=${to}&interval=hour`)
		expect(hourly.series.length).toBeGreaterThanOrEqual(3)
		for (const point of hourly.series) expect(point.t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/)
		expect(hourly.series.reduce((sum, point) => sum + point.downloads, 0)).toBe(1)
		const daily = await statsOf('st-series')
		expect(daily.series).toHaveLength(31)
		expect(daily.series.at(-1)).toMatchObject({ downloads: 1 })
		expect(daily.series[0]?.t).toMatch(/T00:00:00\.000Z$/)
	})
})

describe('GET /api/shares/:id/stats', () => {
	it('answers exactly the issue’s fields', async () => {
		await createShare({ key: 'st/f.bin', id: 'st-shape' })
		const stats = await statsOf('st-shape')
		expect(Object.keys(stats).sort()).toEqual(
			['agents', 'bots', 'countries', 'downloads', 'id', 'referrers', 'series', 'views', 'visitors'].sort(),
		)
	})

	it('needs the admin token', async () => {
		const res = await get('/api/shares/st-shape/stats')
		expect(res.status).toBe(401)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
	})

	it('answers 404 for a share that never existed', async () => {
		const res = await adminRequest('/never-was/stats')
		expect(res.status).toBe(404)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('share_not_found')
	})

	it.each([
		['?from=yesterday', 'from'],
		['?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'from'],
		['?interval=week', 'interval'],
		['?from=2025-01-01T00:00:00Z&to=2026-12-01T00:00:00Z', 'from'],
		['?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&interval=hour', 'interval'],
	])('refuses %s naming %s', async (query, field) => {
		const res = await adminRequest(`/st-shape/stats${query}`)
		expect(res.status).toBe(400)
		const { error } = (await res.json()) as { error: { code: string; field: string } }
		expect(error).toMatchObject({ code: 'invalid_query', field })
	})

	it('keeps a deleted share’s figures readable', async () => {
		await createShare({ key: 'st/h.bin', id: 'st-deleted' })
		await get('/st-deleted', { headers: CURL, redirect: 'manual' })
		await settledStats('st-deleted', (s) => s.downloads >= 1)
		expect((await adminRequest('/st-deleted', { method: 'DELETE' })).status).toBe(204)
		expect((await statsOf('st-deleted')).downloads).toBe(1)
	})
})

describe('GET /api/stats', () => {
	it('sums every share and lists the most downloaded', async () => {
		await createShare({ key: 'st/i.bin', id: 'st-top' })
		await times(4, () => get('/st-top', { headers: CURL, redirect: 'manual' }))
		await settledStats('st-top', (s) => s.downloads >= 4)
		const res = await request('https://share.example.com/api/stats?limit=1000', {
			headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
		})
		expect(res.status).toBe(200)
		const body = (await res.json()) as {
			totals: { downloads: number; views: number; bots: number; visitors: number }
			top: { id: string; downloads: number }[]
		}
		expect(Object.keys(body.totals).sort()).toEqual(['bots', 'downloads', 'views', 'visitors'])
		expect(body.top).toContainEqual({ id: 'st-top', downloads: 4 })
		// Every share with a download, other files' too (the workers project shares its D1 across
		// files): the totals are their sum.
		expect(body.totals.downloads).toBe(body.top.reduce((sum, entry) => sum + entry.downloads, 0))
		expect(res.headers.get('cache-control')).toBe('private, no-store')
	})

	it('answers a page of shares in one query with ?ids=, in their order, zeros included', async () => {
		await createShare({ key: 'st/j.bin', id: 'st-ids-a' })
		await createShare({ key: 'st/k.bin', id: 'st-ids-b' })
		await times(2, () => get('/st-ids-b', { headers: CURL, redirect: 'manual' }))
		await settledStats('st-ids-b', (s) => s.downloads >= 2)
		const ask = (query: string) =>
			request(`https://share.example.com/api/stats${query}`, {
				headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
			})
		const res = await ask('?ids=st-ids-b,st-ids-a,st-never,st-ids-b')
		expect(res.status).toBe(200)
		expect(((await res.json()) as { top: unknown[] }).top).toEqual([
			{ id: 'st-ids-b', downloads: 2 },
			{ id: 'st-ids-a', downloads: 0 },
			{ id: 'st-never', downloads: 0 },
		])
		for (const bad of [
			'?ids=',
			'?ids=..%2Fx',
			`?ids=${Array.from({ length: 201 }, (_, i) => `id-${i}x`).join(',')}`,
		]) {
			const refused = await ask(bad)
			expect(refused.status).toBe(400)
			expect(((await refused.json()) as { error: { code: string; field: string } }).error).toMatchObject({
				code: 'invalid_query',
				field: 'ids',
			})
		}
	})

	it('needs the admin token', async () => {
		expect((await get('/api/stats')).status).toBe(401)
		expect((await get('/api/webhooks/failures')).status).toBe(401)
	})
})

describe('webhook: false', () => {
	it('is a field of the share record: set on create, cleared by PATCH, stats still counted', async () => {
		const created = await createShare({ key: 'st/j.bin', id: 'st-quiet', webhook: false })
		expect(created.webhook).toBe(false)
		await get('/st-quiet', { headers: CURL, redirect: 'manual' })
		expect((await settledStats('st-quiet', (s) => s.downloads >= 1)).downloads).toBe(1)
		const patched = await adminRequest('/st-quiet', { method: 'PATCH', json: { webhook: true } })
		expect(await patched.json()).not.toHaveProperty('webhook')
		expect(env.STATS).toBeDefined()
	})
})
