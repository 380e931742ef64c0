import { assertWellFormed } from './encode.ts'

/** COS refuses object keys longer than this many UTF-8 bytes. */
export const MAX_KEY_BYTES = 850

const encoder = new TextEncoder()

/**
 * Checks that a key names an object a URL can reach. Keys with '.' or '..' segments exist
 * in COS but no WHATWG URL can carry them (parsers collapse them, %2E included), so a URL
 * signed for one would fetch a different object or fail the signature.
 */
export function assertObjectKey(key: unknown): asserts key is string {
	if (typeof key !== 'string' || key === '') throw new TypeError('object key must be a non-empty string')
	assertWellFormed(key, 'object key')
	if (encoder.encode(key).byteLength > MAX_KEY_BYTES)
		throw new RangeError(`object key is longer than ${MAX_KEY_BYTES} UTF-8 bytes`)
	for (const segment of key.split('/')) {
		if (segment === '.' || segment === '..')
			throw new TypeError('object key has a "." or ".." segment, which URLs cannot carry')
	}
}
