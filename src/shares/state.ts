// The per-share Durable Object: the authoritative record of one share id. Every
// read-check-write happens inside one synchronous SQLite step (no await between the read
// and the write), so concurrent creates, patches and deletes of one id cannot interleave.
// KV is its read replica, written through after each change.
import { DurableObject } from 'cloudflare:workers'
import { applyPatch } from './edit.ts'
import { InvalidShareError } from './errors.ts'
import {
	backoffSeconds,
	type Grant,
	grantFor,
	NO_USAGE,
	SHARE_ATTEMPTS_PER_MINUTE,
	type Usage,
	withUsageExpiry,
} from './limits.ts'
import { deleteReplica, putReplica, readReplicaText } from './replica.ts'
import { hasLapsed } from './rules.ts'
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

interface Row extends Record<string, SqlStorageValue> {
	body: string | null
	revision: number
}

// One row per object (its share id). `body` NULL is a tombstone: the id is free again but
// its revision never goes back, since edge caches will key on it. Exact counters (downloads,
// unlock attempts) belong in tables of their own beside this one.
const SCHEMA = `CREATE TABLE IF NOT EXISTS record (
	id TEXT PRIMARY KEY,
	body TEXT,
	revision INTEGER NOT NULL
)`
// Downloads granted per share id, and unlock attempts per share and client network ('*' is
// the share-wide row). Both are cleared when the id is created again or deleted.
const USAGE_SCHEMA = `CREATE TABLE IF NOT EXISTS usage (
	id TEXT PRIMARY KEY,
	downloads INTEGER NOT NULL,
	sequence INTEGER NOT NULL,
	first_at INTEGER,
	last_at INTEGER
)`
const ATTEMPTS_SCHEMA = `CREATE TABLE IF NOT EXISTS attempts (
	id TEXT NOT NULL,
	network TEXT NOT NULL,
	failures INTEGER NOT NULL,
	next_at INTEGER NOT NULL,
	PRIMARY KEY (id, network)
)`

// Files of an upload link: a reservation (expires_at set: the signature handed out lasts
// until then) or a committed file (expires_at NULL, bytes as COS reported them).
const UPLOADS_SCHEMA = `CREATE TABLE IF NOT EXISTS uploads (
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

interface UsageRow extends Record<string, SqlStorageValue> {
	downloads: number
	sequence: number
	first_at: number | null
	last_at: number | null
}

interface AttemptRow extends Record<string, SqlStorageValue> {
	failures: number
	next_at: number
}

/** An upload link's committed files and live reservations. */
export interface UploadUsage {
	files: number
	bytes: number
	reservedFiles: number
	reservedBytes: number
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

export type ReserveOutcome =
	| { ok: true }
	| { ok: false; reason: 'not_found' | 'max_files' | 'max_total_bytes' }

export type AttemptOutcome = { ok: true } | { ok: false; retryAfter: number }

function parseStored(id: string, body: string): StoredShare {
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
function adoptedRevision(body: string): number {
	try {
		const revision: unknown = (JSON.parse(body) as { revision?: unknown } | null)?.revision
		return Number.isSafeInteger(revision) && (revision as number) > 0 ? (revision as number) : 0
	} catch {
		return 0
	}
}

function matches(ifMatch: IfMatch, revision: number): boolean {
	return ifMatch === undefined || ifMatch === '*' || ifMatch.includes(revision)
}

export class ShareState extends DurableObject<Cloudflare.Env> {
	private readonly sql: SqlStorage
	/** The replica write waiting to start, if any: a later change can ride on it. */
	private queued: Promise<void> | undefined
	private tail: Promise<void> = Promise.resolve()
	/** The last body parsed and what it parsed to (records are immutable once stored). */
	private parsed: { body: string; stored: StoredShare } | undefined

	constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
		super(ctx, env)
		this.sql = ctx.storage.sql
		this.sql.exec(SCHEMA)
		this.sql.exec(USAGE_SCHEMA)
		this.sql.exec(ATTEMPTS_SCHEMA)
		this.sql.exec(UPLOADS_SCHEMA)
	}

	/**
	 * Reserves one file slot and its bytes for `key` until `expiresAtMs`, if the link's quotas
	 * allow it. Lapsed reservations are released, the totals read, checked and the slot written
	 * in one synchronous step, so concurrent reservations never exceed a quota.
	 */
	async reserveUpload(
		id: string,
		key: string,
		bytes: number,
		expiresAtMs: number,
		nowMs: number,
	): Promise<ReserveOutcome> {
		await this.adopt(id)
		const stored = this.current(id, nowMs)
		if (stored?.kind !== 'record' || stored.record.type !== 'upload')
			return { ok: false, reason: 'not_found' }
		this.sql.exec(
			'DELETE FROM uploads WHERE id = ? AND expires_at IS NOT NULL AND expires_at <= ?',
			id,
			nowMs,
		)
		const existing = this.uploadRow(id, key)
		const totals = this.uploadTotals(id, nowMs)
		const { maxFiles, maxTotalBytes } = stored.record.upload
		// A key already held (an overwrite of a committed file, a retry) needs no new slot.
		const files = totals.files + totals.reservedFiles + (existing ? 0 : 1)
		const total = totals.bytes + totals.reservedBytes - (existing?.bytes ?? 0) + bytes
		if (maxFiles !== undefined && files > maxFiles) return { ok: false, reason: 'max_files' }
		if (maxTotalBytes !== undefined && total > maxTotalBytes) return { ok: false, reason: 'max_total_bytes' }
		// A committed file keeps its row (and its slot) until a confirmation replaces its size.
		if (existing && existing.expires_at === null) {
			if (bytes > existing.bytes)
				this.sql.exec('UPDATE uploads SET bytes = ? WHERE id = ? AND key = ?', bytes, id, key)
			return { ok: true }
		}
		this.sql.exec(
			'INSERT INTO uploads (id, key, bytes, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id, key) DO UPDATE SET bytes = excluded.bytes, expires_at = excluded.expires_at',
			id,
			key,
			bytes,
			expiresAtMs,
		)
		return { ok: true }
	}

	/**
	 * A file confirmed at COS: its slot is committed with the size COS reported. False when
	 * `key` was never reserved on this link (nothing is counted then).
	 */
	commitUpload(id: string, key: string, bytes: number): boolean {
		if (!this.uploadRow(id, key)) return false
		this.sql.exec('UPDATE uploads SET bytes = ?, expires_at = NULL WHERE id = ? AND key = ?', bytes, id, key)
		return true
	}

	/** A reservation that will not be used (the upload failed or was aborted). */
	releaseUpload(id: string, key: string): void {
		this.sql.exec('DELETE FROM uploads WHERE id = ? AND key = ? AND expires_at IS NOT NULL', id, key)
	}

	/** Committed files and live reservations of an upload link, for the admin API. */
	uploadUsage(id: string, nowMs: number): UploadUsage {
		return this.uploadTotals(id, nowMs)
	}

	private uploadRow(id: string, key: string): UploadRow | undefined {
		return this.sql
			.exec<UploadRow>('SELECT bytes, expires_at FROM uploads WHERE id = ? AND key = ?', id, key)
			.toArray()[0]
	}

	private uploadTotals(id: string, nowMs: number): UploadUsage {
		const row = this.sql
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

	/** The live share and its counts: null when there is none (deleted, never made, lapsed). */
	async live(id: string, nowMs: number): Promise<LiveShare | null> {
		await this.adopt(id)
		return this.liveNow(id, nowMs)
	}

	/**
	 * Spends one download if the share still grants one. The read, the check and the count
	 * are one synchronous step, so concurrent requests can never be granted more than the limit.
	 */
	async consume(id: string, nowMs: number): Promise<ConsumeOutcome> {
		await this.adopt(id)
		const stored = this.current(id, nowMs)
		if (stored?.kind !== 'record') return { ok: false, reason: 'not_found' }
		const usage = this.usage(id)
		const grant = grantFor(stored.record, usage, nowMs)
		if (grant !== 'granted') return { ok: false, reason: grant }
		const next: Usage = {
			downloads: usage.downloads + 1,
			sequence: usage.sequence + 1,
			firstAt: usage.firstAt ?? nowMs,
			lastAt: nowMs,
		}
		this.sql.exec(
			'INSERT INTO usage (id, downloads, sequence, first_at, last_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET downloads = excluded.downloads, sequence = excluded.sequence, first_at = excluded.first_at, last_at = excluded.last_at',
			id,
			next.downloads,
			next.sequence,
			next.firstAt,
			next.lastAt,
		)
		return {
			ok: true,
			live: { record: withUsageExpiry(stored.record, next), usage: next },
			sequence: next.sequence,
		}
	}

	/**
	 * Lets one unlock attempt from `network` go ahead, or says how long to wait. The attempt
	 * counts as failed until unlockSucceeded() says otherwise, so concurrent guesses from one
	 * network cannot slip in between a check and its count.
	 */
	attempt(id: string, network: string, nowMs: number): AttemptOutcome {
		const own = this.attemptRow(id, network)
		const wait = Math.max(own.next_at - nowMs, this.shareWideWait(id, nowMs))
		if (wait > 0) return { ok: false, retryAfter: Math.ceil(wait / 1000) }
		const failures = own.failures + 1
		this.writeAttempt(id, network, failures, nowMs + backoffSeconds(failures) * 1000)
		return { ok: true }
	}

	/** The share's download counts, for the admin API. */
	counts(id: string): Usage {
		return this.usage(id)
	}

	/** The right password: that network starts again from no failures. */
	unlockSucceeded(id: string, network: string): void {
		this.sql.exec('DELETE FROM attempts WHERE id = ? AND network = ?', id, network)
	}

	/**
	 * The share-wide ceiling slows everyone, never blocks: past SHARE_ATTEMPTS_PER_MINUTE in a
	 * minute, attempts are spaced a second apart. Row '*': failures = count in the minute
	 * window starting at next_at.
	 */
	private shareWideWait(id: string, nowMs: number): number {
		const row = this.attemptRow(id, '*')
		const windowStart = nowMs - row.next_at >= 60_000 ? nowMs : row.next_at
		const count = windowStart === row.next_at ? row.failures + 1 : 1
		if (count > SHARE_ATTEMPTS_PER_MINUTE) {
			const last = this.attemptRow(id, '*last')
			if (nowMs - last.next_at < 1000) return last.next_at + 1000 - nowMs
		}
		this.writeAttempt(id, '*', count, windowStart)
		this.writeAttempt(id, '*last', 0, nowMs)
		return 0
	}

	private attemptRow(id: string, network: string): AttemptRow {
		return (
			this.sql
				.exec<AttemptRow>('SELECT failures, next_at FROM attempts WHERE id = ? AND network = ?', id, network)
				.toArray()[0] ?? { failures: 0, next_at: 0 }
		)
	}

	private writeAttempt(id: string, network: string, failures: number, nextAt: number): void {
		this.sql.exec(
			'INSERT INTO attempts (id, network, failures, next_at) VALUES (?, ?, ?, ?) ON CONFLICT (id, network) DO UPDATE SET failures = excluded.failures, next_at = excluded.next_at',
			id,
			network,
			failures,
			nextAt,
		)
	}

	private usage(id: string): Usage {
		const row = this.sql
			.exec<UsageRow>('SELECT downloads, sequence, first_at, last_at FROM usage WHERE id = ?', id)
			.toArray()[0]
		return row
			? { downloads: row.downloads, sequence: row.sequence, firstAt: row.first_at, lastAt: row.last_at }
			: NO_USAGE
	}

	private liveNow(id: string, nowMs: number): LiveShare | null {
		const stored = this.current(id, nowMs)
		if (stored?.kind !== 'record') return null
		const usage = this.usage(id)
		return { record: withUsageExpiry(stored.record, usage), usage }
	}

	/** A new share under an old id, or a deleted one: its counts go with it. */
	private clearCounts(id: string): void {
		this.sql.exec('DELETE FROM usage WHERE id = ?', id)
		this.sql.exec('DELETE FROM attempts WHERE id = ?', id)
		this.sql.exec('DELETE FROM uploads WHERE id = ?', id)
	}

	async read(id: string, nowMs: number): Promise<StoredShare | null> {
		await this.adopt(id)
		return this.current(id, nowMs)
	}

	async create(id: string, record: ShareRecord, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const row = this.row(id)
		if (this.current(id, nowMs)) return { ok: false, reason: 'exists' }
		const revision = (row?.revision ?? 0) + 1
		const created = shareRecordSchema.parse({ ...record, id, revision })
		this.clearCounts(id)
		this.write(id, JSON.stringify(created), revision)
		await this.replicate(id)
		return { ok: true, record: created }
	}

	async patch(id: string, patch: StoredPatch, ifMatch: IfMatch, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const stored = this.current(id, nowMs)
		if (!stored) return { ok: false, reason: 'not_found' }
		if (stored.kind === 'invalid') return { ok: false, reason: 'uneditable' }
		if (!matches(ifMatch, stored.record.revision)) return { ok: false, reason: 'precondition_failed' }
		let updated: ShareRecord
		try {
			updated = applyPatch(stored.record, patch, nowMs)
		} catch (error) {
			if (!(error instanceof InvalidShareError)) throw error
			return { ok: false, reason: 'invalid', field: error.field, problem: error.problem }
		}
		this.write(id, JSON.stringify(updated), updated.revision)
		await this.replicate(id)
		return { ok: true, record: updated }
	}

	/** Deletes any stored share, readable or not; the tombstone keeps the revision counting. */
	async remove(id: string, ifMatch: IfMatch, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const row = this.row(id)
		if (!row || !this.current(id, nowMs)) return { ok: false, reason: 'not_found' }
		if (!matches(ifMatch, row.revision)) return { ok: false, reason: 'precondition_failed' }
		this.clearCounts(id)
		this.write(id, null, row.revision + 1)
		await this.replicate(id)
		return { ok: true, record: null }
	}

	private row(id: string): Row | undefined {
		return this.sql.exec<Row>('SELECT body, revision FROM record WHERE id = ?', id).toArray()[0]
	}

	/** The live share, if any: a record past its KV retention is gone, as it is from KV. */
	private current(id: string, nowMs: number): StoredShare | null {
		const body = this.row(id)?.body
		if (body === null || body === undefined) return null
		// Restricted shares read their record on every request: parse each stored body once.
		let stored = this.parsed?.body === body ? this.parsed.stored : undefined
		if (stored === undefined) {
			stored = parseStored(id, body)
			this.parsed = { body, stored }
		}
		return stored.kind === 'record' && hasLapsed(stored.record, nowMs) ? null : stored
	}

	private write(id: string, body: string | null, revision: number): void {
		this.sql.exec(
			'INSERT INTO record (id, body, revision) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, revision = excluded.revision',
			id,
			body,
			revision,
		)
	}

	/**
	 * Lazy migration: a share written to KV before this object existed becomes its record on
	 * first touch. The KV read is the only await; the check after it runs again, synchronously.
	 */
	private async adopt(id: string): Promise<void> {
		if (this.row(id)) return
		const body = await readReplicaText(this.env.SHARES, id)
		if (body === null || this.row(id)) return
		this.write(id, body, adoptedRevision(body))
	}

	/**
	 * Writes the current SQL state to KV. Writes run one at a time and each reads the state
	 * when it starts, so the last one to land is always the latest state; changes made
	 * while a write waits to start share it (KV allows about one write per key per second).
	 */
	private replicate(id: string): Promise<void> {
		if (this.queued) return this.queued
		const run = this.tail.then(() => {
			this.queued = undefined
			return this.writeReplica(id)
		})
		this.queued = run
		this.tail = run.catch(() => undefined)
		return run
	}

	private async writeReplica(id: string): Promise<void> {
		const body = this.row(id)?.body
		if (body === null || body === undefined) return deleteReplica(this.env.SHARES, id)
		const stored = parseStored(id, body)
		if (stored.kind === 'record') await putReplica(this.env.SHARES, stored.record, Date.now())
	}
}
