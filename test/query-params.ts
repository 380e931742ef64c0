/** Decoded query parameters of a URL, '+' kept literal (COS reads it as a plus). */
export function queryParams(url: string): Map<string, string> {
	const query = url.slice(url.indexOf('?') + 1)
	return new Map(
		query.split('&').map((pair) => {
			const eq = pair.indexOf('=')
			return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))]
		}),
	)
}
