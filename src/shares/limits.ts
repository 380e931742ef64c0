// Download limits and their counts: what the share's Durable Object keeps next to the
// record, and the rules read off them. Pure, so the object applies them in one step.
import { shareState } from './rules.ts'
import type { ShareRecord } from './schema.ts'

/** One share's download counts, as its Durable Object holds them. */
export interface Usage {
	downloads: number
	/** The last ticket's sequence number (every grant gets the next). */
	sequence: number
	/** Epoch ms of the first and latest granted download. */
	firstAt: number | null
	lastAt: number | null
}

export const NO_USAGE: Usage = { downloads: 0, sequence: 0, firstAt: null, lastAt: null }

/**
 * Shares whose downloads are spent one at a time, through tickets. An upload link counts
 * files (upload.maxFiles), never downloads: limits stored on one are ignored.
 */
export function isLimited(
	record: Pick<ShareRecord, 'type' | 'maxDownloads' | 'expiresAfterFirstDownload'>,
): boolean {
	if (record.type === 'upload') return false
	return record.maxDownloads !== undefined || record.expiresAfterFirstDownload !== undefined
}

/** The record with `expiresAfterFirstDownload` folded into `expiresAt`, whichever comes first. */
export function withUsageExpiry<T extends ShareRecord>(record: T, usage: Usage): T {
	if (!isLimited(record) || record.expiresAfterFirstDownload === undefined || usage.firstAt === null)
		return record
	const after = usage.firstAt + record.expiresAfterFirstDownload * 1000
	if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= after) return record
	return { ...record, expiresAt: new Date(after).toISOString() }
}

export type Grant = 'granted' | 'limit_reached' | 'expired' | 'not_active'

/** Whether one more download may be granted now. */
export function grantFor(record: ShareRecord, usage: Usage, nowMs: number): Grant {
	const state = shareState(withUsageExpiry(record, usage), nowMs)
	if (state === 'scheduled') return 'not_active'
	if (state === 'expired') return 'expired'
	if (!isLimited(record)) return 'granted'
	if (record.maxDownloads !== undefined && usage.downloads >= record.maxDownloads) return 'limit_reached'
	return 'granted'
}

/** What the admin API shows of a share's downloads. */
export function usageView(record: ShareRecord, usage: Usage) {
	return {
		downloads: usage.downloads,
		remainingDownloads:
			record.maxDownloads === undefined ? null : Math.max(0, record.maxDownloads - usage.downloads),
		firstDownloadAt: usage.firstAt === null ? null : new Date(usage.firstAt).toISOString(),
		lastDownloadAt: usage.lastAt === null ? null : new Date(usage.lastAt).toISOString(),
	}
}

/** Unlock attempts a network gets before each further one waits, doubling. */
export const FREE_ATTEMPTS = 5
export const MAX_BACKOFF_SECONDS = 3600
/** Across all networks: attempts per minute before everyone is slowed to one a second. */
export const SHARE_ATTEMPTS_PER_MINUTE = 100

/** Seconds a network waits after its `failures`-th failed attempt. */
export function backoffSeconds(failures: number): number {
	if (failures < FREE_ATTEMPTS) return 0
	return Math.min(2 ** (failures - FREE_ATTEMPTS), MAX_BACKOFF_SECONDS)
}

/** The client's network: the /24 of an IPv4 address, the /64 of an IPv6 one. */
export function clientNetwork(ip: string | null | undefined): string {
	if (!ip) return 'unknown'
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip)
	if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`
	if (!ip.includes(':')) return 'unknown'
	const [head = '', tail = ''] = ip.toLowerCase().split('::')
	const left = head === '' ? [] : head.split(':')
	const right = tail === '' ? [] : tail.split(':')
	const groups = ip.includes('::')
		? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
		: left
	return `${groups
		.slice(0, 4)
		.map((group) => group.replace(/^0+(?=.)/, ''))
		.join(':')}::/64`
}
