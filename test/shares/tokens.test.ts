import { describe, expect, it } from 'vitest'
import { clientNetwork } from '../../src/shares/limits.ts'
import {
	openTicket,
	openUnlockToken,
	signTicket,
	signUnlockToken,
	type TicketClaims,
	type TicketTarget,
} from '../../src/shares/tokens.ts'

const SECRET = 'test-link-secret-0123456789abcdef'
const NOW = Date.parse('2026-06-01T00:00:00Z')
const UNLOCK = { id: 'share-1', grant: 'AbCdEfGhIjKlMnOp', expires: NOW / 1000 + 60 }
const TICKET: TicketClaims = { ...UNLOCK, sequence: 3, target: { kind: 'file' } }

describe('unlock tokens and tickets', () => {
	it('opens a token it signed, with its claims', async () => {
		expect(await openUnlockToken(SECRET, await signUnlockToken(SECRET, UNLOCK), NOW)).toEqual(UNLOCK)
	})

	it('refuses a token with any claim changed', async () => {
		const token = await signUnlockToken(SECRET, UNLOCK)
		const parts = token.split('.')
		for (const [index, value] of [
			[1, 'share-2'],
			[2, 'AbCdEfGhIjKlMnOq'],
			[3, String(UNLOCK.expires + 1)],
		] as const) {
			const changed = [...parts]
			changed[index] = value
			expect(await openUnlockToken(SECRET, changed.join('.'), NOW)).toBeNull()
		}
	})

	it('refuses a token signed with another secret', async () => {
		const token = await signUnlockToken('another-secret-0123456789abcdef', UNLOCK)
		expect(await openUnlockToken(SECRET, token, NOW)).toBeNull()
	})

	it('refuses a token at its expiry', async () => {
		const token = await signUnlockToken(SECRET, UNLOCK)
		expect(await openUnlockToken(SECRET, token, UNLOCK.expires * 1000)).toBeNull()
	})

	it('never takes a ticket for an unlock token, or the other way round', async () => {
		expect(await openTicket(SECRET, await signUnlockToken(SECRET, UNLOCK), NOW)).toBeNull()
		expect(await openUnlockToken(SECRET, await signTicket(SECRET, TICKET), NOW)).toBeNull()
	})

	it.each<TicketTarget>([
		{ kind: 'file' },
		{ kind: 'path', path: 'reports/q3 报告.pdf' },
		{ kind: 'zip', path: '', recursive: false },
		{ kind: 'zip', path: 'photos/2026/', recursive: true },
	])('carries what a ticket was spent for: %o', async (target) => {
		const claims = { ...TICKET, target }
		expect(await openTicket(SECRET, await signTicket(SECRET, claims), NOW)).toEqual(claims)
	})

	it('refuses a ticket whose target was swapped for another', async () => {
		const one = (await signTicket(SECRET, { ...TICKET, target: { kind: 'path', path: 'a.txt' } })).split('.')
		const other = (await signTicket(SECRET, { ...TICKET, target: { kind: 'path', path: 'b.txt' } })).split(
			'.',
		)
		one[5] = other[5] ?? ''
		expect(await openTicket(SECRET, one.join('.'), NOW)).toBeNull()
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
