// Deliver by streaming: the worker fetches the object from COS and passes the bytes on
// from its own origin, so everything it labels is sandboxed. A share that opted into the
// edge cache is answered by deliver-cached.ts once every rule has passed.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { CACHE_BYPASS } from '../../http/edge-cache.ts'
import { NO_STORE } from '../../http/headers.ts'
import { oversizedHeader } from '../../http/proxy.ts'
import { deliverCached } from './cached.ts'
import { fetchObject, relay } from './relay.ts'
import type { Presentation, Serving } from './serving.ts'

// no-transform: an edge that recompresses would drop Content-Length and break resumes.
const PRIVATE = { cacheControl: `${NO_STORE}, no-transform`, cacheStatus: CACHE_BYPASS }

export async function streamObject(
	c: Context<AppEnv>,
	serving: Serving,
	look: Presentation,
): Promise<Response> {
	const oversized = oversizedHeader(c.req.raw.headers)
	if (oversized) throw new AppError('header_too_large', `The ${oversized} request header is too large.`)
	if (serving.edgeCache) return deliverCached(c, serving, serving.edgeCache, look)
	const upstream = await fetchObject(c, serving, c.req.raw.headers)
	return relay(c, serving.method, look, upstream, PRIVATE)
}
