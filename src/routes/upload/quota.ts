// Upload quotas (`upload.maxFiles`, `upload.maxTotalBytes`): each upload reserves its slot
// and bytes in the share's Durable Object before a URL or byte goes out, and is committed
// once COS has the object. Reservations never used lapse with their signature.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { releaseUpload, reserveUpload } from '../../shares/store.ts'
import type { Live } from './live.ts'

/** Longest a multipart or streamed reservation lasts (part URLs can be asked for again until then). */
const MULTIPART_RESERVATION_MS = 24 * 3600 * 1000

/** When a multipart or streamed upload's reservation lapses: a day, never past the link's own expiry. */
export function multipartReservationEnd(live: Live): number {
	const end = live.now + MULTIPART_RESERVATION_MS
	return live.notAfter === undefined ? end : Math.min(end, live.notAfter * 1000)
}

/** Holds a slot and `bytes` for `key` until `expiresAtMs`, or refuses with 409 upload_quota_reached. */
export async function reserve(
	c: Context<AppEnv>,
	live: Live,
	key: string,
	bytes: number,
	expiresAtMs: number,
): Promise<void> {
	const outcome = await reserveUpload(c.env, live.record.id, { key, bytes, expiresAtMs }, live.now)
	if (outcome.ok) return
	if (outcome.reason === 'not_found') throw notFound()
	const { maxFiles, maxTotalBytes } = live.record.upload
	throw new AppError(
		'upload_quota_reached',
		outcome.reason === 'max_files'
			? `This link accepts no more files (at most ${maxFiles}).`
			: `This link accepts no more bytes (at most ${maxTotalBytes} in all).`,
	)
}

/** Gives a reservation back: the upload will not happen. */
export function release(c: Context<AppEnv>, live: Live, key: string): Promise<void> {
	return releaseUpload(c.env, live.record.id, key)
}
