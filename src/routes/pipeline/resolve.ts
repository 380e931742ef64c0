// Resolve: the share record behind an id, or the error a visitor sees. No signing here.
// A restricted share (protected, limited, strict) is read from its Durable Object every
// time, so a DELETE or PATCH has taken effect before the next request; it never takes the
// KV-and-cache fast path.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { isShareId } from '../../shares/id.ts'
import { grantFor, isLimited, NO_USAGE, type Usage } from '../../shares/limits.ts'
import { shareState } from '../../shares/rules.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { getShare, liveShare } from '../../shares/store.ts'
import { notGranted } from './gate.tsx'
import { countMiss, missWait } from './miss-limit.ts'

export interface Resolved<T extends ShareRecord = ShareRecord> {
	record: T
	/** The share's download counts; NO_USAGE for an unrestricted share (never counted). */
	usage: Usage
}

/** The live share named by the route's `:id` at `now`, with its counts. */
export async function resolveLive(c: Context<AppEnv>, now: number): Promise<Resolved> {
	const id = c.req.param('id') ?? ''
	const ip = c.req.header('cf-connecting-ip')
	const wait = missWait(ip, now)
	if (wait > 0) {
		c.header('Retry-After', String(wait))
		throw new AppError(
			429,
			'too_many_attempts',
			'Too many unknown links from your network; wait and try again.',
		)
	}
	if (!isShareId(id)) throw notFound()
	const cached = await getShare(c.env.SHARES, id)
	if (!cached) {
		await countMiss(ip, now, c.env)
		throw notFound()
	}
	let resolved: Resolved = { record: cached, usage: NO_USAGE }
	if (cached.restricted) {
		const live = await liveShare(c.env, id, now)
		if (!live) throw notFound()
		resolved = live
	}
	const { record, usage } = resolved
	const state = shareState(record, now)
	// A share that is not valid yet does not exist yet, as far as a visitor can tell.
	if (state === 'scheduled') throw notFound()
	if (state === 'expired')
		throw new AppError(410, 'share_expired', 'Its time is up. Ask whoever shared it for a new link.')
	if (isLimited(record)) {
		const grant = grantFor(record, usage, now)
		if (grant !== 'granted') throw notGranted(grant)
	}
	return resolved
}

/** The live share named by the route's `:id` at `now`; unreadable records surface through onError. */
export async function resolveShare(c: Context<AppEnv>, now: number): Promise<ShareRecord> {
	return (await resolveLive(c, now)).record
}
