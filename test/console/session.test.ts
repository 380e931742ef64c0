import { describe, expect, it } from 'vitest'
import {
	csrfToken,
	isCsrfToken,
	newSessionId,
	openSession,
	SESSION_TTL_SECONDS,
	signSession,
} from '../../src/console/session.ts'
import { seal } from '../../src/shares/tokens.ts'

const TOKEN = 'test-admin-token-0123456789abcdef'
const NOW = Date.parse('2026-03-01T00:00:00Z')
const NOW_S = NOW / 1000

async function session(expires = NOW_S + SESSION_TTL_SECONDS, sid = newSessionId()) {
	return { sid, value: await signSession(TOKEN, { sid, expires }) }
}

/** The value with one character of its MAC changed. */
function tampered(value: string): string {
	const last = value.at(-1) === 'A' ? 'B' : 'A'
	return `${value.slice(0, -1)}${last}`
}

describe('console sessions', () => {
	it('opens a session it signed, with its id and expiry', async () => {
		const { sid, value } = await session()
		expect(value).toMatch(/^s\.[\w-]{22}\.\d+\.[\w-]{43}$/)
		expect(await openSession(TOKEN, value, NOW)).toEqual({ sid, expires: NOW_S + SESSION_TTL_SECONDS })
	})

	it('gives every session an id of its own', () => {
		const ids = new Set(Array.from({ length: 500 }, () => newSessionId()))
		expect(ids.size).toBe(500)
	})

	it('refuses a value whose MAC was changed', async () => {
		const { value } = await session()
		expect(await openSession(TOKEN, tampered(value), NOW)).toBeNull()
	})

	it('refuses a value whose expiry was moved, even with the old MAC', async () => {
		const { value } = await session()
		const [kind, sid, expires, mac] = value.split('.')
		const later = `${kind}.${sid}.${Number(expires) + 60}.${mac}`
		expect(await openSession(TOKEN, later, NOW)).toBeNull()
	})

	it('refuses a session from the second it expires', async () => {
		const { value } = await session(NOW_S + 60)
		expect(await openSession(TOKEN, value, NOW + 59_000)).not.toBeNull()
		expect(await openSession(TOKEN, value, NOW + 60_000)).toBeNull()
	})

	it('refuses a session that claims more than 12 hours, though its MAC is right', async () => {
		const { value } = await session(NOW_S + SESSION_TTL_SECONDS + 3600)
		expect(await openSession(TOKEN, value, NOW)).toBeNull()
	})

	it('refuses every session once ADMIN_TOKEN is rotated', async () => {
		const { value } = await session()
		expect(await openSession(`${TOKEN}-rotated`, value, NOW)).toBeNull()
	})

	it('refuses a value sealed with the admin token itself rather than the derived key', async () => {
		const sid = newSessionId()
		const value = await seal(TOKEN, ['s', sid, String(NOW_S + 60)])
		expect(await openSession(TOKEN, value, NOW)).toBeNull()
	})

	it.each([
		['nothing', undefined],
		['an empty value', ''],
		['a value of another kind', 'u.id.grant.1.mac'],
		['garbage', 'not a session'],
		['a huge value', `s.${'a'.repeat(5000)}`],
	])('refuses %s', async (_, value) => {
		expect(await openSession(TOKEN, value, NOW)).toBeNull()
	})
})

describe('CSRF tokens', () => {
	it('is the same for a session every time, and base64url', async () => {
		const sid = newSessionId()
		const token = await csrfToken(TOKEN, sid)
		expect(token).toMatch(/^[\w-]{43}$/)
		expect(await csrfToken(TOKEN, sid)).toBe(token)
		expect(await isCsrfToken(TOKEN, sid, token)).toBe(true)
	})

	it("refuses another session's token, a changed one, none, and one after rotation", async () => {
		const sid = newSessionId()
		const token = await csrfToken(TOKEN, sid)
		expect(await isCsrfToken(TOKEN, newSessionId(), token)).toBe(false)
		expect(await isCsrfToken(TOKEN, sid, tampered(token))).toBe(false)
		expect(await isCsrfToken(TOKEN, sid, undefined)).toBe(false)
		expect(await isCsrfToken(TOKEN, sid, '')).toBe(false)
		expect(await isCsrfToken(`${TOKEN}-rotated`, sid, token)).toBe(false)
	})

	it('differs from the session cookie MAC: one cannot stand for the other', async () => {
		const { sid, value } = await session()
		expect(value.endsWith(await csrfToken(TOKEN, sid))).toBe(false)
	})
})
