// What the per-share Durable Object forgets, and when: each object schedules its own alarm
// for the earliest of these, so its storage stays bounded without anyone sweeping.
//   - unlock attempt rows a day after their last wait ended (and at most MAX_ATTEMPT_ROWS);
//   - a share past its 30-day 410 period: its body and every count, keeping the revision;
//   - a deleted share's rows go at the delete (its tombstone keeps only the revision).
// Lapsed upload reservations are settled by the object itself (they need a HEAD at COS).
import { EXPIRED_RETENTION_SECONDS, expiresAtSeconds } from './rules.ts'
import type { ShareRecord } from './schema.ts'

/** A network's failures are forgotten this long after its last wait ended. */
export const ATTEMPT_RETENTION_MS = 24 * 3600_000
/** Past this many rows (networks) on one share, the oldest are forgotten first. */
export const MAX_ATTEMPT_ROWS = 10_000

/** Forgets attempt rows past their retention, and the oldest beyond the cap. */
export function pruneAttempts(sql: SqlStorage, id: string, nowMs: number): void {
	sql.exec('DELETE FROM attempts WHERE id = ? AND next_at < ?', id, nowMs - ATTEMPT_RETENTION_MS)
	const count =
		sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM attempts WHERE id = ?', id).toArray()[0]?.n ?? 0
	if (count > MAX_ATTEMPT_ROWS)
		sql.exec(
			'DELETE FROM attempts WHERE id = ? AND network IN (SELECT network FROM attempts WHERE id = ? ORDER BY next_at LIMIT ?)',
			id,
			id,
			count - MAX_ATTEMPT_ROWS,
		)
}

/** When the oldest attempt row can be forgotten, if there is one. */
export function nextAttemptPruneAt(sql: SqlStorage, id: string): number | undefined {
	const row = sql
		.exec<{ at: number | null }>('SELECT MIN(next_at) AS at FROM attempts WHERE id = ?', id)
		.toArray()[0]
	return row?.at == null ? undefined : row.at + ATTEMPT_RETENTION_MS
}

/** When a share's record has served its 410 period and only its revision needs keeping. */
export function lapseAt(record: Pick<ShareRecord, 'expiresAt'>): number | undefined {
	const expiresAt = expiresAtSeconds(record)
	return expiresAt === undefined ? undefined : (expiresAt + EXPIRED_RETENTION_SECONDS) * 1000
}
