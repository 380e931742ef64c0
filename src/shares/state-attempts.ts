// Unlock attempts of the per-share Durable Object: failures and backoff per client network,
// and the share-wide ceiling. Plain synchronous steps over SqlStorage, so concurrent guesses
// cannot slip in between a check and its count.
import { backoffSeconds, SHARE_ATTEMPTS_PER_MINUTE } from './limits.ts'

// Unlock attempts per share and client network ('*' is the share-wide row); cleared when the
// id is created again or deleted.
export const ATTEMPTS_SCHEMA = `CREATE TABLE IF NOT EXISTS attempts (
	id TEXT NOT NULL,
	network TEXT NOT NULL,
	failures INTEGER NOT NULL,
	next_at INTEGER NOT NULL,
	PRIMARY KEY (id, network)
)`

interface AttemptRow extends Record<string, SqlStorageValue> {
	failures: number
	next_at: number
}

export type AttemptOutcome = { ok: true } | { ok: false; retryAfter: number }

/** One attempt from `network` goes ahead (counted as failed until it succeeds), or waits. */
export function tryAttempt(sql: SqlStorage, id: string, network: string, nowMs: number): AttemptOutcome {
	const own = attemptRow(sql, id, network)
	const wait = Math.max(own.next_at - nowMs, shareWideWait(sql, id, nowMs))
	if (wait > 0) return { ok: false, retryAfter: Math.ceil(wait / 1000) }
	const failures = own.failures + 1
	writeAttempt(sql, id, network, failures, nowMs + backoffSeconds(failures) * 1000)
	return { ok: true }
}

/** The right password: that network starts again from no failures. */
export function clearNetworkAttempts(sql: SqlStorage, id: string, network: string): void {
	sql.exec('DELETE FROM attempts WHERE id = ? AND network = ?', id, network)
}

export function clearAttempts(sql: SqlStorage, id: string): void {
	sql.exec('DELETE FROM attempts WHERE id = ?', id)
}

/**
 * The share-wide ceiling slows everyone, never blocks: past SHARE_ATTEMPTS_PER_MINUTE in a
 * minute, attempts are spaced a second apart. Row '*': failures = count in the minute
 * window starting at next_at.
 */
function shareWideWait(sql: SqlStorage, id: string, nowMs: number): number {
	const row = attemptRow(sql, id, '*')
	const windowStart = nowMs - row.next_at >= 60_000 ? nowMs : row.next_at
	const count = windowStart === row.next_at ? row.failures + 1 : 1
	if (count > SHARE_ATTEMPTS_PER_MINUTE) {
		const last = attemptRow(sql, id, '*last')
		if (nowMs - last.next_at < 1000) return last.next_at + 1000 - nowMs
	}
	writeAttempt(sql, id, '*', count, windowStart)
	writeAttempt(sql, id, '*last', 0, nowMs)
	return 0
}

function attemptRow(sql: SqlStorage, id: string, network: string): AttemptRow {
	return (
		sql
			.exec<AttemptRow>('SELECT failures, next_at FROM attempts WHERE id = ? AND network = ?', id, network)
			.toArray()[0] ?? { failures: 0, next_at: 0 }
	)
}

function writeAttempt(sql: SqlStorage, id: string, network: string, failures: number, nextAt: number): void {
	sql.exec(
		'INSERT INTO attempts (id, network, failures, next_at) VALUES (?, ?, ?, ?) ON CONFLICT (id, network) DO UPDATE SET failures = excluded.failures, next_at = excluded.next_at',
		id,
		network,
		failures,
		nextAt,
	)
}
