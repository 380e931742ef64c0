// The KV read replica: `share:<id>` holds each record for the hot public path and for
// listing. Only the share's Durable Object writes here (src/shares/state.ts).
import { isLimited, type Usage, withUsageExpiry } from './limits.ts'
import { kvExpiration } from './rules.ts'
import type { ShareRecord } from './schema.ts'

export const KEY_PREFIX = 'share:'
/** KV metadata is capped at 1024 bytes of serialized JSON. */
export const METADATA_LIMIT_BYTES = 1024

/** What KV list returns per key, so listing never needs one read per share. */
export interface ShareSummary {
	type: ShareRecord['type']
	key?: string
	prefix?: string
	/** The expiry in force: moved up by `expiresAfterFirstDownload` once a download started it. */
	expiresAt?: string
	notBefore?: string
	createdAt: string
	note?: string
	/** A download limit whose downloads are all spent. */
	exhausted?: true
}

const encoder = new TextEncoder()
const jsonBytes = (value: unknown) => encoder.encode(JSON.stringify(value)).byteLength

/**
 * The list metadata for a record (and its download counts, for a limited share): long text
 * fields are dropped until it fits, never the write.
 */
export function summary(record: ShareRecord, usage?: Usage): ShareSummary {
	const effective = usage ? withUsageExpiry(record, usage) : record
	const exhausted =
		usage !== undefined &&
		record.maxDownloads !== undefined &&
		isLimited(record) &&
		usage.downloads >= record.maxDownloads
	const { key, prefix, note, ...small }: ShareSummary = {
		type: record.type,
		...(record.type === 'file' ? { key: record.key } : { prefix: record.prefix }),
		expiresAt: effective.expiresAt,
		notBefore: record.notBefore,
		createdAt: record.createdAt,
		note: record.note,
		...(exhausted ? { exhausted: true as const } : {}),
	}
	const where = key === undefined ? { prefix } : { key }
	const candidates: ShareSummary[] = [
		{ ...small, ...where, note },
		{ ...small, ...where },
		{ ...small, note },
	]
	return candidates.find((candidate) => jsonBytes(candidate) <= METADATA_LIMIT_BYTES) ?? small
}

export async function putReplica(
	kv: KVNamespace,
	record: ShareRecord,
	nowMs: number,
	usage?: Usage,
): Promise<void> {
	const expiration = kvExpiration(record, nowMs)
	await kv.put(KEY_PREFIX + record.id, JSON.stringify(record), {
		metadata: summary(record, usage),
		...(expiration === undefined ? {} : { expiration }),
	})
}

export async function deleteReplica(kv: KVNamespace, id: string): Promise<void> {
	await kv.delete(KEY_PREFIX + id)
}

/** The stored text as it is, valid or not (a Durable Object adopting a record it never saw). */
export function readReplicaText(kv: KVNamespace, id: string): Promise<string | null> {
	return kv.get(KEY_PREFIX + id, 'text')
}
