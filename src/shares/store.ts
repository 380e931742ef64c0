// Share records in Workers KV under `share:<id>`, behind a short in-isolate cache.
// KV is eventually consistent (about 60 s across locations); the in-isolate cache adds at
// most RECORD_CACHE_TTL_MS to how long a revoked link can still answer somewhere.

import { kvExpiration } from './rules.ts'
import { type ShareRecord, shareRecordSchema } from './schema.ts'

export const KEY_PREFIX = 'share:'
export const RECORD_CACHE_TTL_MS = 10_000
const RECORD_CACHE_LIMIT = 1000
const METADATA_LIMIT = 1024

export class InvalidRecordError extends Error {
	override readonly name = 'InvalidRecordError'
	readonly id: string
	constructor(id: string) {
		super(`the stored share "${id}" does not match the record schema`)
		this.id = id
	}
}

/** What KV list returns per key, so listing never needs one read per share. */
export interface ShareSummary {
	type: ShareRecord['type']
	key?: string
	expiresAt?: string
	notBefore?: string
	createdAt: string
	note?: string
}

interface CacheEntry {
	record: ShareRecord | null
	at: number
}

// Keyed by the KV binding, so two environments (or test files) never share entries.
const caches = new WeakMap<KVNamespace, Map<string, CacheEntry>>()

function cacheFor(kv: KVNamespace): Map<string, CacheEntry> {
	let cache = caches.get(kv)
	if (!cache) {
		cache = new Map()
		caches.set(kv, cache)
	}
	return cache
}

/** Forget every cached record (tests; an admin write forgets its own record already). */
export function clearShareCache(kv: KVNamespace): void {
	caches.get(kv)?.clear()
}

function parseRecord(id: string, raw: unknown): ShareRecord {
	const result = shareRecordSchema.safeParse(raw)
	if (!result.success || result.data.id !== id) throw new InvalidRecordError(id)
	return result.data
}

/** Reads a share, through the in-isolate cache. */
export async function getShare(kv: KVNamespace, id: string, nowMs = Date.now()): Promise<ShareRecord | null> {
	const cache = cacheFor(kv)
	const hit = cache.get(id)
	if (hit && nowMs - hit.at < RECORD_CACHE_TTL_MS) return hit.record
	const record = await getShareUncached(kv, id)
	if (cache.size >= RECORD_CACHE_LIMIT) cache.delete(cache.keys().next().value ?? '')
	cache.set(id, { record, at: nowMs })
	return record
}

/** Reads a share straight from KV (the admin API must see its own writes). */
export async function getShareUncached(kv: KVNamespace, id: string): Promise<ShareRecord | null> {
	const raw = await kv.get<unknown>(KEY_PREFIX + id, 'json')
	return raw === null ? null : parseRecord(id, raw)
}

function summary(record: ShareRecord): ShareSummary {
	const full: ShareSummary = {
		type: record.type,
		key: record.key,
		expiresAt: record.expiresAt,
		notBefore: record.notBefore,
		createdAt: record.createdAt,
		note: record.note,
	}
	if (JSON.stringify(full).length <= METADATA_LIMIT) return full
	// KV metadata is capped at 1024 bytes: keep what always fits.
	const { key: _key, note: _note, ...small } = full
	return small
}

export async function putShare(kv: KVNamespace, record: ShareRecord, nowMs = Date.now()): Promise<void> {
	const expiration = kvExpiration(record, nowMs)
	await kv.put(KEY_PREFIX + record.id, JSON.stringify(shareRecordSchema.parse(record)), {
		metadata: summary(record),
		...(expiration === undefined ? {} : { expiration }),
	})
	caches.get(kv)?.delete(record.id)
}

export async function deleteShare(kv: KVNamespace, id: string): Promise<void> {
	await kv.delete(KEY_PREFIX + id)
	caches.get(kv)?.delete(id)
}

export interface ShareList {
	shares: (ShareSummary & { id: string })[]
	cursor: string | undefined
}

export async function listShares(kv: KVNamespace, limit: number, cursor?: string): Promise<ShareList> {
	const page = await kv.list<ShareSummary>({ prefix: KEY_PREFIX, limit, ...(cursor ? { cursor } : {}) })
	return {
		shares: page.keys.map(({ name, metadata }) => ({
			id: name.slice(KEY_PREFIX.length),
			...(metadata ?? { type: 'file' as const, createdAt: '' }),
		})),
		cursor: page.list_complete ? undefined : page.cursor,
	}
}
