// What the KV replica still owes: one row per share id, written in the same synchronous step
// as the change it owes, cleared once KV holds that revision (or a later one). A crash or a
// failed KV write between the two leaves the row, and the object's alarm writes KV again
// until it takes: KV converges, and a deleted share never stays served.

interface OutboxRow extends Record<string, SqlStorageValue> {
	revision: number
	tries: number
	next_at: number
}

/** The first retry after a failed KV write; each further one waits twice as long. */
export const RETRY_BASE_MS = 1000
export const RETRY_MAX_MS = 5 * 60_000

/** KV owes revision `revision` of `id` (or whatever is current when it is written). */
export function owe(sql: SqlStorage, id: string, revision: number, nowMs: number): void {
	sql.exec(
		'INSERT INTO outbox (id, revision, tries, next_at) VALUES (?, ?, 0, ?) ON CONFLICT (id) DO UPDATE SET revision = MAX(revision, excluded.revision), tries = 0, next_at = excluded.next_at',
		id,
		revision,
		nowMs,
	)
}

export function owed(sql: SqlStorage, id: string): OutboxRow | undefined {
	return sql.exec<OutboxRow>('SELECT revision, tries, next_at FROM outbox WHERE id = ?', id).toArray()[0]
}

/** KV now holds `revision`: nothing up to it is owed any more (a later change still is). */
export function paid(sql: SqlStorage, id: string, revision: number): void {
	sql.exec('DELETE FROM outbox WHERE id = ? AND revision <= ?', id, revision)
}

/** A KV write failed: the next try waits, doubling up to RETRY_MAX_MS. Returns when. */
export function retryLater(sql: SqlStorage, id: string, nowMs: number): number {
	const row = owed(sql, id)
	const tries = (row?.tries ?? 0) + 1
	const nextAt = nowMs + Math.min(RETRY_BASE_MS * 2 ** (tries - 1), RETRY_MAX_MS)
	sql.exec('UPDATE outbox SET tries = ?, next_at = ? WHERE id = ?', tries, nextAt, id)
	return nextAt
}

/** When the outbox next needs a try, if it owes anything. */
export function nextOwedAt(sql: SqlStorage): number | undefined {
	const row = sql.exec<{ at: number | null }>('SELECT MIN(next_at) AS at FROM outbox').toArray()[0]
	return row?.at ?? undefined
}

export function clearOutbox(sql: SqlStorage, id: string): void {
	sql.exec('DELETE FROM outbox WHERE id = ?', id)
}
