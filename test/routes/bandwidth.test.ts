import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { cosAuthorization } from '../../src/cos/sign.ts'
import { BUCKET_HOST, createShare, get, queryParams, resetBetweenTests } from './helpers.ts'

const LIMIT_BYTES = 1_048_576
const LIMIT_BITS = String(LIMIT_BYTES * 8)
const SECRET_KEY = String(env.COS_SECRET_KEY)

resetBetweenTests()

/** The fields of a COS authorization string (decoded). */
function authFields(auth: Map<string, string> | string): Map<string, string> {
	if (typeof auth !== 'string') return auth
	return new Map(
		auth.split('&').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
	)
}

/** Recomputes the signature over exactly the names the authorization says it signed. */
async function expectedSignature(
	fields: Map<string, string>,
	signedQuery: Record<string, string>,
	signedHeaders: Record<string, string>,
) {
	const [start = 0, end = 0] = (fields.get('q-key-time') ?? '').split(';').map(Number)
	const auth = await cosAuthorization({
		secretId: fields.get('q-ak') ?? '',
		secretKey: SECRET_KEY,
		method: 'GET',
		key: 'files/hello.txt',
		query: signedQuery,
		headers: signedHeaders,
		keyTime: { start, end },
	})
	return authFields(auth).get('q-signature')
}

describe('bandwidthLimit', () => {
	it('puts the cap in bits per second into a redirect’s signed URL', async () => {
		await createShare({
			key: 'files/hello.txt',
			id: 'capped-redirect',
			delivery: 'redirect',
			bandwidthLimit: LIMIT_BYTES,
		})
		const res = await get('/capped-redirect')
		expect(res.status).toBe(302)
		const params = queryParams(res.headers.get('location') ?? '')
		expect(params.get('x-cos-traffic-limit')).toBe(LIMIT_BITS)
		expect(params.get('q-url-param-list')?.split(';')).toContain('x-cos-traffic-limit')
		const signedQuery = Object.fromEntries(
			(params.get('q-url-param-list') ?? '').split(';').map((name) => [name, params.get(name) ?? '']),
		)
		expect(params.get('q-signature')).toBe(
			await expectedSignature(params, signedQuery, { host: BUCKET_HOST }),
		)
	})

	it('sends the cap as a signed x-cos-traffic-limit header when streaming', async () => {
		await createShare({
			key: 'files/hello.txt',
			id: 'capped-stream',
			delivery: 'stream',
			bandwidthLimit: LIMIT_BYTES,
		})
		let sent: { url: string; headers: Headers } | undefined
		vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
			sent = { url: String(input), headers: new Headers(init?.headers) }
			return new Response('hello', { headers: { 'content-length': '5' } })
		})
		const res = await get('/capped-stream')
		expect(await res.text()).toBe('hello')
		expect(sent?.headers.get('x-cos-traffic-limit')).toBe(LIMIT_BITS)
		expect(sent?.url).not.toContain('traffic-limit')
		const fields = authFields(sent?.headers.get('authorization') ?? '')
		expect(fields.get('q-header-list')?.split(';')).toEqual(['host', 'x-cos-traffic-limit'])
		expect(fields.get('q-signature')).toBe(
			await expectedSignature(fields, {}, { host: BUCKET_HOST, 'x-cos-traffic-limit': LIMIT_BITS }),
		)
	})

	it('leaves a share without a cap unlimited', async () => {
		await createShare({ key: 'files/hello.txt', id: 'uncapped-redirect', delivery: 'redirect' })
		const res = await get('/uncapped-redirect')
		expect(res.headers.get('location')).not.toContain('traffic-limit')
	})
})
