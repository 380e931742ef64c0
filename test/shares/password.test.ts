import { describe, expect, it } from 'vitest'
import {
	CODE_ALPHABET,
	CODE_LENGTH,
	extractionCode,
	hashPassword,
	MAX_PBKDF2_ITERATIONS,
	PBKDF2_ITERATIONS,
	verifyPassword,
} from '../../src/shares/password.ts'

describe('password hashes', () => {
	it('stays within the 100,000 PBKDF2 iterations production Workers accept', () => {
		expect(MAX_PBKDF2_ITERATIONS).toBe(100_000)
		expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000)
	})

	it('records its iteration count in a PHC-style string', async () => {
		expect(await hashPassword('open sesame')).toMatch(
			/^\$pbkdf2-sha256\$i=100000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
		)
	})

	it('refuses to hash with more than 100,000 iterations', async () => {
		await expect(hashPassword('open sesame', 100_001)).rejects.toThrow(RangeError)
	})

	it('never matches a stored hash above the cap, which a Worker could not check', async () => {
		const stored = (await hashPassword('open sesame', 1000)).replace('i=1000', 'i=200000')
		expect(await verifyPassword('open sesame', stored)).toBe(false)
	})

	it('salts every hash', async () => {
		expect(await hashPassword('open sesame', 1000)).not.toBe(await hashPassword('open sesame', 1000))
	})

	it('verifies the right password', async () => {
		expect(await verifyPassword('open sesame', await hashPassword('open sesame', 1000))).toBe(true)
	})

	it('refuses a wrong password', async () => {
		expect(await verifyPassword('open barley', await hashPassword('open sesame', 1000))).toBe(false)
	})
})

describe('extraction codes', () => {
	it('draws six characters from an alphabet without 0, o, 1, l or i', () => {
		expect(CODE_ALPHABET).not.toMatch(/[0o1li]/)
		for (let i = 0; i < 200; i++)
			expect(extractionCode()).toMatch(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`))
	})
})
