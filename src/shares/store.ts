// One interface over both homes of a share record: the public hot path reads the KV
// replica through a short in-isolate cache; admin reads and writes go to the share's
// Durable Object (src/shares/state.ts), which writes through to KV. Routes never care which.
// KV is eventually consistent (about 60 s across locations); the in-isolate cache adds at
// most RECORD_CACHE_TTL_MS to how long a revoked link can still answer somewhere.
import {
	InvalidShareError,
	PreconditionFailedError,
	ShareExistsError,
	ShareNotFoundError,
	UneditableRecordError,
} from './errors.ts'
import type { Usage } from './limits.ts'
import { KEY_PREFIX } from './replica.ts'
import { type ShareRecord, type StoredPatch, shareRecordSchema } from './schema.ts'
import type {
	AttemptOutcome,
	ConsumeOutcome,
	IfMatch,
	LiveShare,
	ReserveOutcome,
	StoredShare,
	UploadUsage,
	WriteOutcome,
} from './state.ts'

export const RECORD_CACHE_TTL_MS = 10_000
export const RECORD_CACHE_LIMIT = 1000

export class InvalidRecordError extends Error {
	override readonly name = 'InvalidRecordError'
	readonly id: string
	constructor(id: string) {
		super(`the stored share "${id}" does not match the record schema`)
		this.id = id
	}
}

interface CacheEntry {
	record: ShareRecord | null
	at: number
}

interface IsolateCache {
	entries: Map<string, CacheEntry>
	/** Counts this isolate's writes: a read that began before one must not cache what it saw. */
	writes: number
}

// Keyed by the KV binding, so two environments (or test files) never share entries.
const caches = new WeakMap<KVNamespace, IsolateCache>()

function cacheFor(kv: KVNamespace): IsolateCache {
	let cache = caches.get(kv)
	if (!cache) {
		cache = { entries: new Map(), writes: 0 }
		caches.set(kv, cache)
	}
	return cache
}

/** Forget every cached record (tests; an admin write forgets its own record already). */
export function clearShareCache(kv: KVNamespace): void {
	const cache = cacheFor(kv)
	cache.entries.clear()
	cache.writes++
}

/** This isolate changed a share: forget it, and let no read already in flight cache it again. */
function forget(kv: KVNamespace, id: string): void {
	const cache = cacheFor(kv)
	cache.entries.delete(id)
	cache.writes++
}

function parseRecord(id: string, raw: unknown): ShareRecord {
	const result = shareRecordSchema.safeParse(raw)
	if (!result.success || result.data.id !== id) throw new InvalidRecordError(id)
	return result.data
}

/** The record the in-isolate cache holds for `id` right now, without asking KV; undefined if none. */
export function peekShare(kv: KVNamespace, id: string, nowMs: number): ShareRecord | null | undefined {
	const hit = caches.get(kv)?.entries.get(id)
	return hit && nowMs - hit.at < RECORD_CACHE_TTL_MS ? hit.record : undefined
}

/** Reads a share for the public path: the KV replica, through the in-isolate cache. */
export async function getShare(kv: KVNamespace, id: string, nowMs = Date.now()): Promise<ShareRecord | null> {
	const cache = cacheFor(kv)
	const hit = cache.entries.get(id)
	if (hit && nowMs - hit.at < RECORD_CACHE_TTL_MS) return hit.record
	const writes = cache.writes
	const raw = await kv.get<unknown>(KEY_PREFIX + id, 'json')
	const record = raw === null ? null : parseRecord(id, raw)
	if (cache.writes !== writes) return record
	cache.entries.delete(id)
	if (cache.entries.size >= RECORD_CACHE_LIMIT) cache.entries.delete(cache.entries.keys().next().value ?? '')
	cache.entries.set(id, { record, at: nowMs })
	return record
}

/** What the admin API needs: the KV replica and the Durable Objects that write it. */
export type ShareEnv = Pick<Cloudflare.Env, 'SHARES' | 'SHARE_STATE'>

function stateOf(env: ShareEnv, id: string) {
	return env.SHARE_STATE.get(env.SHARE_STATE.idFromName(id))
}

function settle(env: ShareEnv, id: string, outcome: WriteOutcome): ShareRecord | null {
	if (outcome.ok) {
		forget(env.SHARES, id)
		return outcome.record
	}
	switch (outcome.reason) {
		case 'exists':
			throw new ShareExistsError(id)
		case 'not_found':
			throw new ShareNotFoundError(id)
		case 'precondition_failed':
			throw new PreconditionFailedError(id)
		case 'uneditable':
			throw new UneditableRecordError(id)
		case 'invalid':
			throw new InvalidShareError(outcome.field, outcome.problem)
	}
}

/** The authoritative record, or what is stored when this code cannot read it; null when none. */
export function readShare(env: ShareEnv, id: string, nowMs = Date.now()): Promise<StoredShare | null> {
	return stateOf(env, id).read(id, nowMs)
}

/** Creates a share; exactly one of any number of concurrent creates of an id succeeds. */
export async function createShare(
	env: ShareEnv,
	record: ShareRecord,
	nowMs = Date.now(),
): Promise<ShareRecord> {
	const created = settle(env, record.id, await stateOf(env, record.id).create(record.id, record, nowMs))
	if (!created) throw new Error('a create returned no record')
	return created
}

export async function updateShare(
	env: ShareEnv,
	id: string,
	patch: StoredPatch,
	ifMatch: IfMatch,
	nowMs = Date.now(),
): Promise<ShareRecord> {
	const updated = settle(env, id, await stateOf(env, id).patch(id, patch, ifMatch, nowMs))
	if (!updated) throw new Error('a patch returned no record')
	return updated
}

/** Deletes any stored share, readable or not; a later PATCH of the id finds nothing. */
export async function deleteShare(
	env: ShareEnv,
	id: string,
	ifMatch: IfMatch,
	nowMs = Date.now(),
): Promise<void> {
	settle(env, id, await stateOf(env, id).remove(id, ifMatch, nowMs))
}

/**
 * A restricted share as it is right now, from its Durable Object: no KV delay, no cache, so
 * a DELETE or PATCH has already taken effect. Null when it is gone.
 */
export function liveShare(env: ShareEnv, id: string, nowMs = Date.now()): Promise<LiveShare | null> {
	return stateOf(env, id).live(id, nowMs)
}

/** Spends one download of a share, exactly: see ShareState.consume. */
export function consumeDownload(env: ShareEnv, id: string, nowMs = Date.now()): Promise<ConsumeOutcome> {
	return stateOf(env, id).consume(id, nowMs)
}

export function downloadCounts(env: ShareEnv, id: string): Promise<Usage> {
	return stateOf(env, id).counts(id)
}

/**
 * Asks to try a password from `network`, as clientNetwork() names it (an IPv6 /64 also counts
 * against its /48); the attempt counts as failed until it succeeds.
 */
export function unlockAttempt(
	env: ShareEnv,
	id: string,
	network: string,
	nowMs = Date.now(),
): Promise<AttemptOutcome> {
	return stateOf(env, id).attempt(id, network, nowMs)
}

/** The right password from `network`: it, and its /48 if it has one, start again from no failures. */
export async function unlockSucceeded(env: ShareEnv, id: string, network: string): Promise<void> {
	await stateOf(env, id).unlockSucceeded(id, network)
}

/** Reserves a file slot and its bytes on an upload link until `expiresAtMs`: see ShareState.reserveUpload. */
export function reserveUpload(
	env: ShareEnv,
	id: string,
	upload: { key: string; bytes: number; expiresAtMs: number },
	nowMs = Date.now(),
): Promise<ReserveOutcome> {
	return stateOf(env, id).reserveUpload(id, upload.key, upload.bytes, upload.expiresAtMs, nowMs)
}

/** Commits a reserved upload confirmed at COS; false when the key was never reserved. */
export function commitUpload(env: ShareEnv, id: string, key: string, bytes: number): Promise<boolean> {
	return stateOf(env, id).commitUpload(id, key, bytes)
}

export async function releaseUpload(env: ShareEnv, id: string, key: string): Promise<void> {
	await stateOf(env, id).releaseUpload(id, key)
}

/** Whether `key` is reserved or committed on the upload link `id`: see ShareState.holdsUpload. */
export function holdsUpload(env: ShareEnv, id: string, key: string): Promise<boolean> {
	return stateOf(env, id).holdsUpload(id, key)
}

export function uploadUsage(env: ShareEnv, id: string): Promise<UploadUsage> {
	return stateOf(env, id).uploadUsage(id)
}
