import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
	backoffSeconds,
	clientNetwork,
	clientNetworks,
	FREE_ATTEMPTS,
	SHARE_ATTEMPTS_PER_MINUTE,
	WIDE_FREE_ATTEMPTS,
} from '../../src/shares/limits.ts'
import type { AttemptOutcome } from '../../src/shares/state.ts'
import { unlockAttempt, unlockSucceeded } from '../../src/shares/store.ts'

const T0 = Date.parse('2026-03-01T00:00:00.000Z')

const attempt = (id: string, ip: string, nowMs = T0) => unlockAttempt(env, id, clientNetwork(ip), nowMs)

async function attempts(id: string, ip: string, times: number, nowMs = T0): Promise<AttemptOutcome[]> {
	const outcomes: AttemptOutcome[] = []
	for (let i = 0; i < times; i++) outcomes.push(await attempt(id, ip, nowMs))
	return outcomes
}

const ok = { ok: true }
const waits = (seconds: number) => ({ ok: false, retryAfter: seconds })
/** A /64 in the 2001:db8:bad::/48 of a guesser. */
const guesserV6 = (n: number) => `2001:db8:bad:${n.toString(16)}::1`

describe('network tiers', () => {
	it('counts an IPv4 address against its /24 alone', () => {
		expect(clientNetworks('198.51.100.7')).toEqual([{ network: '198.51.100.0/24', free: FREE_ATTEMPTS }])
	})

	it('counts an IPv6 address against its /64 and, with eight times the allowance, its /48', () => {
		expect(WIDE_FREE_ATTEMPTS).toBe(8 * FREE_ATTEMPTS)
		expect(clientNetworks('2001:DB8:0:1::9')).toEqual([
			{ network: '2001:db8:0:1::/64', free: FREE_ATTEMPTS },
			{ network: '2001:db8:0::/48', free: WIDE_FREE_ATTEMPTS },
		])
		expect(clientNetworks('2001:db8:0:ffff:1::')[1]).toEqual(clientNetworks('2001:0db8:0000:0001::1')[1])
		expect(clientNetworks('2001:db8:1:1::1')[1]).not.toEqual(clientNetworks('2001:db8:0:1::1')[1])
	})

	it('counts an IPv4-mapped IPv6 address as its IPv4 /24, however it is written, and no other', () => {
		for (const mapped of ['::ffff:198.51.100.7', '::FFFF:c633:6407', '0:0:0:0:0:ffff:198.51.100.250'])
			expect(clientNetworks(mapped)).toEqual([{ network: '198.51.100.0/24', free: FREE_ATTEMPTS }])
		expect(clientNetwork('::ffff:198.51.100.7')).toBe(clientNetwork('198.51.100.7'))
		// Every other address is named as it always was.
		expect(clientNetwork('::1')).toBe('0:0:0:0::/64')
		expect(clientNetwork('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64')
		expect(clientNetwork('2001:0db8:0000:0001:ffff:0:0:9')).toBe('2001:db8:0:1::/64')
		expect(clientNetwork(undefined)).toBe('unknown')
		expect(clientNetworks(null)).toEqual([{ network: 'unknown', free: FREE_ATTEMPTS }])
	})

	it('doubles the wait of a tier past its own free attempts', () => {
		expect([FREE_ATTEMPTS - 1, FREE_ATTEMPTS, FREE_ATTEMPTS + 1].map((n) => backoffSeconds(n))).toEqual([
			0, 1, 2,
		])
		expect([39, 40, 41, 42].map((n) => backoffSeconds(n, WIDE_FREE_ATTEMPTS))).toEqual([0, 1, 2, 4])
	})
})

describe('the unlock attempts of the share Durable Object', () => {
	it('refuses a network past its free attempts with a whole-second wait, counting no refusal share-wide', async () => {
		expect(await attempts('at-own', '198.51.100.1', FREE_ATTEMPTS)).toEqual(Array(FREE_ATTEMPTS).fill(ok))
		const refusals = await attempts('at-own', '198.51.100.1', 2 * SHARE_ATTEMPTS_PER_MINUTE)
		expect(refusals).toEqual(Array(2 * SHARE_ATTEMPTS_PER_MINUTE).fill(waits(1)))
		// 205 asks, but only 5 attempts: the share is far from its ceiling, so nobody is spaced.
		expect(await attempts('at-own', '192.0.2.1', 3)).toEqual([ok, ok, ok])
		expect(await attempt('at-own', '198.51.100.1', T0 + 1000)).toEqual(ok)
		expect(await attempt('at-own', '198.51.100.1', T0 + 1000)).toEqual(waits(2))
	})

	it('gives an IPv6 /48 eight times the free attempts, then doubling waits of its own', async () => {
		for (let n = 0; n < WIDE_FREE_ATTEMPTS; n++) expect(await attempt('at-wide', guesserV6(n))).toEqual(ok)
		expect(await attempt('at-wide', guesserV6(WIDE_FREE_ATTEMPTS))).toEqual(waits(1))
		expect(await attempt('at-wide', '2001:db8:900d:1::1')).toEqual(ok)
		expect(await attempt('at-wide', guesserV6(100), T0 + 1000)).toEqual(ok)
		expect(await attempt('at-wide', guesserV6(101), T0 + 1000)).toEqual(waits(2))
		expect(await attempt('at-wide', guesserV6(102), T0 + 3000)).toEqual(ok)
	})

	it('spaces only networks with failures in the last minute once the share passes its ceiling', async () => {
		expect(await attempt('at-wide-ceiling', '203.0.113.1')).toEqual(ok)
		const later = T0 + 61_000
		const networks = Array.from({ length: SHARE_ATTEMPTS_PER_MINUTE }, (_, n) => `10.0.${n}.1`)
		for (const ip of networks) expect(await attempt('at-wide-ceiling', ip, later)).toEqual(ok)
		// Past the ceiling: one attempt a second between the networks that failed in the window…
		expect(await attempt('at-wide-ceiling', '10.0.0.1', later)).toEqual(ok)
		expect(await attempt('at-wide-ceiling', '10.0.1.1', later)).toEqual(waits(1))
		expect(await attempt('at-wide-ceiling', '10.0.2.1', later + 999)).toEqual(waits(1))
		expect(await attempt('at-wide-ceiling', '10.0.1.1', later + 1000)).toEqual(ok)
		// …while a network with no failure, or none for a minute, always goes ahead.
		for (let n = 0; n < 4; n++)
			expect(await attempt('at-wide-ceiling', `192.0.${n}.1`, later + 1000)).toEqual(ok)
		expect(await attempt('at-wide-ceiling', '203.0.113.1', later + 1000)).toEqual(ok)
		expect(await attempt('at-wide-ceiling', '10.0.2.1', later + 1000)).toEqual(waits(1))
	})

	it('lets a right password from a fresh network in while six networks at once guess', async () => {
		let guesses = 0
		const refused: AttemptOutcome[] = []
		async function guesser(g: number) {
			for (let i = 0; i < 60; i++) {
				// A new /24 every five guesses: each network spends only its free attempts.
				const outcome = await attempt('at-flood', `10.${g}.${Math.floor(i / FREE_ATTEMPTS)}.1`)
				guesses++
				if (!outcome.ok) refused.push(outcome)
			}
		}
		async function owner() {
			while (guesses < 2 * SHARE_ATTEMPTS_PER_MINUTE) await new Promise((resolve) => setTimeout(resolve, 1))
			const tries: boolean[] = []
			for (let i = 0; i < 4; i++) {
				const outcome = await attempt('at-flood', '203.0.113.77')
				if (outcome.ok) await unlockSucceeded(env, 'at-flood', clientNetwork('203.0.113.77'))
				tries.push(outcome.ok)
				await new Promise((resolve) => setTimeout(resolve, 1))
			}
			return tries
		}
		const [tries] = await Promise.all([owner(), ...[0, 1, 2, 3, 4, 5].map(guesser)])
		expect(guesses).toBe(360)
		expect(tries?.filter(Boolean).length).toBeGreaterThanOrEqual(3)
		// The ceiling still slows the guessers, each refusal with a whole-second wait.
		expect(refused.length).toBeGreaterThan(100)
		for (const outcome of refused) expect(outcome).toEqual(waits(1))
	})

	it('clears a network and its /48 on the right password, and no other /64', async () => {
		for (let n = 1; n < WIDE_FREE_ATTEMPTS / FREE_ATTEMPTS; n++)
			await attempts('at-clear', guesserV6(n), FREE_ATTEMPTS)
		expect(await attempts('at-clear', guesserV6(0), FREE_ATTEMPTS)).toEqual(Array(FREE_ATTEMPTS).fill(ok))
		expect(await attempt('at-clear', guesserV6(0))).toEqual(waits(1))
		expect(await attempt('at-clear', guesserV6(99))).toEqual(waits(1))
		await unlockSucceeded(env, 'at-clear', clientNetwork(guesserV6(0)))
		expect(await attempts('at-clear', guesserV6(0), FREE_ATTEMPTS)).toEqual(Array(FREE_ATTEMPTS).fill(ok))
		expect(await attempt('at-clear', guesserV6(99))).toEqual(ok)
		expect(await attempt('at-clear', guesserV6(1))).toEqual(waits(1))

		await attempts('at-clear', '198.51.100.9', FREE_ATTEMPTS)
		await unlockSucceeded(env, 'at-clear', clientNetwork('198.51.100.9'))
		expect(await attempts('at-clear', '198.51.100.9', FREE_ATTEMPTS)).toEqual(Array(FREE_ATTEMPTS).fill(ok))
	})
})
