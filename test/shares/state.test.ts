import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { ShareRecord } from '../../src/shares/schema.ts'
import type { ShareState } from '../../src/shares/state.ts'
import { createShare, deleteShare, readShare, updateShare } from '../../src/shares/store.ts'
import { fileRecord } from './fixtures.ts'

const record = fileRecord

const stub = (id: string) => env.SHARE_STATE.get(env.SHARE_STATE.idFromName(id))

function storedRow(id: string) {
	return runInDurableObject(stub(id), (_instance: ShareState, state) =>
		state.storage.sql
			.exec<{ body: string | null; revision: number }>('SELECT body, revision FROM record')
			.toArray(),
	)
}

describe('the share Durable Object', () => {
	it('keeps one row per share, in the record table', async () => {
		await createShare(env, record('state-row'))
		const rows = await storedRow('state-row')
		expect(rows).toHaveLength(1)
		expect(JSON.parse(rows[0]?.body ?? '')).toMatchObject({ id: 'state-row', revision: 1 })
	})

	it('leaves a tombstone on delete that keeps the revision', async () => {
		await createShare(env, record('state-tomb'))
		await deleteShare(env, 'state-tomb', undefined)
		expect(await storedRow('state-tomb')).toEqual([{ body: null, revision: 2 }])
		expect(await readShare(env, 'state-tomb')).toBeNull()
	})

	it('leaves KV holding the latest state after 20 concurrent patches', async () => {
		await createShare(env, record('state-order'))
		await Promise.all(
			Array.from({ length: 20 }, (_, n) => updateShare(env, 'state-order', { note: `n${n}` }, undefined)),
		)
		const latest = await readShare(env, 'state-order')
		expect(latest).toMatchObject({ kind: 'record', record: { revision: 21 } })
		const replica = await env.SHARES.get<ShareRecord>('share:state-order', 'json')
		expect(replica).toEqual(latest?.kind === 'record' ? latest.record : undefined)
	})

	it('treats a record past its KV retention as gone, so its id can be taken again', async () => {
		await createShare(env, record('state-lapsed', { expiresAt: '2026-01-02T00:00:00.000Z' }))
		const later = Date.parse('2026-02-02T00:00:00.000Z')
		expect(await readShare(env, 'state-lapsed', later)).toBeNull()
		const again = await createShare(env, record('state-lapsed'), later)
		expect(again.revision).toBe(2)
	})

	it('does not create a row for an id it was only asked about', async () => {
		expect(await readShare(env, 'state-nothing')).toBeNull()
		expect(await storedRow('state-nothing')).toEqual([])
	})
})
