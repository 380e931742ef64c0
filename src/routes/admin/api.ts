// /api: the admin API's sub-apps, and its description — GET /api/openapi.json, an OpenAPI
// 3.1 document generated from the zod schemas the routes validate with, and GET /api/docs,
// a reference page rendered from that document by the worker itself. Both are public: they
// hold the API's shape, never a secret, and the page makes no third-party request.
import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { type AppEnv, readConfig } from '../../env.ts'
import { ApiDocsPage, type OpenApiDocument } from '../../pages/api-docs.tsx'
import { newNonce, pageCsp } from '../../pages/csp.ts'
import { secure } from '../secure.ts'
import { bucket } from './bucket.ts'
import { send } from './send.ts'
import { admin } from './shares.ts'
import { statsApi } from './stats.ts'
import { errorSchema } from './views.ts'

export const api = new OpenAPIHono<AppEnv>()

api.route('/api/shares', admin)
api.route('/api/uploads', send)
api.route('/api/bucket', bucket)
api.route('/api', statsApi)

api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
	type: 'http',
	scheme: 'bearer',
	description: 'ADMIN_TOKEN, as `Authorization: Bearer <ADMIN_TOKEN>`.',
})

// Answered by routes/system: documented here so the document names the whole API.
const healthSchema = z
	.strictObject({
		ok: z.boolean(),
		config: z.enum(['ok', 'misconfigured']),
		setting: z.string().optional().meta({ description: 'The setting at fault, when misconfigured.' }),
		credentials: z.enum(['permanent', 'temporary', 'expiring', 'expired']).optional(),
		keyExpiresAt: z.iso.datetime().optional(),
		bucket: z.string().optional(),
		region: z.string().optional(),
		endpoint: z.string().optional(),
		defaultDelivery: z.enum(['redirect', 'stream']).optional(),
		signTtl: z.int().optional(),
		originTimeoutMs: z.int().optional(),
		error: errorSchema.shape.error.omit({ requestId: true }).optional(),
	})
	.meta({ id: 'Health', description: 'With the admin token: also the bucket, region, endpoint and TTLs.' })

api.openAPIRegistry.registerPath({
	method: 'get',
	path: '/_/health',
	tags: ['System'],
	summary: 'Liveness and configuration state',
	description:
		'Public. The admin token adds where the bucket lives and when the key runs out; any other token is ignored.',
	responses: {
		200: { description: 'Working.', content: { 'application/json': { schema: healthSchema } } },
		503: {
			description: 'Misconfigured (naming the setting), or the temporary key has expired.',
			content: { 'application/json': { schema: healthSchema } },
		},
	},
})

const INFO = {
	title: 'coslink admin API',
	version: '1',
	description:
		'Short, revocable share links for Tencent Cloud COS objects. Every call but health and this document needs `Authorization: Bearer <ADMIN_TOKEN>`. Errors are `{ "error": { "code", "message", "detail"?, "field"?, "requestId" } }`: branch on `code` and `field`, never on the words.',
}

let generated: OpenApiDocument | undefined

/** The document, generated once per isolate: the schemas never change while it runs. */
function document(): OpenApiDocument {
	generated ??= api.getOpenAPI31Document({ openapi: '3.1.0', info: INFO }) as OpenApiDocument
	return generated
}

function serverUrl(env: object, requestUrl: string): string {
	try {
		return readConfig(env).publicBaseUrl ?? new URL(requestUrl).origin
	} catch {
		// A misconfigured worker still describes its API.
		return new URL(requestUrl).origin
	}
}

api.use('/api/openapi.json', secure)
api.use('/api/docs', secure)

api.get('/api/openapi.json', (c) => {
	c.header('Cache-Control', 'public, max-age=300')
	c.header('Access-Control-Allow-Origin', '*')
	return c.json({ ...document(), servers: [{ url: serverUrl(c.env, c.req.url) }] })
})

api.get('/api/docs', (c) => {
	const nonce = newNonce()
	c.header('Cache-Control', 'no-cache')
	c.header('Content-Security-Policy', pageCsp(nonce))
	return c.html(ApiDocsPage({ doc: document(), nonce, server: serverUrl(c.env, c.req.url) }))
})
