// Unlock attempts of the per-share Durable Object: failures and backoff per client network
// and its tiers (an IPv6 /64 also counts against its /48), and the share-wide ceiling.
// Plain synchronous steps over SqlStorage, so concurrent guesses cannot slip in between a
// check and its count.
import { backoffSeconds, networkTiers, SHARE_ATTEMPTS_PER_MINUTE } from './limits.ts'

interface AttemptRow extends Record<string, SqlStorageValue> {
	failures: number
	next_at: number
}

export type AttemptOutcome = { ok: true } | { ok: false; retryAfter: number }

/** The share-wide count's window; also how lately a network must have failed to be spaced. */
const WINDOW_MS = 60_000
/** Past the share-wide ceiling, networks that keep failing get one attempt this often between them. */
const SPACING_MS = 1000

/**
 * One attempt from `network` (as clientNetwork() names it) goes ahead, counted as failed
 * against each of its tiers until it succeeds, or waits. Read, check and count are one
 * synchronous step: concurrent guesses cannot slip in between.
 */
export function tryAttempt(sql: SqlStorage, id: string, network: string, nowMs: number): AttemptOutcome {
	const tiers = networkTiers(network).map((tier) => ({ ...tier, row: attemptRow(sql, id, tier.network) }))
	// A refused attempt is not counted anywhere: waiting out a backoff costs nobody else a slot.
	const own = Math.max(0, ...tiers.map(({ row }) => row.next_at - nowMs))
	if (own > 0) return refused(own)
	const failing = tiers.some(({ row }) => row.failures > 0 && nowMs - row.next_at < WINDOW_MS)
	const shared = shareWideWait(sql, id, failing, nowMs)
	if (shared > 0) return refused(shared)
	for (const { network: tier, free, row } of tiers) {
		const failures = row.failures + 1
		writeAttempt(sql, id, tier, failures, nowMs + backoffSeconds(failures, free) * 1000)
	}
	return { ok: true }
}

/** The right password: that network, and its /48 if it has one, start again from no failures. */
export function clearNetworkAttempts(sql: SqlStorage, id: string, network: string): void {
	for (const tier of networkTiers(network))
		sql.exec('DELETE FROM attempts WHERE id = ? AND network = ?', id, tier.network)
}

export function clearAttempts(sql: SqlStorage, id: string): void {
	sql.exec('DELETE FROM attempts WHERE id = ?', id)
}

function refused(waitMs: number): AttemptOutcome {
	return { ok: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) }
}

/**
 * The share-wide ceiling: past SHARE_ATTEMPTS_PER_MINUTE attempts in a minute, networks
 * `failing` (a failure on record, its wait over less than a minute ago) get one attempt a
 * second between them.
 * Row '*': failures = attempts in the minute window starting at next_at; row '*last':
 * next_at = when the last failing network's attempt went ahead.
 *
 * Why only failing networks: a ceiling that spaces everyone lets a flood from many networks
 * take every slot, and the owner of the right password, arriving from a network of their
 * own, is refused as often as the guessers are (40 of 40 tries, seen from outside). A
 * network with no recent failure always gets its attempt. That gives a guesser one free try
 * per fresh network, but fresh networks are what a guesser is short of: each costs a /24,
 * or in IPv6 a whole /48 (a /64 counts as failing when its /48 is), that has not failed in
 * the last minute; its further tries meet its own backoff, and the UNLOCK_LIMIT binding
 * counts each network in front of the object. Spacing still bounds what every network that
 * has already guessed wrong can add, so the ceiling slows guessers without starving the
 * right password.
 */
function shareWideWait(sql: SqlStorage, id: string, failing: boolean, nowMs: number): number {
	const row = attemptRow(sql, id, '*')
	const newWindow = nowMs - row.next_at >= WINDOW_MS
	const count = newWindow ? 1 : row.failures + 1
	if (failing) {
		const last = attemptRow(sql, id, '*last')
		if (count > SHARE_ATTEMPTS_PER_MINUTE && nowMs - last.next_at < SPACING_MS)
			return last.next_at + SPACING_MS - nowMs
		writeAttempt(sql, id, '*last', 0, nowMs)
	}
	writeAttempt(sql, id, '*', count, newWindow ? nowMs : row.next_at)
	return 0
}

function attemptRow(sql: SqlStorage, id: string, network: string): AttemptRow {
	return (
		sql
			.exec<AttemptRow>('SELECT failures, next_at FROM attempts WHERE id = ? AND network = ?', id, network)
			.toArray()[0] ?? { failures: 0, next_at: 0 }
	)
}

function writeAttempt(sql: SqlStorage, id: string, network: string, failures: number, nextAt: number): void {
	sql.exec(
		'INSERT INTO attempts (id, network, failures, next_at) VALUES (?, ?, ?, ?) ON CONFLICT (id, network) DO UPDATE SET failures = excluded.failures, next_at = excluded.next_at',
		id,
		network,
		failures,
		nextAt,
	)
}
