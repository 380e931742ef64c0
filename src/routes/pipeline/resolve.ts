// Resolve: the share behind a request's id and its state, or the error a visitor sees. The
// record comes from KV (through the isolate cache); only a `strict` share is read from its
// Durable Object on every request, so a DELETE or PATCH of it has taken effect before its
// next request. Other restricted shares follow KV's bound: a protected one is checked by the
// HMAC of its token against the KV record, and a limited one asks its object only where the
// counts matter (authorize.ts: a spend, or a look at what is left). No signing here, and no
// decision about who may have the bytes: that is authorize.ts.
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, ResolvedShare } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { isShareId } from '../../shares/id.ts'
import { grantFor, isLimited, NO_USAGE } from '../../shares/limits.ts'
import { shareState } from '../../shares/rules.ts'
import { getShare, liveShare } from '../../shares/store.ts'
import { notGranted } from './gate.tsx'
import { countMiss, missWait } from './miss-limit.ts'

const ZIP_PREFIX = '/_/zip/'

/** The id a share route names: /<id>… or /_/zip/<id>/…, read from the URL as sent. */
export function shareIdOf(url: string): string {
	const path = new URL(url).pathname
	const rest = path.startsWith(ZIP_PREFIX) ? path.slice(ZIP_PREFIX.length) : path.slice(1)
	const end = rest.indexOf('/')
	return end < 0 ? rest : rest.slice(0, end)
}

/** The live share `id` at `now`, with its counts; 404, 410 or 429 when there is none to serve. */
export async function resolveLive(c: Context<AppEnv>, id: string, now: number): Promise<ResolvedShare> {
	const ip = c.req.header('cf-connecting-ip')
	const wait = missWait(ip, now)
	if (wait > 0) {
		c.header('Retry-After', String(wait))
		throw new AppError('too_many_attempts', 'Too many unknown links were asked for from your network.')
	}
	if (!isShareId(id)) throw notFound()
	const cached = await getShare(c.env.SHARES, id)
	if (!cached) {
		await countMiss(ip, now, c.env)
		throw notFound()
	}
	if (cached.strict) return liveResolved(c, id, now)
	return checked({ record: cached, usage: NO_USAGE, now, live: false })
}

/** The share as its Durable Object holds it now, with its counts; 404, 410 as for any read. */
export async function liveResolved(c: Context<AppEnv>, id: string, now: number): Promise<ResolvedShare> {
	const live = await liveShare(c.env, id, now)
	if (!live) throw notFound()
	return checked({ ...live, now, live: true })
}

/** Not valid yet: 404; over: 410; a limited share whose counts say it is spent: 410. */
function checked(resolved: ResolvedShare): ResolvedShare {
	const { record, usage, now } = resolved
	const state = shareState(record, now)
	// A share that is not valid yet does not exist yet, as far as a visitor can tell.
	if (state === 'scheduled') throw notFound()
	if (state === 'expired')
		throw record.type === 'upload' ? AppError.of('upload_link_expired') : new AppError('share_expired')
	if (resolved.live && isLimited(record)) {
		const grant = grantFor(record, usage, now)
		if (grant !== 'granted') throw notGranted(grant)
	}
	return resolved
}

/** The first step of every route under a share's id: sets c.var.share. */
export const resolve = createMiddleware<AppEnv>(async (c, next) => {
	c.set('share', await resolveLive(c, shareIdOf(c.req.url), Date.now()))
	await next()
})
