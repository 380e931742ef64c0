// src/bounded-map.ts, the memo under the pages' caches (QR codes, sizes, dates, pages).
import { describe, expect, it, vi } from 'vitest'
import { BoundedMap } from '../../src/bounded-map.ts'

describe('BoundedMap', () => {
	it('never holds more than its limit', () => {
		const map = new BoundedMap<number, string>(3)
		for (let i = 0; i < 10; i++) map.set(i, `v${i}`)
		expect(map.size).toBe(3)
		expect([7, 8, 9].map((i) => map.get(i))).toEqual(['v7', 'v8', 'v9'])
	})

	it('forgets the least recently used entry first, a read counting as a use', () => {
		const map = new BoundedMap<string, number>(2)
		map.set('a', 1)
		map.set('b', 2)
		expect(map.get('a')).toBe(1)
		map.set('c', 3)
		expect(map.has('a')).toBe(true)
		expect(map.has('b')).toBe(false)
		expect(map.has('c')).toBe(true)
	})

	it('makes a missing value once and then answers it from memory', () => {
		const map = new BoundedMap<string, string>(4)
		const make = vi.fn((key: string) => key.toUpperCase())
		expect(map.getOrMake('x', make)).toBe('X')
		expect(map.getOrMake('x', make)).toBe('X')
		expect(make).toHaveBeenCalledTimes(1)
	})

	it('keeps nothing when making the value throws', () => {
		const map = new BoundedMap<string, string>(4)
		expect(() =>
			map.getOrMake('x', () => {
				throw new Error('no')
			}),
		).toThrow('no')
		expect(map.size).toBe(0)
	})

	it('remembers null as a value, apart from a missing entry', () => {
		const map = new BoundedMap<string, string | null>(4)
		map.set('x', null)
		expect(map.has('x')).toBe(true)
		expect(map.get('x')).toBeNull()
		expect(map.get('y')).toBeUndefined()
	})

	it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', (limit) => {
		expect(() => new BoundedMap(limit)).toThrow(RangeError)
	})
})
