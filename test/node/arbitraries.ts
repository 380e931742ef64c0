// fast-check arbitraries for COS keys, names and values: unicode, emoji, spaces, every
// ASCII punctuation character, leading and double slashes.
import fc from 'fast-check'

const PUNCTUATION = Array.from('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')
const PIECES = [
	...PUNCTUATION,
	' ',
	'  ',
	'/',
	'//',
	'a',
	'Z',
	'0',
	'9',
	'文件',
	'é',
	'ß',
	'😀',
	'👩‍👩‍👧',
	'\u00a0',
	'+',
	'%20',
	'%2F',
	'~',
]

/** Any well-formed string, weighted towards the characters that break encoders. */
export const trickyString = fc.oneof(
	fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join('')),
	fc.string({ unit: 'binary', maxLength: 16 }),
	fc.string({ maxLength: 16 }),
)

/** Keys a URL can carry: non-empty, no '.'/'..' segments, ≤ 850 UTF-8 bytes. */
export const objectKey = trickyString.filter(
	(key) =>
		key !== '' &&
		Buffer.byteLength(key) <= 850 &&
		key.split('/').every((segment) => segment !== '.' && segment !== '..'),
)

export const RESPONSE_PARAMS = [
	'response-content-type',
	'response-content-disposition',
	'response-cache-control',
	'response-content-language',
	'response-expires',
	'response-content-encoding',
] as const

/** A name in random case: signing lowercases names, so case must not matter. */
const randomCase = (name: string) =>
	fc
		.array(fc.boolean(), { minLength: name.length, maxLength: name.length })
		.map((flags) => Array.from(name, (c, i) => (flags[i] ? c.toUpperCase() : c)).join(''))

export const responseParams = fc
	.subarray([...RESPONSE_PARAMS])
	.chain((names) => fc.tuple(...names.map((name) => fc.tuple(randomCase(name), trickyString))))
	.map((pairs) => Object.fromEntries(pairs))

const headerName = fc.oneof(
	fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/).map((suffix) => `x-cos-meta-${suffix}`),
	fc.constantFrom(
		'x-cos-acl',
		'x-cos-traffic-limit',
		'x-cos-forbid-overwrite',
		'content-type',
		'content-md5',
	),
)

export const cosHeaders = fc
	.uniqueArray(fc.tuple(headerName, trickyString), { maxLength: 4, selector: ([name]) => name })
	.map((pairs) => Object.fromEntries(pairs))

export const keyTime = fc
	.tuple(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 200_000 }))
	.map(([start, span]) => ({ start, end: start + span }))

export const credentials = fc.record({
	secretId: fc.stringMatching(/^AKID[A-Za-z0-9]{8,32}$/),
	secretKey: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
})
