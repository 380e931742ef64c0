import { afterEach, describe, expect, it, vi } from 'vitest'
import { log, redact } from '../../src/log.ts'

afterEach(() => {
	vi.restoreAllMocks()
})

describe('redact', () => {
	it.each([
		[
			'a signature in a query',
			'GET /k?q-sign-algorithm=sha1&q-signature=0a1b2c3d4e5f',
			'q-signature=[redacted]',
			'0a1b2c3d4e5f',
		],
		['an upper-case signature', 'Q-SIGNATURE=0A1B2C3D4E5F', 'Q-SIGNATURE=[redacted]', '0A1B2C3D4E5F'],
		['a percent-encoded signature', 'auth q-signature%3Dabcdef0123', 'q-signature=[redacted]', 'abcdef0123'],
		['a bearer token', 'header was Bearer s3cr3t-t0ken.value', 'Bearer=[redacted]', 's3cr3t-t0ken'],
		['a SecretId', 'q-ak=AKIDsecretid123&q-sign-time=1', 'q-ak=[redacted]', 'AKIDsecretid123'],
		[
			'a security token',
			'x-cos-security-token=tok_abc.def&x=1',
			'x-cos-security-token=[redacted]',
			'tok_abc',
		],
	])('hides %s', (_, text, shown, hidden) => {
		const out = redact(text)
		expect(out).toContain(shown)
		expect(out).not.toContain(hidden)
	})

	it('leaves text without secrets as it was', () => {
		expect(redact('upstream answered 403 AccessDenied')).toBe('upstream answered 403 AccessDenied')
	})

	it('keeps at most 300 characters', () => {
		expect(redact('x'.repeat(1000))).toHaveLength(300)
	})
})

describe('log', () => {
	it.each([
		['error', 'error'],
		['warn', 'warn'],
		['info', 'log'],
	] as const)('writes a %s event as one JSON line to console.%s', (level, method) => {
		const spy = vi.spyOn(console, method).mockImplementation(() => {})
		log(level, 'something_happened', { status: 502, requestId: 'r1' })
		expect(spy).toHaveBeenCalledExactlyOnceWith(
			JSON.stringify({ level, event: 'something_happened', status: 502, requestId: 'r1' }),
		)
	})
})
