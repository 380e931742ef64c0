// File share links: GET|HEAD /:id and /:id/download. Resolve the share, then deliver it by
// redirect or stream; every request signs afresh.
import { type Context, Hono } from 'hono'
import { type AppEnv, readConfig } from '../env.ts'
import { AppError } from '../errors.ts'
import { redirectTo } from './deliver-redirect.ts'
import { streamObject } from './deliver-stream.ts'
import { resolveFileShare } from './resolve-share.ts'
import { deliveryOf, type Presentation, presentationOf, servingOf } from './serving.ts'

export const fileRoutes = new Hono<AppEnv>()

async function serveFile(c: Context<AppEnv>) {
	const config = readConfig(c.env)
	const now = Date.now()
	const record = await resolveFileShare(c, now)
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

function methodNotAllowed(c: Context<AppEnv>): never {
	c.header('Allow', 'GET, HEAD')
	throw new AppError(405, 'method_not_allowed', 'Share links can only be read (GET or HEAD).')
}

fileRoutes.get('/:id', serveFile)
fileRoutes.get('/:id/download', serveFile)
fileRoutes.all('/:id', methodNotAllowed)
fileRoutes.all('/:id/download', methodNotAllowed)
