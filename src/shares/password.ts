// Share passwords: salted PBKDF2-SHA256 in a PHC-style string that records its iteration
// count, and the extraction codes (提取码) coslink can generate instead of a password.
import { timingSafeEqual } from 'hono/utils/buffer'

/** Production Workers refuse PBKDF2 above 100,000 iterations; local workerd does not. */
export const MAX_PBKDF2_ITERATIONS = 100_000
export const PBKDF2_ITERATIONS = MAX_PBKDF2_ITERATIONS
const SALT_BYTES = 16
const HASH_BITS = 256

/** No 0/o, 1/l/i: a code read aloud or off a screen has one spelling. */
export const CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'
export const CODE_LENGTH = 6

const encoder = new TextEncoder()

function toBase64(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes)).replace(/=+$/, '')
}

function fromBase64(text: string): Uint8Array {
	return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits'])
	const bits = await crypto.subtle.deriveBits(
		{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
		key,
		HASH_BITS,
	)
	return new Uint8Array(bits)
}

/** `$pbkdf2-sha256$i=100000$<salt>$<hash>`, salt and hash in unpadded base64. */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
	if (iterations > MAX_PBKDF2_ITERATIONS) throw new RangeError('at most 100,000 PBKDF2 iterations')
	const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
	const hash = await derive(password, salt, iterations)
	return `$pbkdf2-sha256$i=${iterations}$${toBase64(salt)}$${toBase64(hash)}`
}

/** Whether `password` matches the stored hash; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const match = /^\$pbkdf2-sha256\$i=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored)
	if (!match) return false
	const iterations = Number(match[1])
	// A hash this code could not have written (or a Worker could not check) never matches.
	if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return false
	const expected = fromBase64(match[3] ?? '')
	const actual = await derive(password, fromBase64(match[2] ?? ''), iterations)
	return timingSafeEqual(toBase64(actual), toBase64(expected))
}

/** A fresh 6-character extraction code, uniformly drawn from CODE_ALPHABET. */
export function extractionCode(): string {
	let code = ''
	while (code.length < CODE_LENGTH) {
		const [byte = 255] = crypto.getRandomValues(new Uint8Array(1))
		// Rejection sampling: 248 = 31 × 8, so every character is equally likely.
		if (byte < 248) code += CODE_ALPHABET[byte % CODE_ALPHABET.length]
	}
	return code
}

/**
 * An extraction code as people type or paste it: any case, with spaces (or a line break)
 * around or inside it. Codes are drawn in lower case, so this is the one spelling stored.
 */
export function normalizeCode(typed: string): string {
	return typed.replace(/\s+/g, '').toLowerCase()
}
