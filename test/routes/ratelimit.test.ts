import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearMisses, MISSES_PER_MINUTE } from '../../src/routes/pipeline/miss-limit.ts'
import { createShare, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()
beforeEach(() => clearMisses())

// wrangler.toml: UNLOCK_LIMIT allows 20 attempts, MISS_LIMIT 300 unknown ids, a minute each.
const UNLOCK_LIMIT = 20
const MISS_LIMIT = 300

function unlock(id: string, ip: string, testEnv: object = env) {
	return get(
		`/_/unlock/${id}`,
		{
			method: 'POST',
			headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
			body: JSON.stringify({ password: 'open sesame' }),
		},
		testEnv,
	)
}

/**
 * Right passwords until the first refusal (at most `max`). The share's Durable Object never
 * slows a right password, so a refusal can only come from the binding. Its windows are
 * aligned to the clock: a run that crosses a boundary gets a second window's worth.
 */
async function unlocksUntilRefused(id: string, ip: string, max: number, testEnv: object = env) {
	for (let i = 0; i < max; i++) {
		const res = await unlock(id, ip, testEnv)
		if (res.status !== 200) return { granted: i, res }
	}
	return { granted: max, res: undefined }
}

describe('the UNLOCK_LIMIT binding', () => {
	it('answers 429 too_many_attempts with Retry-After once a network passes the limit', async () => {
		await createShare({ key: 'f.bin', id: 'rl-unlock', password: 'open sesame' })
		const { granted, res } = await unlocksUntilRefused('rl-unlock', '198.18.20.20', UNLOCK_LIMIT * 2 + 1)
		expect(granted).toBeGreaterThanOrEqual(UNLOCK_LIMIT)
		if (!res) throw new Error('never refused')
		expect(res.status).toBe(429)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts')
		const retryAfter = Number(res.headers.get('retry-after'))
		expect(retryAfter).toBeGreaterThan(0)
		expect(retryAfter).toBeLessThanOrEqual(60)
	})

	it('counts each share on its own', async () => {
		await createShare({ key: 'f.bin', id: 'rl-one', password: 'open sesame' })
		await createShare({ key: 'f.bin', id: 'rl-two', password: 'open sesame' })
		await unlocksUntilRefused('rl-one', '198.18.20.21', UNLOCK_LIMIT * 2 + 1)
		expect((await unlock('rl-two', '198.18.20.21')).status).toBe(200)
	})

	it('leaves unlocking to the Durable Object when the binding is absent', async () => {
		await createShare({ key: 'f.bin', id: 'rl-absent', password: 'open sesame' })
		const withoutBinding = { ...env, UNLOCK_LIMIT: undefined }
		const { granted } = await unlocksUntilRefused(
			'rl-absent',
			'198.18.20.22',
			UNLOCK_LIMIT + 5,
			withoutBinding,
		)
		expect(granted).toBe(UNLOCK_LIMIT + 5)
	})
})

describe('the MISS_LIMIT binding', () => {
	it('refuses a network that asked for too many unknown ids across isolates', async () => {
		const from = { headers: { 'cf-connecting-ip': '198.18.20.30', 'user-agent': 'curl/8.5.0' } }
		let misses = 0
		let refused: Response | undefined
		while (!refused && misses < MISS_LIMIT * 2 + 2) {
			// A new isolate every few dozen misses: its own counter never fills.
			if (misses % (MISSES_PER_MINUTE - 10) === 0) clearMisses()
			const res = await get(`/rl-guess-${misses}`, from)
			if (res.status === 429) refused = res
			else misses++
		}
		expect(misses).toBeGreaterThanOrEqual(MISS_LIMIT)
		expect(refused?.status).toBe(429)
		expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
	})
})
