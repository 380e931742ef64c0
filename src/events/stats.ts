// Reading the rollups back: one share's figures over a time range, and the totals and top
// shares of every link. Buckets are whole hours (the last HOURLY_DAYS days) or whole days
// (older): a range takes every bucket that starts inside it, its start rounded down.
import { DAY, HOUR } from './rollup.ts'

export type Interval = 'hour' | 'day'

export interface StatsRange {
	/** Unix seconds, inclusive. */
	from: number
	/** Unix seconds, exclusive. */
	to: number
	interval: Interval
}

export interface Totals {
	downloads: number
	views: number
	bots: number
	visitors: number
}

export interface ShareStats extends Totals {
	id: string
	series: { t: string; downloads: number; views: number }[]
	countries: { code: string | null; downloads: number }[]
	referrers: { host: string | null; downloads: number }[]
	agents: { family: string; downloads: number }[]
	files?: { path: string; downloads: number }[]
}

/** The most values each dimension lists. */
export const TOP_VALUES = 50

const floorTo = (seconds: number, unit: number) => Math.floor(seconds / unit) * unit
const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

/** Rows of the range: hourly buckets from the hour of `from`, daily ones from its day. */
const IN_RANGE = "((unit = 'h' AND t >= ?2 AND t < ?4) OR (unit = 'd' AND t >= ?3 AND t < ?4))"

function rangeParams(range: StatsRange): [number, number, number] {
	return [floorTo(range.from, HOUR), floorTo(range.from, DAY), range.to]
}

interface TotalsRow {
	downloads: number | null
	views: number | null
	bots: number | null
	visitors: number | null
	live: number
}

// Folded days carry their visitor count; recent days still have one row per hash.
const TOTALS = `SELECT SUM(downloads) AS downloads, SUM(views) AS views, SUM(bots) AS bots, SUM(visitors) AS visitors,
	(SELECT COUNT(*) FROM visitors WHERE %SHARE% day >= ?3 AND day < ?4) AS live
	FROM rollups WHERE %SHARE% dim = '' AND ${IN_RANGE}`

function totalsOf(row: TotalsRow | null): Totals {
	return {
		downloads: row?.downloads ?? 0,
		views: row?.views ?? 0,
		bots: row?.bots ?? 0,
		visitors: (row?.visitors ?? 0) + (row?.live ?? 0),
	}
}

/** Every bucket of the range, empty ones as zeros. */
function fillSeries(range: StatsRange, rows: { bucket: number; downloads: number; views: number }[]) {
	const unit = range.interval === 'hour' ? HOUR : DAY
	const byBucket = new Map(rows.map((row) => [row.bucket, row]))
	const series: ShareStats['series'] = []
	for (let t = floorTo(range.from, unit); t < range.to; t += unit) {
		const row = byBucket.get(t)
		series.push({ t: iso(t), downloads: row?.downloads ?? 0, views: row?.views ?? 0 })
	}
	return series
}

interface DimensionRow {
	dim: string
	value: string
	downloads: number
}

/** One share's figures. `files` is answered for folder shares. */
export async function shareStats(
	db: D1Database,
	id: string,
	range: StatsRange,
	withFiles: boolean,
): Promise<ShareStats> {
	const [hourFrom, dayFrom, to] = rangeParams(range)
	const bucket = range.interval === 'hour' ? 't' : 't / 86400 * 86400'
	const [totals, series, dimensions] = await db.batch([
		db.prepare(TOTALS.replaceAll('%SHARE%', 'share_id = ?1 AND')).bind(id, hourFrom, dayFrom, to),
		db
			.prepare(
				`SELECT ${bucket} AS bucket, SUM(downloads) AS downloads, SUM(views) AS views FROM rollups
				WHERE share_id = ?1 AND dim = '' AND ${IN_RANGE} GROUP BY bucket ORDER BY bucket`,
			)
			.bind(id, hourFrom, dayFrom, to),
		db
			.prepare(
				`SELECT dim, value, SUM(downloads) AS downloads FROM rollups
				WHERE share_id = ?1 AND dim != '' AND ${IN_RANGE} GROUP BY dim, value
				HAVING SUM(downloads) > 0 ORDER BY downloads DESC, value`,
			)
			.bind(id, hourFrom, dayFrom, to),
	])
	const rows = (dimensions?.results ?? []) as DimensionRow[]
	const top = (dim: string) => rows.filter((row) => row.dim === dim).slice(0, TOP_VALUES)
	return {
		id,
		...totalsOf((totals?.results[0] ?? null) as TotalsRow | null),
		series: fillSeries(
			range,
			(series?.results ?? []) as { bucket: number; downloads: number; views: number }[],
		),
		countries: top('country').map((row) => ({ code: row.value || null, downloads: row.downloads })),
		referrers: top('referrer').map((row) => ({ host: row.value || null, downloads: row.downloads })),
		agents: top('agent').map((row) => ({ family: row.value || 'other', downloads: row.downloads })),
		...(withFiles
			? { files: top('file').map((row) => ({ path: row.value, downloads: row.downloads })) }
			: {}),
	}
}

/** Whether any figure of `id` is kept (a deleted share's stats stay readable). */
export async function hasStats(db: D1Database, id: string): Promise<boolean> {
	return (await db.prepare('SELECT 1 FROM rollups WHERE share_id = ?1 LIMIT 1').bind(id).first()) !== null
}

/**
 * Every share's totals and the most downloaded shares; with `ids`, exactly those shares'
 * downloads (zeros included) in the order given, one query for a whole page of shares.
 */
export async function allStats(
	db: D1Database,
	range: StatsRange,
	limit: number,
	ids?: readonly string[],
): Promise<{ totals: Totals; top: { id: string; downloads: number }[] }> {
	const [hourFrom, dayFrom, to] = rangeParams(range)
	const topQuery = ids
		? db
				.prepare(
					`SELECT share_id AS id, SUM(downloads) AS downloads FROM rollups WHERE dim = '' AND ${IN_RANGE}
					AND share_id IN (SELECT value FROM json_each(?5)) GROUP BY share_id`,
				)
				.bind(null, hourFrom, dayFrom, to, JSON.stringify(ids))
		: db
				.prepare(
					`SELECT share_id AS id, SUM(downloads) AS downloads FROM rollups WHERE dim = '' AND ${IN_RANGE}
					GROUP BY share_id HAVING SUM(downloads) > 0 ORDER BY downloads DESC, share_id LIMIT ?5`,
				)
				.bind(null, hourFrom, dayFrom, to, limit)
	const [totals, top] = await db.batch([
		db.prepare(TOTALS.replaceAll('%SHARE%', '')).bind(null, hourFrom, dayFrom, to),
		topQuery,
	])
	const rows = (top?.results ?? []) as { id: string; downloads: number }[]
	const downloads = new Map(rows.map((row) => [row.id, row.downloads]))
	return {
		totals: totalsOf((totals?.results[0] ?? null) as TotalsRow | null),
		top: ids ? ids.map((id) => ({ id, downloads: downloads.get(id) ?? 0 })) : rows,
	}
}
