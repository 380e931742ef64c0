import { describe, expect, it } from 'vitest'
import { newNonce, pageCsp } from '../../src/pages/csp.ts'

describe('page CSP', () => {
	it('allows nothing by default, no framing, and scripts and styles only with the nonce', () => {
		const csp = pageCsp('abc')
		expect(csp).toContain("default-src 'none'")
		expect(csp).toContain("frame-ancestors 'none'")
		expect(csp).toContain("script-src 'nonce-abc'")
		expect(csp).toContain("style-src 'nonce-abc'")
		expect(csp).not.toContain('unsafe-inline')
	})

	it('makes a fresh 128-bit nonce each time', () => {
		const nonces = new Set(Array.from({ length: 100 }, newNonce))
		expect(nonces.size).toBe(100)
		for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16)
	})
})
