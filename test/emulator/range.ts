// Range: bytes=… as COS serves it: one range only (doc 7753). Anything COS cannot serve as
// a single range — several ranges, other units, bad syntax — is ignored (a full 200),
// as RFC 9110 §14.2 allows; only a well-formed range past the end is a 416.

export type RangeResult =
	| { kind: 'none' }
	| { kind: 'partial'; start: number; end: number }
	| { kind: 'unsatisfiable' }

const SINGLE_RANGE = /^bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i

export function parseRange(header: string | undefined, size: number): RangeResult {
	if (header === undefined) return { kind: 'none' }
	const match = SINGLE_RANGE.exec(header)
	if (!match) return { kind: 'none' }
	const [, first = '', last = ''] = match
	if (first === '' && last === '') return { kind: 'none' }
	if (first === '') {
		// Suffix range: the last n bytes.
		const length = Number(last)
		if (!Number.isSafeInteger(length)) return { kind: 'none' }
		if (length === 0 || size === 0) return { kind: 'unsatisfiable' }
		return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 }
	}
	const start = Number(first)
	const end = last === '' ? size - 1 : Number(last)
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'none' }
	if (last !== '' && end < start) return { kind: 'none' }
	if (start >= size) return { kind: 'unsatisfiable' }
	return { kind: 'partial', start, end: Math.min(end, size - 1) }
}
