// Upload reservations and quotas of the per-share Durable Object. Plain synchronous steps
// over SqlStorage: lapsed reservations are released, the totals read, checked and the slot
// written in one step, so concurrent reservations never exceed a quota.
import type { UploadRules } from './schema.ts'

// Files of an upload link: a reservation (expires_at set: the signature handed out lasts
// until then) or a committed file (expires_at NULL, bytes as COS reported them).
export const UPLOADS_SCHEMA = `CREATE TABLE IF NOT EXISTS uploads (
	id TEXT NOT NULL,
	key TEXT NOT NULL,
	bytes INTEGER NOT NULL,
	expires_at INTEGER,
	PRIMARY KEY (id, key)
)`

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
	nowMs: number,
): ReserveOutcome {
	sql.exec('DELETE FROM uploads WHERE id = ? AND expires_at IS NOT NULL AND expires_at <= ?', id, nowMs)
	const existing = uploadRow(sql, id, key)
	const totals = uploadTotals(sql, id, nowMs)
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

export function uploadTotals(sql: SqlStorage, id: string, nowMs: number): UploadUsage {
	const row = sql
		.exec<UploadTotalsRow>(
			`SELECT
				COALESCE(SUM(expires_at IS NULL), 0) AS files,
				COALESCE(SUM(CASE WHEN expires_at IS NULL THEN bytes ELSE 0 END), 0) AS bytes,
				COALESCE(SUM(expires_at > ?), 0) AS reserved_files,
				COALESCE(SUM(CASE WHEN expires_at > ? THEN bytes ELSE 0 END), 0) AS reserved_bytes
			FROM uploads WHERE id = ?`,
			nowMs,
			nowMs,
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
