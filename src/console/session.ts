// The admin console's session cookie and its CSRF token: stateless HMACs checked before the
// one lookup that says the session is still live (ConsoleState, state.ts).
//   session: s.<sid>.<expires>.<mac>   sealed as shares/tokens.ts seals its tokens
//   CSRF:    HMAC of the sid, base64url
// Both MAC keys are derived from ADMIN_TOKEN (an HMAC of the token under a label of their
// own), so a session is bound to a hash of the token it was signed in with: rotating the token
// ends every session and every CSRF token at once, and neither key is ever the token itself.
import { timingSafeEqual } from 'hono/utils/buffer'
import { randomBase64url } from '../codec.ts'
import { mac, seal, unseal } from '../shares/tokens.ts'

/** The longest a console session lives, whatever asked for more. */
export const SESSION_TTL_SECONDS = 12 * 3600
/** Clocks of two isolates may differ a little: a session this much past the ceiling still opens. */
const CLOCK_LEEWAY_SECONDS = 60

const SESSION_KEY_LABEL = 'coslink console session v1'
const CSRF_KEY_LABEL = 'coslink console csrf v1'

/** A session id: 128 random bits, base64url (22 characters). */
const SID = /^[A-Za-z0-9_-]{22}$/
const SECONDS = /^\d{1,12}$/

export interface SessionClaims {
	/** The session's id: its row in ConsoleState, and what its CSRF token is the MAC of. */
	sid: string
	/** Unix seconds. */
	expires: number
}

// A derived key per (label, token): a rotated token leaves its old keys behind, so keep few.
const derived = new Map<string, Promise<string>>()
const MAX_DERIVED = 8

function keyOf(adminToken: string, label: string): Promise<string> {
	const name = `${label}\n${adminToken}`
	let key = derived.get(name)
	if (!key) {
		if (derived.size >= MAX_DERIVED) derived.clear()
		key = mac(adminToken, label)
		derived.set(name, key)
	}
	return key
}

export function newSessionId(): string {
	return randomBase64url(16)
}

/** The cookie value of a session. */
export async function signSession(adminToken: string, claims: SessionClaims): Promise<string> {
	return seal(await keyOf(adminToken, SESSION_KEY_LABEL), ['s', claims.sid, String(claims.expires)])
}

/**
 * The claims of a cookie value signed under this admin token, still within its life and never
 * claiming more than SESSION_TTL_SECONDS of it; null for anything else. Says nothing about
 * sign-out: ConsoleState does.
 */
export async function openSession(
	adminToken: string,
	value: string | undefined,
	nowMs: number,
): Promise<SessionClaims | null> {
	if (value === undefined) return null
	const parts = await unseal(await keyOf(adminToken, SESSION_KEY_LABEL), 's', 3, value)
	if (!parts) return null
	const [, sid = '', expires = ''] = parts
	if (!SID.test(sid) || !SECONDS.test(expires)) return null
	const now = Math.floor(nowMs / 1000)
	const left = Number(expires) - now
	if (left <= 0 || left > SESSION_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) return null
	return { sid, expires: Number(expires) }
}

/** The CSRF token of a session: what its state-changing requests carry besides the cookie. */
export async function csrfToken(adminToken: string, sid: string): Promise<string> {
	return mac(await keyOf(adminToken, CSRF_KEY_LABEL), sid)
}

/** Whether `given` is the CSRF token of session `sid`, compared in constant time. */
export async function isCsrfToken(
	adminToken: string,
	sid: string,
	given: string | undefined,
): Promise<boolean> {
	if (given === undefined || given.length > 256) return false
	return timingSafeEqual(given, await csrfToken(adminToken, sid))
}
