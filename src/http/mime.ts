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

// type/subtype and parameters, printable ASCII only: anything else must never reach a header.
const MEDIA_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+(?:\s*;[\x20-\x7e]*)?$/

/** A media type fit for a response header: as given, its bare essence, or undefined. */
export function headerSafeMediaType(value: string | null | undefined): string | undefined {
	if (!value) return undefined
	const trimmed = value.trim()
	if (MEDIA_TYPE.test(trimmed)) return trimmed
	const bare = essence(trimmed)
	return MEDIA_TYPE.test(bare) ? bare : undefined
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

export function isInlineSafe(contentType: string): boolean {
	return INLINE_SAFE.test(essence(contentType))
}

/** Downloadable types that are not inline-safe but harmless as an attachment of their own type. */
const ATTACHMENT_OK = /^application\/(zip|gzip|x-tar|x-7z-compressed|msword|vnd\.[\w.+-]+|octet-stream)$/

/**
 * What an object served from our origin may be labelled as: its own type when safe,
 * otherwise application/octet-stream, and never inline unless inline-safe.
 */
export function servedAs(contentType: string, disposition: 'attachment' | 'inline') {
	if (isInlineSafe(contentType)) return { contentType, disposition }
	if (ATTACHMENT_OK.test(essence(contentType))) return { contentType, disposition: 'attachment' as const }
	return { contentType: OCTET_STREAM, disposition: 'attachment' as const }
}
