// Resolve: the share record behind an id, or the error a visitor sees. No signing here.
import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import { isShareId } from '../shares/id.ts'
import { shareState } from '../shares/rules.ts'
import type { FileShareRecord, ShareRecord } from '../shares/schema.ts'
import { getShare } from '../shares/store.ts'

/** The live share named by the route's `:id` at `now`; unreadable records surface through onError. */
export async function resolveShare(c: Context<AppEnv>, now: number): Promise<ShareRecord> {
	const id = c.req.param('id') ?? ''
	if (!isShareId(id)) throw notFound()
	const record = await getShare(c.env.SHARES, id)
	if (!record) throw notFound()
	const state = shareState(record, now)
	// A share that is not valid yet does not exist yet, as far as a visitor can tell.
	if (state === 'scheduled') throw notFound()
	if (state === 'expired')
		throw new AppError(410, 'share_expired', 'Its time is up. Ask whoever shared it for a new link.')
	return record
}

/** A live file share: the routes of other kinds of share answer for their own ids. */
export async function resolveFileShare(c: Context<AppEnv>, now: number): Promise<FileShareRecord> {
	const record = await resolveShare(c, now)
	if (record.type !== 'file') throw notFound()
	return record
}
