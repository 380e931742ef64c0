import { describe, expect, it } from 'vitest'
import { createShareSchema, patchShareSchema } from '../../src/shares/schema.ts'

const fieldOf = (body: unknown) => {
	const result = createShareSchema.safeParse(body)
	return result.success ? undefined : result.error.issues[0]?.path.join('.')
}

describe('input dates', () => {
	it.each(['9999-12-31T23:59:59+14:00', '1970-01-01T00:00:00Z', '2040-01-01T00:00:00Z'])(
		'accept %s, inside 1970–9999 in UTC',
		(expiresAt) => {
			expect(fieldOf({ key: 'a', expiresAt })).toBeUndefined()
		},
	)

	it.each(['9999-12-31T23:59:59-14:00', '0000-01-01T00:00:00-14:00', '1969-12-31T23:59:59Z'])(
		'refuse %s, outside 1970–9999 in UTC',
		(expiresAt) => {
			expect(fieldOf({ key: 'a', expiresAt })).toBe('expiresAt')
			expect(fieldOf({ key: 'a', notBefore: expiresAt })).toBe('notBefore')
			expect(patchShareSchema.safeParse({ expiresAt }).success).toBe(false)
		},
	)
})

describe('contentType', () => {
	it('accepts parameters in visible ASCII, quoted or not', () => {
		expect(fieldOf({ key: 'a', contentType: 'text/plain; charset=utf-8; name="a b.txt"' })).toBeUndefined()
	})

	it.each([
		['non-ASCII in a quoted parameter', 'text/plain; name="报告"'],
		['a non-breaking space', 'text/plain;\u00a0charset=utf-8'],
		['a zero-width space', 'text/plain;\u200bcharset=utf-8'],
	])('refuses %s', (_label, contentType) => {
		expect(fieldOf({ key: 'a', contentType })).toBe('contentType')
	})
})

describe('the page field', () => {
	it('is a boolean on create and a boolean or null on PATCH', () => {
		expect(fieldOf({ key: 'a', page: true })).toBeUndefined()
		expect(fieldOf({ key: 'a', page: 'yes' })).toBe('page')
		expect(patchShareSchema.safeParse({ page: null }).success).toBe(true)
	})
})
