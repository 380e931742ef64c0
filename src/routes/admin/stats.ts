// Admin API for what happened to links, behind the admin token:
//   GET /api/shares/:id/stats?from=&to=&interval=hour|day   one share's figures
//   GET /api/stats?from=&to=&limit=                          every share's totals and the top shares
//   GET /api/webhooks/failures?limit=                        webhooks that failed every try
// Figures come from the STATS database the EVENTS consumer fills; they lag the requests by a
// few seconds.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { ensureSchema } from '../../events/schema.ts'
import { allStats, hasStats, type Interval, type StatsRange, shareStats } from '../../events/stats.ts'
import { isShareId } from '../../shares/id.ts'
import { readShare } from '../../shares/store.ts'
import { adminGuard, openApiApp } from './openapi.ts'
import { allStatsRoute, failuresRoute, shareStatsRoute } from './stats-routes.ts'

export const statsApi = openApiApp()

const DAY_MS = 86_400_000
const DEFAULT_DAYS = 30
const MAX_RANGE_DAYS = 400
const MAX_HOURLY_DAYS = 31
const DEFAULT_TOP = 10
const DEFAULT_FAILURES = 100
const MAX_IDS = 200

// /shares/:id/stats is under /api/shares, whose sub-app's guard (routes/admin/shares.ts) runs
// first for every path below it: a second guard here would check the token, or look the
// console session up in its Durable Object, twice per request.
statsApi.use('/stats', ...adminGuard(0))
statsApi.use('/webhooks/*', ...adminGuard(0))

function invalid(field: string, problem: string): never {
	throw new AppError('invalid_query', `${field}: ${problem}`, { field })
}

function instant(c: Context<AppEnv>, field: 'from' | 'to', fallback: number): number {
	const value = c.req.query(field)
	if (value === undefined || value === '') return fallback
	const ms = /^\d{4}-\d{2}-\d{2}(T|$)/.test(value) ? Date.parse(value) : Number.NaN
	if (Number.isNaN(ms)) invalid(field, 'must be an ISO 8601 date or time, such as 2026-12-01T00:00:00Z')
	return ms
}

/** `from`/`to` (default: the last 30 days) and `interval` (default: day). */
function rangeOf(c: Context<AppEnv>): StatsRange {
	const now = Date.now()
	const to = instant(c, 'to', now)
	const from = instant(c, 'from', to - DEFAULT_DAYS * DAY_MS)
	if (from >= to) invalid('from', 'must be before to')
	if (to - from > MAX_RANGE_DAYS * DAY_MS)
		invalid('from', `the range may span at most ${MAX_RANGE_DAYS} days`)
	const interval = (c.req.query('interval') ?? 'day') as Interval
	if (interval !== 'hour' && interval !== 'day') invalid('interval', 'must be "hour" or "day"')
	if (interval === 'hour' && to - from > MAX_HOURLY_DAYS * DAY_MS)
		invalid('interval', `an hourly series spans at most ${MAX_HOURLY_DAYS} days`)
	// Seconds; `to` rounded up, so the bucket holding it is in.
	return { from: Math.floor(from / 1000), to: Math.ceil(to / 1000), interval }
}

function limitOf(c: Context<AppEnv>, fallback: number, max: number): number {
	const text = c.req.query('limit')
	const limit = text === undefined ? fallback : Number(text)
	if (!Number.isInteger(limit) || limit < 1 || limit > max)
		invalid('limit', `must be a whole number from 1 to ${max}`)
	return limit
}

statsApi.openapi(shareStatsRoute, async (c) => {
	const id = c.req.param('id')
	if (!isShareId(id)) throw new AppError('share_not_found', `There is no share "${id}".`)
	const range = rangeOf(c)
	const db = c.env.STATS
	await ensureSchema(db)
	const stored = await readShare(c.env, id)
	// A deleted share's figures stay readable; an id that never had either is unknown.
	if (!stored && !(await hasStats(db, id)))
		throw new AppError('share_not_found', `There is no share "${id}".`)
	const folder = stored?.kind === 'record' ? stored.record.type === 'folder' : false
	return c.json(await shareStats(db, id, range, folder), 200)
})

/** `ids`: distinct share ids, in the order given. */
function idsOf(c: Context<AppEnv>): string[] | undefined {
	const text = c.req.query('ids')
	if (text === undefined) return undefined
	const ids = [...new Set(text.split(',').filter((id) => id !== ''))]
	if (ids.length === 0 || ids.length > MAX_IDS)
		invalid('ids', `must name from 1 to ${MAX_IDS} share ids, separated by commas`)
	const bad = ids.find((id) => !isShareId(id))
	if (bad !== undefined) invalid('ids', `"${bad.slice(0, 64)}" is not a share id`)
	return ids
}

statsApi.openapi(allStatsRoute, async (c) => {
	const range = rangeOf(c)
	const limit = limitOf(c, DEFAULT_TOP, 1000)
	const ids = idsOf(c)
	await ensureSchema(c.env.STATS)
	return c.json(await allStats(c.env.STATS, range, limit, ids), 200)
})

interface FailureRow {
	id: string
	type: string
	share_id: string
	body: string
	attempts: number
	last_status: number | null
	last_error: string | null
	last_attempt_at: number
	failed_at: number
}

statsApi.openapi(failuresRoute, async (c) => {
	const limit = limitOf(c, DEFAULT_FAILURES, 1000)
	await ensureSchema(c.env.STATS)
	const { results } = await c.env.STATS.prepare(
		`SELECT id, type, share_id, body, attempts, last_status, last_error, last_attempt_at, failed_at
		FROM webhook_deliveries WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id LIMIT ?1`,
	)
		.bind(limit)
		.all<FailureRow>()
	return c.json(
		{
			failures: results.map((row) => ({
				id: row.id,
				type: row.type,
				shareId: row.share_id,
				attempts: row.attempts,
				lastStatus: row.last_status,
				lastError: row.last_error,
				lastAttemptAt: new Date(row.last_attempt_at).toISOString(),
				failedAt: new Date(row.failed_at).toISOString(),
				payload: JSON.parse(row.body) as unknown,
			})),
		},
		200,
	)
})
