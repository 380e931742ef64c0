// GET /api/openapi.json and /api/docs: public, generated from the schemas, and naming every
// admin route. (test/node/openapi.test.ts validates the document and every real answer.)
import { describe, expect, it } from 'vitest'
import { envWith, request } from './helpers.ts'

interface Doc {
	openapi: string
	servers: { url: string }[]
	paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>
	components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
}

const doc = async (env?: object) => {
	const res = await request('https://share.example.com/api/openapi.json', {}, env)
	expect(res.status).toBe(200)
	return (await res.json()) as Doc
}

describe('GET /api/openapi.json', () => {
	it('answers an OpenAPI 3.1 document without a token', async () => {
		const res = await request('https://share.example.com/api/openapi.json')
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toMatch(/^application\/json/)
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(((await res.json()) as Doc).openapi).toBe('3.1.0')
	})

	it('names every admin route and health, each admin one behind the bearer token', async () => {
		const { paths, components } = await doc()
		expect(Object.keys(paths).sort()).toEqual([
			'/_/health',
			'/api/bucket',
			'/api/shares',
			'/api/shares/{id}',
			'/api/shares/{id}/stats',
			'/api/stats',
			'/api/uploads',
			'/api/uploads/abort',
			'/api/uploads/complete',
			'/api/uploads/parts',
			'/api/webhooks/failures',
		])
		expect(Object.keys(paths['/api/shares/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch'])
		for (const [path, item] of Object.entries(paths))
			for (const operation of Object.values(item)) {
				if (path === '/_/health') continue
				expect(operation.security).toEqual([{ bearer: [] }])
				expect(Object.keys(operation.responses)).toContain('401')
			}
		expect(components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
		expect(Object.keys(components.schemas)).toEqual(
			expect.arrayContaining(['Error', 'Share', 'ShareList', 'ShareStats', 'Stats']),
		)
	})

	it('names the server it is asked on, or PUBLIC_BASE_URL', async () => {
		expect((await doc()).servers).toEqual([{ url: 'https://share.example.com' }])
		expect((await doc(envWith({ PUBLIC_BASE_URL: 'https://s.example.org' }))).servers).toEqual([
			{ url: 'https://s.example.org' },
		])
	})
})

describe('GET /api/docs', () => {
	it('renders every operation from the document, with a nonce CSP and no third-party request', async () => {
		const res = await request('https://share.example.com/api/docs')
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toMatch(/^text\/html/)
		const csp = res.headers.get('content-security-policy') ?? ''
		expect(csp).toContain("default-src 'none'")
		const html = await res.text()
		for (const path of ['/api/shares', '/api/shares/{id}', '/api/uploads', '/api/bucket', '/_/health'])
			expect(html).toContain(`<span class="path">${path}</span>`)
		// Nothing is loaded from anywhere: no src=, no stylesheet link, no URL but our own.
		expect(html).not.toMatch(/\ssrc=|<link\s|<script/i)
		const urls = html.match(/https?:\/\/[^\s"'<]+/g) ?? []
		expect(urls.every((url) => url.startsWith('https://share.example.com'))).toBe(true)
	})
})
