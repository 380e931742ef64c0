// Content negotiation for pages: which language, page or bytes, and whether a link-preview
// bot is asking. Pure functions over header values so every route and test can use them.
import type { Lang } from '../pages/i18n/index.ts'

interface Weighted {
	value: string
	q: number
	order: number
}

/** `a;q=0.5, b` → entries with their q (default 1), q=0 dropped, best first, ties in order. */
function weighted(header: string | null | undefined): Weighted[] {
	if (!header) return []
	const entries: Weighted[] = []
	for (const [order, part] of header.split(',').entries()) {
		const [value = '', ...params] = part.split(';').map((piece) => piece.trim())
		if (value === '') continue
		let q = 1
		for (const param of params) {
			const match = /^q\s*=\s*([0-9.]+)$/i.exec(param)
			if (match?.[1] !== undefined) q = Number(match[1])
		}
		if (Number.isFinite(q) && q > 0) entries.push({ value: value.toLowerCase(), q, order })
	}
	return entries.sort((a, b) => b.q - a.q || a.order - b.order)
}

function languageOf(tag: string): Lang | undefined {
	const primary = tag.split('-')[0]
	if (primary === 'zh') return 'zh'
	if (primary === 'en') return 'en'
	return undefined
}

/**
 * `?lang=zh|en` wins; otherwise the best-weighted language we speak in `Accept-Language`
 * (every Chinese tag, zh-TW included, gets Simplified Chinese: the one table we have);
 * otherwise English.
 */
export function pickLanguage(acceptLanguage: string | null | undefined, langParam?: string | null): Lang {
	const forced = langParam?.trim().toLowerCase()
	if (forced === 'zh' || forced === 'en') return forced
	for (const { value } of weighted(acceptLanguage)) {
		const lang = languageOf(value)
		if (lang) return lang
	}
	return 'en'
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml'])

/** exact type > type/* > *\/*, so `*\/*, text/html` still prefers HTML. */
function specificity(range: string): number {
	if (range === '*/*') return 0
	return range.endsWith('/*') ? 1 : 2
}

/**
 * A browser navigating to the address, as opposed to a script, download manager or API
 * client: only GET, and either `Sec-Fetch-Mode: navigate` or an `Accept` whose most
 * preferred range is HTML. curl, wget and aria2 send `*\/*` (or nothing) and get bytes.
 */
export function wantsPage(headers: Headers, method: string): boolean {
	if (method.toUpperCase() !== 'GET') return false
	if (headers.get('sec-fetch-mode')?.toLowerCase() === 'navigate') return true
	const ranked = weighted(headers.get('accept')).sort(
		(a, b) => b.q - a.q || specificity(b.value) - specificity(a.value) || a.order - b.order,
	)
	const best = ranked[0]
	return best !== undefined && HTML_TYPES.has(best.value)
}

// Link-preview fetchers of chat apps and social sites: they want the card, not the bytes.
const UNFURLERS =
	/slackbot|slack-imgproxy|discordbot|twitterbot|facebookexternalhit|facebot|whatsapp|telegrambot|linkedinbot|skypeuripreview|microsoftpreview|microsoft office|teams\/|mastodon\/|bluesky cardyb|redditbot|embedly|iframely|vkshare|pinterest|line\/|kakaotalk-scrap|zalo|viber|snapchat|applebot|google-pagerenderer/i

export function isUnfurler(userAgent: string | null | undefined): boolean {
	return userAgent ? UNFURLERS.test(userAgent) : false
}
