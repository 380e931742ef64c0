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

	it('lets the page embed previews from its own origin only, PDF and text as nested documents', () => {
		const csp = pageCsp('abc')
		expect(csp).toContain("frame-src 'self'")
		expect(csp).toContain("object-src 'self'")
		expect(csp).toContain("media-src 'self'")
	})

	it('makes a fresh 128-bit nonce each time', () => {
		const nonces = new Set(Array.from({ length: 100 }, newNonce))
		expect(nonces.size).toBe(100)
		for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16)
	})
})
