// Share links: GET|HEAD /:id, /:id/download and /:id/preview. Resolve the share, then hand
// it to the route of its kind. A file share answers with its download page (browsers of a
// page share, link-preview bots) or delivers the file by redirect or stream, signed afresh.
import { type Context, Hono } from 'hono'
import { type AppEnv, readConfig } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import type { FileShareRecord } from '../shares/schema.ts'
import { redirectTo } from './deliver-redirect.ts'
import { streamObject } from './deliver-stream.ts'
import { FILE_SHARE_VARY, filePage, PAGE_SHARE_VARY, showsPage } from './file-page.tsx'
import { folderRoot } from './folder.tsx'
import { servePreview } from './preview.ts'
import { resolveFileShare, resolveShare } from './resolve-share.ts'
import { deliveryOf, type Presentation, presentationOf, servingOf } from './serving.ts'
import { serveUploadRoot } from './upload-root.tsx'

export const fileRoutes = new Hono<AppEnv>()

async function serveFile(c: Context<AppEnv>, record: FileShareRecord, now: number, negotiated: boolean) {
	const config = readConfig(c.env)
	if (negotiated && showsPage(c, record)) return filePage(c, record, config, now)
	const serving = servingOf(record, config, c.req.method === 'HEAD' ? 'HEAD' : 'GET', now)
	let look: Presentation | undefined
	const presentation = () => {
		look ??= presentationOf(record)
		return look
	}
	const response = await (deliveryOf(record, config, presentation) === 'stream'
		? streamObject(c, serving, presentation())
		: redirectTo(serving, record, presentation))
	// The same address answers a page or these bytes, depending on who asks.
	if (negotiated) response.headers.set('Vary', record.page === true ? PAGE_SHARE_VARY : FILE_SHARE_VARY)
	return response
}

/** The share's own address: each kind of share answers it its own way. */
async function serveShareRoot(c: Context<AppEnv>) {
	const now = Date.now()
	const record = await resolveShare(c, now)
	if (record.type === 'file') return serveFile(c, record, now, true)

	// Folder shares: their routes answer here.
	if (record.type === 'folder') return folderRoot(c, record)

	// Upload links: their routes answer here.
	if (record.type === 'upload') return serveUploadRoot(c, record, now)

	throw notFound()
}

/** /:id/download: always the file itself, for file shares only. */
async function serveDownload(c: Context<AppEnv>) {
	const now = Date.now()
	return serveFile(c, await resolveFileShare(c, now), now, false)
}

function methodNotAllowed(c: Context<AppEnv>): never {
	c.header('Allow', 'GET, HEAD')
	throw new AppError(405, 'method_not_allowed', 'Share links can only be read (GET or HEAD).')
}

fileRoutes.get('/:id', serveShareRoot)
fileRoutes.get('/:id/download', serveDownload)
fileRoutes.get('/:id/preview', servePreview)
fileRoutes.all('/:id', methodNotAllowed)
fileRoutes.all('/:id/download', methodNotAllowed)
fileRoutes.all('/:id/preview', methodNotAllowed)
