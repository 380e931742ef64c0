import type { Context } from 'hono'
import type { AppEnv } from './env.ts'

/**
 * The request's id for logs and error bodies: Cloudflare's ray id when present, else a
 * random UUID. Made on first use, so the successful hot path never pays for it.
 */
export function requestId(c: Context<AppEnv>): string {
	let id = c.get('requestId')
	if (id === undefined) {
		const ray = c.req.header('cf-ray')
		id = ray && /^[\w-]{1,64}$/.test(ray) ? ray : crypto.randomUUID()
		c.set('requestId', id)
	}
	return id
}
