// The per-share Durable Object: the authoritative record of one share id. Every
// read-check-write happens inside one synchronous SQLite step (no await between the read
// and the write), so concurrent creates, patches and deletes of one id cannot interleave.
// KV is its read replica, fed through an outbox (state-outbox.ts): the step that changes a
// share also records what KV owes, and its alarm retries until KV has it. The alarm also
// settles lapsed upload reservations and forgets what is no longer needed (state-cleanup.ts),
// so each object's storage stays bounded. Tables and their steps live in state-*.ts; the
// schema is versioned in state-schema.ts.
import { DurableObject } from 'cloudflare:workers'
import { objectSize } from '../cos/object.ts'
import { readConfig } from '../env.ts'
import { log } from '../log.ts'
import { isLimited, type Usage } from './limits.ts'
import { deleteReplica, putReplica, readReplicaText } from './replica.ts'
import { hasLapsed } from './rules.ts'
import { type ShareRecord, type StoredPatch, shareRecordSchema } from './schema.ts'
import { type AttemptOutcome, clearAttempts, clearNetworkAttempts, tryAttempt } from './state-attempts.ts'
import { lapseAt, nextAttemptPruneAt, pruneAttempts } from './state-cleanup.ts'
import {
	type ConsumeOutcome,
	clearUsage,
	consumeDownload,
	type LiveShare,
	liveShare,
	readUsage,
} from './state-downloads.ts'
import { clearOutbox, nextOwedAt, owe, owed, paid, retryLater } from './state-outbox.ts'
import {
	adoptedRevision,
	type IfMatch,
	matches,
	parseStored,
	patchOutcome,
	readRow,
	type StoredShare,
	type WriteOutcome,
	writeRow,
} from './state-record.ts'
import { migrate, readMeta, writeMeta } from './state-schema.ts'
import { forgetSent, nextSentAt, purgeDueSent, releaseSent, sentDueAt, trackSent } from './state-sent.ts'
import {
	clearUploads,
	commitSlot,
	holdsSlot,
	lapsedReservations,
	nextSettleAt,
	type ReserveOutcome,
	releaseSlot,
	reserveSlot,
	settleReservation,
	type UploadUsage,
	uploadTotals,
} from './state-uploads.ts'

export type { AttemptOutcome } from './state-attempts.ts'
export type { ConsumeOutcome, LiveShare } from './state-downloads.ts'
export type { IfMatch, StoredShare, WriteOutcome } from './state-record.ts'
export type { ReserveOutcome, UploadUsage } from './state-uploads.ts'

/** An alarm never fires sooner than this after it is set: bursts of changes share one. */
const MIN_ALARM_DELAY_MS = 100
/** setAlarm refuses dates after 2189: a share that lives longer is looked at again then. */
const MAX_ALARM_MS = Date.UTC(2189, 0, 1)

export class ShareState extends DurableObject<Cloudflare.Env> {
	private readonly sql: SqlStorage
	/** The replica write waiting to start, if any: a later change can ride on it. */
	private queued: Promise<void> | undefined
	private tail: Promise<void> = Promise.resolve()
	/** The last body parsed and what it parsed to (records are immutable once stored). */
	private parsed: { body: string; stored: StoredShare } | undefined

	/** Set once this instance has retried what a previous one left owed. */
	private resumed = false

	constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
		super(ctx, env)
		this.sql = ctx.storage.sql
		migrate(this.sql)
	}

	/**
	 * The first call after a restart (or an eviction) writes what KV is still owed at once,
	 * without waiting for the alarm; it never delays the call itself.
	 */
	private resume(id: string): void {
		if (this.resumed) return
		this.resumed = true
		if (owed(this.sql, id)) this.ctx.waitUntil(this.replicate(id))
	}

	/** Sets the alarm for the earliest thing this object must do later, or clears it. */
	private schedule(id: string, nowMs = Date.now()): Promise<void> {
		const record = this.current(id, nowMs)
		const times = [
			nextOwedAt(this.sql),
			nextAttemptPruneAt(this.sql, id),
			nextSettleAt(this.sql, id),
			nextSentAt(this.sql, id),
			record?.kind === 'record' ? lapseAt(record.record) : undefined,
		].filter((at): at is number => at !== undefined)
		if (times.length === 0) return this.ctx.storage.deleteAlarm()
		return this.ctx.storage.setAlarm(
			Math.min(Math.max(Math.min(...times), nowMs + MIN_ALARM_DELAY_MS), MAX_ALARM_MS),
		)
	}

	/** The id this object serves: every row names it (one object per share id). */
	private ownId(): string | undefined {
		for (const table of ['record', 'outbox', 'uploads', 'attempts', 'usage', 'sent'])
			for (const row of this.sql.exec<{ id: string }>(`SELECT id FROM ${table} LIMIT 1`)) return row.id
		return undefined
	}

	/**
	 * Whatever is due: KV's debt, lapsed upload reservations (asked of COS), attempt rows and
	 * a share past its 410 period forgotten. Then the next alarm. A failure here is logged and
	 * retried by the next alarm; nothing is lost.
	 */
	override async alarm(): Promise<void> {
		const id = this.ownId()
		if (id === undefined) return
		const nowMs = Date.now()
		this.resumed = true
		const debt = owed(this.sql, id)
		if (debt && debt.next_at <= nowMs) await this.replicate(id)
		await this.settleUploads(id, nowMs)
		if ((nextSentAt(this.sql, id) ?? Number.POSITIVE_INFINITY) <= nowMs)
			await purgeDueSent(this.sql, id, readConfig(this.env), nowMs)
		pruneAttempts(this.sql, id, nowMs)
		this.forgetLapsed(id, nowMs)
		await this.schedule(id)
	}

	/** A share past its 30-day 410 period keeps only its revision (so revisions never go back). */
	private forgetLapsed(id: string, nowMs: number): void {
		const row = readRow(this.sql, id)
		if (!row?.body) return
		const stored = parseStored(id, row.body)
		if (stored.kind !== 'record' || !hasLapsed(stored.record, nowMs)) return
		this.clearCounts(id)
		clearOutbox(this.sql, id)
		forgetSent(this.sql, id)
		writeRow(this.sql, id, null, row.revision)
	}

	/** When a sent share's objects are due, by its record and its download counts. */
	private trackSent(id: string, record: ShareRecord): void {
		if (record.type === 'upload' || !record.sent) return
		const ticketTtlMs = (readConfig(this.env).ticketTtl ?? 3600) * 1000
		trackSent(this.sql, id, record, sentDueAt(record, readUsage(this.sql, id), ticketTtlMs))
	}

	/**
	 * Settles reservations whose signature lapsed: COS is asked (outside any SQL step) whether
	 * each key arrived, then each is settled in a step of its own that checks it again.
	 */
	private async settleUploads(id: string, nowMs: number): Promise<void> {
		const lapsed = lapsedReservations(this.sql, id, nowMs)
		if (lapsed.length === 0) return
		const config = readConfig(this.env)
		for (const seen of lapsed) {
			let size: number | null
			try {
				size = await objectSize({
					credentials: config.credentials,
					target: config.target,
					key: seen.key,
					now: Date.now(),
					ttl: 60,
				})
			} catch (error) {
				// Still held: the next alarm asks again.
				log('error', 'upload_settle_failed', { type: error instanceof Error ? error.name : 'unknown' })
				continue
			}
			settleReservation(this.sql, id, seen, size)
		}
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
		const outcome = reserveSlot(this.sql, id, stored.record.upload, key, bytes, expiresAtMs)
		// The reservation is settled after it lapses (asked of COS): the alarm must come for it.
		if (outcome.ok) await this.schedule(id, nowMs)
		return outcome
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

	/** Committed files and reservations not yet settled of an upload link, for the admin API. */
	uploadUsage(id: string): UploadUsage {
		return uploadTotals(this.sql, id)
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
		const outcome = consumeDownload(this.sql, id, stored.record, nowMs)
		if (outcome.ok && changesSummary(stored.record, outcome.live.usage)) {
			// The first download started an expiry, or the last one spent the limit: the list
			// (KV metadata) must say so, and sent files get their time to go.
			this.trackSent(id, stored.record)
			owe(this.sql, id, stored.record.revision, nowMs + 1000)
			await this.schedule(id, nowMs)
			// The download never waits for KV.
			this.ctx.waitUntil(this.replicate(id))
		}
		return outcome
	}

	/**
	 * Lets one unlock attempt from `network` (as clientNetwork() names it; an IPv6 /64 also
	 * counts against its /48) go ahead, or says how long to wait. The attempt counts as failed
	 * until unlockSucceeded() says otherwise, so concurrent guesses from one network cannot
	 * slip in between a check and its count.
	 */
	async attempt(id: string, network: string, nowMs: number): Promise<AttemptOutcome> {
		const outcome = tryAttempt(this.sql, id, network, nowMs)
		// Attempt rows are forgotten a day after their wait ends: the alarm comes for them.
		await this.schedule(id, nowMs)
		return outcome
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
		this.trackSent(id, created)
		await this.committed(id, revision, nowMs)
		return { ok: true, record: created }
	}

	async patch(id: string, patch: StoredPatch, ifMatch: IfMatch, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const outcome = patchOutcome(this.current(id, nowMs), patch, ifMatch, nowMs)
		if (!outcome.ok || !outcome.record) return outcome
		writeRow(this.sql, id, JSON.stringify(outcome.record), outcome.record.revision)
		this.trackSent(id, outcome.record)
		await this.committed(id, outcome.record.revision, nowMs)
		return outcome
	}

	/** Deletes any stored share, readable or not; the tombstone keeps the revision counting. */
	async remove(id: string, ifMatch: IfMatch, nowMs: number): Promise<WriteOutcome> {
		await this.adopt(id)
		const row = readRow(this.sql, id)
		if (!row || !this.current(id, nowMs)) return { ok: false, reason: 'not_found' }
		if (!matches(ifMatch, row.revision)) return { ok: false, reason: 'precondition_failed' }
		// Sent files go with their share (the alarm deletes them, retrying until COS agrees).
		releaseSent(this.sql, id, nowMs)
		this.clearCounts(id)
		writeRow(this.sql, id, null, row.revision + 1)
		await this.committed(id, row.revision + 1, nowMs)
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
		this.resume(id)
		if (readMeta(this.sql, 'adopted') === 1 || readRow(this.sql, id)) return
		const body = await readReplicaText(this.env.SHARES, id)
		// Once looked, never again: after this, KV holds only what this object wrote.
		if (readMeta(this.sql, 'adopted') === 1) return
		writeMeta(this.sql, 'adopted', 1)
		if (body === null || readRow(this.sql, id)) return
		writeRow(this.sql, id, body, adoptedRevision(body))
	}

	/**
	 * After a change: KV owes `revision` (recorded in the same step as the change, with the
	 * alarm that retries it), then the write is tried at once. The answer never waits on more
	 * than that try, and never reports a failure for a change that is committed.
	 */
	private async committed(id: string, revision: number, nowMs: number): Promise<void> {
		owe(this.sql, id, revision, nowMs + 1000)
		await this.schedule(id, nowMs)
		await this.replicate(id)
	}

	/**
	 * Writes the current SQL state to KV. Writes run one at a time and each reads the state
	 * when it starts, so the last one to land is always the latest state and KV never goes
	 * back; changes made while a write waits to start share it (KV allows about one write per
	 * key per second). A failed write stays owed and is retried by the alarm, with backoff.
	 */
	private replicate(id: string): Promise<void> {
		if (this.queued) return this.queued
		const run = this.tail.then(() => {
			this.queued = undefined
			return this.writeReplica(id)
		})
		this.queued = run
		// A write that failed stays owed: neither the next write nor the caller sees it fail.
		this.tail = run.catch(() => undefined)
		return this.tail
	}

	private async writeReplica(id: string): Promise<void> {
		const row = readRow(this.sql, id)
		if (!row || !owed(this.sql, id)) return
		try {
			if (row.body === null) await deleteReplica(this.env.SHARES, id)
			else {
				const stored = parseStored(id, row.body)
				if (stored.kind === 'record') {
					const { record } = stored
					const usage = isLimited(record) ? readUsage(this.sql, id) : undefined
					await putReplica(this.env.SHARES, record, Date.now(), usage)
				}
			}
			paid(this.sql, id, row.revision)
		} catch (error) {
			const nextAt = retryLater(this.sql, id, Date.now())
			log('error', 'replica_write_failed', {
				revision: row.revision,
				retryInMs: nextAt - Date.now(),
				type: error instanceof Error ? error.name : 'unknown',
			})
			await this.schedule(id)
		}
	}
}

/** Whether a granted download changes what the list shows: a started expiry, a spent limit. */
function changesSummary(record: ShareRecord, usage: Usage): boolean {
	if (!isLimited(record)) return false
	if (usage.downloads === 1 && record.expiresAfterFirstDownload !== undefined) return true
	return record.maxDownloads !== undefined && usage.downloads === record.maxDownloads
}
