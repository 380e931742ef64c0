// Guessing share ids: many 404s from one client network are slowed down. Counted per
// isolate (a cheap first filter, not an exact count), per /24 or /64, in one-minute windows,
// and, when the MISS_LIMIT binding exists, across isolates by Workers Rate Limiting too.
import { clientNetwork } from '../../shares/limits.ts'

/** The `period` of both rate limiting bindings in wrangler.toml, seconds. */
export const RATE_LIMIT_PERIOD = 60

/** The rate limiting bindings, each optional (tests' env, deployments made before them). */
export type RateLimitEnv = Partial<Pick<Cloudflare.Env, 'UNLOCK_LIMIT' | 'MISS_LIMIT'>>

/**
 * Seconds to wait when a rate limiting binding refuses `key`, else 0 (also when the binding
 * is absent). Its windows are aligned to the clock: the wait runs to the next boundary.
 */
export async function rateLimitWait(
	binding: RateLimit | undefined,
	key: string,
	nowMs: number,
): Promise<number> {
	if (!binding || (await binding.limit({ key })).success) return 0
	return RATE_LIMIT_PERIOD - (Math.floor(nowMs / 1000) % RATE_LIMIT_PERIOD)
}

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

/**
 * Counts one unknown id asked for by the network. When MISS_LIMIT says the network has
 * asked for too many across isolates, this isolate treats its window as full until then.
 */
export async function countMiss(
	ip: string | null | undefined,
	nowMs: number,
	env: RateLimitEnv = {},
): Promise<void> {
	// Cloudflare always names the client; without it (local tools) there is no network to count.
	if (!ip) return
	const network = clientNetwork(ip)
	const wait = await rateLimitWait(env.MISS_LIMIT, network, nowMs)
	if (wait > 0) {
		windows.delete(network)
		windows.set(network, { start: nowMs + wait * 1000 - WINDOW_MS, misses: MISSES_PER_MINUTE })
		return
	}
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
