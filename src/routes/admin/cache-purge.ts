// An edited or deleted share's cached object, removed where this worker can reach it: the
// Cache API is per data centre, so elsewhere the old entry just stops being asked for (an
// edit bumps the revision in its key) and ages out.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { edgeCache, edgeCacheUrl } from '../../http/edge-cache.ts'
import { log } from '../../log.ts'
import { requestId } from '../../request-id.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { getShare } from '../../shares/store.ts'

/** The record as the public path sees it now, if it has something in the edge cache. */
export async function cachedRecord(c: Context<AppEnv>, id: string): Promise<ShareRecord | undefined> {
	try {
		const record = await getShare(c.env.SHARES, id)
		return record?.cache ? record : undefined
	} catch (error) {
		// An unreadable record was never served, so it has nothing cached; still worth a line.
		log('error', 'cache_record_unreadable', {
			type: error instanceof Error ? error.name : 'unknown',
			requestId: requestId(c),
		})
		return undefined
	}
}

export async function purgeCached(c: Context<AppEnv>, record: ShareRecord | undefined): Promise<void> {
	const cache = edgeCache()
	if (!cache || record?.type !== 'file') return
	const config = c.var.config
	try {
		await cache.delete(
			edgeCacheUrl({
				origin: config.publicBaseUrl ?? new URL(c.req.url).origin,
				shareId: record.id,
				revision: record.revision,
				objectKey: record.key,
			}),
		)
	} catch (error) {
		// The change is committed; an old entry is keyed by the old revision and ages out.
		log('error', 'cache_purge_failed', {
			type: error instanceof Error ? error.name : 'unknown',
			requestId: requestId(c),
		})
	}
}
