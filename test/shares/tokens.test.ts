import { describe, expect, it } from 'vitest'
import { clientNetwork } from '../../src/shares/limits.ts'
import { openTicket, openUnlockToken, signTicket, signUnlockToken } from '../../src/shares/tokens.ts'

const SECRET = 'test-link-secret-0123456789abcdef'
const NOW = Date.parse('2026-06-01T00:00:00Z')
const CLAIMS = { id: 'share-1', created: NOW - 1000, counter: 2, expires: NOW / 1000 + 60 }

describe('unlock tokens and tickets', () => {
	it('opens a token it signed, with its claims', async () => {
		expect(await openUnlockToken(SECRET, await signUnlockToken(SECRET, CLAIMS), NOW)).toEqual(CLAIMS)
	})

	it('refuses a token with any claim changed', async () => {
		const token = await signUnlockToken(SECRET, CLAIMS)
		const parts = token.split('.')
		for (const index of [1, 2, 3, 4]) {
			const changed = [...parts]
			changed[index] = index === 1 ? 'share-2' : String(Number(parts[index]) + 1)
			expect(await openUnlockToken(SECRET, changed.join('.'), NOW)).toBeNull()
		}
	})

	it('refuses a token signed with another secret', async () => {
		const token = await signUnlockToken('another-secret-0123456789abcdef', CLAIMS)
		expect(await openUnlockToken(SECRET, token, NOW)).toBeNull()
	})

	it('refuses a token at its expiry', async () => {
		const token = await signUnlockToken(SECRET, CLAIMS)
		expect(await openUnlockToken(SECRET, token, CLAIMS.expires * 1000)).toBeNull()
	})

	it('never takes a ticket for an unlock token, or the other way round', async () => {
		expect(await openTicket(SECRET, await signUnlockToken(SECRET, CLAIMS), NOW)).toBeNull()
		expect(await openUnlockToken(SECRET, await signTicket(SECRET, CLAIMS), NOW)).toBeNull()
	})
})

describe('client networks', () => {
	it('groups IPv4 addresses by /24', () => {
		expect(clientNetwork('198.51.100.7')).toBe(clientNetwork('198.51.100.250'))
		expect(clientNetwork('198.51.100.7')).not.toBe(clientNetwork('198.51.101.7'))
	})

	it('groups IPv6 addresses by /64, however they are written', () => {
		expect(clientNetwork('2001:db8:0:1::1')).toBe(clientNetwork('2001:0db8:0000:0001:ffff:0:0:9'))
		expect(clientNetwork('2001:db8:0:1::1')).not.toBe(clientNetwork('2001:db8:0:2::1'))
		expect(clientNetwork('::1')).toBe('0:0:0:0::/64')
	})
})
