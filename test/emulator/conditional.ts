// Preconditions in RFC 9110 §13.2.2 order. If-Range is deliberately not here: COS may
// ignore it, so the worker has to implement If-Range itself and the emulator must not
// hide a worker that forgets.

export type Precondition = 'proceed' | 'not-modified' | 'failed'

export interface Validators {
	/** Quoted strong ETag. */
	etag: string
	/** Epoch milliseconds on a whole second. */
	lastModified: number
}

type Headers = Readonly<Record<string, string | string[] | undefined>>

function header(headers: Headers, name: string): string | undefined {
	const value = headers[name]
	return Array.isArray(value) ? value.join(', ') : value
}

interface EntityTag {
	weak: boolean
	opaque: string
}

function parseEtagList(value: string): EntityTag[] | '*' {
	if (value.trim() === '*') return '*'
	const tags: EntityTag[] = []
	for (const match of value.matchAll(/(W\/)?("[^"]*")/g))
		tags.push({ weak: match[1] !== undefined, opaque: match[2] ?? '' })
	return tags
}

function matches(value: string, etag: string, strong: boolean): boolean {
	const list = parseEtagList(value)
	if (list === '*') return true
	return list.some((tag) => tag.opaque === etag && !(strong && tag.weak))
}

/** HTTP dates compare at one-second precision; an unparseable date makes the header void. */
function httpDate(value: string | undefined): number | undefined {
	if (value === undefined) return undefined
	const ms = Date.parse(value)
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) * 1000
}

export function evaluatePreconditions(headers: Headers, object: Validators, method: string): Precondition {
	const ifMatch = header(headers, 'if-match')
	if (ifMatch !== undefined) {
		if (!matches(ifMatch, object.etag, true)) return 'failed'
	} else {
		const since = httpDate(header(headers, 'if-unmodified-since'))
		if (since !== undefined && object.lastModified > since) return 'failed'
	}
	const safe = method === 'GET' || method === 'HEAD'
	const ifNoneMatch = header(headers, 'if-none-match')
	if (ifNoneMatch !== undefined) {
		if (matches(ifNoneMatch, object.etag, false)) return safe ? 'not-modified' : 'failed'
	} else if (safe) {
		const since = httpDate(header(headers, 'if-modified-since'))
		if (since !== undefined && object.lastModified <= since) return 'not-modified'
	}
	return 'proceed'
}
