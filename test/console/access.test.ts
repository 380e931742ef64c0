import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { textToBase64url } from '../../src/codec.ts'
import { clearAccessKeys, JWKS_REFETCH_MS, JWKS_TTL_MS, verifyAccessJwt } from '../../src/console/access.ts'
import { AUD, accessClaims, makeKey, serveJwks, signJwt, TEAM, type TestKey } from './access-keys.ts'

const NOW = Date.parse('2026-03-01T00:00:00Z')
const SETTINGS = { teamDomain: TEAM, aud: AUD }

let current: TestKey
let other: TestKey
let served: TestKey[]

beforeAll(async () => {
	current = await makeKey('key-current')
	other = await makeKey('key-other')
})

beforeEach(() => {
	clearAccessKeys()
	served = [current]
})

afterEach(() => {
	vi.restoreAllMocks()
})

const verify = (token: string, nowMs = NOW) => verifyAccessJwt(token, SETTINGS, { nowMs })

describe('Cloudflare Access tokens', () => {
	it('accepts a token Access signed for this application, naming its email and end', async () => {
		serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW))
		expect(await verify(token)).toEqual({
			ok: true,
			subject: 'admin@example.com',
			expires: NOW / 1000 + 3600,
		})
	})

	it('accepts `aud` as a plain string too, and names a service token by its common_name', async () => {
		serveJwks(() => served)
		const token = await signJwt(
			current,
			accessClaims(NOW, { aud: AUD, email: undefined, common_name: 'ci.access' }),
		)
		expect(await verify(token)).toMatchObject({ ok: true, subject: 'ci.access' })
	})

	it('refuses a token for another application (wrong aud)', async () => {
		serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW, { aud: ['another-application'] }))
		expect(await verify(token)).toEqual({ ok: false, reason: 'audience' })
	})

	it('refuses a token without aud', async () => {
		serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW, { aud: undefined }))
		expect(await verify(token)).toEqual({ ok: false, reason: 'audience' })
	})

	it('refuses a token of another team (wrong iss)', async () => {
		serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW, { iss: 'https://evil.cloudflareaccess.com' }))
		expect(await verify(token)).toEqual({ ok: false, reason: 'issuer' })
	})

	it('refuses an expired token, past the leeway', async () => {
		serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW - 7200_000))
		expect(await verify(token)).toEqual({ ok: false, reason: 'expired' })
	})

	it('refuses a token without exp', async () => {
		serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW, { exp: undefined }))
		expect(await verify(token)).toEqual({ ok: false, reason: 'expired' })
	})

	it('refuses a token not valid yet (nbf in the future), and allows a few seconds of skew', async () => {
		serveJwks(() => served)
		expect(await verify(await signJwt(current, accessClaims(NOW, { nbf: NOW / 1000 + 600 })))).toEqual({
			ok: false,
			reason: 'not_yet_valid',
		})
		expect(await verify(await signJwt(current, accessClaims(NOW, { nbf: NOW / 1000 + 5 })))).toMatchObject({
			ok: true,
		})
	})

	it('refuses a token signed by a key the team does not have (unknown kid)', async () => {
		serveJwks(() => served)
		const token = await signJwt(other, accessClaims(NOW))
		expect(await verify(token)).toEqual({ ok: false, reason: 'unknown_key' })
	})

	it("refuses a token signed by another key under the team key's kid (bad signature)", async () => {
		serveJwks(() => served)
		const token = await signJwt(other, accessClaims(NOW), { kid: current.kid })
		expect(await verify(token)).toEqual({ ok: false, reason: 'signature' })
	})

	it('refuses a token whose claims were changed after signing', async () => {
		serveJwks(() => served)
		const [head, , signature] = (await signJwt(current, accessClaims(NOW))).split('.')
		const forged = textToBase64url(JSON.stringify(accessClaims(NOW, { email: 'mallory@example.com' })))
		expect(await verify(`${head}.${forged}.${signature}`)).toEqual({ ok: false, reason: 'signature' })
	})

	it('refuses alg none, without asking for any key', async () => {
		const fetch = serveJwks(() => served)
		const head = textToBase64url(JSON.stringify({ alg: 'none', kid: current.kid }))
		const body = textToBase64url(JSON.stringify(accessClaims(NOW)))
		expect(await verify(`${head}.${body}.`)).toEqual({ ok: false, reason: 'algorithm' })
		expect(fetch).not.toHaveBeenCalled()
	})

	it('refuses HS256, even keyed with the public key as a secret', async () => {
		serveJwks(() => served)
		const head = textToBase64url(JSON.stringify({ alg: 'HS256', kid: current.kid }))
		const body = textToBase64url(JSON.stringify(accessClaims(NOW)))
		const key = await crypto.subtle.importKey(
			'raw',
			new TextEncoder().encode(JSON.stringify(current.jwk)),
			{ name: 'HMAC', hash: 'SHA-256' },
			false,
			['sign'],
		)
		const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${head}.${body}`))
		const { base64url } = await import('../../src/codec.ts')
		expect(await verify(`${head}.${body}.${base64url(new Uint8Array(mac))}`)).toEqual({
			ok: false,
			reason: 'algorithm',
		})
	})

	it.each([
		['no dots', 'garbage'],
		['two parts', 'a.b'],
		['a header that is not JSON', 'bm90IGpzb24.e30.AA'],
		['a header without kid', `${textToBase64url('{"alg":"RS256"}')}.e30.AA`],
		['a huge token', `${'a'.repeat(20_000)}.b.c`],
	])('refuses a malformed token: %s', async (_, token) => {
		serveJwks(() => served)
		expect(await verify(token)).toEqual({ ok: false, reason: 'malformed' })
	})

	it('fetches the key set once for many tokens', async () => {
		const fetch = serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW))
		const verdicts = await Promise.all(Array.from({ length: 10 }, () => verify(token)))
		for (let i = 0; i < 5; i++) verdicts.push(await verify(token, NOW + i * 1000))
		expect(verdicts.every((verdict) => verdict.ok)).toBe(true)
		expect(fetch).toHaveBeenCalledTimes(1)
		expect(fetch.mock.calls[0]?.[0]).toBe(`${TEAM}/cdn-cgi/access/certs`)
	})

	it('fetches again on an unknown kid at most once a minute, and so picks up a rotated key', async () => {
		const fetch = serveJwks(() => served)
		expect((await verify(await signJwt(current, accessClaims(NOW)))).ok).toBe(true)
		served = [current, other]
		const rotated = await signJwt(other, accessClaims(NOW))
		// The last fetch was just now: the new key waits for the minute to pass.
		expect(await verify(rotated, NOW + 1000)).toEqual({ ok: false, reason: 'unknown_key' })
		expect(await verify(rotated, NOW + 2000)).toEqual({ ok: false, reason: 'unknown_key' })
		expect(fetch).toHaveBeenCalledTimes(1)
		expect((await verify(rotated, NOW + JWKS_REFETCH_MS)).ok).toBe(true)
		expect(fetch).toHaveBeenCalledTimes(2)
	})

	it('fetches the key set again once it is an hour old', async () => {
		const fetch = serveJwks(() => served)
		const token = await signJwt(current, accessClaims(NOW, { exp: NOW / 1000 + 7200 }))
		expect((await verify(token, NOW)).ok).toBe(true)
		expect((await verify(token, NOW + JWKS_TTL_MS - 1000)).ok).toBe(true)
		expect(fetch).toHaveBeenCalledTimes(1)
		expect((await verify(token, NOW + JWKS_TTL_MS)).ok).toBe(true)
		expect(fetch).toHaveBeenCalledTimes(2)
	})

	it('signs nobody in when the key set cannot be fetched, and keeps the old set when a refetch fails', async () => {
		const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('down', { status: 503 }))
		const token = await signJwt(current, accessClaims(NOW))
		expect(await verify(token)).toEqual({ ok: false, reason: 'keys_unavailable' })
		fetch.mockRestore()
		clearAccessKeys()
		serveJwks(() => served)
		expect((await verify(token)).ok).toBe(true)
		vi.restoreAllMocks()
		vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('network down'))
		const later = NOW + JWKS_TTL_MS + 1000
		expect((await verify(await signJwt(current, accessClaims(later)), later)).ok).toBe(true)
	})
})
