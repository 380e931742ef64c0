// Unlock tokens and download tickets: HMAC-SHA256 with LINK_SECRET over what they are good
// for, so neither can be forged, moved to another share or outlive what it names.
//   unlock token: u.<id>.<created>.<passwordVersion>.<expires>.<mac>   (cookie and Bearer)
//   ticket:       t.<id>.<created>.<sequence>.<expires>.<mac>          (/_/t/<ticket>)
// <created> is the share's creation time in ms: a share deleted and created again under the
// same id starts new, and nothing made for the old one opens it.
import { timingSafeEqual } from 'hono/utils/buffer'

const encoder = new TextEncoder()
const keys = new Map<string, Promise<CryptoKey>>()

function keyFor(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret)
	if (!key) {
		key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
			'sign',
		])
		keys.set(secret, key)
	}
	return key
}

async function mac(secret: string, payload: string): Promise<string> {
	const signature = await crypto.subtle.sign('HMAC', await keyFor(secret), encoder.encode(payload))
	return btoa(String.fromCharCode(...new Uint8Array(signature)))
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '')
}

type Kind = 'u' | 't'

export interface Claims {
	id: string
	/** The share's createdAt, in ms. */
	created: number
	/** Password version (token) or sequence number (ticket). */
	counter: number
	/** Unix seconds. */
	expires: number
}

async function sign(secret: string, kind: Kind, claims: Claims): Promise<string> {
	const payload = [kind, claims.id, claims.created, claims.counter, claims.expires].join('.')
	return `${payload}.${await mac(secret, payload)}`
}

async function open(secret: string, kind: Kind, value: string, nowMs: number): Promise<Claims | null> {
	const parts = value.split('.')
	if (parts.length !== 6 || parts[0] !== kind) return null
	const [, id = '', created = '', counter = '', expires = '', given = ''] = parts
	if (!/^\d{1,16}$/.test(created) || !/^\d{1,16}$/.test(counter) || !/^\d{1,12}$/.test(expires)) return null
	const payload = parts.slice(0, 5).join('.')
	if (!(await timingSafeEqual(given, await mac(secret, payload)))) return null
	const claims = { id, created: Number(created), counter: Number(counter), expires: Number(expires) }
	return claims.expires > Math.floor(nowMs / 1000) ? claims : null
}

export const signUnlockToken = (secret: string, claims: Claims) => sign(secret, 'u', claims)
export const openUnlockToken = (secret: string, value: string, nowMs: number) =>
	open(secret, 'u', value, nowMs)
export const signTicket = (secret: string, claims: Claims) => sign(secret, 't', claims)
export const openTicket = (secret: string, value: string, nowMs: number) => open(secret, 't', value, nowMs)
