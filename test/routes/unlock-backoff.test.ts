// Unlock backoff through POST /_/unlock/:id while many networks guess at once: guessers are
// slowed, the right password from a network of its own is not. The clock stands still, so
// no wait runs out during a flood and every count is exact.
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FREE_ATTEMPTS, SHARE_ATTEMPTS_PER_MINUTE, WIDE_FREE_ATTEMPTS } from '../../src/shares/limits.ts'
import { hashPassword } from '../../src/shares/password.ts'
import { createShare } from '../../src/shares/store.ts'
import { fileRecord } from '../shares/fixtures.ts'
import { get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

const NOW = Date.parse('2026-03-01T00:00:00.000Z')
const RIGHT = 'open sesame'

beforeEach(() => {
	vi.spyOn(Date, 'now').mockReturnValue(NOW)
})

/** A protected share; a cheap hash, so a flood of wrong passwords costs little CPU. */
async function protectedShare(id: string): Promise<void> {
	await createShare(env, fileRecord(id, { passwordHash: await hashPassword(RIGHT, 1000) }), NOW)
}

function unlock(id: string, password: string, ip: string) {
	return get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
		body: JSON.stringify({ password }),
	})
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

interface Flood {
	/** Status of every wrong guess, and the Retry-After of every 429 among them. */
	statuses: number[]
	retryAfters: (string | null)[]
	/** Status of each of the owner's four tries with the right password. */
	owner: number[]
}

/**
 * Six guessers at once, each sending `perGuesser` wrong passwords from `guesserIp(g, i)`;
 * once `ownerAfter` guesses are in, the owner tries the right password four times from
 * `ownerIp`, between further guesses.
 */
async function flood(
	id: string,
	perGuesser: number,
	guesserIp: (g: number, i: number) => string,
	ownerIp: string,
	ownerAfter: number,
): Promise<Flood> {
	const result: Flood = { statuses: [], retryAfters: [], owner: [] }
	async function guesser(g: number) {
		for (let i = 0; i < perGuesser; i++) {
			const res = await unlock(id, 'wrong guess', guesserIp(g, i))
			result.statuses.push(res.status)
			if (res.status === 429) result.retryAfters.push(res.headers.get('retry-after'))
		}
	}
	async function owner() {
		while (result.statuses.length < ownerAfter) await tick()
		for (let i = 0; i < 4; i++) {
			result.owner.push((await unlock(id, RIGHT, ownerIp)).status)
			await tick()
		}
	}
	await Promise.all([owner(), ...[0, 1, 2, 3, 4, 5].map(guesser)])
	return result
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length

describe('unlock backoff under a flood of guesses', () => {
	it('unlocks the right password from a fresh network while six guessers rotate /24s', async () => {
		await protectedShare('ub-flood-v4')
		// A new /24 every five guesses: each network spends just its free attempts.
		const result = await flood(
			'ub-flood-v4',
			60,
			(g, i) => `10.${g}.${Math.floor(i / FREE_ATTEMPTS)}.${(i % FREE_ATTEMPTS) + 1}`,
			'203.0.113.50',
			2 * SHARE_ATTEMPTS_PER_MINUTE,
		)
		expect(result.statuses).toHaveLength(360)
		expect(count(result.owner, 200)).toBeGreaterThanOrEqual(3)
		// The share-wide ceiling still slows the guessers, a whole second at a time.
		expect(count(result.statuses, 429)).toBeGreaterThan(SHARE_ATTEMPTS_PER_MINUTE)
		expect(new Set(result.retryAfters)).toEqual(new Set(['1']))
	}, 60_000)

	it('slows a guesser rotating /64s in one /48, not the right password from another /48', async () => {
		await protectedShare('ub-flood-v6')
		const result = await flood(
			'ub-flood-v6',
			40,
			(g, i) => `2001:db8:bad:${(g * 64 + i).toString(16)}::1`,
			'2001:db8:900d:1::50',
			2 * SHARE_ATTEMPTS_PER_MINUTE,
		)
		expect(count(result.owner, 200)).toBeGreaterThanOrEqual(3)
		expect(count(result.statuses, 401)).toBe(WIDE_FREE_ATTEMPTS)
		expect(count(result.statuses, 429)).toBe(240 - WIDE_FREE_ATTEMPTS)
		expect(new Set(result.retryAfters)).toEqual(new Set(['1']))
	}, 60_000)
})

describe('unlock backoff per network', () => {
	it('answers 429 with Retry-After to a network past its free attempts, IPv4-mapped or not', async () => {
		await protectedShare('ub-mapped')
		for (let i = 0; i < FREE_ATTEMPTS; i++)
			expect((await unlock('ub-mapped', 'wrong guess', '::ffff:198.51.100.7')).status).toBe(401)
		const res = await unlock('ub-mapped', RIGHT, '198.51.100.8')
		expect(res.status).toBe(429)
		expect(res.headers.get('retry-after')).toBe('1')
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts')
	}, 60_000)

	it("refuses a guesser rotating /64s once its /48's allowance is spent", async () => {
		await protectedShare('ub-wide')
		for (let n = 0; n < WIDE_FREE_ATTEMPTS; n++)
			expect((await unlock('ub-wide', 'wrong guess', `2001:db8:bad:${n.toString(16)}::1`)).status).toBe(401)
		const res = await unlock('ub-wide', RIGHT, '2001:db8:bad:ffff::1')
		expect(res.status).toBe(429)
		expect(res.headers.get('retry-after')).toBe('1')
		expect((await unlock('ub-wide', RIGHT, '2001:db8:900d:1::1')).status).toBe(200)
	}, 60_000)
})
