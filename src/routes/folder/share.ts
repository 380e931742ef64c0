// What the folder routes share: the folder share behind a request, one level's listing,
// and a key inside the prefix seen as a file share.
import type { Context } from 'hono'
import { ListError } from '../../cos/list.ts'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { parseSharePath } from '../../http/share-path.ts'
import { log } from '../../log.ts'
import type { FileShareRecord, FolderShareRecord } from '../../shares/schema.ts'
import { resolveShare } from '../pipeline/resolve.ts'
import { type LevelRequest, type Listing, listOf, toListing } from './listing.ts'

export function lastName(path: string): string {
	const parts = path.split('/').filter((part) => part !== '')
	return parts.at(-1) ?? ''
}

/**
 * A listing COS did not give, as a file share answers a failed object: 502 origin_error,
 * whether COS answered an error, answered nonsense, could not be reached or did not answer
 * in time. One warn line says which (no URL: it would carry the prefix).
 */
function listingFailed(error: unknown): never {
	if (error instanceof ListError) {
		const cause = error.cause instanceof Error ? error.cause.name : undefined
		log('warn', 'listing_failed', {
			status: error.status,
			reason: error.timedOut ? 'timeout' : error.status === 0 ? 'unreachable' : 'answer',
			type: cause,
		})
		const message = error.timedOut
			? 'The storage service did not answer in time.'
			: error.status === 0
				? 'The storage service could not be reached.'
				: 'The storage service could not list this folder.'
		throw new AppError(502, 'origin_error', `${message} Please try again.`)
	}
	throw error
}

export async function listing(req: LevelRequest): Promise<Listing> {
	try {
		return toListing(req, await listOf(req))
	} catch (error) {
		return listingFailed(error)
	}
}

/** A file inside the prefix, as the file share of that one key would deliver it. */
export function asFileShare(record: FolderShareRecord, key: string): FileShareRecord {
	const { prefix: _prefix, type: _type, ...common } = record
	return { ...common, type: 'file', key }
}

/** Refused paths and other kinds of share both end here: nothing was asked of COS. */
export async function folderShare(c: Context<AppEnv>, skip: number, now: number) {
	const path = parseSharePath(new URL(c.req.url).pathname, skip)
	const record = await resolveShare(c, now)
	if (record.type !== 'folder') return undefined
	if (path === undefined) throw notFound()
	return { record, path }
}
