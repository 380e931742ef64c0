import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearShareCache } from '../../src/shares/store.ts'
import { ADMIN_TOKEN, adminRequest, createShare, request } from './helpers.ts'

beforeEach(async () => {
	clearShareCache(env.SHARES)
	const { keys } = await env.SHARES.list()
	await Promise.all(keys.map(({ name }) => env.SHARES.delete(name)))
})

async function errorOf(res: Response) {
	return ((await res.json()) as { error: { code: string; message: string; field?: string } }).error
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
		expect(error.message.startsWith(`${field}:`)).toBe(true)
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
