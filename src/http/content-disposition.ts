// Content-Disposition with an RFC 6266 quoted ASCII fallback and an RFC 8187 (ex-5987)
// filename* for everything else. Used both as a signed response-content-disposition and
// as a header the worker sends itself, so it must be safe in either place.
export type Disposition = 'attachment' | 'inline'

const MAX_FILENAME_CHARS = 150
// C0/C1 controls and DEL, and every format character: the bidi controls that can make
// "gpj.exe" look like "exe.jpg", zero-width spaces and joiners that hide inside a name.
const UNSAFE = /[\p{Cc}\p{Cf}]/gu
// Characters that are legal in a quoted-string but that naive parsers split or decode on.
const FALLBACK_UNSAFE = /["\\;%,=]|[^\x20-\x7e]/g

/** The filename as a person should see it: no controls, no path, bounded length. */
export function cleanFilename(name: string): string {
	const cleaned = name.replace(UNSAFE, '').replace(/[/\\]/g, '_').trim()
	const chars = Array.from(cleaned)
	if (chars.length <= MAX_FILENAME_CHARS) return cleaned
	const dot = cleaned.lastIndexOf('.')
	const ext = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : ''
	return chars.slice(0, MAX_FILENAME_CHARS - Array.from(ext).length).join('') + ext
}

function encodeExtValue(value: string): string {
	// attr-char is a superset of COS's unreserved set, so this is always valid RFC 8187.
	return encodeURIComponent(value).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	)
}

export function contentDisposition(type: Disposition, filename?: string): string {
	const name =
		filename === undefined ? '' : cleanFilename(filename.isWellFormed() ? filename : filename.toWellFormed())
	if (name === '') return type
	const fallback = name.replace(FALLBACK_UNSAFE, '_')
	if (fallback === name) return `${type}; filename="${name}"`
	return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`
}
