// Media types by extension, and which of them are safe to show inline from our own origin.
const BY_EXTENSION: Record<string, string> = {
	pdf: 'application/pdf',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	avif: 'image/avif',
	bmp: 'image/bmp',
	svg: 'image/svg+xml',
	ico: 'image/x-icon',
	txt: 'text/plain; charset=utf-8',
	md: 'text/markdown; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
	json: 'application/json',
	xml: 'application/xml',
	html: 'text/html; charset=utf-8',
	htm: 'text/html; charset=utf-8',
	js: 'text/javascript',
	mjs: 'text/javascript',
	css: 'text/css',
	zip: 'application/zip',
	gz: 'application/gzip',
	tar: 'application/x-tar',
	'7z': 'application/x-7z-compressed',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	mp3: 'audio/mpeg',
	m4a: 'audio/mp4',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	flac: 'audio/flac',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	apk: 'application/vnd.android.package-archive',
	ipa: 'application/octet-stream',
}

export const OCTET_STREAM = 'application/octet-stream'

export function mediaTypeFor(name: string): string {
	const dot = name.lastIndexOf('.')
	if (dot < 0 || dot < name.lastIndexOf('/')) return OCTET_STREAM
	return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? OCTET_STREAM
}

// RFC 6838 restricted-name characters (type and subtype), and RFC 9110 token characters
// (parameter names and unquoted values), both lowercased.
const RESTRICTED_NAME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/
const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/
/** Longer than any media type worth keeping: refused before it is parsed. */
const MAX_MEDIA_TYPE_LENGTH = 1024

const isOws = (ch: string | undefined) => ch === ' ' || ch === '\t'

/** RFC 9110 qdtext and the second character of a quoted-pair: HTAB, SP, VCHAR, obs-text. */
function isQuotedText(code: number): boolean {
	return code === 0x09 || (code >= 0x20 && code <= 0xff && code !== 0x7f)
}

/** The parameters of a media type (after its subtype), or undefined when malformed. */
function parseParameters(text: string): [string, string][] | undefined {
	const params: [string, string][] = []
	let at = 0
	const skipOws = () => {
		while (isOws(text[at])) at++
	}
	while (at < text.length) {
		skipOws()
		if (at === text.length) break
		if (text[at] !== ';') return undefined
		at++
		skipOws()
		// An empty parameter ("text/plain;" or ";;") is allowed by the grammar.
		if (at === text.length || text[at] === ';') continue
		const eq = text.indexOf('=', at)
		if (eq < 0) return undefined
		const name = text.slice(at, eq).toLowerCase()
		if (!TOKEN.test(name)) return undefined
		at = eq + 1
		let value = ''
		if (text[at] === '"') {
			at++
			for (;;) {
				const ch = text[at]
				if (ch === undefined) return undefined
				at++
				if (ch === '"') break
				if (ch === '\\') {
					const escaped = text[at]
					if (escaped === undefined || !isQuotedText(escaped.charCodeAt(0))) return undefined
					value += escaped
					at++
				} else if (isQuotedText(ch.charCodeAt(0))) value += ch
				else return undefined
			}
		} else {
			const start = at
			while (at < text.length && text[at] !== ';' && !isOws(text[at])) at++
			value = text.slice(start, at)
			if (!TOKEN.test(value.toLowerCase())) return undefined
		}
		params.push([name, value])
	}
	return params
}

/**
 * One well-formed media type, or undefined: a lowercase `type/subtype` (RFC 6838 names),
 * with only a `charset` parameter kept (a token, lowercased), every other parameter
 * dropped. Anything malformed gives undefined: a comma anywhere (a browser reads a list of
 * types and takes the last), a missing subtype, characters outside the grammar, an unclosed
 * quote, a repeated charset. Idempotent: its output normalizes to itself.
 */
export function normalizeMediaType(value: string | null | undefined): string | undefined {
	if (typeof value !== 'string' || value.length > MAX_MEDIA_TYPE_LENGTH || value.includes(','))
		return undefined
	let start = 0
	let end = value.length
	while (isOws(value[start])) start++
	while (end > start && isOws(value[end - 1])) end--
	const text = value.slice(start, end)
	const semicolon = text.indexOf(';')
	const head = (semicolon < 0 ? text : text.slice(0, semicolon)).toLowerCase()
	let stop = head.length
	while (stop > 0 && isOws(head[stop - 1])) stop--
	const slash = head.indexOf('/')
	if (slash < 0) return undefined
	const type = head.slice(0, slash)
	const subtype = head.slice(slash + 1, stop)
	if (!RESTRICTED_NAME.test(type) || !RESTRICTED_NAME.test(subtype)) return undefined
	const params = semicolon < 0 ? [] : parseParameters(text.slice(semicolon))
	if (params === undefined) return undefined
	const charsets = params.filter(([name]) => name === 'charset').map(([, charset]) => charset.toLowerCase())
	if (charsets.length > 1) return undefined
	const [charset] = charsets
	if (charset === undefined) return `${type}/${subtype}`
	return TOKEN.test(charset) ? `${type}/${subtype}; charset=${charset}` : undefined
}

/** @deprecated The same as normalizeMediaType: a media type fit for a response header, or undefined. */
export const headerSafeMediaType = normalizeMediaType

// What COS keeps for an object stored without a type: it says nothing about the bytes.
const UNKNOWN_TYPES = new Set([OCTET_STREAM, 'binary/octet-stream'])

/**
 * The type COS has stored for an object, normalized, when it says something: undefined for
 * a malformed type and for application/ or binary/octet-stream (an upload sent without a
 * type), so that the file name decides instead.
 */
export function storedMediaType(value: string | null | undefined): string | undefined {
	const type = normalizeMediaType(value)
	return type === undefined || UNKNOWN_TYPES.has(essence(type)) ? undefined : type
}

/** Types Chromium plays in its own media document. */
export function isPlayableMedia(contentType: string): boolean {
	const type = essence(contentType)
	return type.startsWith('audio/') || type.startsWith('video/')
}

/** The bare type/subtype, lowercased. */
export function essence(contentType: string): string {
	return (contentType.split(';')[0] ?? '').trim().toLowerCase()
}

// Types a browser renders without running anything. HTML, XHTML, SVG, XML, JavaScript and
// anything unknown could script our origin, so they never leave as themselves.
const INLINE_SAFE =
	/^(image\/(png|jpeg|gif|webp|avif|bmp|x-icon)|application\/(pdf|json)|text\/(plain|csv|markdown)|audio\/[\w.+-]+|video\/[\w.+-]+|font\/[\w.+-]+)$/

// Subtypes a browser may parse as markup or run, under any top-level type: HTML and XHTML,
// XML of any kind (Chromium renders every +xml type as an XML document), SVG, XSLT, scripts.
const ACTIVE_SUBTYPE = /html|script|svg|xsl|^xml$|^xml-|[+.-]xml$/

/** Whether a browser could parse the type as markup or run it as a script. */
function isActive(type: string): boolean {
	return ACTIVE_SUBTYPE.test(type.slice(type.indexOf('/') + 1))
}

export function isInlineSafe(contentType: string): boolean {
	const type = normalizeMediaType(contentType)
	if (type === undefined) return false
	const bare = essence(type)
	return INLINE_SAFE.test(bare) && !isActive(bare)
}

/** Downloadable types that are not inline-safe but harmless as an attachment of their own type. */
const ATTACHMENT_OK = /^application\/(zip|gzip|x-tar|x-7z-compressed|msword|vnd\.[\w.+-]+|octet-stream)$/

/**
 * What an object served from our origin may be labelled as: its own type (normalized) when
 * safe, otherwise application/octet-stream, and never inline unless inline-safe. A type that
 * is malformed, or could be markup or a script, always leaves as an octet-stream attachment.
 */
export function servedAs(contentType: string, disposition: 'attachment' | 'inline') {
	const type = normalizeMediaType(contentType)
	if (type !== undefined && isInlineSafe(type)) return { contentType: type, disposition }
	if (type !== undefined && ATTACHMENT_OK.test(essence(type)) && !isActive(essence(type)))
		return { contentType: type, disposition: 'attachment' as const }
	return { contentType: OCTET_STREAM, disposition: 'attachment' as const }
}
