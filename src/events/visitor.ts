// Approximate visitors without ever keeping an address: a hash of the client's network (an
// IPv4 /24 or IPv6 /64, never the address) and its User-Agent, keyed by a salt that changes
// every UTC day. The same person counts once a day per share; yesterday's hashes cannot be
// matched with today's, and no stored value leads back to an address.
import { base64url } from '../codec.ts'

const encoder = new TextEncoder()
const SALT_LIMIT = 4
const HASH_LIMIT = 2000

// Derived keys per secret and day, and recent hashes: the same client asks many times.
const salts = new Map<string, Promise<CryptoKey>>()
const hashes = new Map<string, string>()

function hmacKey(raw: BufferSource): Promise<CryptoKey> {
	return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/** The UTC day of `ms`, as YYYY-MM-DD. */
export function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10)
}

/** The day's salt: HMAC(secret, "coslink visitors <day>"), itself the key of every hash that day. */
function saltFor(secret: string, day: string): Promise<CryptoKey> {
	const id = `${day}\n${secret}`
	let salt = salts.get(id)
	if (!salt) {
		salt = hmacKey(encoder.encode(secret)).then(async (key) =>
			hmacKey(await crypto.subtle.sign('HMAC', key, encoder.encode(`coslink visitors ${day}`))),
		)
		if (salts.size >= SALT_LIMIT) salts.delete(salts.keys().next().value ?? '')
		salts.set(id, salt)
	}
	return salt
}

/** A visitor's hash for one day (16 base64url characters, 96 bits). */
export async function visitorHash(
	secret: string,
	atMs: number,
	network: string,
	userAgent: string,
): Promise<string> {
	const day = utcDay(atMs)
	const id = `${day}\n${secret}\n${network}\n${userAgent}`
	const known = hashes.get(id)
	if (known !== undefined) return known
	const salt = await saltFor(secret, day)
	const mac = await crypto.subtle.sign('HMAC', salt, encoder.encode(`${network}\n${userAgent}`))
	const hash = base64url(new Uint8Array(mac, 0, 12))
	if (hashes.size >= HASH_LIMIT) hashes.delete(hashes.keys().next().value ?? '')
	hashes.set(id, hash)
	return hash
}
