// File share links: GET|HEAD /:id, /:id/download and /:id/preview. Resolve the share, then
// answer with its download page (browsers of a page share, link-preview bots) or deliver
// the file by redirect or stream; every request signs afresh.
import { type Context, Hono } from 'hono'
import { type AppEnv, readConfig } from '../env.ts'
import { AppError } from '../errors.ts'
import { redirectTo } from './deliver-redirect.ts'
import { streamObject } from './deliver-stream.ts'
import { FILE_SHARE_VARY, filePage, PAGE_SHARE_VARY, showsPage } from './file-page.tsx'
import { servePreview } from './preview.ts'
import { resolveShare } from './resolve-share.ts'
import { deliveryOf, type Presentation, presentationOf, servingOf } from './serving.ts'

export const fileRoutes = new Hono<AppEnv>()

async function serveFile(c: Context<AppEnv>, negotiated: boolean) {
	const config = readConfig(c.env)
	const now = Date.now()
	const record = await resolveShare(c, now)
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

function methodNotAllowed(c: Context<AppEnv>): never {
	c.header('Allow', 'GET, HEAD')
	throw new AppError(405, 'method_not_allowed', 'Share links can only be read (GET or HEAD).')
}

fileRoutes.get('/:id', (c) => serveFile(c, true))
fileRoutes.get('/:id/download', (c) => serveFile(c, false))
fileRoutes.get('/:id/preview', servePreview)
fileRoutes.all('/:id', methodNotAllowed)
fileRoutes.all('/:id/download', methodNotAllowed)
fileRoutes.all('/:id/preview', methodNotAllowed)
