// How often a request asks a share's Durable Object: a protected share opened with its token
// never does, a limited share only to spend (never to serve a ticket), a strict share once.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createShare, get, resetBetweenTests } from './helpers.ts'
import { mockCos } from './page-helpers.ts'

resetBetweenTests()

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }

/** The test env with its object namespace counting how many stubs requests take. */
function countingEnv() {
	const calls: string[] = []
	const real = env.SHARE_STATE
	const namespace = new Proxy(real, {
		get(target, property) {
			if (property === 'get')
				return (id: DurableObjectId) => {
					calls.push(id.toString())
					return target.get(id)
				}
			const value = Reflect.get(target, property)
			return typeof value === 'function' ? value.bind(target) : value
		},
	})
	return { testEnv: { ...env, SHARE_STATE: namespace }, calls }
}

async function token(id: string): Promise<string> {
	const res = await get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ password: 'sesame-1' }),
	})
	return ((await res.json()) as { token: string }).token
}

describe('Durable Object calls per request', () => {
	it('none for a protected share opened with its token or cookie', async () => {
		mockCos({ body: 'bytes' })
		await createShare({ key: 'f.bin', id: 'oc-protected', password: 'sesame-1' })
		const bearer = await token('oc-protected')
		const { testEnv, calls } = countingEnv()
		for (const headers of [
			{ ...CURL, authorization: `Bearer ${bearer}` },
			{ ...CURL, cookie: `coslink_unlock_oc-protected=${bearer}` },
		]) {
			const res = await get('/oc-protected', { headers, redirect: 'manual' }, testEnv)
			expect(res.status).toBe(302)
		}
		expect(calls).toEqual([])
	})

	it('one for a limited share’s spend, none for its ticket and resumes', async () => {
		mockCos({ body: '0123456789' })
		await createShare({ key: 'f.bin', id: 'oc-limited', maxDownloads: 3, delivery: 'stream' })
		const { testEnv, calls } = countingEnv()
		const spend = await get('/oc-limited', { headers: CURL, redirect: 'manual' }, testEnv)
		expect(spend.status).toBe(302)
		expect(calls).toHaveLength(1)
		const ticket = spend.headers.get('location') ?? ''
		for (const range of ['bytes=0-', 'bytes=5-', 'bytes=9-'])
			expect((await get(ticket, { headers: { ...CURL, range } }, testEnv)).status).toBe(206)
		expect(calls).toHaveLength(1)
	})

	it('one for a strict share, on every route', async () => {
		mockCos({ body: 'bytes' })
		await createShare({ key: 'f.bin', id: 'oc-strict', strict: true })
		for (const path of ['/oc-strict', '/oc-strict/download']) {
			const { testEnv, calls } = countingEnv()
			expect((await get(path, { headers: CURL, redirect: 'manual' }, testEnv)).status).toBe(302)
			expect(calls).toHaveLength(1)
		}
	})
})
