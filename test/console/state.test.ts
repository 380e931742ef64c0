import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newSessionId } from '../../src/console/session.ts'
import { type ConsoleState, consoleState } from '../../src/console/state.ts'
import { FREE_ATTEMPTS, WIDE_FREE_ATTEMPTS } from '../../src/shares/limits.ts'
import { ATTEMPT_RETENTION_MS } from '../../src/shares/state-cleanup.ts'

const NOW = Date.parse('2026-03-01T00:00:00Z')
const HOUR = 3600_000

afterEach(() => {
	vi.restoreAllMocks()
})

const state = () => consoleState(env)

function rows(sql: string, ...bindings: SqlStorageValue[]) {
	return runInDurableObject(state(), (_instance: ConsoleState, ctx) =>
		ctx.storage.sql.exec(sql, ...bindings).toArray(),
	)
}

describe('the console Durable Object: sessions', () => {
	it('keeps a session live until it expires, with how it was signed in', async () => {
		const sid = newSessionId()
		await state().open(sid, 'access', 'admin@example.com', NOW + HOUR, NOW)
		expect(await state().session(sid, NOW)).toEqual({
			via: 'access',
			subject: 'admin@example.com',
			expiresAt: NOW + HOUR,
		})
		expect(await state().session(sid, NOW + HOUR - 1)).not.toBeNull()
		expect(await state().session(sid, NOW + HOUR)).toBeNull()
	})

	it('knows no session it did not open', async () => {
		expect(await state().session(newSessionId(), NOW)).toBeNull()
	})

	it('ends a session for good when it is revoked', async () => {
		const sid = newSessionId()
		await state().open(sid, 'token', null, NOW + HOUR, NOW)
		expect(await state().revoke(sid)).toBe(true)
		expect(await state().session(sid, NOW)).toBeNull()
		expect(await state().revoke(sid)).toBe(false)
	})

	it('forgets expired sessions at its alarm', async () => {
		const ending = newSessionId()
		const staying = newSessionId()
		await state().open(ending, 'token', null, Date.now() + 1000, Date.now())
		await state().open(staying, 'token', null, Date.now() + HOUR, Date.now())
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 2000)
		await runDurableObjectAlarm(state())
		expect(await rows('SELECT sid FROM sessions WHERE sid IN (?, ?)', ending, staying)).toEqual([
			{ sid: staying },
		])
	})
})

describe('the console Durable Object: sign-in attempts', () => {
	it('lets a network try five times, then makes it wait, doubling, as unlocks do', async () => {
		const network = '198.51.100.0/24'
		for (let i = 0; i < FREE_ATTEMPTS; i++) expect(await state().attempt(network, NOW)).toEqual({ ok: true })
		expect(await state().attempt(network, NOW)).toEqual({ ok: false, retryAfter: 1 })
		expect(await state().attempt(network, NOW + 1000)).toEqual({ ok: true })
		expect(await state().attempt(network, NOW + 1000)).toEqual({ ok: false, retryAfter: 2 })
	})

	it('counts a network apart from others, and starts it again from nothing once it signs in', async () => {
		const network = '203.0.113.0/24'
		for (let i = 0; i < FREE_ATTEMPTS; i++) await state().attempt(network, NOW)
		expect((await state().attempt(network, NOW)).ok).toBe(false)
		expect((await state().attempt('192.0.2.0/24', NOW)).ok).toBe(true)
		await state().signedIn(network)
		expect((await state().attempt(network, NOW)).ok).toBe(true)
	})

	it('counts an IPv6 /64 against its /48 as well', async () => {
		// Each /64 of one /48 spends its own free attempts, until the /48's run out.
		let refused = 0
		for (let n = 0; n < WIDE_FREE_ATTEMPTS / FREE_ATTEMPTS + 1; n++)
			for (let i = 0; i < FREE_ATTEMPTS; i++)
				if (!(await state().attempt(`2001:db8:1:${n}::/64`, NOW)).ok) refused++
		expect(refused).toBeGreaterThan(0)
	})

	it('forgets attempt rows a day after their wait ended', async () => {
		const network = '100.64.7.0/24'
		await state().attempt(network, Date.now())
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + ATTEMPT_RETENTION_MS + 60_000)
		await runDurableObjectAlarm(state())
		expect(await rows("SELECT network FROM attempts WHERE network = ? AND id = 'console'", network)).toEqual(
			[],
		)
	})
})
