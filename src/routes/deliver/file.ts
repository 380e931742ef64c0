// One object of a share, delivered the share's way (redirect or stream) or as the one-byte
// probe. Shared by file shares, the files of folder shares and download tickets.
import type { Context } from 'hono'
import type { AppEnv, Config } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { CACHE_BYPASS } from '../../http/edge-cache.ts'
import { NO_STORE } from '../../http/headers.ts'
import type { FileShareRecord, FolderShareRecord } from '../../shares/schema.ts'
import { redirectTo } from './redirect.ts'
import { fetchObject, relay } from './relay.ts'
import { deliveryOf, type Presentation, presentationOf, type Serving, servingOf } from './serving.ts'
import { streamObject } from './stream.ts'

/** How a delivery may differ from the share's own: a ticket's shorter life, a forced stream. */
export interface DeliveryOptions {
	/** Unix seconds no signature may outlive. */
	notAfter?: number | undefined
	/** The longest signature, in seconds. */
	maxTtl?: number | undefined
	stream?: boolean | undefined
	/** What a signature may be reused for within its second; a fresh object reuses nothing. */
	memoOwner?: object | undefined
}

/** A key inside a folder share's prefix, as the file share of that one key would deliver it. */
export function asFileShare(record: FolderShareRecord, key: string): FileShareRecord {
	const { prefix: _prefix, type: _type, ...common } = record
	return { ...common, type: 'file', key }
}

/** The file itself, by the share's delivery (or as the options say). */
export async function deliverFile(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
	options: DeliveryOptions = {},
): Promise<Response> {
	const base = servingOf(record, config, c.req.method === 'HEAD' ? 'HEAD' : 'GET', now)
	const serving: Serving = {
		...base,
		ttl: options.maxTtl === undefined ? base.ttl : Math.min(base.ttl, options.maxTtl),
		notAfter:
			options.notAfter === undefined
				? base.notAfter
				: Math.min(base.notAfter ?? options.notAfter, options.notAfter),
	}
	let look: Presentation | undefined
	const presentation = () => {
		look ??= presentationOf(record)
		return look
	}
	return options.stream || deliveryOf(record, config, presentation) === 'stream'
		? streamObject(c, serving, presentation())
		: redirectTo(serving, options.memoOwner ?? record, presentation)
}

const PROBE_CACHING = { cacheControl: `${NO_STORE}, no-transform`, cacheStatus: CACHE_BYPASS }

/**
 * The free one-byte probe of a limited share: streamed, asking COS for the first byte and
 * nothing else (the client's If-Range and conditionals are not passed on, so no failed
 * validator can widen it), and refused if COS answers with more than one byte anyway.
 */
export async function deliverProbe(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
): Promise<Response> {
	const serving = { ...servingOf(record, config, 'GET', now), edgeCache: undefined }
	const upstream = await fetchObject(c, serving, new Headers({ range: 'bytes=0-0' }))
	const hasBody = upstream.status === 200 || upstream.status === 206
	const length = Number(upstream.headers.get('content-length') ?? Number.NaN)
	if (hasBody && !(length <= 1)) {
		await upstream.body?.cancel()
		throw new AppError('origin_error', 'The storage service answered a one-byte request with more.')
	}
	return relay(c, 'GET', presentationOf(record), upstream, PROBE_CACHING)
}
