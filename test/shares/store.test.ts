import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { isShareId, RANDOM_ID_LENGTH, randomId } from '../../src/shares/id.ts'
import type { ShareRecord } from '../../src/shares/schema.ts'
import {
	clearShareCache,
	getShare,
	InvalidRecordError,
	KEY_PREFIX,
	putShare,
	RECORD_CACHE_TTL_MS,
} from '../../src/shares/store.ts'

const record = (id: string, extra: Partial<ShareRecord> = {}): ShareRecord => ({
	v: 1,
	id,
	type: 'file',
	key: 'docs/a.pdf',
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
	revision: 1,
	...extra,
})

beforeEach(() => clearShareCache(env.SHARES))

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
		await putShare(env.SHARES, record('cached-3', { note: 'one' }))
		expect((await getShare(env.SHARES, 'cached-3'))?.note).toBe('one')
		await putShare(env.SHARES, record('cached-3', { note: 'two', revision: 2 }))
		expect((await getShare(env.SHARES, 'cached-3'))?.note).toBe('two')
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
