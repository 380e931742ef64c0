import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { UploadShareRecord } from '../../src/shares/schema.ts'
import {
	commitUpload,
	createShare,
	deleteShare,
	holdsUpload,
	releaseUpload,
	reserveUpload,
} from '../../src/shares/store.ts'

const NOW = Date.parse('2026-06-01T00:00:00.000Z')

const uploadRecord = (id: string): UploadShareRecord => ({
	v: 1,
	id,
	type: 'upload',
	prefix: 'inbox/',
	upload: { maxFileSize: 1000 },
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
	revision: 1,
})

const reserve = (id: string, key: string, expiresAtMs = NOW + 60_000) =>
	reserveUpload(env, id, { key, bytes: 10, expiresAtMs }, NOW)

describe('holdsUpload', () => {
	it('holds a reserved key, then a committed one, and nothing else', async () => {
		await createShare(env, uploadRecord('slots-held'), NOW)
		expect(await holdsUpload(env, 'slots-held', 'inbox/a.txt')).toBe(false)
		expect(await reserve('slots-held', 'inbox/a.txt')).toEqual({ ok: true })
		expect(await holdsUpload(env, 'slots-held', 'inbox/a.txt')).toBe(true)
		expect(await holdsUpload(env, 'slots-held', 'inbox/b.txt')).toBe(false)
		expect(await commitUpload(env, 'slots-held', 'inbox/a.txt', 10)).toBe(true)
		expect(await holdsUpload(env, 'slots-held', 'inbox/a.txt')).toBe(true)
	})

	it('lets go of a released reservation, but never of a committed file', async () => {
		await createShare(env, uploadRecord('slots-released'), NOW)
		await reserve('slots-released', 'inbox/a.txt')
		await reserve('slots-released', 'inbox/b.txt')
		await commitUpload(env, 'slots-released', 'inbox/b.txt', 10)
		await releaseUpload(env, 'slots-released', 'inbox/a.txt')
		await releaseUpload(env, 'slots-released', 'inbox/b.txt')
		expect(await holdsUpload(env, 'slots-released', 'inbox/a.txt')).toBe(false)
		expect(await holdsUpload(env, 'slots-released', 'inbox/b.txt')).toBe(true)
	})

	it('holds a key for its own link only', async () => {
		await createShare(env, uploadRecord('slots-mine'), NOW)
		await createShare(env, uploadRecord('slots-theirs'), NOW)
		await reserve('slots-theirs', 'inbox/a.txt')
		expect(await holdsUpload(env, 'slots-mine', 'inbox/a.txt')).toBe(false)
	})

	it('forgets every key of a deleted link', async () => {
		await createShare(env, uploadRecord('slots-deleted'), NOW)
		await reserve('slots-deleted', 'inbox/a.txt')
		await deleteShare(env, 'slots-deleted', undefined, NOW)
		expect(await holdsUpload(env, 'slots-deleted', 'inbox/a.txt')).toBe(false)
	})
})
