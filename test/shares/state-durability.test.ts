// The KV replica converges after any fault: a KV write that throws once or for a while, and
// an object that dies between its SQL commit and its KV write. Nothing acknowledged is lost,
// no admin answer reports a failure for a committed write, and a deleted share never stays
// served. Also: the object's alarm bounds what it keeps.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ShareState } from '../../src/shares/state.ts'
import { ATTEMPT_RETENTION_MS } from '../../src/shares/state-cleanup.ts'
import { owe } from '../../src/shares/state-outbox.ts'
import { writeRow } from '../../src/shares/state-record.ts'
import { clearShareCache } from '../../src/shares/store.ts'
import { adminRequest, createShare, get } from '../routes/helpers.ts'

const stateOf = (id: string) => env.SHARE_STATE.get(env.SHARE_STATE.idFromName(id))
const kvRecord = (id: string) => env.SHARES.get(`share:${id}`)
const JSON_ACCEPT = { accept: 'application/json', 'user-agent': 'curl/8.5.0' }

/** The KV binding the object writes through (the object's own env). */
async function objectKv(id: string): Promise<KVNamespace> {
	return runInDurableObject(stateOf(id), (instance: ShareState) => {
		return (instance as unknown as { env: Cloudflare.Env }).env.SHARES
	})
}

async function rows(id: string, table: string): Promise<number> {
	return runInDurableObject(stateOf(id), (_instance: ShareState, state) => {
		return state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).toArray()[0]?.n ?? 0
	})
}

/** Runs the object's alarm as if `ms` had passed. */
async function alarmAfter(id: string, ms: number): Promise<void> {
	const now = Date.now()
	const spy = vi.spyOn(Date, 'now').mockReturnValue(now + ms)
	await runDurableObjectAlarm(stateOf(id))
	spy.mockRestore()
}

afterEach(() => {
	vi.restoreAllMocks()
	clearShareCache(env.SHARES)
})

describe('the KV replica', () => {
	it('answers a create whose KV write failed as a success, and writes KV at the next alarm', async () => {
		await adminRequest('/dur-once', { method: 'DELETE' })
		const kv = await objectKv('dur-once')
		const put = vi.spyOn(kv, 'put').mockRejectedValueOnce(new Error('KV is down'))
		const res = await adminRequest('', { method: 'POST', json: { key: 'f.bin', id: 'dur-once' } })
		expect(res.status).toBe(201)
		expect(put).toHaveBeenCalledTimes(1)
		expect(await kvRecord('dur-once')).toBeNull()
		expect(await rows('dur-once', 'outbox')).toBe(1)
		await alarmAfter('dur-once', 2000)
		expect(JSON.parse((await kvRecord('dur-once')) ?? '{}')).toMatchObject({ id: 'dur-once', revision: 1 })
		expect(await rows('dur-once', 'outbox')).toBe(0)
		expect((await get('/dur-once', { headers: JSON_ACCEPT, redirect: 'manual' })).status).toBe(302)
	})

	it('retries with backoff while KV keeps failing, and converges on the latest state', async () => {
		await createShare({ key: 'f.bin', id: 'dur-always' })
		const kv = await objectKv('dur-always')
		const put = vi.spyOn(kv, 'put').mockRejectedValue(new Error('KV is down'))
		const del = vi.spyOn(kv, 'delete').mockRejectedValue(new Error('KV is down'))
		expect((await adminRequest('/dur-always', { method: 'PATCH', json: { note: 'one' } })).status).toBe(200)
		expect((await adminRequest('/dur-always', { method: 'PATCH', json: { note: 'two' } })).status).toBe(200)
		expect((await adminRequest('/dur-always', { method: 'DELETE' })).status).toBe(204)
		// Deleted in the object, still served from KV: the outbox owes the removal.
		expect(await kvRecord('dur-always')).not.toBeNull()
		const waits: number[] = []
		for (let i = 0; i < 4; i++) {
			await alarmAfter('dur-always', 10 * 60_000 * (i + 1))
			const row = await runInDurableObject(
				stateOf('dur-always'),
				(_i: ShareState, state) =>
					state.storage.sql.exec<{ tries: number }>('SELECT tries FROM outbox').toArray()[0],
			)
			waits.push(row?.tries ?? 0)
		}
		expect(waits).toEqual([...waits].sort((a, b) => a - b))
		expect(put.mock.calls.length + del.mock.calls.length).toBeGreaterThan(3)
		put.mockRestore()
		del.mockRestore()
		await alarmAfter('dur-always', 60 * 60_000)
		expect(await kvRecord('dur-always')).toBeNull()
		expect((await get('/dur-always', { headers: JSON_ACCEPT })).status).toBe(404)
	})

	it('makes KV agree after the object dies between its commit and its KV write', async () => {
		// What a crash leaves: the SQL step (record, outbox row, alarm) committed, and nothing
		// after it ran. (The e2e crash test SIGKILLs a real stack; workerd's test runtime cannot
		// abort an object mid-request without taking the test down with it.)
		const now = Date.now()
		const record = {
			v: 1,
			id: 'dur-crash',
			type: 'file',
			key: 'f.bin',
			strict: true,
			restricted: true,
			createdAt: new Date(now).toISOString(),
			updatedAt: new Date(now).toISOString(),
			revision: 1,
		}
		await runInDurableObject(stateOf('dur-crash'), async (_i: ShareState, state) => {
			writeRow(state.storage.sql, 'dur-crash', JSON.stringify(record), 1)
			owe(state.storage.sql, 'dur-crash', 1, now + 1000)
			await state.storage.setAlarm(now + 1000)
		})
		await evictDurableObject(stateOf('dur-crash'))
		expect(await kvRecord('dur-crash')).toBeNull()
		// Its alarm was set in the same step as the change: it writes KV after the restart.
		await alarmAfter('dur-crash', 2000)
		expect(JSON.parse((await kvRecord('dur-crash')) ?? '{}')).toMatchObject({ id: 'dur-crash', strict: true })
		expect((await adminRequest('/dur-crash')).status).toBe(200)
		expect((await get('/dur-crash', { headers: JSON_ACCEPT, redirect: 'manual' })).status).toBe(302)
	})

	it('writes what is owed at the first call after a restart, before any alarm', async () => {
		await createShare({ key: 'f.bin', id: 'dur-resume' })
		const kv = await objectKv('dur-resume')
		vi.spyOn(kv, 'put').mockRejectedValueOnce(new Error('KV is down'))
		expect((await adminRequest('/dur-resume', { method: 'PATCH', json: { note: 'owed' } })).status).toBe(200)
		await evictDurableObject(stateOf('dur-resume'))
		vi.restoreAllMocks()
		expect((await adminRequest('/dur-resume')).status).toBe(200)
		await vi.waitFor(async () => expect(JSON.parse((await kvRecord('dur-resume')) ?? '{}').note).toBe('owed'))
	})
})

describe('storage the object keeps', () => {
	it('forgets unlock attempts a day after their wait ended', async () => {
		await createShare({ key: 'f.bin', id: 'dur-attempts', password: 'sesame-1' })
		for (let i = 0; i < 3; i++)
			await get('/_/unlock/dur-attempts', {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'cf-connecting-ip': `203.0.${i}.9` },
				body: JSON.stringify({ password: 'wrong-one' }),
			})
		expect(await rows('dur-attempts', 'attempts')).toBeGreaterThanOrEqual(3)
		await alarmAfter('dur-attempts', ATTEMPT_RETENTION_MS + 120_000)
		expect(await rows('dur-attempts', 'attempts')).toBe(0)
	})

	it('keeps only the revision of a share 30 days after it expired', async () => {
		await createShare({ key: 'f.bin', id: 'dur-lapse', maxDownloads: 3, expiresIn: 60 })
		await get('/dur-lapse', { headers: JSON_ACCEPT, redirect: 'manual' })
		expect(await rows('dur-lapse', 'usage')).toBe(1)
		await alarmAfter('dur-lapse', (60 + 30 * 86400) * 1000 + 1000)
		expect(await rows('dur-lapse', 'usage')).toBe(0)
		const record = await runInDurableObject(
			stateOf('dur-lapse'),
			(_i: ShareState, state) =>
				state.storage.sql
					.exec<{ body: string | null; revision: number }>('SELECT body, revision FROM record')
					.toArray()[0],
		)
		expect(record).toEqual({ body: null, revision: 1 })
		// A new share under the id counts on from the kept revision.
		const again = (await createShare({ key: 'f.bin', id: 'dur-lapse' })) as unknown as { revision: number }
		expect(again.revision).toBe(2)
	})

	it('sets an alarm only while it has something to do later', async () => {
		await createShare({ key: 'f.bin', id: 'dur-quiet' })
		await alarmAfter('dur-quiet', 2000)
		const alarm = await runInDurableObject(stateOf('dur-quiet'), (_i: ShareState, state) =>
			state.storage.getAlarm(),
		)
		expect(alarm).toBeNull()
	})
})

describe('failures that used to be swallowed', () => {
	it('never fails a committed edit because the edge cache could not be purged, and says so', async () => {
		await createShare({ key: 'f.bin', id: 'dur-purge', cache: { maxAge: 60 } })
		vi.spyOn(caches.default, 'delete').mockRejectedValue(new Error('cache unavailable'))
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
		const res = await adminRequest('/dur-purge', { method: 'PATCH', json: { note: 'edited' } })
		expect(res.status).toBe(200)
		const line = logged.mock.calls
			.map((call) => String(call[0]))
			.find((text) => text.includes('cache_purge_failed'))
		expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'error', event: 'cache_purge_failed' })
		expect(JSON.parse(line ?? '{}').requestId).toEqual(expect.any(String))
	})
})
