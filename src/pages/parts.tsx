// Pieces several pages share: what kind of file a name is (a word and an icon), dates that
// the page's script puts in the visitor's zone, a limited link's notice, and link cards.
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { formatDate } from './i18n/format.ts'
import { fill, type Lang, messages } from './i18n/index.ts'

export type FileCategory = 'image' | 'video' | 'audio' | 'pdf' | 'text' | 'archive' | 'other'

const BY_EXTENSION: Record<string, FileCategory> = {}
for (const [category, extensions] of Object.entries({
	image: 'png jpg jpeg gif webp avif bmp svg heic heif tif tiff ico',
	video: 'mp4 m4v mov webm mkv avi wmv flv ogv 3gp',
	audio: 'mp3 m4a aac wav flac ogg oga opus wma amr',
	pdf: 'pdf',
	text: 'txt md csv tsv log json xml yaml yml ini conf toml srt vtt rtf doc docx odt pages',
	archive: 'zip rar 7z tar gz tgz bz2 xz zst iso dmg',
}) as [FileCategory, string][])
	for (const extension of extensions.split(' ')) BY_EXTENSION[extension] = category

/** The name's extension, lower case, when it looks like one ("pdf"), else ''. */
export function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.')
	const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
	return /^[a-z0-9]{1,5}$/.test(extension) ? extension : ''
}

/** What kind of file this is, from its media type, else its name. */
export function fileCategory(name: string, contentType?: string | undefined): FileCategory {
	const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
	if (type === 'application/pdf') return 'pdf'
	if (type.startsWith('image/')) return 'image'
	if (type.startsWith('video/')) return 'video'
	if (type.startsWith('audio/')) return 'audio'
	if (type === 'text/plain') return 'text'
	if (/zip|x-7z|x-rar|x-tar|gzip/.test(type)) return 'archive'
	return BY_EXTENSION[extensionOf(name)] ?? 'other'
}

/** "PNG image", "PDF document", "Text file", "ZIP archive", "KEY file", "File". */
export function typeLabel(name: string, contentType: string | undefined, lang: Lang): string {
	const t = messages(lang)
	const subtype = (contentType ?? '').split(';')[0]?.split('/')[1]?.trim() ?? ''
	const ext = (extensionOf(name) || (/^[a-z0-9]{1,4}$/i.test(subtype) ? subtype : '')).toUpperCase()
	const category = fileCategory(name, contentType)
	if (category === 'pdf') return t.typePdf
	if (category === 'text' && (ext === '' || ext === 'TXT' || ext === 'PLAIN')) return t.typeText
	if (ext === '') return t.typeFile
	const template = {
		image: t.typeImage,
		video: t.typeVideo,
		audio: t.typeAudio,
		archive: t.typeArchive,
		text: t.typeExtFile,
		other: t.typeExtFile,
	}[category]
	return fill(template, { ext })
}

const ICON_PATHS: Record<FileCategory | 'folder', string> = {
	folder:
		'<path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4l2 2h9A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" fill="currentColor" stroke="none"/>',
	image:
		'<rect x="3.5" y="4.5" width="17" height="15" rx="2"/><circle cx="9" cy="10" r="1.6"/><path d="M4 18l5-5 4 4 3-3 4 4"/>',
	video: '<rect x="3.5" y="5.5" width="12" height="13" rx="2"/><path d="M15.5 10.5l5-3v9l-5-3"/>',
	audio: '<path d="M9 18V6l10-2v12"/><circle cx="6.5" cy="18" r="2.5"/><circle cx="16.5" cy="16" r="2.5"/>',
	pdf: '<path d="M6 3.5h8l4 4v13H6z"/><path d="M14 3.5v4h4"/><path d="M9 13h6M9 16.5h6"/>',
	text: '<path d="M6 3.5h8l4 4v13H6z"/><path d="M14 3.5v4h4"/><path d="M9 11h6M9 14h6M9 17h4"/>',
	archive:
		'<rect x="4.5" y="3.5" width="15" height="17" rx="2"/><path d="M12 3.5v2M12 7.5v2M12 11.5v2"/><rect x="10.5" y="14" width="3" height="3.5" rx=".8"/>',
	other: '<path d="M6 3.5h8l4 4v13H6z"/><path d="M14 3.5v4h4"/>',
}

/** A small line icon for a kind of entry, coloured by the text around it. */
export function TypeIcon(props: { category: FileCategory | 'folder'; class?: string }) {
	return raw(
		`<svg class="${props.class ?? 'icon'}" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">${ICON_PATHS[props.category]}</svg>`,
	)
}

/**
 * A date: UTC as the server writes it, put in the visitor's own zone by the page's script
 * (every <time datetime> is).
 */
export function LocalTime(props: { date: Date; lang: Lang }) {
	return <time datetime={props.date.toISOString()}>{formatDate(props.date, props.lang)}</time>
}

/** "{count} downloads left", in its plural. */
export function downloadsLeft(count: number, lang: Lang): string {
	const t = messages(lang)
	return fill(count === 1 ? t.downloadsLeftOne : t.downloadsLeftOther, { count: String(count) })
}

/**
 * What the page script needs to keep a limited page true after a download: the count it
 * shows, the words for it, and what to say when none is left.
 */
export function spendWords(lang: Lang): string {
	const t = messages(lang)
	return JSON.stringify({ one: t.downloadsLeftOne, other: t.downloadsLeftOther, none: t.downloadsNone })
}

/** A line break opportunity after `_ - . /` and between a lower and an upper case letter. */
export function Breakable(props: { text: string }) {
	const parts = props.text.split(/(?<=[_\-./])|(?<=[a-z])(?=[A-Z])/)
	return (
		<>
			{parts.map((part, index) =>
				index === parts.length - 1 ? (
					part
				) : (
					<>
						{part}
						<wbr />
					</>
				),
			)}
		</>
	)
}

export interface CardProps {
	lang: Lang
	title: string
	description: string
	/** The share's own address. */
	url: string
	/** Absolute URL of the card's picture: a share's preview, or the site's card. */
	image: string
	/** The picture's text alternative. */
	imageAlt: string
}

/** Open Graph and Twitter tags: what chat apps and social sites show for a link. */
export function CardMeta(props: CardProps) {
	const t = messages(props.lang)
	return (
		<>
			<meta name="description" content={props.description} />
			<meta property="og:type" content="website" />
			<meta property="og:site_name" content={t.brand} />
			<meta property="og:title" content={props.title} />
			<meta property="og:description" content={props.description} />
			<meta property="og:url" content={props.url} />
			<meta property="og:image" content={props.image} />
			<meta property="og:image:alt" content={props.imageAlt} />
			<meta property="og:locale" content={props.lang === 'zh' ? 'zh_CN' : 'en_US'} />
			<meta name="twitter:card" content="summary" />
			<meta name="twitter:title" content={props.title} />
			<meta name="twitter:description" content={props.description} />
			<meta name="twitter:image" content={props.image} />
		</>
	)
}

/** The card of a protected or limited share: only that it is one, from this site. */
export function restrictedCard(
	lang: Lang,
	url: string,
	kind: 'protected' | 'limited',
): Omit<CardProps, 'image' | 'imageAlt'> {
	const t = messages(lang)
	return {
		lang,
		title: kind === 'protected' ? t.cardProtectedTitle : t.cardLimitedTitle,
		description: t.cardRestrictedDescription,
		url,
	}
}

/** The site's own card picture, shipped with the worker (routes/system). */
export const CARD_IMAGE_PATH = '/_/card.png'

/** The absolute address of the site's card picture for a share at `shareUrl`. */
export function siteCardImage(shareUrl: string): string {
	return new URL(CARD_IMAGE_PATH, shareUrl).href
}

/** A 24 px line icon in the text's colour, hidden from assistive tech (its words are beside it). */
export function StrokeIcon(props: { children: Child }) {
	return (
		<svg
			viewBox="0 0 24 24"
			aria-hidden="true"
			focusable="false"
			fill="none"
			stroke="currentColor"
			stroke-width="2"
			stroke-linecap="round"
			stroke-linejoin="round"
		>
			{props.children}
		</svg>
	)
}
