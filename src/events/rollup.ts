// Counting events into D1, exactly once each. One batch (one transaction) inserts the events
// by id — a redelivered one is already there and is skipped — then rolls up exactly the rows
// it just added (applied = 0) by share and hour, and marks them applied. A batch that fails
// leaves nothing behind, so the Queue's retry counts it whole, once.
import type { ShareEvent } from './kinds.ts'

export const HOUR = 3600
export const DAY = 86_400
/** Hourly counts are kept this many whole days, then folded into days. */
export const HOURLY_DAYS = 7
/** Event ids are remembered this long: far beyond any redelivery (retries end within hours). */
export const SEEN_RETENTION_MS = 3 * DAY * 1000
/** Webhook failures are listed this long. */
export const FAILURE_RETENTION_MS = 30 * DAY * 1000

const INSERT_EVENTS = `INSERT INTO events_seen (id, kind, at, seen_at, share_id, country, referrer, agent, path, visitor)
	SELECT json_extract(value, '$.id'), json_extract(value, '$.kind'), json_extract(value, '$.at'), ?2,
		json_extract(value, '$.shareId'), json_extract(value, '$.country'), json_extract(value, '$.referrer'),
		json_extract(value, '$.agent'), json_extract(value, '$.path'), json_extract(value, '$.visitor')
	FROM json_each(?1) WHERE true
	ON CONFLICT (id) DO NOTHING`

const ROLL_TOTALS = `INSERT INTO rollups (share_id, unit, t, dim, value, downloads, views, bots)
	SELECT share_id, 'h', hour, '', '', SUM(kind = 'download'), SUM(kind = 'view'), SUM(kind = 'bot')
	FROM (SELECT share_id, kind, at / 3600000 * 3600 AS hour FROM events_seen
		WHERE applied = 0 AND kind IN ('download', 'view', 'bot'))
	WHERE true GROUP BY share_id, hour
	ON CONFLICT (share_id, unit, t, dim, value) DO UPDATE SET downloads = downloads + excluded.downloads,
		views = views + excluded.views, bots = bots + excluded.bots`

const DOWNLOADS = "FROM events_seen WHERE applied = 0 AND kind = 'download'"
const ROLL_DIMENSIONS = `INSERT INTO rollups (share_id, unit, t, dim, value, downloads)
	SELECT share_id, 'h', hour, dim, value, COUNT(*) FROM (
		SELECT share_id, at / 3600000 * 3600 AS hour, 'country' AS dim, COALESCE(country, '') AS value ${DOWNLOADS}
		UNION ALL SELECT share_id, at / 3600000 * 3600, 'referrer', COALESCE(referrer, '') ${DOWNLOADS}
		UNION ALL SELECT share_id, at / 3600000 * 3600, 'agent', COALESCE(agent, '') ${DOWNLOADS}
		UNION ALL SELECT share_id, at / 3600000 * 3600, 'file', path ${DOWNLOADS} AND path IS NOT NULL)
	WHERE true GROUP BY share_id, hour, dim, value
	ON CONFLICT (share_id, unit, t, dim, value) DO UPDATE SET downloads = downloads + excluded.downloads`

const ROLL_VISITORS = `INSERT INTO visitors (share_id, day, hash)
	SELECT DISTINCT share_id, at / 86400000 * 86400, visitor FROM events_seen
	WHERE applied = 0 AND visitor IS NOT NULL AND kind IN ('download', 'view')
	ON CONFLICT DO NOTHING`

const MARK_APPLIED = 'UPDATE events_seen SET applied = 1 WHERE applied = 0'

/** The fields the tables keep, as one JSON parameter (one statement for any number of events). */
function eventRows(events: ShareEvent[]): string {
	return JSON.stringify(
		events.map((event) => ({
			id: event.id,
			kind: event.kind,
			at: Math.trunc(event.at),
			shareId: event.shareId,
			country: event.country ?? null,
			referrer: event.referrer ?? null,
			agent: event.agent ?? null,
			path: event.path ?? null,
			visitor: event.visitor ?? null,
		})),
	)
}

/** Counts `events` once each, however often any of them is delivered. */
export async function countEvents(db: D1Database, events: ShareEvent[], nowMs: number): Promise<void> {
	if (events.length === 0) return
	await db.batch([
		db.prepare(INSERT_EVENTS).bind(eventRows(events), nowMs),
		db.prepare(ROLL_TOTALS),
		db.prepare(ROLL_DIMENSIONS),
		db.prepare(ROLL_VISITORS),
		db.prepare(MARK_APPLIED),
	])
}

/** The ids among `ids` already counted. */
export async function seenIds(db: D1Database, ids: string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set()
	const { results } = await db
		.prepare('SELECT id FROM events_seen WHERE id IN (SELECT value FROM json_each(?1))')
		.bind(JSON.stringify(ids))
		.all<{ id: string }>()
	return new Set(results.map((row) => row.id))
}

/** The first second of the oldest day still kept by hour. */
export function hourlyCutoff(nowMs: number): number {
	return Math.floor(nowMs / 1000 / DAY) * DAY - HOURLY_DAYS * DAY
}

/**
 * Folds hourly counts older than HOURLY_DAYS into days (and the days' visitor hashes into
 * counts), and forgets old event ids and old webhook failures. Idempotent; cheap when there
 * is nothing to do.
 */
export async function maintain(db: D1Database, nowMs: number): Promise<void> {
	const cutoff = hourlyCutoff(nowMs)
	await db.batch([
		db
			.prepare(`INSERT INTO rollups (share_id, unit, t, dim, value, downloads, views, bots)
				SELECT share_id, 'd', day, dim, value, SUM(downloads), SUM(views), SUM(bots)
				FROM (SELECT share_id, t / 86400 * 86400 AS day, dim, value, downloads, views, bots
					FROM rollups WHERE unit = 'h' AND t < ?1)
				WHERE true GROUP BY share_id, day, dim, value
				ON CONFLICT (share_id, unit, t, dim, value) DO UPDATE SET downloads = downloads + excluded.downloads,
					views = views + excluded.views, bots = bots + excluded.bots`)
			.bind(cutoff),
		db.prepare("DELETE FROM rollups WHERE unit = 'h' AND t < ?1").bind(cutoff),
		db
			.prepare(`INSERT INTO rollups (share_id, unit, t, dim, value, visitors)
				SELECT share_id, 'd', day, '', '', COUNT(*) FROM visitors WHERE day < ?1 GROUP BY share_id, day
				ON CONFLICT (share_id, unit, t, dim, value) DO UPDATE SET visitors = visitors + excluded.visitors`)
			.bind(cutoff),
		db.prepare('DELETE FROM visitors WHERE day < ?1').bind(cutoff),
		db.prepare('DELETE FROM events_seen WHERE seen_at < ?1').bind(nowMs - SEEN_RETENTION_MS),
		db
			.prepare('DELETE FROM webhook_deliveries WHERE last_attempt_at < ?1')
			.bind(nowMs - FAILURE_RETENTION_MS),
	])
}
