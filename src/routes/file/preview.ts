// GET|HEAD /:id/preview: the object inline, streamed from our own origin whatever the share's
// delivery (so it also works on buckets whose default domain forces attachment), for
// inline-safe types only; anything that could run or is unknown has no preview.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { embeddableBySelf } from '../../http/headers.ts'
import { previewKind } from '../../pages/preview.ts'
import { isLimited } from '../../shares/limits.ts'
import { objectInfo } from '../deliver/object-info.ts'
import { presentationOf, servingOf } from '../deliver/serving.ts'
import { streamObject } from '../deliver/stream.ts'
import { effectiveType } from './page.tsx'

export async function servePreview(c: Context<AppEnv>): Promise<Response> {
	const { config } = c.var
	const { record, now } = c.var.share
	if (record.type !== 'file') throw notFound()
	// Authorize refuses it already: a limited share's bytes leave only through a ticket.
	if (isLimited(record)) throw new AppError('not_found', 'This file has no preview.')
	const look = presentationOf(record)
	// COS's stored type is needed only when the share names none; the HEAD is remembered,
	// so a player's run of Range requests asks COS once.
	const stored = look.contentType ? undefined : (await objectInfo(c, record, config, now)).contentType
	const type = effectiveType(look.contentType, stored, look.filename)
	if (type === undefined || previewKind(type) === 'none')
		throw new AppError('not_found', 'This file has no preview.')
	const serving = servingOf(record, config, c.req.method === 'HEAD' ? 'HEAD' : 'GET', now)
	const response = await streamObject(c, serving, {
		filename: look.filename,
		contentType: type,
		disposition: 'inline',
	})
	// The share's own page frames PDF and text previews; the sandbox stays.
	const csp = response.headers.get('Content-Security-Policy')
	if (csp) response.headers.set('Content-Security-Policy', embeddableBySelf(csp))
	response.headers.delete('X-Frame-Options')
	return response
}
