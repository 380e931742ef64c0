// GET /api/shares with filters: answered from KV's list metadata alone, page by page, with a
// cursor that may stop mid-page; `exhausted` and a started expiry come from the share's
// Durable Object writing the metadata again when a download changes them.
import { env } from 'cloudflare:workers'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_KV_PAGES } from '../../src/shares/list.ts'
import { clearShareCache, consumeDownload } from '../../src/shares/store.ts'
import { adminRequest, createShare } from './helpers.ts'

interface Listed {
	id: string
	type: string
	status: string
	key?: string
	prefix?: string
	note?: string
	expiresAt?: string
	exhausted?: true
}

interface Page {
	shares: Listed[]
	cursor: string | null
}

async function list(query: string): Promise<Page> {
	const res = await adminRequest(`?${query}`)
	expect(res.status).toBe(200)
	return (await res.json()) as Page
}

/** Every page of a query, following the cursor. */
async function listAll(query: string): Promise<Listed[]> {
	const all: Listed[] = []
	let cursor: string | null = null
	do {
		const page = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
		all.push(...page.shares)
		cursor = page.cursor
	} while (cursor)
	return all
}

const ids = (shares: Listed[]) => shares.map((share) => share.id).sort()

beforeEach(() => {
	clearShareCache(env.SHARES)
})

// Other files' shares may be in KV (and their objects alive): start from none. The runtime is
// shared across files (isolate: false), so there may be more than a page of them, and some the
// admin API no longer deletes (expired under a mocked clock): their KV entries go too.
beforeAll(async () => {
	let cursor: string | undefined
	const names: string[] = []
	do {
		const page: KVNamespaceListResult<unknown> = await env.SHARES.list(cursor ? { cursor } : {})
		names.push(...page.keys.map(({ name }) => name))
		cursor = page.list_complete ? undefined : page.cursor
	} while (cursor)
	await Promise.all(
		names.map(async (name) => {
			const res = await adminRequest(`/${name.slice('share:'.length)}`, { method: 'DELETE' })
			await res.body?.cancel()
			await env.SHARES.delete(name)
		}),
	)
	clearShareCache(env.SHARES)
})

/** Waits for the object's write-through of KV after a download (it never delays the download). */
async function metadataOf(id: string): Promise<Record<string, unknown> | undefined> {
	return vi.waitFor(async () => {
		const { keys } = await env.SHARES.list<Record<string, unknown>>({ prefix: `share:${id}` })
		const metadata = keys[0]?.metadata
		if (!metadata?.exhausted && !metadata?.expiresAt) throw new Error('not yet')
		return metadata
	})
}

describe('GET /api/shares filters', () => {
	beforeAll(async () => {
		const past = new Date(Date.now() - 60_000).toISOString()
		const future = new Date(Date.now() + 86400_000).toISOString()
		await createShare({ id: 'ls-file', key: 'docs/report.pdf', note: 'Quarterly figures' })
		await createShare({ id: 'ls-folder', type: 'folder', prefix: 'photos/2026/' })
		await createShare({
			id: 'ls-upload',
			type: 'upload',
			prefix: 'inbox/',
			expiresIn: 3600,
			upload: { maxFileSize: 10 },
		})
		await createShare({ id: 'ls-expired', key: 'old.zip', expiresAt: past })
		await createShare({ id: 'ls-later', key: 'soon.zip', notBefore: future })
	})

	it('keeps only the kind asked for', async () => {
		expect(ids((await list('type=folder')).shares)).toEqual(['ls-folder'])
		expect(ids((await list('type=file')).shares)).toEqual(['ls-expired', 'ls-file', 'ls-later'])
	})

	it('keeps only the status asked for', async () => {
		expect(ids((await list('status=expired')).shares)).toEqual(['ls-expired'])
		expect(ids((await list('status=scheduled')).shares)).toEqual(['ls-later'])
		expect(ids((await list('status=active')).shares)).toEqual(['ls-file', 'ls-folder', 'ls-upload'])
	})

	it('finds text in the id, key, prefix or note, in any case', async () => {
		expect(ids((await list('q=QUARTERLY')).shares)).toEqual(['ls-file'])
		expect(ids((await list('q=photos')).shares)).toEqual(['ls-folder'])
		expect(ids((await list('q=ls-up')).shares)).toEqual(['ls-upload'])
		expect((await list('q=nothing-like-this')).shares).toEqual([])
	})

	it('combines filters', async () => {
		expect(ids((await list('type=file&status=active&q=docs')).shares)).toEqual(['ls-file'])
	})

	it('pages a filtered list with a cursor that resumes mid-page, without repeats', async () => {
		const first = await list('type=file&limit=2')
		expect(first.shares).toHaveLength(2)
		expect(first.cursor).not.toBeNull()
		const rest = await list(`type=file&limit=2&cursor=${encodeURIComponent(first.cursor ?? '')}`)
		expect(ids([...first.shares, ...rest.shares])).toEqual(['ls-expired', 'ls-file', 'ls-later'])
		expect(rest.cursor).toBeNull()
		expect(ids(await listAll('type=file&limit=1'))).toEqual(['ls-expired', 'ls-file', 'ls-later'])
	})

	it.each([
		['an unknown type', 'type=zip', 'type'],
		['an unknown status', 'status=gone', 'status'],
		['a limit over 1000', 'limit=5000', 'limit'],
		['a limit that is no number', 'limit=many', 'limit'],
		['a cursor it never gave', 'cursor=bm9wZQ', 'cursor'],
	])('answers 400 invalid_query naming the parameter for %s', async (_label, query, field) => {
		const res = await adminRequest(`?${query}`)
		expect(res.status).toBe(400)
		const { error } = (await res.json()) as { error: { code: string; field: string } }
		expect(error).toMatchObject({ code: 'invalid_query', field })
	})
})

describe('limited shares in the list', () => {
	it('says exhausted once every download is spent, from the metadata alone', async () => {
		await createShare({ id: 'ls-once', key: 'once.pdf', maxDownloads: 1 })
		expect((await list('q=ls-once')).shares[0]).toMatchObject({ status: 'active' })
		expect((await consumeDownload(env, 'ls-once')).ok).toBe(true)
		expect(await metadataOf('ls-once')).toMatchObject({ exhausted: true })
		expect(ids((await list('status=exhausted')).shares)).toEqual(['ls-once'])
		expect(ids((await list('status=active')).shares)).not.toContain('ls-once')
	})

	it('shows the expiry a first download started', async () => {
		await createShare({ id: 'ls-after', key: 'a.pdf', expiresAfterFirstDownload: 3600 })
		expect((await list('q=ls-after')).shares[0]?.expiresAt).toBeUndefined()
		const before = Date.now()
		expect((await consumeDownload(env, 'ls-after')).ok).toBe(true)
		const metadata = await metadataOf('ls-after')
		expect(Date.parse(String(metadata?.expiresAt))).toBeGreaterThanOrEqual(before + 3600_000 - 1000)
	})
})

describe('a filter that matches little', () => {
	it(`stops after ${MAX_KV_PAGES} KV pages and hands back a cursor to go on`, async () => {
		// Listing is stubbed: 1,000-key pages of shares that do not match, and a cursor that never ends.
		const listSpy = vi.spyOn(env.SHARES, 'list').mockImplementation((async () => ({
			keys: Array.from({ length: 1000 }, (_, n) => ({
				name: `share:x${n}`,
				metadata: { type: 'folder', createdAt: '' },
			})),
			list_complete: false,
			cursor: 'next',
			cacheStatus: null,
		})) as unknown as KVNamespace['list'])
		const page = await list('type=file')
		expect(page.shares).toEqual([])
		expect(page.cursor).not.toBeNull()
		expect(listSpy).toHaveBeenCalledTimes(MAX_KV_PAGES)
		listSpy.mockRestore()
	})
})
