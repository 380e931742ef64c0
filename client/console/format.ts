// Sizes and times as people read them, in the console's language and the browser's zone.
import type { Lang } from './i18n.ts'

const locale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en')

export function formatBytes(bytes: number, lang: Lang): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
	let value = bytes
	let unit = 0
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024
		unit++
	}
	const digits = unit === 0 || value >= 100 ? 0 : 1
	return `${value.toLocaleString(locale(lang), { maximumFractionDigits: digits })} ${units[unit]}`
}

export function formatTime(iso: string, lang: Lang): string {
	return new Date(iso).toLocaleString(locale(lang), { dateStyle: 'medium', timeStyle: 'short' })
}

export function formatDay(iso: string, lang: Lang): string {
	return new Date(iso).toLocaleDateString(locale(lang), { month: 'short', day: 'numeric' })
}

export function formatCount(n: number, lang: Lang): string {
	return n.toLocaleString(locale(lang))
}

/** `<input type="datetime-local">`'s value for an instant, in the browser's zone. */
export function localInputValue(date: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0')
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}
