// Sizes, dates and remaining time, formatted for a page's language with Intl.
import { BoundedMap } from '../../bounded-map.ts'
import { fill, type Lang, LOCALE, messages } from './index.ts'

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const

// Building an Intl formatter costs far more than using one (hundreds of µs on a page that
// formats a dozen values), and each depends only on its options: build each once.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function numberFormat(lang: Lang, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
	const key = `n ${lang} ${JSON.stringify(options)}`
	let format = formatters.get(key)
	if (!(format instanceof Intl.NumberFormat)) {
		format = new Intl.NumberFormat(LOCALE[lang], options)
		formatters.set(key, format)
	}
	return format
}

/**
 * Date and minute, no zone name: "Dec 10, 2026, 14:39" / "2026年12月10日 14:39". The page's
 * script formats every <time datetime> again with these options in the visitor's own zone
 * (script.ts); the server, which cannot know it, writes UTC and says so.
 */
export const LOCAL_DATE_OPTIONS: Intl.DateTimeFormatOptions = {
	year: 'numeric',
	month: 'short',
	day: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23',
}

const DATE_OPTIONS: Intl.DateTimeFormatOptions = { ...LOCAL_DATE_OPTIONS, timeZone: 'UTC' }

function dateFormat(lang: Lang): Intl.DateTimeFormat {
	const key = `d ${lang}`
	let format = formatters.get(key)
	if (!(format instanceof Intl.DateTimeFormat)) {
		format = new Intl.DateTimeFormat(LOCALE[lang], DATE_OPTIONS)
		formatters.set(key, format)
	}
	return format
}

// Even a built formatter takes tens of µs a call, and a page shows the same few sizes and
// dates view after view (a share's size, its expiry, the object's last change). Each text is a
// pure function of its language and value, so that pair is the whole key: nothing else (no
// share, no revision) could make a remembered text wrong. Bounded, least recently used first.
export const FORMAT_MEMO_LIMIT = 512
const sizes = new BoundedMap<string, string>(FORMAT_MEMO_LIMIT)
const dates = new BoundedMap<string, string>(FORMAT_MEMO_LIMIT)

/** How many sizes and dates are remembered (tests). */
export function rememberedFormats(): { sizes: number; dates: number } {
	return { sizes: sizes.size, dates: dates.size }
}

/** Human size in binary steps with SI-looking unit names, as file managers show it: "1.5 MB". */
export function formatSize(bytes: number, lang: Lang): string {
	// -0 prints as "-0 B" but as a key it would be "0": never remembered.
	if (Object.is(bytes, -0)) return sizeText(bytes, lang)
	return sizes.getOrMake(`${lang} ${bytes}`, () => sizeText(bytes, lang))
}

function sizeText(bytes: number, lang: Lang): string {
	let value = bytes
	let unit = 0
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024
		unit++
	}
	// "1,000 B" beside "4.9 KB": one way of writing sizes in a list (the exact count of bytes
	// is formatBytes, where a page wants it).
	if (unit === 0) return `${numberFormat(lang).format(bytes)} B`
	return numberFormat(lang, {
		style: 'unit',
		unit: UNITS[unit],
		unitDisplay: 'short',
		maximumFractionDigits: value >= 100 ? 0 : 1,
	}).format(value)
}

/** The exact count, grouped for the language: "1,572,864 bytes" / "1,572,864 字节". */
export function formatBytes(bytes: number, lang: Lang): string {
	return `${numberFormat(lang).format(bytes)} ${messages(lang).bytes}`
}

/**
 * Date and time in UTC, marked as such: what a page says before its script has put it in
 * the visitor's zone, and what it keeps saying without a script.
 */
export function formatDate(date: Date, lang: Lang): string {
	// The time value is all a Date holds; an invalid one throws below and is never remembered.
	return dates.getOrMake(
		`${lang} ${date.getTime()}`,
		() => `${dateFormat(lang).format(date)}${messages(lang).utc}`,
	)
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The unit words a live countdown needs, in the page's language. */
export function remainingWords(lang: Lang) {
	const t = messages(lang)
	return {
		template: t.remaining,
		separator: t.unitSeparator,
		lessThanAMinute: t.lessThanAMinute,
		expired: t.expired,
		units: [
			[DAY, t.dayOne, t.dayOther],
			[HOUR, t.hourOne, t.hourOther],
			[MINUTE, t.minuteOne, t.minuteOther],
		] as [number, string, string][],
	}
}

/**
 * The two largest non-zero units, rounded down: "2 days 3 hours left" / "剩余 2 天 3 小时".
 * The page's script repeats this logic (script.ts); keep the two in step.
 */
export function formatRemaining(ms: number, lang: Lang): string {
	const words = remainingWords(lang)
	if (ms <= 0) return words.expired
	if (ms < MINUTE) return fill(words.template, { time: words.lessThanAMinute })
	// The largest unit that is not zero and the one after it, leaving out a zero second one.
	const first = words.units.findIndex(([size]) => ms >= size)
	const parts: string[] = []
	let rest = ms
	for (const [size, one, other] of words.units.slice(first, first + 2)) {
		const count = Math.floor(rest / size)
		rest -= count * size
		if (count > 0) parts.push(`${count}${words.separator}${count === 1 ? one : other}`)
	}
	return fill(words.template, { time: parts.join(' ') })
}

const SPAN_UNITS = [
	[86_400, 'dayOne', 'dayOther'],
	[3_600, 'hourOne', 'hourOther'],
	[60, 'minuteOne', 'minuteOther'],
	[1, 'secondOne', 'secondOther'],
] as const

/** A length of time in its two largest non-zero units: "1 hour", "1 天 12 小时". */
export function formatSpan(seconds: number, lang: Lang): string {
	const t = messages(lang)
	const parts: string[] = []
	let rest = Math.max(1, Math.floor(seconds))
	for (const [size, one, other] of SPAN_UNITS) {
		const count = Math.floor(rest / size)
		rest -= count * size
		if (count > 0) parts.push(`${count}${t.unitSeparator}${t[count === 1 ? one : other]}`)
		else if (parts.length > 0) break
		if (parts.length === 2) break
	}
	return parts.join(' ')
}
