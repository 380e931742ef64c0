// Sent files (POST /api/uploads, `coslink send`) belong to the share made of them: when it
// expires, runs out of downloads or is deleted, the per-share Durable Object deletes them
// from the bucket. One row per object or folder a share owns, written in the same
// synchronous step as the change that makes it due; the object's alarm deletes what is due,
// retrying with backoff, and only ever under SEND_PREFIX.

import type { CosBucket } from '../cos/endpoint.ts'
import { listLevel } from '../cos/list.ts'
import type { CosCall } from '../cos/multipart.ts'
import { deleteObject } from '../cos/object.ts'
import type { CosCredentials } from '../cos/presign.ts'
import { log } from '../log.ts'
import { type Usage, withUsageExpiry } from './limits.ts'
import type { ShareRecord } from './schema.ts'
import { RETRY_BASE_MS, RETRY_MAX_MS } from './state-outbox.ts'

interface SentRow extends Record<string, SqlStorageValue> {
	target: string
	folder: number
	tries: number
}

/** What a sent share owns: its object, or every object under its folder. */
export function sentTarget(record: ShareRecord): { target: string; folder: boolean } | undefined {
	if (record.type === 'upload' || !record.sent) return undefined
	return record.type === 'file'
		? { target: record.key, folder: false }
		: { target: record.prefix, folder: true }
}

/**
 * When a sent share's objects are due to go: at its expiry in force (moved up by its first
 * download), or once its downloads are spent and the last ticket has run out; null when
 * neither will happen by itself (it goes when the share is deleted).
 */
export function sentDueAt(record: ShareRecord, usage: Usage, ticketTtlMs: number): number | null {
	const times: number[] = []
	const expiresAt = withUsageExpiry(record, usage).expiresAt
	if (expiresAt !== undefined) times.push(Date.parse(expiresAt))
	if (record.maxDownloads !== undefined && usage.downloads >= record.maxDownloads && usage.lastAt !== null)
		times.push(usage.lastAt + ticketTtlMs)
	return times.length === 0 ? null : Math.min(...times)
}

/** A sent share was created or changed: its objects are due at `dueAt` (null: only with it). */
export function trackSent(sql: SqlStorage, id: string, record: ShareRecord, dueAt: number | null): void {
	const owned = sentTarget(record)
	if (!owned) return
	// A row already done stays done: its objects are gone, an edit cannot bring them back.
	sql.exec(
		'INSERT INTO sent (id, target, folder, due_at, tries, done) VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (id, target) DO UPDATE SET due_at = excluded.due_at WHERE done = 0',
		id,
		owned.target,
		owned.folder ? 1 : 0,
		dueAt,
	)
}

/** The share was deleted: whatever it still owns is due now; rows already done are forgotten. */
export function releaseSent(sql: SqlStorage, id: string, nowMs: number): void {
	sql.exec('UPDATE sent SET due_at = ? WHERE id = ? AND done = 0', nowMs, id)
	sql.exec('DELETE FROM sent WHERE id = ? AND done = 1', id)
}

/** A share past its 410 period: rows already done are no longer needed. */
export function forgetSent(sql: SqlStorage, id: string): void {
	sql.exec('DELETE FROM sent WHERE id = ? AND done = 1', id)
}

/** When the next sent objects are due, if any are waiting. */
export function nextSentAt(sql: SqlStorage, id: string): number | undefined {
	const row = sql
		.exec<{ at: number | null }>(
			'SELECT MIN(due_at) AS at FROM sent WHERE id = ? AND done = 0 AND due_at IS NOT NULL',
			id,
		)
		.toArray()[0]
	return row?.at ?? undefined
}

function dueRows(sql: SqlStorage, id: string, nowMs: number): SentRow[] {
	return sql
		.exec<SentRow>(
			'SELECT target, folder, tries FROM sent WHERE id = ? AND done = 0 AND due_at <= ? ORDER BY due_at LIMIT 10',
			id,
			nowMs,
		)
		.toArray()
}

/** Objects one alarm deletes at most; a larger folder goes on at the next alarm. */
const MAX_DELETES_PER_ALARM = 500

export interface PurgeConfig {
	credentials: CosCredentials
	target: CosBucket
	sendPrefix: string
}

/** Deletes the objects of one due row; false when it stopped at the cap with objects left. */
async function purge(config: PurgeConfig, row: SentRow, budget: { left: number }): Promise<boolean> {
	const call = (key: string): CosCall => ({
		credentials: config.credentials,
		target: config.target,
		key,
		now: Date.now(),
		ttl: 60,
	})
	if (row.folder === 0) {
		budget.left--
		await deleteObject(call(row.target))
		return true
	}
	const folders = [row.target]
	while (folders.length > 0) {
		const prefix = folders.pop() as string
		let marker: string | undefined
		do {
			const page = await listLevel({
				credentials: config.credentials,
				target: config.target,
				prefix,
				marker,
				maxKeys: 1000,
				ttl: 60,
				now: Date.now(),
			})
			folders.push(...page.folders)
			for (const object of page.objects) {
				if (budget.left <= 0) return false
				budget.left--
				await deleteObject(call(object.key))
			}
			marker = page.nextMarker
		} while (marker !== undefined)
	}
	return true
}

/** Deletes whatever sent objects are due; a failure is logged and retried later, with backoff. */
export async function purgeDueSent(sql: SqlStorage, id: string, config: PurgeConfig, nowMs: number) {
	const budget = { left: MAX_DELETES_PER_ALARM }
	for (const row of dueRows(sql, id, nowMs)) {
		// Defence in depth: a share can only be marked sent under SEND_PREFIX, and nothing
		// outside it is ever deleted, whatever a record says.
		if (!row.target.startsWith(config.sendPrefix)) {
			log('error', 'sent_outside_prefix', { shareId: id })
			sql.exec('UPDATE sent SET done = 1 WHERE id = ? AND target = ?', id, row.target)
			continue
		}
		try {
			if (await purge(config, row, budget)) {
				sql.exec('UPDATE sent SET done = 1 WHERE id = ? AND target = ?', id, row.target)
				log('info', 'sent_deleted', { shareId: id, folder: row.folder === 1 })
			} else {
				// The cap: the rest goes at the next alarm, soon.
				sql.exec('UPDATE sent SET due_at = ? WHERE id = ? AND target = ?', Date.now() + 1000, id, row.target)
				return
			}
		} catch (error) {
			const tries = row.tries + 1
			const retryAt = Date.now() + Math.min(RETRY_BASE_MS * 2 ** (tries - 1), RETRY_MAX_MS)
			sql.exec(
				'UPDATE sent SET tries = ?, due_at = ? WHERE id = ? AND target = ?',
				tries,
				retryAt,
				id,
				row.target,
			)
			log('error', 'sent_delete_failed', {
				shareId: id,
				tries,
				type: error instanceof Error ? error.name : 'unknown',
			})
		}
	}
}
