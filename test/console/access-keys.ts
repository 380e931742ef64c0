// A stand-in for Cloudflare Access in tests: RSA keys made with WebCrypto, tokens signed with
// them, and the team's key set served by spying on fetch (Access itself does not run locally).
import { vi } from 'vitest'
import { base64url, textToBase64url } from '../../src/codec.ts'

export const TEAM = 'https://coslink-test.cloudflareaccess.com'
export const AUD = '4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2'
export const CERTS_URL = `${TEAM}/cdn-cgi/access/certs`

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

export interface TestKey {
	kid: string
	privateKey: CryptoKey
	jwk: JsonWebKey & { kid: string }
}

export async function makeKey(kid: string): Promise<TestKey> {
	const pair = (await crypto.subtle.generateKey(
		{ ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
		true,
		['sign', 'verify'],
	)) as CryptoKeyPair
	const exported = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey
	return {
		kid,
		privateKey: pair.privateKey,
		jwk: { kid, kty: 'RSA', alg: 'RS256', use: 'sig', n: exported.n, e: exported.e },
	}
}

/** Claims of a token Access would issue for `email` now, good for an hour. */
export function accessClaims(nowMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const now = Math.floor(nowMs / 1000)
	return {
		aud: [AUD],
		email: 'admin@example.com',
		exp: now + 3600,
		iat: now,
		nbf: now,
		iss: TEAM,
		type: 'app',
		identity_nonce: 'nonce',
		sub: '7335d417-61da-459d-899c-0a01c76a2f94',
		country: 'CN',
		...extra,
	}
}

/** A JWT of `claims` signed RS256 with `key`; `header` adds to (or overrides) its header. */
export async function signJwt(
	key: TestKey,
	claims: Record<string, unknown>,
	header: Record<string, unknown> = {},
): Promise<string> {
	const head = textToBase64url(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header }))
	const body = textToBase64url(JSON.stringify(claims))
	const signature = await crypto.subtle.sign(
		RS256,
		key.privateKey,
		new TextEncoder().encode(`${head}.${body}`),
	)
	return `${head}.${body}.${base64url(new Uint8Array(signature))}`
}

/**
 * Serves `keys()` (read at each request, so a test can rotate them) as the team's key set;
 * any other request fails the test. Returns the spy, to count the fetches.
 */
export function serveJwks(keys: () => TestKey[]) {
	return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
		const url = input instanceof Request ? input.url : String(input)
		if (url !== CERTS_URL) throw new Error(`unexpected fetch: ${url}`)
		const jwks = keys().map((key) => key.jwk)
		return new Response(JSON.stringify({ keys: jwks, public_cert: {}, public_certs: [] }), {
			headers: { 'content-type': 'application/json' },
		})
	})
}
