// Unlock tokens and download tickets: HMAC-SHA256 with LINK_SECRET over what they are good
// for, so neither can be forged, moved to another share or outlive what it names.
//   unlock token: u.<id>.<grant>.<expires>.<mac>                      (cookie and Bearer)
//   ticket:       t.<id>.<grant>.<sequence>.<expires>.<target>.<mac>  (/_/t/<ticket>)
// The admin console's session (src/console/session.ts) is sealed the same way, under a key of
// its own derived from ADMIN_TOKEN:  s.<sid>.<expires>.<mac>
// <grant> is the share's grant version (grant.ts): a change of what the share serves, of
// its password or limits, or a new share under the same id, ends every token and ticket.
// <target> is what a ticket was spent for: the file share itself, one file of a folder,
// or a folder level as a zip.
import { timingSafeEqual } from 'hono/utils/buffer'
import { base64url, base64urlToText, textToBase64url } from '../codec.ts'

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

/** HMAC-SHA256 of `payload` under `secret`, base64url. */
export async function mac(secret: string, payload: string): Promise<string> {
	const signature = await crypto.subtle.sign('HMAC', await keyFor(secret), encoder.encode(payload))
	return base64url(new Uint8Array(signature))
}

export interface UnlockClaims {
	id: string
	grant: string
	/** Unix seconds. */
	expires: number
}

/** What a spent download is good for. */
export type TicketTarget =
	| { kind: 'file' }
	| { kind: 'path'; path: string }
	| { kind: 'zip'; path: string; recursive: boolean }

export interface TicketClaims extends UnlockClaims {
	/** The download's number among the share's granted downloads. */
	sequence: number
	target: TicketTarget
}

const GRANT = /^[A-Za-z0-9_-]{1,64}$/
const SECONDS = /^\d{1,12}$/

/** `fields` joined by dots, and their MAC after one more dot. */
export async function seal(secret: string, fields: string[]): Promise<string> {
	const payload = fields.join('.')
	return `${payload}.${await mac(secret, payload)}`
}

/** The fields of a sealed value of `kind` with `count` fields, once its MAC checks out. */
export async function unseal(
	secret: string,
	kind: string,
	count: number,
	value: string,
): Promise<string[] | null> {
	if (value.length > 4096) return null
	const parts = value.split('.')
	if (parts.length !== count + 1 || parts[0] !== kind) return null
	const given = parts.pop() ?? ''
	if (!(await timingSafeEqual(given, await mac(secret, parts.join('.'))))) return null
	return parts
}

const live = (expires: number, nowMs: number) => expires > Math.floor(nowMs / 1000)

export function signUnlockToken(secret: string, claims: UnlockClaims): Promise<string> {
	return seal(secret, ['u', claims.id, claims.grant, String(claims.expires)])
}

export async function openUnlockToken(
	secret: string,
	value: string,
	nowMs: number,
): Promise<UnlockClaims | null> {
	const parts = await unseal(secret, 'u', 4, value)
	if (!parts) return null
	const [, id = '', grant = '', expires = ''] = parts
	if (!GRANT.test(grant) || !SECONDS.test(expires)) return null
	const claims = { id, grant, expires: Number(expires) }
	return live(claims.expires, nowMs) ? claims : null
}

function encodeTarget(target: TicketTarget): string {
	if (target.kind === 'file') return '-'
	const path = textToBase64url(target.path)
	if (target.kind === 'path') return `p${path}`
	return `${target.recursive ? 'r' : 'z'}${path}`
}

function decodeTarget(value: string): TicketTarget | undefined {
	if (value === '-') return { kind: 'file' }
	const path = base64urlToText(value.slice(1))
	if (path === undefined) return undefined
	switch (value[0]) {
		case 'p':
			return { kind: 'path', path }
		case 'z':
			return { kind: 'zip', path, recursive: false }
		case 'r':
			return { kind: 'zip', path, recursive: true }
		default:
			return undefined
	}
}

export function signTicket(secret: string, claims: TicketClaims): Promise<string> {
	return seal(secret, [
		't',
		claims.id,
		claims.grant,
		String(claims.sequence),
		String(claims.expires),
		encodeTarget(claims.target),
	])
}

export async function openTicket(secret: string, value: string, nowMs: number): Promise<TicketClaims | null> {
	const parts = await unseal(secret, 't', 6, value)
	if (!parts) return null
	const [, id = '', grant = '', sequence = '', expires = '', encoded = ''] = parts
	if (!GRANT.test(grant) || !/^\d{1,16}$/.test(sequence) || !SECONDS.test(expires)) return null
	const target = decodeTarget(encoded)
	if (!target) return null
	const claims = { id, grant, sequence: Number(sequence), expires: Number(expires), target }
	return live(claims.expires, nowMs) ? claims : null
}
