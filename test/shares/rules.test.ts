import { describe, expect, it } from 'vitest'
import {
	EXPIRED_RETENTION_SECONDS,
	KV_MAX_EXPIRATION_SECONDS,
	kvExpiration,
	shareState,
} from '../../src/shares/rules.ts'

const at = (seconds: number) => new Date(seconds * 1000).toISOString()
const T = 1_800_000_000

describe('shareState', () => {
	it('is active between notBefore and expiresAt', () => {
		expect(shareState({ notBefore: at(T - 10), expiresAt: at(T + 10) }, T * 1000)).toBe('active')
		expect(shareState({}, T * 1000)).toBe('active')
	})

	it('is scheduled before notBefore', () => {
		expect(shareState({ notBefore: at(T + 1) }, T * 1000)).toBe('scheduled')
	})

	it('is expired from expiresAt on', () => {
		expect(shareState({ expiresAt: at(T) }, T * 1000)).toBe('expired')
	})

	it('is expired in the last fraction of its final second, when no signature could end in time', () => {
		const expiresAt = new Date(T * 1000 + 500).toISOString()
		expect(shareState({ expiresAt }, T * 1000 + 100)).toBe('expired')
		expect(shareState({ expiresAt }, T * 1000 - 1)).toBe('active')
	})
})

describe('kvExpiration', () => {
	it('keeps an expired record 30 days so its link says 410', () => {
		expect(kvExpiration({ expiresAt: at(T) }, T * 1000)).toBe(T + EXPIRED_RETENTION_SECONDS)
	})

	it('never asks KV for less than 60 s', () => {
		expect(kvExpiration({ expiresAt: at(T - 40 * 86400) }, T * 1000)).toBe(T + 60)
	})

	it('keeps a share without expiry forever', () => {
		expect(kvExpiration({}, T * 1000)).toBeUndefined()
	})
})

describe('kvExpiration past 32 bits', () => {
	it('is omitted when expiry plus retention passes 2^31 - 1 seconds', () => {
		const expiresAt = new Date(
			(KV_MAX_EXPIRATION_SECONDS - EXPIRED_RETENTION_SECONDS + 1) * 1000,
		).toISOString()
		expect(kvExpiration({ expiresAt }, T * 1000)).toBeUndefined()
	})

	it('is kept when expiry plus retention is exactly 2^31 - 1 seconds', () => {
		const expiresAt = new Date((KV_MAX_EXPIRATION_SECONDS - EXPIRED_RETENTION_SECONDS) * 1000).toISOString()
		expect(kvExpiration({ expiresAt }, T * 1000)).toBe(KV_MAX_EXPIRATION_SECONDS)
	})
})
