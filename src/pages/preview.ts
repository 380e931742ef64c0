// Which files the download page may preview inline: only types a browser shows without
// running anything. HTML, SVG, XML, JavaScript and unknown types are never previewed.
export type PreviewKind = 'image' | 'pdf' | 'audio' | 'video' | 'text' | 'none'

const IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp'])
const AUDIO = new Set([
	'audio/mpeg',
	'audio/mp4',
	'audio/aac',
	'audio/ogg',
	'audio/opus',
	'audio/wav',
	'audio/x-wav',
	'audio/webm',
	'audio/flac',
])
const VIDEO = new Set(['video/mp4', 'video/webm', 'video/ogg'])

/** The preview for a Content-Type (parameters and case ignored), or 'none'. */
export function previewKind(contentType: string | null | undefined): PreviewKind {
	const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
	if (IMAGES.has(type)) return 'image'
	if (AUDIO.has(type)) return 'audio'
	if (VIDEO.has(type)) return 'video'
	if (type === 'application/pdf') return 'pdf'
	if (type === 'text/plain') return 'text'
	return 'none'
}
