import type { Context } from 'hono'
import type { AppEnv } from './env.ts'

// "<16 hex>-<colo>", as Cloudflare's edge writes it.
const RAY = /^([0-9a-f]{16})-([A-Z]{3,4})$/

/**
 * The request's id for logs and error bodies: Cloudflare's ray id when the platform wrote
 * it, else a random UUID. Made on first use, so the successful hot path never pays for it.
 */
export function requestId(c: Context<AppEnv>): string {
	let id = c.get('requestId')
	if (id === undefined) {
		id = platformRay(c.req.raw) ?? crypto.randomUUID()
		c.set('requestId', id)
	}
	return id
}

/**
 * Only a request that came through Cloudflare's edge carries `request.cf`, and that edge
 * replaces any `cf-ray` a client sent; its suffix names the same colo as `cf.colo`. Without
 * both (a local run, a direct `app.request`) the header is whatever the client typed.
 */
function platformRay(request: Request): string | undefined {
	const colo: unknown = request.cf?.colo
	if (typeof colo !== 'string') return undefined
	const match = RAY.exec(request.headers.get('cf-ray') ?? '')
	return match && match[2] === colo ? match[0] : undefined
}
