// COS reads a query string with decodeURIComponent semantics: '+' is a literal plus, never
// a space (URLSearchParams would turn it into a space and break signed values).

export interface QueryParam {
	/** Decoded name, case kept. */
	name: string
	/** Decoded value; '' for a bare `name` without '='. */
	value: string
}

export class MalformedQueryError extends Error {}

function decode(part: string): string {
	try {
		return decodeURIComponent(part)
	} catch {
		throw new MalformedQueryError(`malformed percent-encoding in "${part}"`)
	}
}

export function parseRawQuery(raw: string): QueryParam[] {
	const params: QueryParam[] = []
	for (const pair of raw.split('&')) {
		if (pair === '') continue
		const eq = pair.indexOf('=')
		if (eq === -1) params.push({ name: decode(pair), value: '' })
		else params.push({ name: decode(pair.slice(0, eq)), value: decode(pair.slice(eq + 1)) })
	}
	return params
}

/** The first value of a parameter, by exact (case-sensitive) name, as COS reads sub-resources. */
export function queryValue(params: readonly QueryParam[], name: string): string | undefined {
	return params.find((param) => param.name === name)?.value
}

/** The same percent-encoding the SDK applies to names and values before signing. */
export function camSafeUrlEncode(value: string): string {
	return encodeURIComponent(value).replace(
		/[!'()*]/g,
		(ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
	)
}
