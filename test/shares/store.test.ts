import { env, exports } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isShareId, RANDOM_ID_LENGTH, randomId } from '../../src/shares/id.ts'
import { KEY_PREFIX, METADATA_LIMIT_BYTES, putReplica, summary } from '../../src/shares/replica.ts'
import type { ShareRecord } from '../../src/shares/schema.ts'
import {
	clearShareCache,
	createShare,
	deleteShare,
	getShare,
	InvalidRecordError,
	RECORD_CACHE_LIMIT,
	RECORD_CACHE_TTL_MS,
	updateShare,
} from '../../src/shares/store.ts'
import { fileRecord } from './fixtures.ts'

const putShare = (kv: KVNamespace, share: ShareRecord) => putReplica(kv, share, Date.now())

const record = fileRecord

beforeEach(() => clearShareCache(env.SHARES))
afterEach(() => {
	vi.restoreAllMocks()
})

describe('the in-isolate record cache', () => {
	it('serves a repeat read from memory within its TTL', async () => {
		await putShare(env.SHARES, record('cached-1'))
		const spy = vi.spyOn(env.SHARES, 'get')
		const now = Date.now()
		await getShare(env.SHARES, 'cached-1', now)
		await getShare(env.SHARES, 'cached-1', now + RECORD_CACHE_TTL_MS - 1)
		expect(spy).toHaveBeenCalledTimes(1)
		vi.restoreAllMocks()
	})

	it('reads KV again once the TTL has passed, so a revocation lands within it', async () => {
		await putShare(env.SHARES, record('cached-2'))
		const now = Date.now()
		expect(await getShare(env.SHARES, 'cached-2', now)).not.toBeNull()
		await env.SHARES.delete(`${KEY_PREFIX}cached-2`)
		expect(await getShare(env.SHARES, 'cached-2', now + 1)).not.toBeNull()
		expect(await getShare(env.SHARES, 'cached-2', now + RECORD_CACHE_TTL_MS)).toBeNull()
	})

	it('forgets a record as soon as this isolate writes it', async () => {
		await createShare(env, record('cached-3', { note: 'one' }))
		expect((await getShare(env.SHARES, 'cached-3'))?.note).toBe('one')
		await updateShare(env, 'cached-3', { note: 'two' }, undefined)
		expect((await getShare(env.SHARES, 'cached-3'))?.note).toBe('two')
	})

	it(`holds at most RECORD_CACHE_LIMIT (${RECORD_CACHE_LIMIT}) records, dropping the oldest`, async () => {
		// Every id is absent: a miss is cached like a hit, without any KV I/O.
		const spy = vi
			.spyOn(env.SHARES, 'get')
			.mockImplementation((async () => null) as unknown as KVNamespace['get'])
		const now = Date.now()
		for (let n = 0; n <= RECORD_CACHE_LIMIT; n++) await getShare(env.SHARES, `many-${n}`, now)
		expect(spy).toHaveBeenCalledTimes(RECORD_CACHE_LIMIT + 1)
		await getShare(env.SHARES, `many-${RECORD_CACHE_LIMIT}`, now)
		expect(spy).toHaveBeenCalledTimes(RECORD_CACHE_LIMIT + 1)
		await getShare(env.SHARES, 'many-0', now)
		expect(spy).toHaveBeenCalledTimes(RECORD_CACHE_LIMIT + 2)
	})

	it('does not cache a read that began before this isolate deleted the share', async () => {
		await createShare(env, record('raced-1'))
		const kvGet = env.SHARES.get.bind(env.SHARES)
		let release: () => void = () => undefined
		const gate = new Promise<void>((resolve) => {
			release = resolve
		})
		// The first read fetches the record, then stalls until the delete has happened.
		vi.spyOn(env.SHARES, 'get').mockImplementationOnce(async (...args: Parameters<KVNamespace['get']>) => {
			const value = await (kvGet as (...a: unknown[]) => Promise<unknown>)(...args)
			await gate
			return value as never
		})
		const stale = getShare(env.SHARES, 'raced-1')
		await deleteShare(env, 'raced-1', undefined)
		release()
		expect(await stale).not.toBeNull()
		expect(await getShare(env.SHARES, 'raced-1')).toBeNull()
	})
})

describe('KV list metadata', () => {
	const long = '中文备注'.repeat(250)

	it('is measured in UTF-8 bytes, dropping the note when it does not fit', () => {
		const meta = summary(record('meta-1', { note: long }))
		expect(meta.note).toBeUndefined()
		expect(meta.key).toBe('docs/a.pdf')
		expect(new TextEncoder().encode(JSON.stringify(meta)).byteLength).toBeLessThanOrEqual(
			METADATA_LIMIT_BYTES,
		)
	})

	it('fits a long Chinese key with dates and a note into the byte limit', () => {
		const key = `报告/${'季度报告'.repeat(69)}.pdf`
		const dates = { notBefore: '2026-01-01T00:00:00.000Z', expiresAt: '2027-01-01T00:00:00.000Z' }
		const meta = summary(record('meta-2', { key, note: '季度'.repeat(40), ...dates }))
		expect(meta).toMatchObject({ type: 'file', ...dates })
		expect(new TextEncoder().encode(JSON.stringify(meta)).byteLength).toBeLessThanOrEqual(
			METADATA_LIMIT_BYTES,
		)
	})

	it('keeps every field when they fit', () => {
		expect(summary(record('meta-3', { note: '短' }))).toMatchObject({ key: 'docs/a.pdf', note: '短' })
	})
})

describe('records read from KV are validated again', () => {
	it('refuses a record that does not match the schema', async () => {
		await env.SHARES.put(`${KEY_PREFIX}broken-1`, JSON.stringify({ v: 99, id: 'broken-1' }))
		await expect(getShare(env.SHARES, 'broken-1')).rejects.toBeInstanceOf(InvalidRecordError)
	})

	it('refuses a record stored under another id', async () => {
		await env.SHARES.put(`${KEY_PREFIX}moved-1`, JSON.stringify(record('moved-2')))
		await expect(getShare(env.SHARES, 'moved-1')).rejects.toBeInstanceOf(InvalidRecordError)
	})

	it('answers 500 invalid_record, not a stack trace, for such a share', async () => {
		await env.SHARES.put(`${KEY_PREFIX}broken-2`, '{"v":1,"id":"broken-2","type":"file","key":"../x"}')
		const res = await exports.default.fetch('https://share.example.com/broken-2')
		expect(res.status).toBe(500)
		const text = await res.text()
		expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_record' } })
		expect(text).not.toContain('at ')
	})
})

describe('share ids', () => {
	it('are 13 base62 characters drawn without modulo bias', () => {
		const counts = new Map<string, number>()
		for (let i = 0; i < 2000; i++) {
			const id = randomId()
			expect(id).toMatch(new RegExp(`^[0-9A-Za-z]{${RANDOM_ID_LENGTH}}$`))
			for (const ch of id) counts.set(ch, (counts.get(ch) ?? 0) + 1)
		}
		// 26,000 draws over 62 symbols: ≈ 419 each. With modulo bias (256 % 62 = 8) the
		// first 8 symbols would be drawn ~25% more often.
		const first8 = Array.from('01234567', (ch) => counts.get(ch) ?? 0)
		const rest = Array.from('abcdefgh', (ch) => counts.get(ch) ?? 0)
		const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
		expect(sum(first8) / sum(rest)).toBeLessThan(1.15)
		expect(counts.size).toBe(62)
	})

	it.each(['q3-report', 'ABC', 'a_b-c', '0abc'])('accept the slug %s', (id) => {
		expect(isShareId(id)).toBe(true)
	})

	it.each(['_x1', '-ab', 'ab', 'a.b', 'a/b', 'api', 'API', 'download', 'x'.repeat(65), '..', 'ä12'])(
		'refuse %s',
		(id) => {
			expect(isShareId(id)).toBe(false)
		},
	)
})
