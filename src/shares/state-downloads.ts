// Download counts of the per-share Durable Object: how many were granted, the ticket
// sequence, and the first and last download. Plain synchronous steps over SqlStorage, so the
// read, the check and the count of a download are one step and the limit stays exact.
import { type Grant, grantFor, NO_USAGE, type Usage, withUsageExpiry } from './limits.ts'
import type { ShareRecord } from './schema.ts'

interface UsageRow extends Record<string, SqlStorageValue> {
	downloads: number
	first_at: number | null
	last_at: number | null
}

/** A live share and its counts, as a restricted share's every access reads them. */
export interface LiveShare {
	/** The record, its expiry moved up by `expiresAfterFirstDownload` once that applies. */
	record: ShareRecord
	usage: Usage
}

export type ConsumeOutcome =
	| { ok: true; live: LiveShare; sequence: number }
	| { ok: false; reason: Exclude<Grant, 'granted'> | 'not_found' }

export function readUsage(sql: SqlStorage, id: string): Usage {
	const row = sql
		.exec<UsageRow>('SELECT downloads, first_at, last_at FROM usage WHERE id = ?', id)
		.toArray()[0]
	return row ? { downloads: row.downloads, firstAt: row.first_at, lastAt: row.last_at } : NO_USAGE
}

export function liveShare(sql: SqlStorage, id: string, record: ShareRecord): LiveShare {
	const usage = readUsage(sql, id)
	return { record: withUsageExpiry(record, usage), usage }
}

/** Spends one download of `record` if it still grants one. */
export function consumeDownload(
	sql: SqlStorage,
	id: string,
	record: ShareRecord,
	nowMs: number,
): ConsumeOutcome {
	const usage = readUsage(sql, id)
	const grant = grantFor(record, usage, nowMs)
	if (grant !== 'granted') return { ok: false, reason: grant }
	const next: Usage = {
		downloads: usage.downloads + 1,
		firstAt: usage.firstAt ?? nowMs,
		lastAt: nowMs,
	}
	sql.exec(
		'INSERT INTO usage (id, downloads, first_at, last_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET downloads = excluded.downloads, first_at = excluded.first_at, last_at = excluded.last_at',
		id,
		next.downloads,
		next.firstAt,
		next.lastAt,
	)
	return {
		ok: true,
		live: { record: withUsageExpiry(record, next), usage: next },
		// The download's number: every grant is the next one.
		sequence: next.downloads,
	}
}

export function clearUsage(sql: SqlStorage, id: string): void {
	sql.exec('DELETE FROM usage WHERE id = ?', id)
}
