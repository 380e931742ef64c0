// What the download page says about the object (size, type, last change), from a signed HEAD
// to COS. Remembered per share revision for a few seconds, so a busy page or a player's
// burst of preview requests HEADs COS once, not on every view.
import type { Context } from 'hono'
import { signObjectRequest } from '../../cos/presign.ts'
import type { AppEnv, Config } from '../../env.ts'
import { storedMediaType } from '../../http/mime.ts'
import { requestObject } from '../../http/proxy.ts'
import type { FileShareRecord } from '../../shares/schema.ts'
import { originFailure, originUnreachable } from './origin-failure.ts'
import { servingOf, signingInput } from './serving.ts'

export interface ObjectInfo {
	/** Bytes, from Content-Length. */
	size: number
	/** COS's stored type, normalized; undefined when malformed or an octet-stream (unknown). */
	contentType: string | undefined
	lastModified: Date | undefined
}

export const OBJECT_INFO_TTL_MS = 5000
export const OBJECT_INFO_LIMIT = 500

interface Remembered {
	at: number
	info: ObjectInfo
}

// Keyed by the KV binding, like the record cache: two environments (or test files) never
// share entries. A new revision is a new entry, so an edited share is described afresh.
const memos = new WeakMap<object, Map<string, Remembered>>()

function memoFor(owner: object): Map<string, Remembered> {
	let memo = memos.get(owner)
	if (!memo) {
		memo = new Map()
		memos.set(owner, memo)
	}
	return memo
}

function remember(memo: Map<string, Remembered>, key: string, entry: Remembered): void {
	memo.delete(key)
	// Oldest first: a Map iterates in insertion order.
	if (memo.size >= OBJECT_INFO_LIMIT) {
		const oldest = memo.keys().next()
		if (!oldest.done) memo.delete(oldest.value)
	}
	memo.set(key, entry)
}

function parseInfo(headers: Headers): ObjectInfo {
	const length = Number(headers.get('content-length') ?? '')
	const modified = Date.parse(headers.get('last-modified') ?? '')
	return {
		size: Number.isSafeInteger(length) && length >= 0 ? length : 0,
		contentType: storedMediaType(headers.get('content-type')),
		lastModified: Number.isNaN(modified) ? undefined : new Date(modified),
	}
}

async function headObject(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
): Promise<ObjectInfo> {
	const signed = await signObjectRequest(signingInput(servingOf(record, config, 'HEAD', now)))
	let upstream: Response
	try {
		// No client headers: this HEAD describes the object, whatever the visitor sent.
		upstream = await requestObject({
			signed,
			method: 'HEAD',
			client: new Headers(),
			timeoutMs: config.originTimeoutMs,
			now,
		})
	} catch (error) {
		originUnreachable(c, error)
	}
	if (upstream.status !== 200) return originFailure(c, upstream)
	await upstream.body?.cancel()
	return parseInfo(upstream.headers)
}

/** The object behind a file share; COS's 404 is a 404, its other failures a 502. */
export async function objectInfo(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
): Promise<ObjectInfo> {
	const memo = memoFor(c.env.SHARES)
	const key = `${record.id}\n${record.revision}`
	const hit = memo.get(key)
	if (hit && now >= hit.at && now - hit.at < OBJECT_INFO_TTL_MS) return hit.info
	const info = await headObject(c, record, config, now)
	remember(memo, key, { at: now, info })
	return info
}
