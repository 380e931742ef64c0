// The edges of a pre-signed URL's validity window.
import { describe, expect, it } from 'vitest'
import { presignObjectUrl } from '../../src/cos/presign.ts'
import { base, NOW } from './presign-fixture.ts'

describe('presignObjectUrl validity', () => {
	it('ends a fractional ttl on the whole second before it', async () => {
		expect((await presignObjectUrl({ ...base, ttl: 1.5 })).expiresAt).toBe(NOW + 1)
	})

	it('refuses a window that would end at the current second', async () => {
		await expect(presignObjectUrl({ ...base, notAfter: NOW })).rejects.toThrow(RangeError)
	})

	it('signs a window whose last accepted second is now when notAfter is one second away', async () => {
		// COS accepts the whole end second, so a signature that must stop by NOW + 1 ends at NOW.
		expect((await presignObjectUrl({ ...base, notAfter: NOW + 1 })).expiresAt).toBe(NOW)
	})

	it.each([-1, 1.5])('refuses a skew of %s', async (skew) => {
		await expect(presignObjectUrl({ ...base, skew })).rejects.toThrow(RangeError)
	})
})
