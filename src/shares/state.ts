// The per-share Durable Object: the authoritative record of one share id. Every
// read-check-write happens inside one synchronous SQLite step (no await between the read
// and the write), so concurrent creates, patches and deletes of one id cannot interleave.
// KV is its read replica, written through after each change. The tables and their steps live
// in state-record.ts, state-downloads.ts, state-uploads.ts and state-attempts.ts.
import { DurableObject } from 'cloudflare:workers'
import type { Usage } from './limits.ts'
import { deleteReplica, putReplica, readReplicaText } from './replica.ts'
import { hasLapsed } from './rules.ts'
import { type ShareRecord, type StoredPatch, shareRecordSchema } from './schema.ts'
import {
	ATTEMPTS_SCHEMA,
	type AttemptOutcome,
	clearAttempts,
	clearNetworkAttempts,
	tryAttempt,
} from './state-attempts.ts'
import {
	type ConsumeOutcome,
	clearUsage,
	consumeDownload,
	type LiveShare,
	liveShare,
	readUsage,
	USAGE_SCHEMA,
} from './state-downloads.ts'
import {
	adoptedRevision,
	type IfMatch,
	matches,
	parseStored,
	patchOutcome,
	RECORD_SCHEMA,
	readRow,
	type StoredShare,
	type WriteOutcome,
	writeRow,
} from './state-record.ts'
import {
	clearUploads,
	commitSlot,
	holdsSlot,
	type ReserveOutcome,
	releaseSlot,
	reserveSlot,
	UPLOADS_SCHEMA,
	type UploadUsage,
	uploadTotals,
} from './state-uploads.ts'

export type { AttemptOutcome } from './state-attempts.ts'
export type { ConsumeOutcome, LiveShare } from './state-downloads.ts'
export type { IfMatch, StoredShare, WriteOutcome } from './state-record.ts'
export type { ReserveOutcome, UploadUsage } from './state-uploads.ts'

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
		this.sql.exec(RECORD_SCHEMA)
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
		return reserveSlot(this.sql, id, stored.record.upload, key, bytes, expiresAtMs, nowMs)
	}

	/**
	 * A file confirmed at COS: its slot is committed with the size COS reported. False when
	 * `key` was never reserved on this link (nothing is counted then).
	 */
	commitUpload(id: string, key: string, bytes: number): boolean {
		return commitSlot(this.sql, id, key, bytes)
	}

	/** A reservation that will not be used (the upload failed or was aborted). */
	releaseUpload(id: string, key: string): void {
		releaseSlot(this.sql, id, key)
	}

	/** Whether `key` is reserved or committed on this link: any other key was never issued here. */
	holdsUpload(id: string, key: string): boolean {
		return holdsSlot(this.sql, id, key)
	}

	/** Committed files and live reservations of an upload link, for the admin API. */
	uploadUsage(id: string, nowMs: number): UploadUsage {
		return uploadTotals(this.sql, id, nowMs)
	}

	/** The live share and its counts: null when there is none (deleted, never made, lapsed). */
	async live(id: string, nowMs: number): Promise<LiveShare | null> {
		await this.adopt(id)
		const stored = this.current(id, nowMs)
		return stored?.kind === 'record' ? liveShare(this.sql, id, stored.record) : null
	}

	/**
	 * Spends one download if the share still grants one. The read, the check and the count
	 * are one synchronous step, so concurrent requests can never be granted more than the limit.
	 */
	async consume(id: string, nowMs: number): Promise<ConsumeOutcome> {
		await this.adopt(id)
		const stored = this.current(id, nowMs)
		if (stored?.kind !== 'record') return { ok: false, reason: 'not_found' }
		return consumeDownload(this.sql, id, stored.record, nowMs)
	}

	/**
	 * Lets one unlock attempt from `network` (as clientNetwork() names it; an IPv6 /64 also
	 * counts against its /48) go ahead, or says how long to wait. The attempt counts as failed
	 * until unlockSucceeded() says otherwise, so concurrent guesses from one network cannot
	 * slip in between a check and its count.
	 */
	attempt(id: string, network: string, nowMs: number): AttemptOutcome {
		return tryAttempt(this.sql, id, network, nowMs)
	}

	/** The share's download counts, for the admin API. */
	counts(id: string): Usage {
		return readUsage(this.sql, id)
	}

	/** The right password: that network, and its /48 if it has one, start again from no failures. */
	unlockSucceeded(id: string, network: string): void {
		clearNetworkAttempts(this.sql, id, network)
	}

	/** A new share under an old id, or a deleted one: its counts go with it. */
	private clearCounts(id: string): void {
		clearUsage(this.sql, id)
		clearAttempts(this.sql, id)
		clearUploads(this.sql, id)
	}

	async read(id: string, nowMs: number): Promise<StoredShare | null> {
		await this.adopt(id)
		return this.current(id, nowMs)
	}

	async create(id: string, record: ShareRecord, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const row = readRow(this.sql, id)
		if (this.current(id, nowMs)) return { ok: false, reason: 'exists' }
		const revision = (row?.revision ?? 0) + 1
		const created = shareRecordSchema.parse({ ...record, id, revision })
		this.clearCounts(id)
		writeRow(this.sql, id, JSON.stringify(created), revision)
		await this.replicate(id)
		return { ok: true, record: created }
	}

	async patch(id: string, patch: StoredPatch, ifMatch: IfMatch, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const outcome = patchOutcome(this.current(id, nowMs), patch, ifMatch, nowMs)
		if (!outcome.ok || !outcome.record) return outcome
		writeRow(this.sql, id, JSON.stringify(outcome.record), outcome.record.revision)
		await this.replicate(id)
		return outcome
	}

	/** Deletes any stored share, readable or not; the tombstone keeps the revision counting. */
	async remove(id: string, ifMatch: IfMatch, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const row = readRow(this.sql, id)
		if (!row || !this.current(id, nowMs)) return { ok: false, reason: 'not_found' }
		if (!matches(ifMatch, row.revision)) return { ok: false, reason: 'precondition_failed' }
		this.clearCounts(id)
		writeRow(this.sql, id, null, row.revision + 1)
		await this.replicate(id)
		return { ok: true, record: null }
	}

	/** The live share, if any: a record past its KV retention is gone, as it is from KV. */
	private current(id: string, nowMs: number): StoredShare | null {
		const body = readRow(this.sql, id)?.body
		if (body === null || body === undefined) return null
		// Restricted shares read their record on every request: parse each stored body once.
		let stored = this.parsed?.body === body ? this.parsed.stored : undefined
		if (stored === undefined) {
			stored = parseStored(id, body)
			this.parsed = { body, stored }
		}
		return stored.kind === 'record' && hasLapsed(stored.record, nowMs) ? null : stored
	}

	/**
	 * Lazy migration: a share written to KV before this object existed becomes its record on
	 * first touch. The KV read is the only await; the check after it runs again, synchronously.
	 */
	private async adopt(id: string): Promise<void> {
		if (readRow(this.sql, id)) return
		const body = await readReplicaText(this.env.SHARES, id)
		if (body === null || readRow(this.sql, id)) return
		writeRow(this.sql, id, body, adoptedRevision(body))
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
		const body = readRow(this.sql, id)?.body
		if (body === null || body === undefined) return deleteReplica(this.env.SHARES, id)
		const stored = parseStored(id, body)
		if (stored.kind === 'record') await putReplica(this.env.SHARES, stored.record, Date.now())
	}
}
