import type { ShareRecord } from './schema.ts'

export type ShareState = 'active' | 'scheduled' | 'expired'

/** Expired records stay in KV this long, so a dead link says 410 rather than 404. */
export const EXPIRED_RETENTION_SECONDS = 30 * 86400
/** KV refuses an expiration less than 60 s away. */
const KV_MIN_EXPIRATION_SECONDS = 60

export function shareState(record: Pick<ShareRecord, 'notBefore' | 'expiresAt'>, nowMs: number): ShareState {
	// Whole seconds, as signatures count them: in its last fraction of a second a share
	// could not be given any signature that ends by its expiry, so it is over already.
	const expiresAt = expiresAtSeconds(record)
	if (expiresAt !== undefined && expiresAt <= Math.floor(nowMs / 1000)) return 'expired'
	if (record.notBefore !== undefined && Date.parse(record.notBefore) > nowMs) return 'scheduled'
	return 'active'
}

/** The KV `expiration` (Unix seconds) for a record, or undefined to keep it forever. */
export function kvExpiration(record: Pick<ShareRecord, 'expiresAt'>, nowMs: number): number | undefined {
	const expiresAt = expiresAtSeconds(record)
	if (expiresAt === undefined) return undefined
	return Math.max(expiresAt + EXPIRED_RETENTION_SECONDS, Math.ceil(nowMs / 1000) + KV_MIN_EXPIRATION_SECONDS)
}

/** The share's expiry as Unix seconds, to clamp signatures with. */
export function expiresAtSeconds(record: Pick<ShareRecord, 'expiresAt'>): number | undefined {
	return record.expiresAt === undefined ? undefined : Math.floor(Date.parse(record.expiresAt) / 1000)
}
