import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import {
	countEvents,
	DAY,
	HOUR,
	hourlyCutoff,
	maintain,
	SEEN_RETENTION_MS,
	seenIds,
} from '../../src/events/rollup.ts'
import { ensureSchema, migrate } from '../../src/events/schema.ts'
import { allStats, shareStats } from '../../src/events/stats.ts'
import { event, figuresOf, migrateStats } from './helpers.ts'

beforeAll(migrateStats)

const NOW = Date.parse('2026-12-03T10:30:00Z')
const seconds = (iso: string) => Date.parse(iso) / 1000

describe('counting events', () => {
	it('counts each event once, however often its batch is delivered', async () => {
		const batch = [
			event('once'),
			event('once', { kind: 'view' }),
			event('once', { kind: 'bot', agent: 'slackbot' }),
		]
		await countEvents(env.STATS, batch, NOW)
		await countEvents(env.STATS, batch, NOW)
		await countEvents(env.STATS, [...batch.slice(1), event('once')], NOW)
		expect(await figuresOf('once')).toEqual({ downloads: 2, views: 1, bots: 1, visitors: 0 })
	})

	it('counts concurrent deliveries of one batch once', async () => {
		const batch = Array.from({ length: 50 }, () => event('concurrent'))
		await Promise.all(Array.from({ length: 5 }, () => countEvents(env.STATS, batch, NOW)))
		expect((await figuresOf('concurrent')).downloads).toBe(50)
	})

	it('rolls downloads up by hour, country, referrer, agent and file', async () => {
		const at = Date.parse('2026-12-03T09:15:00Z')
		await countEvents(
			env.STATS,
			[
				event('dims', {
					at,
					shareType: 'folder',
					path: 'a.pdf',
					country: 'DE',
					referrer: 'blog.example',
					agent: 'browser',
				}),
				event('dims', { at, shareType: 'folder', path: 'a.pdf', country: 'DE', agent: 'curl' }),
				event('dims', { at: at + HOUR * 1000, shareType: 'folder', path: 'b/c.txt', agent: 'curl' }),
				event('dims', { at, kind: 'view' }),
			],
			NOW,
		)
		const stats = await shareStats(
			env.STATS,
			'dims',
			{ from: seconds('2026-12-03T00:00:00Z'), to: seconds('2026-12-04T00:00:00Z'), interval: 'hour' },
			true,
		)
		expect(stats.downloads).toBe(3)
		expect(stats.views).toBe(1)
		expect(stats.series).toHaveLength(24)
		expect(stats.series[9]).toEqual({ t: '2026-12-03T09:00:00.000Z', downloads: 2, views: 1 })
		expect(stats.series[10]).toEqual({ t: '2026-12-03T10:00:00.000Z', downloads: 1, views: 0 })
		expect(stats.countries).toEqual([
			{ code: 'DE', downloads: 2 },
			{ code: null, downloads: 1 },
		])
		expect(stats.referrers).toEqual([
			{ host: null, downloads: 2 },
			{ host: 'blog.example', downloads: 1 },
		])
		expect(stats.agents).toEqual([
			{ family: 'curl', downloads: 2 },
			{ family: 'browser', downloads: 1 },
		])
		expect(stats.files).toEqual([
			{ path: 'a.pdf', downloads: 2 },
			{ path: 'b/c.txt', downloads: 1 },
		])
	})

	it('counts a visitor once a day per share', async () => {
		const day = Date.parse('2026-12-02T08:00:00Z')
		await countEvents(
			env.STATS,
			[
				event('visits', { at: day, visitor: 'v1' }),
				event('visits', { at: day + 1000, kind: 'view', visitor: 'v1' }),
				event('visits', { at: day, visitor: 'v2' }),
				event('visits', { at: day + DAY * 1000, visitor: 'v1' }),
			],
			NOW,
		)
		expect((await figuresOf('visits')).visitors).toBe(3)
	})

	it('tells which ids it has seen', async () => {
		const counted = event('seen')
		await countEvents(env.STATS, [counted], NOW)
		expect(await seenIds(env.STATS, [counted.id, 'never-sent'])).toEqual(new Set([counted.id]))
	})
})

describe('keeping the rollups small', () => {
	it('folds hours older than 7 days into days, keeping every count and the visitors', async () => {
		const old = Date.parse('2026-11-20T05:10:00Z')
		await countEvents(
			env.STATS,
			[
				event('fold', { at: old, visitor: 'a', country: 'FR' }),
				event('fold', { at: old + 3 * HOUR * 1000, visitor: 'b', country: 'FR' }),
				event('fold', { at: old, kind: 'view', visitor: 'a' }),
				event('fold', { at: NOW - HOUR * 1000, visitor: 'c' }),
			],
			NOW,
		)
		const before = await figuresOf('fold')
		await maintain(env.STATS, NOW)
		await maintain(env.STATS, NOW)
		expect(await figuresOf('fold')).toEqual(before)
		const units = await env.STATS.prepare(
			"SELECT unit, t, downloads, views, visitors FROM rollups WHERE share_id = 'fold' AND dim = '' ORDER BY t",
		).all()
		expect(units.results).toEqual([
			{ unit: 'd', t: seconds('2026-11-20T00:00:00Z'), downloads: 2, views: 1, visitors: 2 },
			{ unit: 'h', t: seconds('2026-12-03T09:00:00Z'), downloads: 1, views: 0, visitors: 0 },
		])
		const stats = await shareStats(
			env.STATS,
			'fold',
			{ from: seconds('2026-11-15T00:00:00Z'), to: NOW / 1000, interval: 'day' },
			false,
		)
		expect(stats).toMatchObject({ downloads: 3, views: 1, visitors: 3 })
		expect(stats.countries).toEqual([
			{ code: 'FR', downloads: 2 },
			{ code: null, downloads: 1 },
		])
		expect(stats.series.find((point) => point.t === '2026-11-20T00:00:00.000Z')).toEqual({
			t: '2026-11-20T00:00:00.000Z',
			downloads: 2,
			views: 0 + 1,
		})
		expect(stats).not.toHaveProperty('files')
	})

	it('keeps hourly counts of the last 7 whole days', () => {
		expect(hourlyCutoff(NOW)).toBe(seconds('2026-11-26T00:00:00Z'))
	})

	it('forgets event ids after a few days', async () => {
		const forgotten = event('forget')
		await countEvents(env.STATS, [forgotten], NOW - SEEN_RETENTION_MS - 1)
		await maintain(env.STATS, NOW)
		expect(await seenIds(env.STATS, [forgotten.id])).toEqual(new Set())
	})
})

describe('every share at once', () => {
	it('sums every share and lists the most downloaded first', async () => {
		const at = Date.parse('2026-10-01T12:00:00Z')
		await countEvents(
			env.STATS,
			[
				event('top-a', { at }),
				event('top-b', { at }),
				event('top-b', { at }),
				event('top-c', { at, kind: 'view' }),
			],
			NOW,
		)
		const range = {
			from: seconds('2026-10-01T00:00:00Z'),
			to: seconds('2026-10-02T00:00:00Z'),
			interval: 'day' as const,
		}
		expect(await allStats(env.STATS, range, 10)).toEqual({
			totals: { downloads: 3, views: 1, bots: 0, visitors: 0 },
			top: [
				{ id: 'top-b', downloads: 2 },
				{ id: 'top-a', downloads: 1 },
			],
		})
		expect((await allStats(env.STATS, range, 1)).top).toEqual([{ id: 'top-b', downloads: 2 }])
	})
})

describe('the schema', () => {
	it('is migrated again without harm, by the worker as by the tests', async () => {
		await migrate(env.STATS)
		await ensureSchema(env.STATS)
		const names = await env.STATS.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()
		expect(names.results.map((row) => row.name)).toEqual(['0001_stats_and_webhooks'])
	})
})
