// The counting rules: what one answered request counts as, from what the route delivered and
// the request's own facts. One pure function, so every rule is a row of a table test.

/** What a route handed out. */
export type Delivered =
	/** A 302 to a pre-signed COS URL. */
	| 'redirect'
	/** The object's bytes through the worker. */
	| 'stream'
	/** A folder level as a zip. */
	| 'zip'
	/** A limited share spent a download (the page's button, or a GET that spends): its ticket. */
	| 'spend'
	/** A share's page (download page, upload page). */
	| 'page'
	/** A folder listing (HTML or JSON). */
	| 'listing'

export interface RequestFacts {
	method: string
	status: number
	/** The request's Range header, as sent. */
	range: string | null
	/** `Sec-Purpose`/`Purpose: prefetch`: a guess at a click. */
	prefetch: boolean
	/** A link-preview bot or crawler: its name. */
	bot: string | undefined
	/** The share limits its downloads: its downloads are exactly its Durable Object's spends. */
	limited: boolean
}

export type Counted = 'download' | 'view' | 'bot'

const RANGE = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i

/** Whether a Range asks for the object from its first byte on (and is not the one-byte probe). */
export function startsAtZero(range: string | null): boolean {
	if (range === null) return true
	const match = RANGE.exec(range)
	// Several ranges, or a suffix (`bytes=-500`): not a download from the start.
	if (!match || match[1] === '' || BigInt(match[1] ?? '0') !== 0n) return false
	// `bytes=0-0` is the free probe every download manager sends first.
	return match[2] === '' || BigInt(match[2] ?? '0') > 0n
}

/** What `delivered`, answered with `facts.status`, counts as; undefined: nothing. */
export function countAs(delivered: Delivered, facts: RequestFacts): Counted | undefined {
	// A limited share's downloads are its spends, each exactly once (a resume without its
	// ticket spends again, and counts again); the ticket's own deliveries never count.
	if (delivered === 'spend') return 'download'
	if (facts.method !== 'GET' || facts.prefetch || facts.status >= 400) return undefined
	if (facts.bot !== undefined) return 'bot'
	switch (delivered) {
		case 'page':
		case 'listing':
			return facts.status === 200 ? 'view' : undefined
		case 'redirect':
			// The client takes its Range to COS: a resume or the probe is no new download.
			if (facts.limited) return undefined
			return facts.status === 302 && startsAtZero(facts.range) ? 'download' : undefined
		case 'stream':
		case 'zip':
			if (facts.limited) return undefined
			// A 200 is the whole object, whatever Range was asked for; a 206 counts from byte 0.
			if (facts.status === 200) return 'download'
			return facts.status === 206 && startsAtZero(facts.range) ? 'download' : undefined
	}
}
