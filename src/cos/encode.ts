// COS's own percent-encoding (doc 7778, "UrlEncode"): UTF-8, then everything but
// A-Z a-z 0-9 - _ . ~ as %XX with uppercase hex. encodeURIComponent leaves ! ' ( ) * raw.
const RFC3986_EXTRA = /[!'()*]/g

function hexEscape(ch: string): string {
	return `%${ch.charCodeAt(0).toString(16).toUpperCase()}`
}

/** Throws on lone surrogates: encodeURIComponent would throw URIError, and the SDK would sign garbage. */
export function assertWellFormed(value: string, what: string): void {
	if (!value.isWellFormed()) throw new TypeError(`${what} is not well-formed UTF-16 (lone surrogate)`)
}

export function cosEncode(value: string): string {
	assertWellFormed(value, 'value')
	return encodeURIComponent(value).replace(RFC3986_EXTRA, hexEscape)
}

/** The URL path for an object key: every byte encoded except the unreserved set and '/'. */
export function encodeKeyPath(key: string): string {
	// A raw '+' would read as a space at COS; cosEncode already turns it into %2B.
	return `/${cosEncode(key).replaceAll('%2F', '/')}`
}

export interface CanonicalList {
	/** Encoded, lowercased names joined by ';' (q-header-list / q-url-param-list). */
	names: string
	/** name=value pairs joined by '&', the way they enter HttpString. */
	pairs: string
}

/**
 * The sorted name/value lists of doc 7778: name → encode → lowercase, value → encode
 * (case kept), sorted by the encoded name. Two entries whose names only differ in case
 * would make the signature ambiguous, so they are refused.
 */
export function canonicalList(entries: Readonly<Record<string, string>> | undefined): CanonicalList {
	if (!entries) return { names: '', pairs: '' }
	const rows: [string, string][] = []
	const seen = new Set<string>()
	for (const [rawName, rawValue] of Object.entries(entries)) {
		if (typeof rawValue !== 'string') throw new TypeError(`value of "${rawName}" must be a string`)
		const name = cosEncode(rawName).toLowerCase()
		if (name === '') throw new TypeError('empty parameter or header name')
		if (seen.has(name)) throw new TypeError(`"${rawName}" is given twice (names are case-insensitive)`)
		seen.add(name)
		rows.push([name, cosEncode(rawValue)])
	}
	rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
	return {
		names: rows.map(([name]) => name).join(';'),
		pairs: rows.map(([name, value]) => `${name}=${value}`).join('&'),
	}
}
