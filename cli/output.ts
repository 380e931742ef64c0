// What the CLI prints: the link first (a script can take the first line), then what a person
// needs once (an extraction code), tables for lists, and a QR code on request.
import { renderUnicodeCompact } from 'uqr'

export interface ShareAnswer {
	id: string
	type: 'file' | 'folder' | 'upload'
	url: string
	status: string
	key?: string
	prefix?: string
	expiresAt?: string
	notBefore?: string
	note?: string
	protected?: boolean
	extractionCode?: string
	maxDownloads?: number
	downloads?: number
	remainingDownloads?: number | null
	revision?: number
	[field: string]: unknown
}

export interface ListAnswer {
	shares: ShareAnswer[]
	cursor: string | null
}

const out = (line = '') => process.stdout.write(`${line}\n`)

/** A time as the user reads it: local, to the minute, with how far away it is. */
export function when(iso: string | undefined, nowMs = Date.now()): string {
	if (!iso) return 'never'
	const ms = Date.parse(iso)
	const date = new Date(ms)
	const pad = (n: number) => String(n).padStart(2, '0')
	const local = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`
	const seconds = Math.round((ms - nowMs) / 1000)
	const abs = Math.abs(seconds)
	const span =
		abs < 3600
			? `${Math.round(abs / 60)} min`
			: abs < 172800
				? `${Math.round(abs / 3600)} h`
				: `${Math.round(abs / 86400)} days`
	return `${local} (${seconds >= 0 ? `in ${span}` : `${span} ago`})`
}

export function printJson(value: unknown): void {
	out(JSON.stringify(value, null, 2))
}

/** A new share: its link, then its code (shown once), expiry and limits. */
export function printCreated(share: ShareAnswer, options: { qr?: boolean } = {}): void {
	out(share.url)
	if (share.extractionCode) out(`Extraction code: ${share.extractionCode}  (shown this once)`)
	const facts = [`expires ${when(share.expiresAt)}`]
	if (share.protected && !share.extractionCode) facts.push('password-protected')
	if (share.maxDownloads !== undefined)
		facts.push(`${share.maxDownloads} download${share.maxDownloads === 1 ? '' : 's'}`)
	process.stderr.write(`${share.type} share ${share.id}: ${facts.join(', ')}\n`)
	if (options.qr) out(renderUnicodeCompact(share.url, { border: 1 }))
}

/** One share, field by field. */
export function printShare(share: ShareAnswer): void {
	const width = Math.max(...Object.keys(share).map((key) => key.length))
	for (const [key, value] of Object.entries(share)) {
		const text =
			(key === 'expiresAt' || key === 'notBefore') && typeof value === 'string'
				? when(value)
				: typeof value === 'object' && value !== null
					? JSON.stringify(value)
					: String(value)
		out(`${key.padEnd(width)}  ${text}`)
	}
}

function cell(text: string, width: number): string {
	return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width)
}

export function printTable(shares: ShareAnswer[]): void {
	if (shares.length === 0) {
		process.stderr.write('No shares.\n')
		return
	}
	const idWidth = Math.min(24, Math.max(2, ...shares.map((share) => share.id.length)))
	out(`${cell('ID', idWidth)}  ${cell('TYPE', 6)}  ${cell('STATUS', 9)}  ${cell('EXPIRES', 16)}  WHAT`)
	for (const share of shares) {
		const expires = share.expiresAt ? when(share.expiresAt).slice(0, 16) : 'never'
		const what = `${share.key ?? share.prefix ?? ''}${share.note ? `  — ${share.note}` : ''}`
		out(
			`${cell(share.id, idWidth)}  ${cell(share.type, 6)}  ${cell(share.status, 9)}  ${cell(expires, 16)}  ${what}`,
		)
	}
}
