// Share links: GET|HEAD /:id and /:id/download. Resolve the share, then hand it to the
// route of its kind; a file is delivered by redirect or stream, signed afresh each time.
import { type Context, Hono } from 'hono'
import { type AppEnv, readConfig } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import type { FileShareRecord } from '../shares/schema.ts'
import { redirectTo } from './deliver-redirect.ts'
import { streamObject } from './deliver-stream.ts'
import { resolveFileShare, resolveShare } from './resolve-share.ts'
import { deliveryOf, type Presentation, presentationOf, servingOf } from './serving.ts'
import { serveUploadRoot } from './upload-root.tsx'

export const fileRoutes = new Hono<AppEnv>()

function deliverFile(c: Context<AppEnv>, record: FileShareRecord, now: number) {
	const config = readConfig(c.env)
	const serving = servingOf(record, config, c.req.method === 'HEAD' ? 'HEAD' : 'GET', now)
	let look: Presentation | undefined
	const presentation = () => {
		look ??= presentationOf(record)
		return look
	}
	return deliveryOf(record, config, presentation) === 'stream'
		? streamObject(c, serving, presentation())
		: redirectTo(serving, record, presentation)
}

/** The share's own address: each kind of share answers it its own way. */
async function serveShareRoot(c: Context<AppEnv>) {
	const now = Date.now()
	const record = await resolveShare(c, now)
	if (record.type === 'file') return deliverFile(c, record, now)

	// Folder shares: their routes answer here.

	// Upload links: their routes answer here.
	if (record.type === 'upload') return serveUploadRoot(c, record, now)

	throw notFound()
}

/** /:id/download: always the file itself, for file shares only. */
async function serveDownload(c: Context<AppEnv>) {
	const now = Date.now()
	return deliverFile(c, await resolveFileShare(c, now), now)
}

function methodNotAllowed(c: Context<AppEnv>): never {
	c.header('Allow', 'GET, HEAD')
	throw new AppError(405, 'method_not_allowed', 'Share links can only be read (GET or HEAD).')
}

fileRoutes.get('/:id', serveShareRoot)
fileRoutes.get('/:id/download', serveDownload)
fileRoutes.all('/:id', methodNotAllowed)
fileRoutes.all('/:id/download', methodNotAllowed)
