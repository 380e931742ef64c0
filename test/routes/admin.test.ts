import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { clearShareCache } from '../../src/shares/store.ts'
import { ADMIN_TOKEN, adminRequest, createShare, request } from './helpers.ts'

beforeEach(async () => {
	clearShareCache(env.SHARES)
	const { keys } = await env.SHARES.list()
	await Promise.all(keys.map(({ name }) => env.SHARES.delete(name)))
})

async function errorOf(res: Response) {
	return ((await res.json()) as { error: { code: string; message: string; detail?: string; field?: string } })
		.error
}

describe('admin authentication', () => {
	it('refuses a request without a token with 401 unauthorized', async () => {
		const res = await request('https://share.example.com/api/shares')
		expect(res.status).toBe(401)
		expect((await errorOf(res)).code).toBe('unauthorized')
		expect(res.headers.get('www-authenticate')).toContain('Bearer')
	})

	it('refuses a wrong token, including a prefix of the right one', async () => {
		for (const token of ['wrong', ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, '']) {
			const res = await request('https://share.example.com/api/shares', {
				headers: { authorization: `Bearer ${token}` },
			})
			expect(res.status).toBe(401)
		}
	})
})

describe('POST /api/shares', () => {
	it('creates a share with a random 13-character base62 id and its URL', async () => {
		const res = await adminRequest('', { method: 'POST', json: { key: 'docs/report.pdf' } })
		expect(res.status).toBe(201)
		const body = (await res.json()) as Record<string, unknown>
		expect(body.id).toMatch(/^[0-9A-Za-z]{13}$/)
		expect(body.url).toBe(`https://share.example.com/${body.id}`)
		expect(body).toMatchObject({
			key: 'docs/report.pdf',
			type: 'file',
			delivery: 'redirect',
			revision: 1,
			status: 'active',
		})
		expect(res.headers.get('location')).toBe(`/api/shares/${body.id}`)
	})

	it('never hands out the same random id twice in 2,000 creations of ids', async () => {
		const { randomId } = await import('../../src/shares/id.ts')
		const ids = new Set(Array.from({ length: 2000 }, () => randomId()))
		expect(ids.size).toBe(2000)
	})

	it('uses PUBLIC_BASE_URL for the share URL when set', async () => {
		const body = await createShare(
			{ key: 'a.txt', id: 'base-url' },
			{ ...env, PUBLIC_BASE_URL: 'https://s.example.org' },
		)
		expect(body.url).toBe('https://s.example.org/base-url')
	})

	it('takes a friendly slug and refuses it the second time with 409 share_exists', async () => {
		await createShare({ key: 'q3.pdf', id: 'q3-report' })
		const res = await adminRequest('', { method: 'POST', json: { key: 'other.pdf', id: 'q3-report' } })
		expect(res.status).toBe(409)
		expect((await errorOf(res)).code).toBe('share_exists')
	})

	it.each([
		['a reserved word', { key: 'a', id: 'api' }, 'id'],
		['a slug starting with "_"', { key: 'a', id: '_health' }, 'id'],
		['a slug that is too short', { key: 'a', id: 'ab' }, 'id'],
		['a key with a ".." segment', { key: 'a/../b' }, 'key'],
		['an empty key', { key: '' }, 'key'],
		['a missing key', {}, 'key'],
		['an unknown field', { key: 'a', colour: 'red' }, 'colour'],
		[
			'both expiresAt and expiresIn',
			{ key: 'a', expiresIn: 60, expiresAt: '2030-01-01T00:00:00Z' },
			'expiresIn',
		],
		['a date without a zone', { key: 'a', expiresAt: '2030-01-01' }, 'expiresAt'],
		['an unknown delivery', { key: 'a', delivery: 'carrier-pigeon' }, 'delivery'],
		['a signTtl over 7 days', { key: 'a', signTtl: 700000 }, 'signTtl'],
		['a filename with a newline', { key: 'a', filename: 'a\nb' }, 'filename'],
		['a content type with a newline', { key: 'a', contentType: 'text/plain\r\nx: y' }, 'contentType'],
		[
			'notBefore after expiresAt',
			{ key: 'a', notBefore: '2031-01-01T00:00:00Z', expiresAt: '2030-01-01T00:00:00Z' },
			'notBefore',
		],
	])('answers 400 invalid_body naming the field for %s', async (_label, body, field) => {
		const res = await adminRequest('', { method: 'POST', json: body })
		expect(res.status).toBe(400)
		const error = await errorOf(res)
		expect(error.code).toBe('invalid_body')
		expect(error.field).toBe(field)
		expect(error.message).toBe('The request is not valid.')
		expect(error.detail?.startsWith(`${field}:`)).toBe(true)
	})

	it('answers 400 for a body that is not JSON', async () => {
		const res = await adminRequest('', {
			method: 'POST',
			body: '{nope',
			headers: { 'content-type': 'application/json' },
		})
		expect(res.status).toBe(400)
		expect((await errorOf(res)).code).toBe('invalid_body')
	})

	it('answers 415 for a body that is not declared as JSON', async () => {
		const res = await adminRequest('', {
			method: 'POST',
			body: 'key=a',
			headers: { 'content-type': 'text/plain' },
		})
		expect(res.status).toBe(415)
		expect((await errorOf(res)).code).toBe('unsupported_media_type')
	})

	it('answers 413 for a body over 16 KiB', async () => {
		const res = await adminRequest('', { method: 'POST', json: { key: 'a', note: 'x'.repeat(20000) } })
		expect(res.status).toBe(413)
		expect((await errorOf(res)).code).toBe('body_too_large')
	})

	it('turns expiresIn into expiresAt and keeps the record in KV for 30 days past it', async () => {
		const before = Date.now()
		const body = await createShare({ key: 'a.txt', id: 'soon-gone', expiresIn: 3600 })
		const expiresAt = Date.parse(body.expiresAt as string)
		expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000)
		const { keys } = await env.SHARES.list({ prefix: 'share:soon-gone' })
		expect(keys[0]?.expiration).toBe(Math.floor(expiresAt / 1000) + 30 * 86400)
	})

	it('gives KV at least 60 s even for a share that expired 31 days ago', async () => {
		const past = new Date(Date.now() - 31 * 86400_000).toISOString()
		await createShare({ key: 'a.txt', id: 'long-gone', expiresAt: past })
		const { keys } = await env.SHARES.list({ prefix: 'share:long-gone' })
		expect(keys[0]?.expiration).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 60)
	})
})

describe('reading, listing, updating and deleting shares', () => {
	it('reads one share', async () => {
		await createShare({ key: 'a.txt', id: 'read-me', note: 'hello' })
		const res = await adminRequest('/read-me')
		expect(res.status).toBe(200)
		expect(await res.json()).toMatchObject({ id: 'read-me', key: 'a.txt', note: 'hello' })
	})

	it('answers 404 share_not_found for an unknown id', async () => {
		const res = await adminRequest('/nothing-here')
		expect(res.status).toBe(404)
		expect((await errorOf(res)).code).toBe('share_not_found')
	})

	it('lists shares page by page with a cursor', async () => {
		for (const n of [1, 2, 3]) await createShare({ key: `f${n}.txt`, id: `list-${n}` })
		const first = (await (await adminRequest('?limit=2')).json()) as {
			shares: { id: string; key: string }[]
			cursor: string
		}
		expect(first.shares).toHaveLength(2)
		expect(first.cursor).toBeTruthy()
		const second = (await (
			await adminRequest(`?limit=2&cursor=${encodeURIComponent(first.cursor)}`)
		).json()) as {
			shares: { id: string }[]
			cursor: string | null
		}
		expect(second.shares.map((s) => s.id)).toEqual(['list-3'])
		expect(second.cursor).toBeNull()
		expect(first.shares[0]).toMatchObject({ id: 'list-1', key: 'f1.txt', status: 'active' })
	})

	it('refuses a limit over 1000', async () => {
		expect((await adminRequest('?limit=5000')).status).toBe(400)
	})

	it('updates a share, bumps its revision and recomputes the KV expiration', async () => {
		await createShare({ key: 'a.txt', id: 'patch-me', note: 'old' })
		const res = await adminRequest('/patch-me', { method: 'PATCH', json: { note: 'new', expiresIn: 120 } })
		expect(res.status).toBe(200)
		const body = (await res.json()) as { revision: number; note: string; expiresAt: string }
		expect(body).toMatchObject({ revision: 2, note: 'new' })
		const { keys } = await env.SHARES.list({ prefix: 'share:patch-me' })
		expect(keys[0]?.expiration).toBe(Math.floor(Date.parse(body.expiresAt) / 1000) + 30 * 86400)
	})

	it('clears an optional field with null', async () => {
		await createShare({ key: 'a.txt', id: 'clear-me', expiresIn: 60, filename: 'x.txt' })
		const body = (await (
			await adminRequest('/clear-me', { method: 'PATCH', json: { expiresAt: null, filename: null } })
		).json()) as Record<string, unknown>
		expect(body.expiresAt).toBeUndefined()
		expect(body.filename).toBeUndefined()
		const { keys } = await env.SHARES.list({ prefix: 'share:clear-me' })
		expect(keys[0]?.expiration).toBeUndefined()
	})

	it('refuses a PATCH that would change the id', async () => {
		await createShare({ key: 'a.txt', id: 'fixed-id' })
		const res = await adminRequest('/fixed-id', { method: 'PATCH', json: { id: 'other-id' } })
		expect(res.status).toBe(400)
	})

	it('deletes a share with 204, after which it is 404', async () => {
		await createShare({ key: 'a.txt', id: 'delete-me' })
		expect((await adminRequest('/delete-me', { method: 'DELETE' })).status).toBe(204)
		expect((await adminRequest('/delete-me')).status).toBe(404)
		expect((await adminRequest('/delete-me', { method: 'DELETE' })).status).toBe(404)
	})
})

const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
	const { json, ...rest } = init
	const headers = new Headers(rest.headers)
	headers.set('authorization', `Bearer ${ADMIN_TOKEN}`)
	if (json !== undefined) headers.set('content-type', 'application/json')
	const body = json === undefined ? rest.body : JSON.stringify(json)
	return exports.default.fetch(`https://share.example.com/api/shares${path}`, { ...rest, headers, body })
}

describe('concurrent admin writes', () => {
	it('lets exactly one of 20 concurrent creates of one id win; the rest get 409 share_exists', async () => {
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, n) =>
				api('', { method: 'POST', json: { key: `racer-${n}.txt`, id: 'race-create' } }),
			),
		)
		const statuses = results.map((res) => res.status)
		expect(statuses.filter((status) => status === 201)).toHaveLength(1)
		expect(statuses.filter((status) => status === 409)).toHaveLength(19)
		const winner = results.find((res) => res.status === 201) as Response
		const { key } = (await winner.json()) as { key: string }
		expect(await env.SHARES.get('share:race-create', 'json')).toMatchObject({ key })
		const loser = results.find((res) => res.status === 409)
		expect((await errorOf(loser as Response)).code).toBe('share_exists')
	})

	it('keeps a share deleted when a PATCH races its DELETE', async () => {
		for (let round = 0; round < 10; round++) {
			const id = `race-delete-${round}`
			await createShare({ key: 'a.txt', id })
			const [deleted] = await Promise.all([
				api(`/${id}`, { method: 'DELETE' }),
				api(`/${id}`, { method: 'PATCH', json: { note: 'still here?' } }),
			])
			expect(deleted.status).toBe(204)
			expect((await api(`/${id}`)).status).toBe(404)
			expect(await env.SHARES.get(`share:${id}`)).toBeNull()
		}
	})

	it('answers 404 to a PATCH of a deleted share', async () => {
		await createShare({ key: 'a.txt', id: 'patch-after-delete' })
		await api('/patch-after-delete', { method: 'DELETE' })
		const res = await api('/patch-after-delete', { method: 'PATCH', json: { note: 'back?' } })
		expect(res.status).toBe(404)
		expect((await errorOf(res)).code).toBe('share_not_found')
	})

	it('loses no update when two PATCHes of different fields race', async () => {
		for (let round = 0; round < 10; round++) {
			const id = `race-patch-${round}`
			await createShare({ key: 'a.txt', id })
			const past = new Date(Date.now() - 60_000).toISOString()
			await Promise.all([
				api(`/${id}`, { method: 'PATCH', json: { expiresAt: past } }),
				api(`/${id}`, { method: 'PATCH', json: { note: 'edited' } }),
			])
			const body = (await (await api(`/${id}`)).json()) as Record<string, unknown>
			expect(body).toMatchObject({ note: 'edited', expiresAt: past, status: 'expired', revision: 3 })
		}
	})

	it('gives 20 concurrent PATCHes 20 distinct revisions', async () => {
		await createShare({ key: 'a.txt', id: 'race-revisions' })
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, n) =>
				api('/race-revisions', { method: 'PATCH', json: { note: `n${n}` } }),
			),
		)
		const revisions = await Promise.all(
			results.map(async (res) => ((await res.json()) as { revision: number }).revision),
		)
		expect(new Set(revisions).size).toBe(20)
		expect(Math.max(...revisions)).toBe(21)
	})
})

describe('revisions, ETag and If-Match', () => {
	it('returns the revision as a strong ETag on create, read and update', async () => {
		const created = await api('', { method: 'POST', json: { key: 'a.txt', id: 'etag-1' } })
		expect(created.headers.get('etag')).toBe('"1"')
		expect((await api('/etag-1')).headers.get('etag')).toBe('"1"')
		const patched = await api('/etag-1', { method: 'PATCH', json: { note: 'x' } })
		expect(patched.headers.get('etag')).toBe('"2"')
	})

	it('applies a PATCH whose If-Match names the current revision', async () => {
		await createShare({ key: 'a.txt', id: 'if-match-ok' })
		const res = await api('/if-match-ok', {
			method: 'PATCH',
			json: { note: 'x' },
			headers: { 'if-match': '"1"' },
		})
		expect(res.status).toBe(200)
	})

	it('answers 412 precondition_failed to a PATCH with a stale If-Match and changes nothing', async () => {
		await createShare({ key: 'a.txt', id: 'if-match-stale' })
		await api('/if-match-stale', { method: 'PATCH', json: { note: 'first' } })
		const res = await api('/if-match-stale', {
			method: 'PATCH',
			json: { note: 'second' },
			headers: { 'if-match': '"1"' },
		})
		expect(res.status).toBe(412)
		expect((await errorOf(res)).code).toBe('precondition_failed')
		expect(await (await api('/if-match-stale')).json()).toMatchObject({ note: 'first', revision: 2 })
	})

	it('answers 412 to a DELETE with a stale If-Match and keeps the share', async () => {
		await createShare({ key: 'a.txt', id: 'if-match-delete' })
		await api('/if-match-delete', { method: 'PATCH', json: { note: 'x' } })
		expect((await api('/if-match-delete', { method: 'DELETE', headers: { 'if-match': '"1"' } })).status).toBe(
			412,
		)
		expect(
			(await api('/if-match-delete', { method: 'DELETE', headers: { 'if-match': '"1", "2"' } })).status,
		).toBe(204)
	})

	it('accepts If-Match: * for any existing share', async () => {
		await createShare({ key: 'a.txt', id: 'if-match-any' })
		const res = await api('/if-match-any', {
			method: 'PATCH',
			json: { note: 'x' },
			headers: { 'if-match': '*' },
		})
		expect(res.status).toBe(200)
	})

	it.each([
		['a weak tag', 'W/"1"'],
		['an unquoted revision', '1'],
		['garbage', 'yes please'],
	])('answers 412 to If-Match with %s, which can match no revision', async (_label, header) => {
		await createShare({ key: 'a.txt', id: `if-match-bad-${header.length}` })
		const res = await api(`/if-match-bad-${header.length}`, {
			method: 'PATCH',
			json: { note: 'x' },
			headers: { 'if-match': header },
		})
		expect(res.status).toBe(412)
	})

	it('keeps counting revisions after a delete, so a re-created share never repeats one', async () => {
		await createShare({ key: 'a.txt', id: 'recreated' })
		await api('/recreated', { method: 'DELETE' })
		const again = await api('', { method: 'POST', json: { key: 'b.txt', id: 'recreated' } })
		expect(again.status).toBe(201)
		expect(((await again.json()) as { revision: number }).revision).toBe(3)
	})

	it('marks every admin success private, no-store', async () => {
		const created = await api('', { method: 'POST', json: { key: 'a.txt', id: 'no-store' } })
		const responses = [
			created,
			await api('/no-store'),
			await api(''),
			await api('/no-store', { method: 'PATCH', json: { note: 'x' } }),
			await api('/no-store', { method: 'DELETE' }),
		]
		for (const res of responses) expect(res.headers.get('cache-control')).toBe('private, no-store')
	})
})

describe('shares stored before the Durable Object existed', () => {
	const legacy = (id: string, extra: Record<string, unknown> = {}) =>
		JSON.stringify({
			v: 1,
			id,
			type: 'file',
			key: 'old/a.pdf',
			createdAt: '2026-01-01T00:00:00.000Z',
			updatedAt: '2026-01-01T00:00:00.000Z',
			revision: 4,
			...extra,
		})

	it('are adopted on first touch: read, then patched from their stored revision', async () => {
		await env.SHARES.put('share:legacy-1', legacy('legacy-1'))
		expect(await (await api('/legacy-1')).json()).toMatchObject({ key: 'old/a.pdf', revision: 4 })
		const res = await api('/legacy-1', { method: 'PATCH', json: { note: 'adopted' } })
		expect(await res.json()).toMatchObject({ key: 'old/a.pdf', note: 'adopted', revision: 5 })
	})

	it('keep their id: a create of it answers 409', async () => {
		await env.SHARES.put('share:legacy-2', legacy('legacy-2'))
		const res = await api('', { method: 'POST', json: { key: 'new.txt', id: 'legacy-2' } })
		expect(res.status).toBe(409)
	})
})

describe('a stored record that no longer matches the schema', () => {
	const broken = '{"v":1,"id":"%ID%","type":"file","key":"../x"}'
	const store = (id: string) => env.SHARES.put(`share:${id}`, broken.replace('%ID%', id))

	it('is shown raw with its schema error by GET', async () => {
		await store('broken-get')
		const res = await api('/broken-get')
		expect(res.status).toBe(200)
		expect(await res.json()).toMatchObject({
			id: 'broken-get',
			invalid: true,
			error: { code: 'invalid_record' },
			raw: { key: '../x' },
		})
	})

	it('answers 409 invalid_record to a PATCH', async () => {
		await store('broken-patch')
		const res = await api('/broken-patch', { method: 'PATCH', json: { note: 'fix?' } })
		expect(res.status).toBe(409)
		expect((await errorOf(res)).code).toBe('invalid_record')
	})

	it('answers 409 share_exists to a POST of its id', async () => {
		await store('broken-post')
		const res = await api('', { method: 'POST', json: { key: 'a.txt', id: 'broken-post' } })
		expect(res.status).toBe(409)
		expect((await errorOf(res)).code).toBe('share_exists')
	})

	it('can be deleted, from the Durable Object and from KV', async () => {
		await store('broken-delete')
		expect((await api('/broken-delete', { method: 'DELETE' })).status).toBe(204)
		expect((await api('/broken-delete')).status).toBe(404)
		expect(await env.SHARES.get('share:broken-delete')).toBeNull()
	})
})

describe('valid input never gives a 500', () => {
	it.each([340, 1000])(
		'stores a %i-character Chinese note, dropping it from the list metadata only',
		async (length) => {
			const note = '这是一个很长的中文备注'.repeat(100).slice(0, length)
			const id = `long-note-${length}`
			const res = await api('', { method: 'POST', json: { key: 'a.txt', id, note } })
			expect(res.status).toBe(201)
			expect(await (await api(`/${id}`)).json()).toMatchObject({ note })
		},
	)

	it('stores a long Chinese key', async () => {
		const key = `报告/${'季度报告'.repeat(69)}.pdf`
		const res = await api('', { method: 'POST', json: { key, id: 'long-key', note: '季度'.repeat(200) } })
		expect(res.status).toBe(201)
	})

	it('stores an expiry in 2040 without a KV expiration past 2^31 - 1', async () => {
		const res = await api('', {
			method: 'POST',
			json: { key: 'a.txt', id: 'far-2040', expiresAt: '2040-01-01T00:00:00Z' },
		})
		expect(res.status).toBe(201)
		const { keys } = await env.SHARES.list({ prefix: 'share:far-2040' })
		expect(keys[0]?.expiration).toBeUndefined()
	})

	it('accepts 9999-12-31T23:59:59+14:00, which is still in 9999 in UTC', async () => {
		const res = await api('', {
			method: 'POST',
			json: { key: 'a.txt', id: 'far-9999', expiresAt: '9999-12-31T23:59:59+14:00' },
		})
		expect(res.status).toBe(201)
		expect(await res.json()).toMatchObject({ expiresAt: '9999-12-31T09:59:59.000Z' })
	})

	it.each([
		['expiresAt', '9999-12-31T23:59:59-14:00'],
		['expiresAt', '0000-01-01T00:00:00-14:00'],
		['notBefore', '0000-01-01T00:00:00+14:00'],
		['notBefore', '1969-12-31T23:59:59Z'],
	])('answers 400 naming %s for %s, outside 1970–9999 in UTC', async (field, value) => {
		const res = await api('', { method: 'POST', json: { key: 'a.txt', [field]: value } })
		expect(res.status).toBe(400)
		expect((await errorOf(res)).field).toBe(field)
	})

	it('answers 400 naming expiresAt for such a date in a PATCH', async () => {
		await createShare({ key: 'a.txt', id: 'patch-far' })
		const res = await api('/patch-far', { method: 'PATCH', json: { expiresAt: '9999-12-31T23:59:59-14:00' } })
		expect(res.status).toBe(400)
		expect((await errorOf(res)).field).toBe('expiresAt')
	})

	it('answers 400 naming notBefore when a PATCH moves it past the stored expiry', async () => {
		await createShare({ key: 'a.txt', id: 'patch-window', expiresAt: '2030-01-01T00:00:00Z' })
		const res = await api('/patch-window', { method: 'PATCH', json: { notBefore: '2031-01-01T00:00:00Z' } })
		expect(res.status).toBe(400)
		expect((await errorOf(res)).field).toBe('notBefore')
	})

	it('creates a 10-year expiresIn share on a clock in late 2027, keeping it in KV without expiration', async () => {
		vi.useFakeTimers({ toFake: ['Date'] })
		try {
			vi.setSystemTime(new Date('2027-12-31T00:00:00Z'))
			const res = await api('', {
				method: 'POST',
				json: { key: 'a.txt', id: 'ten-years', expiresIn: 10 * 365 * 86400 },
			})
			expect(res.status).toBe(201)
			expect(((await res.json()) as { expiresAt: string }).expiresAt.startsWith('2037-12-')).toBe(true)
			const { keys } = await env.SHARES.list({ prefix: 'share:ten-years' })
			expect(keys[0]?.expiration).toBeUndefined()
		} finally {
			vi.useRealTimers()
		}
	})

	it.each([
		['a non-ASCII parameter', 'text/plain; name="报告"'],
		['a non-breaking space', 'text/plain;\u00a0charset=utf-8'],
	])('refuses a contentType with %s with 400', async (_label, contentType) => {
		const res = await api('', { method: 'POST', json: { key: 'a.txt', contentType } })
		expect(res.status).toBe(400)
		expect((await errorOf(res)).field).toBe('contentType')
	})
})

describe('the page field', () => {
	it('defaults to false', async () => {
		expect(await createShare({ key: 'a.txt', id: 'page-default' })).toMatchObject({ page: false })
	})

	it('is set on create and cleared by PATCH with false or null', async () => {
		expect(await createShare({ key: 'a.txt', id: 'page-set', page: true })).toMatchObject({ page: true })
		const off = await api('/page-set', { method: 'PATCH', json: { page: false } })
		expect(await off.json()).toMatchObject({ page: false })
		await api('/page-set', { method: 'PATCH', json: { page: true } })
		const cleared = await api('/page-set', { method: 'PATCH', json: { page: null } })
		expect(await cleared.json()).toMatchObject({ page: false })
	})

	it('refuses a page that is not a boolean', async () => {
		const res = await api('', { method: 'POST', json: { key: 'a.txt', page: 'yes' } })
		expect(res.status).toBe(400)
	})
})
