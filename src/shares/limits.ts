// Download limits and their counts: what the share's Durable Object keeps next to the
// record, and the rules read off them. Pure, so the object applies them in one step.
import { shareState } from './rules.ts'
import type { ShareRecord } from './schema.ts'

/** One share's download counts, as its Durable Object holds them. */
export interface Usage {
	downloads: number
	/** Epoch ms of the first and latest granted download. */
	firstAt: number | null
	lastAt: number | null
}

export const NO_USAGE: Usage = { downloads: 0, firstAt: null, lastAt: null }

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
/**
 * The free attempts of an IPv6 /48 as a whole. A /48 holds 65,536 /64s, so a guesser who
 * rotates /64s inside it would get five free attempts from each: the /48 gets a larger
 * allowance, then doubling waits of its own.
 */
export const WIDE_FREE_ATTEMPTS = 8 * FREE_ATTEMPTS
export const MAX_BACKOFF_SECONDS = 3600
/**
 * Across all networks: attempts per minute before networks with recent failures are slowed
 * to one a second between them (see state-attempts.ts).
 */
export const SHARE_ATTEMPTS_PER_MINUTE = 100

/** Seconds a network waits after its `failures`-th failed attempt, when `free` of them are free. */
export function backoffSeconds(failures: number, free = FREE_ATTEMPTS): number {
	if (failures < free) return 0
	return Math.min(2 ** (failures - free), MAX_BACKOFF_SECONDS)
}

/** One tier of a client's network (its /24, /64 or /48) and the attempts it gets free. */
export interface NetworkTier {
	network: string
	free: number
}

/**
 * The client's network: the /24 of an IPv4 address (also written IPv4-mapped, as
 * `::ffff:1.2.3.4`), the /64 of an IPv6 one.
 */
export function clientNetwork(ip: string | null | undefined): string {
	if (!ip) return 'unknown'
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip)
	if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`
	if (!ip.includes(':')) return 'unknown'
	const groups = ipv6Groups(ip)
	const mapped = ipv4Mapped(groups)
	if (mapped) return mapped
	return `${groups
		.slice(0, 4)
		.map((group) => group.replace(/^0+(?=.)/, ''))
		.join(':')}::/64`
}

/** Every tier a client's attempts count against, narrowest first: see networkTiers(). */
export function clientNetworks(ip: string | null | undefined): NetworkTier[] {
	return networkTiers(clientNetwork(ip))
}

/**
 * The tiers of a network that clientNetwork() named: an IPv6 /64 also counts against its
 * /48; anything else (an IPv4 /24, 'unknown') is its own only tier.
 */
export function networkTiers(network: string): NetworkTier[] {
	const tiers = [{ network, free: FREE_ATTEMPTS }]
	const v6 = /^([0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}):[0-9a-f]{1,4}::\/64$/.exec(network)
	if (v6) tiers.push({ network: `${v6[1]}::/48`, free: WIDE_FREE_ATTEMPTS })
	return tiers
}

/** The eight groups of an IPv6 address as written: lowercase, `::` expanded, a dotted tail as two. */
function ipv6Groups(ip: string): string[] {
	const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip)
	const hex = quad
		? `${ip.slice(0, quad.index)}${hexPair(quad[1], quad[2])}:${hexPair(quad[3], quad[4])}`
		: ip
	const [head = '', tail = ''] = hex.toLowerCase().split('::')
	const left = head === '' ? [] : head.split(':')
	const right = tail === '' ? [] : tail.split(':')
	return hex.includes('::')
		? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
		: left
}

/** Two decimal octets as one hex group. */
function hexPair(high = '', low = ''): string {
	return (Number(high) * 256 + Number(low)).toString(16)
}

/** The /24 of an IPv4-mapped address (`::ffff:0:0/96`), else null. */
function ipv4Mapped(groups: string[]): string | null {
	if (groups.length !== 8 || groups.slice(0, 5).some((group) => !/^0{1,4}$/.test(group))) return null
	if (groups[5] !== 'ffff') return null
	const [high, low] = groups
		.slice(6)
		.map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN))
	if (high === undefined || low === undefined || Number.isNaN(high) || Number.isNaN(low)) return null
	return `${high >> 8}.${high & 255}.${low >> 8}.0/24`
}
