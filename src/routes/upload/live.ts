// An upload link as the upload routes see it: the live record, the signing call for a key,
// and the rules applied to one file before anything is sent to COS.
import type { Context } from 'hono'
import type { CosCall } from '../../cos/multipart.ts'
import type { AppEnv, Config } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { mediaTypeFor, normalizeMediaType } from '../../http/mime.ts'
import type { UploadShareRecord } from '../../shares/schema.ts'
import { checkFile, renderKey, sanitizeName } from '../../shares/upload-rules.ts'

export interface Live {
	record: UploadShareRecord
	config: Config
	now: number
	/** The share's expiry, Unix seconds: no signature outlives it. */
	notAfter: number | undefined
}

/** The upload link the pipeline resolved and authorized; 404 for any other kind of share. */
export function resolveUploadShare(c: Context<AppEnv>): Live {
	const { record, now } = c.var.share
	if (record.type !== 'upload') throw notFound()
	const notAfter = record.expiresAt ? Math.floor(Date.parse(record.expiresAt) / 1000) : undefined
	return { record, config: c.var.config, now, notAfter }
}

export function callFor(live: Live, key: string): CosCall {
	const ttl = Math.min(
		live.config.signTtl * 12,
		3600,
		(live.notAfter ?? Number.POSITIVE_INFINITY) - Math.floor(live.now / 1000),
	)
	return {
		credentials: live.config.credentials,
		target: live.config.target,
		key,
		now: live.now,
		ttl: Math.max(ttl, 1),
	}
}

/**
 * The type the object is stored with (the pre-signed PUT, the streamed PUT and a multipart
 * initiation all use it): the declared type normalized (one lowercase type/subtype and at
 * most a charset), else the name's, else application/octet-stream.
 */
export function storedType(declared: string | undefined, name: string): string {
	return normalizeMediaType(declared) ?? mediaTypeFor(name)
}

/** The rules, then the key: a refusal here means nothing was sent to COS. */
export function admit(live: Live, file: { name: string; size: number; type: string }) {
	const name = sanitizeName(file.name)
	const failure = checkFile(live.record.upload, { ...file, name })
	if (failure) throw new AppError(failure.code, failure.message)
	let key: string
	try {
		key = renderKey(live.record.prefix, live.record.upload.keyTemplate, name, live.now)
	} catch {
		throw new AppError('invalid_body', 'name: makes a key longer than storage accepts', {
			field: 'name',
		})
	}
	return { name, key }
}

export const overwriteHeaders = (live: Live): Record<string, string> =>
	live.record.upload.overwrite ? {} : { 'x-cos-forbid-overwrite': 'true' }
