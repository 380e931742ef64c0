// Upload reservations and quotas of the per-share Durable Object. Plain synchronous steps
// over SqlStorage: lapsed reservations are released, the totals read, checked and the slot
// written in one step, so concurrent reservations never exceed a quota.
import type { UploadRules } from './schema.ts'

interface UploadRow extends Record<string, SqlStorageValue> {
	bytes: number
	expires_at: number | null
}

interface UploadTotalsRow extends Record<string, SqlStorageValue> {
	files: number
	bytes: number
	reserved_files: number
	reserved_bytes: number
}

/** An upload link's committed files and live reservations. */
export interface UploadUsage {
	files: number
	bytes: number
	reservedFiles: number
	reservedBytes: number
}

export type ReserveOutcome =
	| { ok: true }
	| { ok: false; reason: 'not_found' | 'max_files' | 'max_total_bytes' }

/** Reserves one file slot and its bytes for `key` until `expiresAtMs`, if `quotas` allow it. */
export function reserveSlot(
	sql: SqlStorage,
	id: string,
	quotas: UploadRules,
	key: string,
	bytes: number,
	expiresAtMs: number,
): ReserveOutcome {
	const existing = uploadRow(sql, id, key)
	const totals = uploadTotals(sql, id)
	const { maxFiles, maxTotalBytes } = quotas
	// A key already held (an overwrite of a committed file, a retry) needs no new slot.
	const files = totals.files + totals.reservedFiles + (existing ? 0 : 1)
	const total = totals.bytes + totals.reservedBytes - (existing?.bytes ?? 0) + bytes
	if (maxFiles !== undefined && files > maxFiles) return { ok: false, reason: 'max_files' }
	if (maxTotalBytes !== undefined && total > maxTotalBytes) return { ok: false, reason: 'max_total_bytes' }
	// A committed file keeps its row (and its slot) until a confirmation replaces its size.
	if (existing && existing.expires_at === null) {
		if (bytes > existing.bytes)
			sql.exec('UPDATE uploads SET bytes = ? WHERE id = ? AND key = ?', bytes, id, key)
		return { ok: true }
	}
	sql.exec(
		'INSERT INTO uploads (id, key, bytes, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id, key) DO UPDATE SET bytes = excluded.bytes, expires_at = excluded.expires_at',
		id,
		key,
		bytes,
		expiresAtMs,
	)
	return { ok: true }
}

/** Commits `key` with the size COS reported; false when it was never reserved on this link. */
export function commitSlot(sql: SqlStorage, id: string, key: string, bytes: number): boolean {
	if (!uploadRow(sql, id, key)) return false
	sql.exec('UPDATE uploads SET bytes = ?, expires_at = NULL WHERE id = ? AND key = ?', bytes, id, key)
	return true
}

/**
 * Whether `key` is held on this link: reserved (a lapsed reservation not yet cleared too,
 * as commitSlot accepts it) or committed. Any other key was never issued here.
 */
export function holdsSlot(sql: SqlStorage, id: string, key: string): boolean {
	return uploadRow(sql, id, key) !== undefined
}

export function releaseSlot(sql: SqlStorage, id: string, key: string): void {
	sql.exec('DELETE FROM uploads WHERE id = ? AND key = ? AND expires_at IS NOT NULL', id, key)
}

export function clearUploads(sql: SqlStorage, id: string): void {
	sql.exec('DELETE FROM uploads WHERE id = ?', id)
}

export function uploadTotals(sql: SqlStorage, id: string): UploadUsage {
	const row = sql
		.exec<UploadTotalsRow>(
			`SELECT
				COALESCE(SUM(expires_at IS NULL), 0) AS files,
				COALESCE(SUM(CASE WHEN expires_at IS NULL THEN bytes ELSE 0 END), 0) AS bytes,
				COALESCE(SUM(expires_at IS NOT NULL), 0) AS reserved_files,
				COALESCE(SUM(CASE WHEN expires_at IS NOT NULL THEN bytes ELSE 0 END), 0) AS reserved_bytes
			FROM uploads WHERE id = ?`,
			id,
		)
		.toArray()[0]
	return {
		files: row?.files ?? 0,
		bytes: row?.bytes ?? 0,
		reservedFiles: row?.reserved_files ?? 0,
		reservedBytes: row?.reserved_bytes ?? 0,
	}
}

function uploadRow(sql: SqlStorage, id: string, key: string): UploadRow | undefined {
	return sql
		.exec<UploadRow>('SELECT bytes, expires_at FROM uploads WHERE id = ? AND key = ?', id, key)
		.toArray()[0]
}

/**
 * How long after its signature lapses a reservation is settled: a PUT that started just
 * before the end may still be arriving. Until it is settled it still holds its slot.
 */
export const SETTLE_GRACE_MS = 10 * 60_000

interface LapsedRow extends Record<string, SqlStorageValue> {
	key: string
	bytes: number
	expires_at: number
}

/** Reservations whose grace ended by `nowMs`: each is settled by asking COS for its key. */
export function lapsedReservations(sql: SqlStorage, id: string, nowMs: number, limit = 50): LapsedRow[] {
	return sql
		.exec<LapsedRow>(
			'SELECT key, bytes, expires_at FROM uploads WHERE id = ? AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?',
			id,
			nowMs - SETTLE_GRACE_MS,
			limit,
		)
		.toArray()
}

/**
 * Settles a lapsed reservation by what COS said about its key (its size, or null when there
 * is no object): an object that arrived is committed, a missing one frees the slot. Only a
 * reservation still lapsed as seen is touched, so a confirmation that came first counts once.
 */
export function settleReservation(
	sql: SqlStorage,
	id: string,
	seen: { key: string; expires_at: number },
	size: number | null,
): 'committed' | 'released' | 'unchanged' {
	const row = uploadRow(sql, id, seen.key)
	if (row?.expires_at !== seen.expires_at) return 'unchanged'
	if (size === null) {
		sql.exec('DELETE FROM uploads WHERE id = ? AND key = ? AND expires_at = ?', id, seen.key, seen.expires_at)
		return 'released'
	}
	sql.exec('UPDATE uploads SET bytes = ?, expires_at = NULL WHERE id = ? AND key = ?', size, id, seen.key)
	return 'committed'
}

/** When the earliest reservation is due to be settled, if any is outstanding. */
export function nextSettleAt(sql: SqlStorage, id: string): number | undefined {
	const row = sql
		.exec<{ at: number | null }>(
			'SELECT MIN(expires_at) AS at FROM uploads WHERE id = ? AND expires_at IS NOT NULL',
			id,
		)
		.toArray()[0]
	return row?.at == null ? undefined : row.at + SETTLE_GRACE_MS
}
