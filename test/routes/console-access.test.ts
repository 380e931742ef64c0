// Cloudflare Access in front of the console: a request Access signed is signed in at
// GET /_/admin without the token form. Access is played by keys made here and a key set
// served by a spy on fetch.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { clearAccessKeys } from '../../src/console/access.ts'
import {
	AUD,
	accessClaims,
	CERTS_URL,
	makeKey,
	serveJwks,
	signJwt,
	TEAM,
	type TestKey,
} from '../console/access-keys.ts'
import { consoleRequest, cookieOf } from './console-helpers.ts'
import { envWith } from './helpers.ts'

const withAccess = envWith({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD })

let key: TestKey
let stranger: TestKey

beforeAll(async () => {
	key = await makeKey('access-key-1')
	stranger = await makeKey('access-key-2')
})

beforeEach(() => {
	clearAccessKeys()
})

afterEach(() => {
	vi.restoreAllMocks()
})

function open(token: string, testEnv: object = withAccess) {
	return consoleRequest('/_/admin', { headers: { 'cf-access-jwt-assertion': token } }, testEnv)
}

async function refused(token: string) {
	const res = await open(token)
	expect(res.status).toBe(200)
	expect(res.headers.getSetCookie()).toEqual([])
	expect(await res.text()).toContain('<label for="token">')
}

describe('signing in through Cloudflare Access', () => {
	it('signs a valid Access token in: the shell, marked access, and a session cookie that then works alone', async () => {
		serveJwks(() => [key])
		const res = await open(await signJwt(key, accessClaims(Date.now())))
		expect(res.status).toBe(200)
		expect(await res.text()).toContain('data-via="access"')
		const cookie = cookieOf(res)
		expect(cookie).toMatch(/^__Host-coslink-console=/)
		const again = await consoleRequest('/_/admin', { headers: { cookie } }, withAccess)
		expect(await again.text()).toContain('data-via="access"')
	})

	it('ends the session no later than the Access token', async () => {
		serveJwks(() => [key])
		const now = Date.now()
		vi.spyOn(Date, 'now').mockReturnValue(now)
		const res = await open(await signJwt(key, accessClaims(now, { exp: Math.floor(now / 1000) + 600 })))
		expect(res.headers.getSetCookie()[0]).toContain('Max-Age=600')
	})

	it('refuses a token for another application (wrong aud)', async () => {
		serveJwks(() => [key])
		await refused(await signJwt(key, accessClaims(Date.now(), { aud: ['other'] })))
	})

	it('refuses a token of another team (wrong iss)', async () => {
		serveJwks(() => [key])
		await refused(await signJwt(key, accessClaims(Date.now(), { iss: 'https://other.cloudflareaccess.com' })))
	})

	it('refuses an expired token', async () => {
		serveJwks(() => [key])
		await refused(await signJwt(key, accessClaims(Date.now() - 2 * 3600_000)))
	})

	it('refuses a token of a key the team does not have (unknown kid)', async () => {
		serveJwks(() => [key])
		await refused(await signJwt(stranger, accessClaims(Date.now())))
	})

	it('refuses a token with a bad signature', async () => {
		serveJwks(() => [key])
		await refused(await signJwt(stranger, accessClaims(Date.now()), { kid: key.kid }))
	})

	it('refuses alg none and HS256', async () => {
		serveJwks(() => [key])
		const [, body] = (await signJwt(key, accessClaims(Date.now()))).split('.')
		const { textToBase64url } = await import('../../src/codec.ts')
		for (const alg of ['none', 'HS256'])
			await refused(`${textToBase64url(JSON.stringify({ alg, kid: key.kid }))}.${body}.`)
	})

	it('fetches the team keys once for many sign-ins', async () => {
		const fetch = serveJwks(() => [key])
		const token = await signJwt(key, accessClaims(Date.now()))
		for (let i = 0; i < 4; i++) expect((await open(token)).headers.getSetCookie()).toHaveLength(1)
		expect(fetch).toHaveBeenCalledTimes(1)
		expect(fetch.mock.calls[0]?.[0]).toBe(CERTS_URL)
	})

	it('ignores the header, and fetches nothing, when Access is not set up', async () => {
		const fetch = serveJwks(() => [key])
		const res = await open(await signJwt(key, accessClaims(Date.now())), envWith({}))
		expect(res.headers.getSetCookie()).toEqual([])
		expect(fetch).not.toHaveBeenCalled()
	})

	it('says on the sign-in page that Access signs in too, when it is set up', async () => {
		const html = await (await consoleRequest('/_/admin', {}, withAccess)).text()
		expect(html).toContain('Signing in through Cloudflare Access works too')
	})

	it.each([
		['ACCESS_AUD without ACCESS_TEAM_DOMAIN', { ACCESS_AUD: AUD }, 'ACCESS_TEAM_DOMAIN'],
		['ACCESS_TEAM_DOMAIN without ACCESS_AUD', { ACCESS_TEAM_DOMAIN: TEAM }, 'ACCESS_AUD'],
		[
			'an http team domain',
			{ ACCESS_TEAM_DOMAIN: 'http://team.cloudflareaccess.com', ACCESS_AUD: AUD },
			'ACCESS_TEAM_DOMAIN',
		],
		[
			'a team domain with a path',
			{ ACCESS_TEAM_DOMAIN: `${TEAM}/cdn-cgi`, ACCESS_AUD: AUD },
			'ACCESS_TEAM_DOMAIN',
		],
	])('answers misconfigured, naming the setting, for %s', async (_, patch, setting) => {
		const res = await consoleRequest('/_/admin', { headers: { accept: 'application/json' } }, envWith(patch))
		expect(res.status).toBe(500)
		expect(((await res.json()) as { error: { code: string; setting: string } }).error).toMatchObject({
			code: 'misconfigured',
			setting,
		})
	})
})
