import { describe, expect, it } from 'vitest'
import { BoundedPromiseCache } from '../../src/cos/hmac.ts'

/** A cache of `limit` entries and a record of which keys it had to make. */
function cacheWithLog(limit: number) {
	const cache = new BoundedPromiseCache<string>(limit)
	const made: string[] = []
	const get = (key: string) =>
		cache.get(key, () => {
			made.push(key)
			return Promise.resolve(`value of ${key}`)
		})
	return { cache, made, get }
}

describe('BoundedPromiseCache', () => {
	it('makes a value once and then serves it', async () => {
		const { made, get } = cacheWithLog(2)
		expect(await get('a')).toBe('value of a')
		expect(await get('a')).toBe('value of a')
		expect(made).toEqual(['a'])
	})

	it('drops the oldest entry when full', async () => {
		const { made, get } = cacheWithLog(2)
		for (const key of ['a', 'b', 'c', 'b', 'a']) await get(key)
		expect(made).toEqual(['a', 'b', 'c', 'a'])
	})

	it('forgets a value whose promise failed, so the next get tries again', async () => {
		const cache = new BoundedPromiseCache<string>(2)
		await expect(cache.get('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
		expect(await cache.get('a', () => Promise.resolve('second try'))).toBe('second try')
	})

	it('makes every value again after clear()', async () => {
		const { cache, made, get } = cacheWithLog(2)
		await get('a')
		cache.clear()
		await get('a')
		expect(made).toEqual(['a', 'a'])
	})
})
