import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import app from '../../src/index.ts'
import { ADMIN_TOKEN, envWith, get } from './helpers.ts'

const NOW = Date.parse('2026-11-30T12:00:00Z')
const NOW_SECONDS = NOW / 1000
const DETAILS = ['bucket', 'region', 'endpoint', 'defaultDelivery', 'signTtl', 'keyExpiresAt']
const asAdmin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }

/** Health for a temporary key that expires `secondsLeft` after NOW. */
async function healthWithKeyLeft(secondsLeft: number, init: RequestInit = {}) {
	vi.spyOn(Date, 'now').mockReturnValue(NOW)
	const res = await get(
		'/_/health',
		init,
		envWith({ COS_KEY_EXPIRES_AT: String(NOW_SECONDS + secondsLeft), COS_SECURITY_TOKEN: 'sts-token' }),
	)
	return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

afterEach(() => {
	vi.restoreAllMocks()
})

describe('GET /_/health', () => {
	it('shows anyone only whether it is ok, the config state and the credential state', async () => {
		const { body } = await healthWithKeyLeft(3600)
		expect(body).toEqual({ ok: true, config: 'ok', credentials: 'temporary' })
	})

	it('shows the bucket, region, endpoint, TTLs, delivery and key expiry to the admin token', async () => {
		const { body } = await healthWithKeyLeft(3600, asAdmin)
		expect(body).toMatchObject({
			bucket: 'examplebucket-1250000000',
			region: 'ap-guangzhou',
			endpoint: 'default',
			defaultDelivery: 'redirect',
			signTtl: 300,
			originTimeoutMs: 20_000,
			keyExpiresAt: new Date((NOW_SECONDS + 3600) * 1000).toISOString(),
		})
	})

	it('shows no details to a wrong token', async () => {
		const { body } = await healthWithKeyLeft(3600, { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })
		for (const name of DETAILS) expect(body).not.toHaveProperty(name)
	})

	it('says "expiring" in the last 15 minutes of a temporary key', async () => {
		const { status, body } = await healthWithKeyLeft(15 * 60 - 1)
		expect(status).toBe(200)
		expect(body).toMatchObject({ ok: true, credentials: 'expiring' })
	})

	it('says "temporary" with 15 minutes or more left', async () => {
		expect((await healthWithKeyLeft(15 * 60)).body.credentials).toBe('temporary')
	})

	it('says "expired" with 503 from the second the key expires', async () => {
		const { status, body } = await healthWithKeyLeft(0)
		expect(status).toBe(503)
		expect(body).toMatchObject({ ok: false, credentials: 'expired', error: { code: 'credentials_expired' } })
	})

	it('keeps the expired key’s expiry time out of the public answer', async () => {
		const { body } = await healthWithKeyLeft(-60)
		expect(JSON.stringify(body)).not.toMatch(/\d{4}-\d{2}-\d{2}T/)
	})

	it('says "permanent" for a key without an expiry', async () => {
		const res = await get('/_/health')
		expect(await res.json()).toEqual({ ok: true, config: 'ok', credentials: 'permanent' })
	})

	it('is never cached', async () => {
		expect((await get('/_/health')).headers.get('cache-control')).toBe('no-store')
	})

	it("shows the admin a custom endpoint's host", async () => {
		const res = await get('/_/health', asAdmin, envWith({ COS_ENDPOINT: 'https://files.example.com' }))
		expect(await res.json()).toMatchObject({ endpoint: 'files.example.com' })
	})

	it('names a missing setting publicly with 503', async () => {
		const res = await get('/_/health', {}, envWith({ COS_REGION: 'Nowhere!' }))
		expect(res.status).toBe(503)
		expect(await res.json()).toEqual({ ok: false, config: 'misconfigured', setting: 'COS_REGION' })
	})
})

describe('request ids', () => {
	const RAY = '0123456789abcdef-SJC'

	/** The request id in a 404's error body, for a request the platform may have annotated. */
	async function errorRequestId(cf?: { colo: string }) {
		const req = new Request('https://share.example.com/no-such-share', {
			headers: { 'cf-ray': RAY, accept: 'application/json' },
			...(cf ? { cf } : {}),
		})
		const res = await app.request(req, undefined, env)
		return ((await res.json()) as { error: { requestId: string } }).error.requestId
	}

	it('ignores a cf-ray header the client sent without the platform', async () => {
		expect(await errorRequestId()).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		)
	})

	it("uses the edge's ray id when request.cf names the same colo", async () => {
		expect(await errorRequestId({ colo: 'SJC' })).toBe(RAY)
	})

	it('ignores a cf-ray whose colo is not the one request.cf names', async () => {
		expect(await errorRequestId({ colo: 'DFW' })).not.toBe(RAY)
	})
})

describe('robots.txt', () => {
	it('keeps every crawler out, cacheable for a day', async () => {
		const res = await get('/robots.txt')
		expect(await res.text()).toBe('User-agent: *\nDisallow: /\n')
		expect(res.headers.get('cache-control')).toBe('public, max-age=86400')
	})
})
