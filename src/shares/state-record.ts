// The record table of the per-share Durable Object: one row per share id, its body and its
// revision. Plain synchronous steps over SqlStorage, so a caller's read-check-write never
// awaits between the read and the write.
import { applyPatch } from './edit.ts'
import { InvalidShareError } from './errors.ts'
import { type ShareRecord, type StoredPatch, shareRecordSchema } from './schema.ts'

/** `If-Match`: absent, `*` (any current record), or the revisions it would accept. */
export type IfMatch = '*' | readonly number[] | undefined

/** The stored record as this code sees it: readable, or stored by something it cannot read. */
export type StoredShare =
	| { kind: 'record'; record: ShareRecord }
	| { kind: 'invalid'; raw: unknown; message: string }

export type WriteOutcome =
	| { ok: true; record: ShareRecord | null }
	| { ok: false; reason: 'exists' | 'not_found' | 'precondition_failed' | 'uneditable' }
	| { ok: false; reason: 'invalid'; field: string; problem: string }

export interface RecordRow extends Record<string, SqlStorageValue> {
	body: string | null
	revision: number
}

export function parseStored(id: string, body: string): StoredShare {
	let raw: unknown
	try {
		raw = JSON.parse(body)
	} catch {
		return { kind: 'invalid', raw: body, message: 'the stored share is not JSON' }
	}
	const result = shareRecordSchema.safeParse(raw)
	if (!result.success) {
		const issue = result.error.issues[0]
		const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
		return {
			kind: 'invalid',
			raw,
			message: `${where}${issue?.message ?? 'does not match the record schema'}`,
		}
	}
	if (result.data.id !== id)
		return { kind: 'invalid', raw, message: `id: is "${result.data.id}", stored as "${id}"` }
	return { kind: 'record', record: result.data }
}

/** A revision for a record adopted from KV, so the next write still counts up from it. */
export function adoptedRevision(body: string): number {
	try {
		const revision: unknown = (JSON.parse(body) as { revision?: unknown } | null)?.revision
		return Number.isSafeInteger(revision) && (revision as number) > 0 ? (revision as number) : 0
	} catch {
		return 0
	}
}

export function matches(ifMatch: IfMatch, revision: number): boolean {
	return ifMatch === undefined || ifMatch === '*' || ifMatch.includes(revision)
}

export function readRow(sql: SqlStorage, id: string): RecordRow | undefined {
	return sql.exec<RecordRow>('SELECT body, revision FROM record WHERE id = ?', id).toArray()[0]
}

export function writeRow(sql: SqlStorage, id: string, body: string | null, revision: number): void {
	sql.exec(
		'INSERT INTO record (id, body, revision) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, revision = excluded.revision',
		id,
		body,
		revision,
	)
}

/** The stored share after `patch`, or why it cannot be patched; writes nothing. */
export function patchOutcome(
	stored: StoredShare | null,
	patch: StoredPatch,
	ifMatch: IfMatch,
	nowMs: number,
): WriteOutcome {
	if (!stored) return { ok: false, reason: 'not_found' }
	if (stored.kind === 'invalid') return { ok: false, reason: 'uneditable' }
	if (!matches(ifMatch, stored.record.revision)) return { ok: false, reason: 'precondition_failed' }
	try {
		return { ok: true, record: applyPatch(stored.record, patch, nowMs) }
	} catch (error) {
		if (!(error instanceof InvalidShareError)) throw error
		return { ok: false, reason: 'invalid', field: error.field, problem: error.problem }
	}
}
