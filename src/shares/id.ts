// Share IDs: a friendly slug chosen by the admin, or a random unguessable one.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
/** 13 base62 characters ≈ 77 bits of entropy (the floor is 72). */
export const RANDOM_ID_LENGTH = 13
// 248 = 4 × 62: bytes at or above it are dropped, so every character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length)

export const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/

/** Words a slug may not take: routes of ours, or names people would mistake for them. */
export const RESERVED_IDS = new Set([
	'admin',
	'api',
	'assets',
	'download',
	'downloads',
	'favicon.ico',
	'health',
	'index',
	'login',
	'logout',
	'null',
	'robots.txt',
	'share',
	'shares',
	'static',
	'undefined',
	'upload',
	'uploads',
	'well-known',
	'www',
])

export function randomId(): string {
	let id = ''
	const bytes = new Uint8Array(32)
	while (id.length < RANDOM_ID_LENGTH) {
		crypto.getRandomValues(bytes)
		for (const byte of bytes) {
			if (byte >= UNBIASED_LIMIT) continue
			id += ALPHABET[byte % ALPHABET.length]
			if (id.length === RANDOM_ID_LENGTH) break
		}
	}
	return id
}

export function isReserved(id: string): boolean {
	return RESERVED_IDS.has(id.toLowerCase())
}

/** Whether a path segment could name a share at all; anything else is a 404 without a KV read. */
export function isShareId(id: string): boolean {
	return SLUG_PATTERN.test(id) && !isReserved(id)
}
