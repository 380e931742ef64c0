// Authorize: the one gate every route under a share's id runs behind, for every kind of
// share. It unlocks (password or extraction code, by cookie or Bearer token), and for a
// limited share spends a download (then the bytes leave only through a ticket) or refuses.
// Routes after it only deliver; they never decide who may have the bytes.
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { wantsPage } from '../../http/negotiate.ts'
import { keyUnder } from '../../http/share-path.ts'
import { isLimited } from '../../shares/limits.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { consumeDownload } from '../../shares/store.ts'
import type { TicketTarget } from '../../shares/tokens.ts'
import { asFileShare, deliverProbe } from '../deliver/file.ts'
import { reportSpend } from '../report.ts'
import {
	backFrom,
	backWithin,
	isUnlocked,
	notGranted,
	passwordRequired,
	ticketPath,
	unlockPage,
} from './gate.tsx'
import { type Intent, intentOf, isLooking, sharePathOf } from './intent.ts'
import { liveResolved } from './resolve.ts'

function redirect(status: 302 | 303, location: string): Response {
	return new Response(null, {
		status,
		headers: { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE, Location: location },
	})
}

/** Spends one download for `target` and sends the client to its ticket; 410 when none remain. */
export async function spendDownload(
	c: Context<AppEnv>,
	record: ShareRecord,
	target: TicketTarget,
	status: 302 | 303,
): Promise<Response> {
	const { now } = c.var.share
	const outcome = await consumeDownload(c.env, record.id, now)
	if (!outcome.ok) throw notGranted(outcome.reason)
	reportSpend(c, outcome.live.record, target, outcome.sequence)
	return redirect(status, await ticketPath(c.var.config, outcome.live.record, outcome.sequence, target, now))
}

/** The one object a probe of `target` reads, or a 404 when the target names none. */
function probed(record: ShareRecord, target: TicketTarget) {
	if (record.type === 'file' && target.kind === 'file') return record
	if (record.type !== 'folder' || target.kind !== 'path') throw notFound()
	const path = sharePathOf(target.path)
	const key = path && keyUnder(record.prefix, path)
	if (key === undefined) throw notFound()
	return asFileShare(record, key)
}

/** What a limited share does with each intent: only looks and headers reach the routes. */
function limited(c: Context<AppEnv>, record: ShareRecord, intent: Intent): Promise<Response> | 'pass' {
	switch (intent.kind) {
		case 'look':
		case 'head':
		case 'upload':
		case 'none':
			return 'pass'
		case 'card':
			// A bot or a prefetch never spends: it is shown the folder level instead.
			return Promise.resolve(redirect(303, intent.listing))
		case 'preview':
			// A preview would be a download that spends nothing.
			throw new AppError('not_found', 'This file has no preview.')
		case 'probe':
			return deliverProbe(c, probed(record, intent.target), c.var.config, c.var.share.now)
		case 'download':
			return spendDownload(c, record, intent.target, 302)
	}
}

export const authorize = createMiddleware<AppEnv>(async (c, next) => {
	const { record, now } = c.var.share
	// Unrestricted shares have nothing to check: the routes serve them as they are.
	if (!record.restricted) return next()
	const { method } = c.req
	const url = new URL(c.req.url)
	const headers = c.req.raw.headers
	if (!(await isUnlocked(c, record, c.var.config, now))) {
		if (method === 'GET' && (isLooking(headers, method) || wantsPage(headers, method)))
			return unlockPage(c, record, 401, undefined, backWithin(record.id, backFrom(url)))
		return passwordRequired(c)
	}
	if (!isLimited(record)) return next()
	const intent = intentOf(record, url, method, headers)
	// A spend asks the share's object once, and that call checks the counts itself; a look, a
	// HEAD or a probe reads them (what is left, or 410 when nothing is).
	if (!c.var.share.live && intent.kind !== 'download' && intent.kind !== 'none' && intent.kind !== 'upload')
		c.set('share', await liveResolved(c, record.id, now))
	const outcome = limited(c, c.var.share.record, intent)
	if (outcome === 'pass') return next()
	return outcome
})
