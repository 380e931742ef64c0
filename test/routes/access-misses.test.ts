import { beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMisses, MISSES_PER_MINUTE } from '../../src/routes/pipeline/miss-limit.ts'
import { createShare, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()
beforeEach(() => clearMisses())

const from = (ip: string) => ({ headers: { 'cf-connecting-ip': ip, 'user-agent': 'curl/8.5.0' } })

async function guess(ip: string, times: number): Promise<void> {
	for (let i = 0; i < times; i++) await get(`/guess-${i}-nothing`, from(ip))
}

describe('guessing share ids', () => {
	it('answers 429 with Retry-After once a network has asked for too many unknown ids', async () => {
		await guess('198.18.9.9', MISSES_PER_MINUTE)
		const res = await get('/guess-more', from('198.18.9.10'))
		expect(res.status).toBe(429)
		expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
	})

	it('keeps answering another network', async () => {
		await createShare({ key: 'f.bin', id: 'miss-known' })
		await guess('198.18.9.11', MISSES_PER_MINUTE)
		expect((await get('/miss-known', from('192.0.2.11'))).status).toBe(302)
	})

	it('lets the network ask again after the minute', async () => {
		const start = Date.now()
		vi.spyOn(Date, 'now').mockReturnValue(start)
		await guess('198.18.9.12', MISSES_PER_MINUTE)
		vi.spyOn(Date, 'now').mockReturnValue(start + 60_000)
		expect((await get('/guess-later', from('198.18.9.12'))).status).toBe(404)
	})
})
