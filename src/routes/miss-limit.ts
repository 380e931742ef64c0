// Guessing share ids: many 404s from one client network are slowed down. Counted per
// isolate (a cheap first filter, not an exact count), per /24 or /64, in one-minute windows.
import { clientNetwork } from '../shares/limits.ts'

/** Unknown ids a network may ask for per minute, per isolate. */
export const MISSES_PER_MINUTE = 60
const WINDOW_MS = 60_000
const NETWORK_LIMIT = 10_000

interface Window {
	start: number
	misses: number
}

const windows = new Map<string, Window>()

/** Seconds the network must wait before asking for another unknown id, or 0. */
export function missWait(ip: string | null | undefined, nowMs: number): number {
	if (!ip) return 0
	const window = windows.get(clientNetwork(ip))
	if (!window || nowMs - window.start >= WINDOW_MS || window.misses < MISSES_PER_MINUTE) return 0
	return Math.ceil((window.start + WINDOW_MS - nowMs) / 1000)
}

/** Counts one unknown id asked for by the network. */
export function countMiss(ip: string | null | undefined, nowMs: number): void {
	// Cloudflare always names the client; without it (local tools) there is no network to count.
	if (!ip) return
	const network = clientNetwork(ip)
	const window = windows.get(network)
	if (window && nowMs - window.start < WINDOW_MS) {
		window.misses++
		return
	}
	// Oldest first: a flood of networks cannot grow the map without bound.
	if (windows.size >= NETWORK_LIMIT) windows.delete(windows.keys().next().value ?? '')
	windows.delete(network)
	windows.set(network, { start: nowMs, misses: 1 })
}

/** Tests: start from no counts. */
export function clearMisses(): void {
	windows.clear()
}
