// What every delivery of one object needs: the signing inputs, read once per request so
// every rule and signature agree, and how the share wants the file presented.
import type { PresignInput } from '../../cos/presign.ts'
import type { Config, Delivery } from '../../env.ts'
import type { Disposition } from '../../http/content-disposition.ts'
import { isPlayableMedia, mediaTypeFor, normalizeMediaType, OCTET_STREAM } from '../../http/mime.ts'
import { expiresAtSeconds } from '../../shares/rules.ts'
import type { FileShareRecord } from '../../shares/schema.ts'

export type Method = 'GET' | 'HEAD'

/** One request for one object. */
export interface Serving {
	config: Config
	method: Method
	/** Milliseconds since the epoch, read once per request. */
	now: number
	key: string
	/** Seconds a signature lives. */
	ttl: number
	/** Unix seconds no signature may outlive (the share's expiry). */
	notAfter: number | undefined
	/** COS's per-request cap in bits per second (the share states bytes per second). */
	trafficLimit: number | undefined
	/** Set when the share opted into the edge cache: what names its entries, and for how long. */
	edgeCache: EdgeCacheOptIn | undefined
}

export interface EdgeCacheOptIn {
	shareId: string
	/** The record's revision: an edited share never finds an entry cached before the edit. */
	revision: number
	maxAge: number
}

/** How the share asks for the file to be shown; the delivery decides what is safe. */
export interface Presentation {
	filename: string
	/** The share's own contentType, normalized, if it set a well-formed one. */
	contentType: string | undefined
	disposition: Disposition
}

function basename(key: string): string {
	return key.slice(key.lastIndexOf('/') + 1) || key
}

/** The type a file name really determines, or undefined for no or an unknown extension. */
export function typeByName(filename: string): string | undefined {
	const type = mediaTypeFor(filename)
	return type === OCTET_STREAM ? undefined : type
}

export function presentationOf(record: FileShareRecord): Presentation {
	return {
		filename: record.filename ?? basename(record.key),
		contentType: normalizeMediaType(record.contentType),
		disposition: record.disposition ?? 'attachment',
	}
}

export function servingOf(record: FileShareRecord, config: Config, method: Method, now: number): Serving {
	return {
		config,
		method,
		now,
		key: record.key,
		ttl: record.signTtl ?? config.signTtl,
		notAfter: expiresAtSeconds(record),
		trafficLimit: record.bandwidthLimit === undefined ? undefined : record.bandwidthLimit * 8,
		edgeCache: record.cache && { shareId: record.id, revision: record.revision, maxAge: record.cache.maxAge },
	}
}

/**
 * A share's delivery, else the configured default. Inline audio and video stream unless the
 * share chose: a player keeps reusing the first redirect's signed URL for every Range
 * request, so a redirected video could no longer seek once that signature ran out.
 */
export function deliveryOf(record: FileShareRecord, config: Config, look: () => Presentation): Delivery {
	// Only the worker can answer from its edge cache.
	if (record.cache) return 'stream'
	if (record.delivery) return record.delivery
	if (record.disposition === 'inline') {
		const { contentType, filename } = look()
		const type = contentType ?? typeByName(filename)
		if (type !== undefined && isPlayableMedia(type)) return 'stream'
	}
	return config.defaultDelivery
}

export function signingInput(serving: Serving): PresignInput {
	return {
		credentials: serving.config.credentials,
		target: serving.config.target,
		method: serving.method,
		key: serving.key,
		ttl: serving.ttl,
		notAfter: serving.notAfter,
		now: serving.now,
		trafficLimit: serving.trafficLimit,
	}
}
