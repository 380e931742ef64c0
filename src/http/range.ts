// Range handling for the streaming proxy. COS serves one byte range per request; anything
// else is answered with the whole object (RFC 9110 lets a server ignore Range).
const MAX_RANGE_HEADER = 200
// Range units are case-insensitive (RFC 9110 §14.1).
const SINGLE_RANGE = /^bytes=(\d{0,19})-(\d{0,19})$/i

/** The Range to forward, or undefined to fetch the whole object. */
export function singleRange(header: string | undefined): string | undefined {
	if (header === undefined || header.length > MAX_RANGE_HEADER) return undefined
	const match = SINGLE_RANGE.exec(header.trim())
	if (!match) return undefined
	const [, first = '', last = ''] = match
	if (first === '' && last === '') return undefined
	if (first !== '' && last !== '' && BigInt(first) > BigInt(last)) return undefined
	return `bytes=${first}-${last}`
}

export type IfRange = { kind: 'etag'; etag: string } | { kind: 'date'; date: string } | { kind: 'invalid' }

/** RFC 9110 §13.1.5: a strong entity tag or an HTTP date; a weak tag never matches. */
export function parseIfRange(header: string | undefined): IfRange | undefined {
	if (header === undefined) return undefined
	const value = header.trim()
	if (/^"[\x21\x23-\x7e\x80-\xff]*"$/.test(value)) return { kind: 'etag', etag: value }
	if (value.startsWith('W/')) return { kind: 'invalid' }
	return Number.isNaN(Date.parse(value)) ? { kind: 'invalid' } : { kind: 'date', date: value }
}
