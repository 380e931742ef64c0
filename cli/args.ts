// Parsing what people type: durations (30m, 12h, 7d, 2w), dates (2026-12-31: the end of that
// day where the user is), sizes (100M: binary, MiB) and counts. Each throws a usage error
// naming the option.
import { CliError, EXIT } from './errors.ts'

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 }

function usage(option: string, problem: string): CliError {
	return new CliError(`${option}: ${problem}`, EXIT.usage)
}

/** `30m`, `12h`, `7d`, `2w`, `90s` (or `1d12h`) → seconds. */
export function parseDuration(text: string, option = '--expires'): number {
	const value = text.trim().toLowerCase()
	const parts = [...value.matchAll(/(\d+)([smhdw])/g)]
	if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value)
		throw usage(option, `"${text}" is not a duration such as 30m, 12h, 7d or 2w`)
	const seconds = parts.reduce((sum, part) => sum + Number(part[1]) * (UNIT_SECONDS[part[2] ?? 's'] ?? 1), 0)
	if (seconds < 1) throw usage(option, 'must be at least one second')
	return seconds
}

/**
 * When something ends: a duration from now, a date (the end of that day in the user's time
 * zone), or a full ISO 8601 date-time. Returns an ISO string with its zone.
 */
export function parseWhen(text: string, nowMs: number, option = '--expires'): string {
	const value = text.trim()
	const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
	if (day) {
		const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])]
		// The last second of that day, local time: the share works through the whole day.
		const end = new Date(year, month - 1, date, 23, 59, 59)
		if (end.getFullYear() !== year || end.getMonth() !== month - 1 || end.getDate() !== date)
			throw usage(option, `"${text}" is not a date of the calendar`)
		return end.toISOString()
	}
	if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
		const ms = Date.parse(value)
		if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value))
			throw usage(option, `"${text}" is not an ISO 8601 date-time with a zone`)
		return new Date(ms).toISOString()
	}
	return new Date(nowMs + parseDuration(value, option) * 1000).toISOString()
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** `100M`, `1.5G`, `512k`, `100MiB`, `2GB` (binary units all), or plain bytes → bytes. */
export function parseSize(text: string, option = '--max-file-size'): number {
	const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim())
	if (!match) throw usage(option, `"${text}" is not a size such as 100M, 1.5G or 512K`)
	const bytes = Math.round(Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1))
	if (!Number.isSafeInteger(bytes) || bytes < 1) throw usage(option, `"${text}" is not a size above zero`)
	return bytes
}

/** A whole number ≥ 1. */
export function parseCount(text: string, option: string): number {
	if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
		throw usage(option, `"${text}" is not a whole number of at least 1`)
	return Number(text)
}

/** `--if-match 3` → `"3"`: the share's revision as the API's entity tag. */
export function parseRevision(text: string): string {
	if (!/^"?[1-9]\d{0,15}"?$/.test(text.trim()))
		throw usage('--if-match', `"${text}" is not a revision such as 3`)
	return `"${text.trim().replace(/"/g, '')}"`
}

/** Media types or patterns, comma- or space-separated: `image/*,application/pdf`. */
export function parseList(text: string): string[] {
	return text
		.split(/[\s,]+/)
		.map((item) => item.trim())
		.filter((item) => item !== '')
}
