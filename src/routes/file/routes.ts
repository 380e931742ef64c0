// The share's own address and a file share's routes: GET|HEAD /:id, /:id/download and
// /:id/preview. Everything here runs behind the pipeline (resolve → authorize), so a
// protected share is unlocked and a limited one reaches these routes only for a look (its
// page) or a HEAD; its bytes leave through tickets (pipeline/tickets.ts).
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { isLimited } from '../../shares/limits.ts'
import type { FileShareRecord } from '../../shares/schema.ts'
import { deliverFile } from '../deliver/file.ts'
import { folderRoot } from '../folder/routes.tsx'
import { reported, reportedBytes } from '../report.ts'
import { serveUploadRoot } from '../upload/root.tsx'
import { FILE_SHARE_VARY, filePage, PAGE_SHARE_VARY, showsPage } from './page.tsx'
import { servePreview } from './preview.ts'

export const fileRoutes = new Hono<AppEnv>()

async function serveFile(c: Context<AppEnv>, record: FileShareRecord, negotiated: boolean) {
	const { usage, now } = c.var.share
	const config = c.var.config
	if (isLimited(record)) {
		// Authorize let through only a HEAD (it spends nothing) or someone looking: the page,
		// whose button spends a download by POST.
		if (c.req.method === 'HEAD') return deliverFile(c, record, config, now, { memoOwner: {} })
		const remaining = record.maxDownloads === undefined ? undefined : record.maxDownloads - usage.downloads
		const page = await filePage(c, record, config, now, {
			consumeUrl: `/_/consume/${encodeURIComponent(record.id)}`,
			remainingDownloads: remaining,
		})
		return reported(c, record, 'page', page)
	}
	if (negotiated && showsPage(c, record))
		return reported(c, record, 'page', await filePage(c, record, config, now))
	// Within a second the record signs the same URL for everyone it lets through (the memo's
	// owner is the record by default): an unlocked visitor of a protected share may have what
	// any other was just given. A strict share's record is read anew per request, so its
	// signature is never reused.
	const response = await deliverFile(c, record, config, now)
	// The same address answers a page or these bytes, depending on who asks.
	if (negotiated) response.headers.set('Vary', record.page === true ? PAGE_SHARE_VARY : FILE_SHARE_VARY)
	return reportedBytes(c, record, response, { key: record.key })
}

function methodNotAllowed(c: Context<AppEnv>): never {
	c.header('Allow', 'GET, HEAD')
	throw new AppError('method_not_allowed', 'Share links can only be read (GET or HEAD).')
}

// The share's own address: each kind of share answers it its own way.
fileRoutes.get('/:id', (c) => {
	const { record } = c.var.share
	if (record.type === 'folder') return folderRoot(c, record)
	if (record.type === 'upload') return serveUploadRoot(c, record)
	return serveFile(c, record, true)
})
// Always the file itself, for file shares only.
fileRoutes.get('/:id/download', (c) => {
	const { record } = c.var.share
	if (record.type !== 'file') throw notFound()
	return serveFile(c, record, false)
})
fileRoutes.get('/:id/preview', servePreview)
fileRoutes.all('/:id', methodNotAllowed)
fileRoutes.all('/:id/download', methodNotAllowed)
fileRoutes.all('/:id/preview', methodNotAllowed)
