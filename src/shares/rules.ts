import type { ShareRecord } from './schema.ts'

export type ShareStatus = 'active' | 'scheduled' | 'expired'

/** Expired records stay in KV this long, so a dead link says 410 rather than 404. */
export const EXPIRED_RETENTION_SECONDS = 30 * 86400
/** KV refuses an expiration less than 60 s away. */
const KV_MIN_EXPIRATION_SECONDS = 60
/** KV's `expiration` is a signed 32-bit count of seconds (2038-01-19T03:14:07Z). */
export const KV_MAX_EXPIRATION_SECONDS = 2 ** 31 - 1

export function shareState(record: Pick<ShareRecord, 'notBefore' | 'expiresAt'>, nowMs: number): ShareStatus {
	// Whole seconds, as signatures count them: in its last fraction of a second a share
	// could not be given any signature that ends by its expiry, so it is over already.
	const expiresAt = expiresAtSeconds(record)
	if (expiresAt !== undefined && expiresAt <= Math.floor(nowMs / 1000)) return 'expired'
	if (record.notBefore !== undefined && Date.parse(record.notBefore) > nowMs) return 'scheduled'
	return 'active'
}

/**
 * The KV `expiration` (Unix seconds) for a record, or undefined to keep it forever: also
 * when the date is past what KV can hold, since such a record outlives any deployment.
 */
export function kvExpiration(record: Pick<ShareRecord, 'expiresAt'>, nowMs: number): number | undefined {
	const expiresAt = expiresAtSeconds(record)
	if (expiresAt === undefined) return undefined
	const expiration = Math.max(
		expiresAt + EXPIRED_RETENTION_SECONDS,
		Math.ceil(nowMs / 1000) + KV_MIN_EXPIRATION_SECONDS,
	)
	return expiration > KV_MAX_EXPIRATION_SECONDS ? undefined : expiration
}

/** Whether KV has dropped (or would have dropped) this record by now: its id is free again. */
export function hasLapsed(record: Pick<ShareRecord, 'expiresAt'>, nowMs: number): boolean {
	const expiresAt = expiresAtSeconds(record)
	return expiresAt !== undefined && expiresAt + EXPIRED_RETENTION_SECONDS <= Math.floor(nowMs / 1000)
}

/** The share's expiry as Unix seconds, to clamp signatures with. */
export function expiresAtSeconds(record: Pick<ShareRecord, 'expiresAt'>): number | undefined {
	return record.expiresAt === undefined ? undefined : Math.floor(Date.parse(record.expiresAt) / 1000)
}
