// Tokens and tickets carry the share's grant version: they die with a change of what the
// share serves, who may have it or its limits, and survive edits of a note or a filename.
// And the forms' POSTs refuse what a browser marks as cross-site.
import { describe, expect, it, vi } from 'vitest'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'
import { mockCos } from './page-helpers.ts'

resetBetweenTests()

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }

async function ticketOf(id: string): Promise<string> {
	const res = await get(`/${id}`, { headers: CURL, redirect: 'manual' })
	expect(res.status).toBe(302)
	return res.headers.get('location') ?? ''
}

async function unlock(id: string, password: string): Promise<string> {
	const res = await get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ password }),
	})
	return ((await res.json()) as { token: string }).token
}

const patch = (id: string, json: Record<string, unknown>) => adminRequest(`/${id}`, { method: 'PATCH', json })

describe('tickets', () => {
	it.each([
		['its key changes', { key: 'g.bin' }],
		['its limit changes', { maxDownloads: 9 }],
		['a password is set', { password: 'sesame-2' }],
	])('die when %s', async (_label, change) => {
		mockCos({ body: 'bytes' })
		await createShare({
			key: 'f.bin',
			id: `tk-${Object.keys(change)[0]}`,
			maxDownloads: 3,
			delivery: 'stream',
		})
		const ticket = await ticketOf(`tk-${Object.keys(change)[0]}`)
		expect((await get(ticket, { headers: CURL })).status).toBe(200)
		expect((await patch(`tk-${Object.keys(change)[0]}`, change)).status).toBe(200)
		expect((await get(ticket, { headers: CURL })).status).toBe(404)
	})

	it.each([
		['a note', { note: 'hi' }],
		['a filename', { filename: 'other.bin' }],
		['the expiry', { expiresIn: 3600 }],
	])('survive an edit of %s, so a download in progress goes on', async (_label, change) => {
		mockCos({ body: 'bytes' })
		const id = `tk-keep-${Object.keys(change)[0]}`
		await createShare({ key: 'f.bin', id, maxDownloads: 3, delivery: 'stream' })
		const ticket = await ticketOf(id)
		expect((await patch(id, change)).status).toBe(200)
		expect((await get(ticket, { headers: CURL })).status).toBe(200)
	})

	it('die with their share: a share made again under the same id does not honour them', async () => {
		mockCos({ body: 'bytes' })
		await createShare({ key: 'f.bin', id: 'tk-again', maxDownloads: 3, delivery: 'stream' })
		const ticket = await ticketOf('tk-again')
		expect((await adminRequest('/tk-again', { method: 'DELETE' })).status).toBe(204)
		await createShare({ key: 'f.bin', id: 'tk-again', maxDownloads: 3, delivery: 'stream' })
		expect((await get(ticket, { headers: CURL })).status).toBe(404)
	})

	it('serve only what they were spent for: a folder ticket names its file', async () => {
		mockCos({ body: 'bytes' })
		await createShare({ type: 'folder', prefix: 'p/', id: 'tk-folder', maxDownloads: 3, delivery: 'stream' })
		const res = await get('/tk-folder/a.txt', { headers: CURL, redirect: 'manual' })
		const ticket = res.headers.get('location') ?? ''
		const fetched: string[] = []
		const spy = vi.mocked(globalThis.fetch)
		spy.mockClear()
		expect((await get(ticket, { headers: CURL })).status).toBe(200)
		for (const [input] of spy.mock.calls) fetched.push(new URL(String(input)).pathname)
		expect(fetched).toEqual(['/p/a.txt'])
	})
})

describe('unlock tokens', () => {
	it('die when the password changes', async () => {
		mockCos({ body: 'bytes' })
		await createShare({ key: 'f.bin', id: 'ut-change', password: 'sesame-1', delivery: 'stream' })
		const token = await unlock('ut-change', 'sesame-1')
		const auth = { ...CURL, authorization: `Bearer ${token}` }
		expect((await get('/ut-change', { headers: auth })).status).toBe(200)
		expect((await patch('ut-change', { password: 'sesame-2' })).status).toBe(200)
		expect((await get('/ut-change', { headers: auth })).status).toBe(401)
	})

	it('open only their own share, even one made in the same millisecond with the same password', async () => {
		mockCos({ body: 'bytes' })
		const now = Date.now()
		vi.spyOn(Date, 'now').mockReturnValue(now)
		await createShare({ key: 'f.bin', id: 'ut-one', password: 'same-pass' })
		await createShare({ key: 'f.bin', id: 'ut-two', password: 'same-pass' })
		const token = await unlock('ut-one', 'same-pass')
		expect((await get('/ut-two', { headers: { ...CURL, authorization: `Bearer ${token}` } })).status).toBe(
			401,
		)
	})
})

describe('the forms refuse cross-site POSTs', () => {
	const CROSS = [
		['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
		['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
		['another Origin', { origin: 'https://evil.example' }],
		['Origin: null from a sandboxed frame', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
		['Origin: null that no browser vouches for', { origin: 'null', 'sec-fetch-site': 'none' }],
	] as const
	const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

	it.each(CROSS)('unlock: %s → 403', async (_label, headers) => {
		await createShare({ key: 'f.bin', id: 'xs-unlock', password: 'sesame-1' }).catch(() => undefined)
		const res = await get('/_/unlock/xs-unlock', {
			method: 'POST',
			headers: { ...FORM, ...headers },
			body: 'password=sesame-1',
		})
		expect(res.status).toBe(403)
		expect(res.headers.get('set-cookie')).toBeNull()
	})

	it.each(CROSS)('consume: %s → 403, nothing spent', async (_label, headers) => {
		await createShare({ key: 'f.bin', id: 'xs-consume', maxDownloads: 1 }).catch(() => undefined)
		const res = await get('/_/consume/xs-consume', {
			method: 'POST',
			headers: { ...FORM, ...headers },
			redirect: 'manual',
		})
		expect(res.status).toBe(403)
		const view = (await (await adminRequest('/xs-consume')).json()) as { downloads: number }
		expect(view.downloads).toBe(0)
	})

	it.each(CROSS)('upload start: %s → 403', async (_label, headers) => {
		await createShare({
			type: 'upload',
			prefix: 'in/',
			id: 'xs-upload',
			expiresIn: 600,
			upload: { maxFileSize: 100 },
		}).catch(() => undefined)
		const res = await get('/xs-upload/uploads', {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify({ name: 'a.txt', size: 1 }),
		})
		expect(res.status).toBe(403)
	})

	it('lets the page’s own form through (Origin: null, Sec-Fetch-Site: same-origin) and curl (neither)', async () => {
		await createShare({ key: 'f.bin', id: 'xs-own', password: 'sesame-1' })
		for (const headers of [{ origin: 'null', 'sec-fetch-site': 'same-origin' }, {}] as Record<
			string,
			string
		>[]) {
			const res = await get('/_/unlock/xs-own', {
				method: 'POST',
				headers: { ...FORM, ...headers },
				body: 'password=sesame-1',
				redirect: 'manual',
			})
			expect(res.status).toBe(303)
			expect(res.headers.get('set-cookie')).toContain('coslink_unlock_xs-own=')
		}
	})
})

describe('the unlock form returns the visitor to where they were', () => {
	it('back into the folder level, never outside the share', async () => {
		await createShare({ type: 'folder', prefix: 'p/', id: 'back-f', password: 'sesame-1' })
		const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
		for (const [back, expected] of [
			['/back-f/sub/dir/', '/back-f/sub/dir/'],
			['https://evil.example/', '/back-f'],
			['//evil.example/back-f/', '/back-f'],
			['/back-fx/', '/back-f'],
			['/back-f/../other/', '/back-f/../other/'],
		] as const) {
			const res = await get('/_/unlock/back-f', {
				method: 'POST',
				headers: FORM,
				body: new URLSearchParams({ password: 'sesame-1', back }).toString(),
				redirect: 'manual',
			})
			expect(res.status).toBe(303)
			const location = res.headers.get('location') ?? ''
			expect(location).toBe(expected)
			expect(new URL(location, 'https://share.example.com').origin).toBe('https://share.example.com')
		}
	})
})

describe('the admin API says what a share is', () => {
	it('shows a limited share whose downloads are spent as exhausted', async () => {
		await createShare({ key: 'f.bin', id: 'adm-spent', maxDownloads: 1 })
		await get('/adm-spent', { headers: CURL, redirect: 'manual' })
		const view = (await (await adminRequest('/adm-spent')).json()) as { status: string }
		expect(view.status).toBe('exhausted')
	})

	it('shows a cached share as streamed', async () => {
		await createShare({ key: 'f.bin', id: 'adm-cache', cache: { maxAge: 60 } })
		const view = (await (await adminRequest('/adm-cache')).json()) as { delivery: string }
		expect(view.delivery).toBe('stream')
	})
})

describe('an upload link stored with download limits before they were refused', () => {
	it('keeps working, ignores them, and names them in the admin answer', async () => {
		const { env } = await import('cloudflare:workers')
		const now = new Date().toISOString()
		const record = {
			v: 1,
			id: 'legacy-up',
			type: 'upload',
			prefix: 'in/',
			upload: { maxFileSize: 100 },
			maxDownloads: 1,
			restricted: true,
			expiresAt: new Date(Date.now() + 3600_000).toISOString(),
			createdAt: now,
			updatedAt: now,
			revision: 1,
		}
		await env.SHARES.put('share:legacy-up', JSON.stringify(record))
		const view = (await (await adminRequest('/legacy-up')).json()) as { ignoredFields?: string[] }
		expect(view.ignoredFields).toEqual(['maxDownloads'])
		for (let i = 0; i < 2; i++) {
			const res = await get('/legacy-up/uploads', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: `a${i}.txt`, size: 1 }),
			})
			expect(res.status).toBe(201)
		}
		expect((await patch('legacy-up', { note: 'still fine' })).status).toBe(200)
		const refused = await patch('legacy-up', { maxDownloads: 2 })
		expect(refused.status).toBe(400)
		expect(((await refused.json()) as { error: { field: string } }).error.field).toBe('maxDownloads')
	})
})

describe('edges of the gate', () => {
	it('never lets a token made for one share open another, even one naming the other’s grant', async () => {
		const { env } = await import('cloudflare:workers')
		const { grantVersion } = await import('../../src/shares/grant.ts')
		const { readShare } = await import('../../src/shares/store.ts')
		const { signUnlockToken } = await import('../../src/shares/tokens.ts')
		await createShare({ key: 'f.bin', id: 'edge-a', password: 'sesame-1' })
		await createShare({ key: 'f.bin', id: 'edge-b', password: 'sesame-1' })
		const stored = await readShare(env, 'edge-b')
		if (stored?.kind !== 'record') throw new Error('edge-b is not stored')
		// A token for edge-a that carries edge-b's grant: only the id check tells them apart.
		const token = await signUnlockToken(env.LINK_SECRET as string, {
			id: 'edge-a',
			grant: await grantVersion(stored.record),
			expires: Math.floor(Date.now() / 1000) + 60,
		})
		expect((await get('/edge-b', { headers: { ...CURL, authorization: `Bearer ${token}` } })).status).toBe(
			401,
		)
	})

	it('spends nothing for a locked visitor of a protected, limited share', async () => {
		await createShare({ key: 'f.bin', id: 'edge-both', password: 'sesame-1', maxDownloads: 1 })
		const res = await get('/_/consume/edge-both', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			redirect: 'manual',
		})
		expect(res.status).toBe(401)
		const view = (await (await adminRequest('/edge-both')).json()) as { downloads: number }
		expect(view.downloads).toBe(0)
	})

	it('ends a ticket with its share’s expiry, also one brought forward after the ticket was made', async () => {
		mockCos({ body: 'bytes' })
		await createShare({
			key: 'f.bin',
			id: 'edge-expiry',
			maxDownloads: 3,
			delivery: 'stream',
			expiresIn: 3600,
		})
		const ticket = await ticketOf('edge-expiry')
		expect((await patch('edge-expiry', { expiresIn: 60 })).status).toBe(200)
		expect((await get(ticket, { headers: CURL })).status).toBe(200)
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000)
		expect((await get(ticket, { headers: CURL })).status).toBe(410)
	})

	it('shows a link-preview bot the folder level instead of spending a download on a file', async () => {
		await createShare({ type: 'folder', prefix: 'p/', id: 'edge-bot', maxDownloads: 1 })
		const res = await get('/edge-bot/sub/a.txt', {
			headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
			redirect: 'manual',
		})
		expect(res.status).toBe(303)
		expect(res.headers.get('location')).toBe('/edge-bot/sub/')
		const view = (await (await adminRequest('/edge-bot')).json()) as { downloads: number }
		expect(view.downloads).toBe(0)
	})
})
