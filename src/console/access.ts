// Cloudflare Access in front of the admin console: the `Cf-Access-Jwt-Assertion` token Access
// adds to every request it lets through, verified here rather than trusted (a request that
// reaches the worker by another route, or a header forged in front of it, must not pass).
// RS256 over WebCrypto against the team's keys, <team>/cdn-cgi/access/certs, cached per
// isolate; an unknown `kid` (Access rotates its keys) fetches them again, at most once a minute.
// Then `iss` is the team domain, `aud` names the application, and `exp`/`nbf` hold, give or
// take a few seconds. Source: Cloudflare's "Validate JWTs" page for Access applications.
import { z } from 'zod'
import { base64urlToText, fromBase64url } from '../codec.ts'
import type { AccessSettings } from '../env.ts'

/** How long a fetched key set is trusted before it is fetched again. */
export const JWKS_TTL_MS = 60 * 60_000
/** An unknown `kid` fetches the keys again, but never sooner than this after the last fetch. */
export const JWKS_REFETCH_MS = 60_000
/** Clock skew allowed on `exp` and `nbf`. */
export const LEEWAY_SECONDS = 30
const FETCH_TIMEOUT_MS = 5000
/** A token longer than this is not one Access made. */
const MAX_TOKEN_LENGTH = 16_384

export type AccessFailure =
	| 'malformed'
	| 'algorithm'
	| 'unknown_key'
	| 'keys_unavailable'
	| 'signature'
	| 'issuer'
	| 'audience'
	| 'expired'
	| 'not_yet_valid'

export type AccessVerdict =
	| { ok: true; subject: string; expires: number }
	| { ok: false; reason: AccessFailure }

export interface VerifyOptions {
	/** Fetches the key set; the global fetch by default. */
	fetch?: typeof fetch
	nowMs?: number
}

const headerSchema = z.object({ alg: z.string(), kid: z.string().min(1).max(256) })
const audience = z.union([z.string(), z.array(z.string())])
const payloadSchema = z.object({
	iss: z.string().optional(),
	aud: audience.optional(),
	exp: z.number().optional(),
	nbf: z.number().optional(),
	email: z.string().optional(),
	sub: z.string().optional(),
	common_name: z.string().optional(),
})
const jwksSchema = z.object({
	keys: z.array(
		z.looseObject({
			kid: z.string(),
			kty: z.string(),
			alg: z.string().optional(),
			use: z.string().optional(),
			n: z.string().optional(),
			e: z.string().optional(),
		}),
	),
})

interface KeySet {
	keys: Map<string, CryptoKey>
	fetchedAt: number
}

interface TeamKeys {
	set?: KeySet
	/** When the keys were last asked for, whatever the answer. */
	askedAt: number
	pending?: Promise<KeySet | undefined>
}

// One entry per team domain (there is one in practice).
const teams = new Map<string, TeamKeys>()

/** Tests: forget every fetched key set. */
export function clearAccessKeys(): void {
	teams.clear()
}

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

async function importKeys(body: unknown): Promise<Map<string, CryptoKey>> {
	const keys = new Map<string, CryptoKey>()
	for (const jwk of jwksSchema.parse(body).keys) {
		if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) continue
		if ((jwk.alg !== undefined && jwk.alg !== 'RS256') || (jwk.use !== undefined && jwk.use !== 'sig'))
			continue
		try {
			const key = await crypto.subtle.importKey(
				'jwk',
				{ kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', ext: true },
				RS256,
				false,
				['verify'],
			)
			keys.set(jwk.kid, key)
		} catch {
			// A key this runtime cannot read verifies nothing; the others still do.
		}
	}
	return keys
}

async function fetchKeys(teamDomain: string, fetcher: typeof fetch, nowMs: number): Promise<KeySet> {
	const res = await fetcher(`${teamDomain}/cdn-cgi/access/certs`, {
		headers: { accept: 'application/json' },
		signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
	})
	if (!res.ok) throw new Error(`the team's keys answered ${res.status}`)
	return { keys: await importKeys(await res.json()), fetchedAt: nowMs }
}

/**
 * The key `kid` of the team: from the cached set while it is fresh, else (or when the set does
 * not have it and the last fetch is a minute old) from a new fetch, one at a time. A failed
 * fetch keeps the old set, and is not retried for a minute either.
 */
async function keyFor(
	teamDomain: string,
	kid: string,
	fetcher: typeof fetch,
	nowMs: number,
): Promise<CryptoKey | 'unknown_key' | 'keys_unavailable'> {
	let team = teams.get(teamDomain)
	if (!team) {
		team = { askedAt: Number.NEGATIVE_INFINITY }
		teams.set(teamDomain, team)
	}
	const fresh = team.set !== undefined && nowMs - team.set.fetchedAt < JWKS_TTL_MS
	const known = team.set?.keys.get(kid)
	if (fresh && known) return known
	if (!team.pending && nowMs - team.askedAt >= JWKS_REFETCH_MS) {
		const asking = team
		asking.askedAt = nowMs
		asking.pending = fetchKeys(teamDomain, fetcher, nowMs)
			.then((set) => {
				asking.set = set
				return set
			})
			.catch(() => undefined)
			.finally(() => {
				asking.pending = undefined
			})
	}
	const set = (team.pending ? await team.pending : undefined) ?? team.set
	if (!set) return 'keys_unavailable'
	return set.keys.get(kid) ?? 'unknown_key'
}

function json(part: string | undefined): unknown {
	const text = part === undefined ? undefined : base64urlToText(part)
	if (text === undefined) return undefined
	try {
		return JSON.parse(text)
	} catch {
		return undefined
	}
}

/**
 * Whether `token` is a Cloudflare Access token of this application, valid now; the subject it
 * names (the user's email, or a service token's name) and when it ends, when it is.
 */
export async function verifyAccessJwt(
	token: string,
	settings: AccessSettings,
	options: VerifyOptions = {},
): Promise<AccessVerdict> {
	const nowMs = options.nowMs ?? Date.now()
	const parts = token.length > MAX_TOKEN_LENGTH ? [] : token.split('.')
	if (parts.length !== 3) return { ok: false, reason: 'malformed' }
	const [headerPart = '', payloadPart = '', signaturePart = ''] = parts
	const header = headerSchema.safeParse(json(headerPart))
	const payload = payloadSchema.safeParse(json(payloadPart))
	const signature = fromBase64url(signaturePart)
	if (!header.success || !payload.success || !signature) return { ok: false, reason: 'malformed' }
	// Only what Access signs with: never `none`, never an HMAC keyed by a public key.
	if (header.data.alg !== 'RS256') return { ok: false, reason: 'algorithm' }
	const key = await keyFor(settings.teamDomain, header.data.kid, options.fetch ?? fetch, nowMs)
	if (typeof key === 'string') return { ok: false, reason: key }
	const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`)
	if (!(await crypto.subtle.verify(RS256, key, signature, signed))) return { ok: false, reason: 'signature' }
	const claims = payload.data
	if (claims.iss !== settings.teamDomain) return { ok: false, reason: 'issuer' }
	const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? [])
	if (!audiences.includes(settings.aud)) return { ok: false, reason: 'audience' }
	const now = Math.floor(nowMs / 1000)
	if (claims.exp === undefined || claims.exp + LEEWAY_SECONDS <= now) return { ok: false, reason: 'expired' }
	if (claims.nbf !== undefined && claims.nbf - LEEWAY_SECONDS > now)
		return { ok: false, reason: 'not_yet_valid' }
	const subject = claims.email ?? claims.common_name ?? claims.sub ?? 'access'
	return { ok: true, subject, expires: claims.exp }
}
