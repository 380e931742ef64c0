import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearShareCache } from '../../src/shares/store.ts'
import { adminRequest } from './helpers.ts'

beforeEach(() => {
	clearShareCache(env.SHARES)
})

interface ErrorBody {
	error: { code: string; message: string; field?: string }
}

const create = (json: Record<string, unknown>) => adminRequest('', { method: 'POST', json })
const patch = (id: string, json: Record<string, unknown>) => adminRequest(`/${id}`, { method: 'PATCH', json })

async function expectInvalid(res: Response, field: string) {
	expect(res.status).toBe(400)
	const { error } = (await res.json()) as ErrorBody
	expect(error.code).toBe('invalid_body')
	expect(error.field).toBe(field)
}

const UPLOAD = { maxFileSize: 10_000_000 }

describe('kinds of share on the admin API', () => {
	it('creates a file share when the body names no type', async () => {
		const res = await create({ key: 'docs/a.pdf', id: 'kind-default' })
		expect(res.status).toBe(201)
		expect(((await res.json()) as { type: string }).type).toBe('file')
	})

	it('creates a folder share of a prefix and returns it', async () => {
		const res = await create({ type: 'folder', prefix: 'photos/2026/', id: 'kind-folder' })
		expect(res.status).toBe(201)
		const body = (await res.json()) as Record<string, unknown>
		expect(body).toMatchObject({ type: 'folder', prefix: 'photos/2026/' })
		expect(body.key).toBeUndefined()
	})

	it('lists a folder share with its prefix', async () => {
		await create({ type: 'folder', prefix: 'listed/', id: 'kind-listed' })
		const res = await adminRequest('?limit=1000')
		const { shares } = (await res.json()) as { shares: Record<string, unknown>[] }
		expect(shares.find((share) => share.id === 'kind-listed')).toMatchObject({
			type: 'folder',
			prefix: 'listed/',
		})
	})

	it.each([
		['without a trailing slash', 'photos'],
		['the bucket root', '/'],
		['empty', ''],
		['with a ".." segment', 'a/../b/'],
		['with an empty segment', 'a//b/'],
	])('refuses a folder prefix %s, naming prefix', async (_label, prefix) => {
		await expectInvalid(await create({ type: 'folder', prefix }), 'prefix')
	})

	it('refuses a key on a folder share, naming key', async () => {
		await expectInvalid(await create({ type: 'folder', prefix: 'p/', key: 'p/a.txt' }), 'key')
	})

	it('refuses a prefix on a file share, naming prefix', async () => {
		await expectInvalid(await create({ key: 'p/a.txt', prefix: 'p/' }), 'prefix')
	})

	it('refuses a folder share without a prefix, naming prefix', async () => {
		await expectInvalid(await create({ type: 'folder' }), 'prefix')
	})

	it('refuses an unknown type, naming type', async () => {
		await expectInvalid(await create({ type: 'album', prefix: 'p/' }), 'type')
	})

	it('creates an upload link with its rules, extensions and types lowercased', async () => {
		const res = await create({
			type: 'upload',
			prefix: 'inbox/',
			id: 'kind-upload',
			expiresIn: 3600,
			upload: { ...UPLOAD, allowedTypes: ['image/*', 'Application/PDF'], allowedExtensions: ['.PDF'] },
		})
		expect(res.status).toBe(201)
		expect(((await res.json()) as { upload: unknown }).upload).toEqual({
			...UPLOAD,
			allowedTypes: ['image/*', 'application/pdf'],
			allowedExtensions: ['.pdf'],
		})
	})

	it('refuses an upload link without an expiry, naming expiresAt', async () => {
		await expectInvalid(await create({ type: 'upload', prefix: 'inbox/', upload: UPLOAD }), 'expiresAt')
	})

	it('refuses an upload link without rules, naming upload', async () => {
		await expectInvalid(await create({ type: 'upload', prefix: 'inbox/', expiresIn: 60 }), 'upload')
	})

	it.each([
		['a size of zero', { maxFileSize: 0 }, 'upload.maxFileSize'],
		['a type that is no media type', { ...UPLOAD, allowedTypes: ['pdf'] }, 'upload.allowedTypes.0'],
		['an extension without a dot', { ...UPLOAD, allowedExtensions: ['pdf'] }, 'upload.allowedExtensions.0'],
		['an unknown rule', { ...UPLOAD, maxFiles: 'x', colour: 1 }, 'upload'],
	])('refuses upload rules with %s, naming the field', async (_label, upload, field) => {
		const res = await create({ type: 'upload', prefix: 'inbox/', expiresIn: 60, upload })
		expect(res.status).toBe(400)
		const { error } = (await res.json()) as ErrorBody
		expect(error.field?.startsWith(field)).toBe(true)
	})

	it('refuses to change the type of a share on PATCH', async () => {
		await create({ type: 'folder', prefix: 'p/', id: 'kind-fixed' })
		await expectInvalid(await patch('kind-fixed', { type: 'file' }), 'type')
	})

	it('refuses a PATCH that gives a folder share a key, and keeps the share as it was', async () => {
		await create({ type: 'folder', prefix: 'p/', id: 'kind-nokey' })
		await expectInvalid(await patch('kind-nokey', { key: 'p/a.txt' }), 'key')
		const res = await adminRequest('/kind-nokey')
		expect(await res.json()).toMatchObject({ type: 'folder', prefix: 'p/', revision: 1 })
	})

	it('refuses a PATCH that removes an upload link expiry', async () => {
		await create({ type: 'upload', prefix: 'in/', id: 'kind-noexpiry', expiresIn: 60, upload: UPLOAD })
		await expectInvalid(await patch('kind-noexpiry', { expiresAt: null }), 'expiresAt')
	})
})

describe('cache and bandwidth rules', () => {
	it('accepts a cache lifetime on a stream file share', async () => {
		const res = await create({ key: 'a.bin', cache: { maxAge: 600 } })
		expect(res.status).toBe(201)
		expect(((await res.json()) as { cache: unknown }).cache).toEqual({ maxAge: 600 })
	})

	it('refuses a cache on a bandwidth-limited share, naming bandwidthLimit', async () => {
		await expectInvalid(
			await create({ key: 'a.bin', cache: { maxAge: 600 }, bandwidthLimit: 1_048_576 }),
			'bandwidthLimit',
		)
	})

	it('refuses a cache on an upload link, naming cache', async () => {
		const res = await create({
			type: 'upload',
			prefix: 'in/',
			expiresIn: 60,
			upload: UPLOAD,
			cache: { maxAge: 60 },
		})
		await expectInvalid(res, 'cache')
	})

	it('refuses a cache on a share that insists on redirects, naming delivery', async () => {
		await expectInvalid(
			await create({ key: 'a.bin', delivery: 'redirect', cache: { maxAge: 60 } }),
			'delivery',
		)
	})

	it.each([
		['below COS range (100 KiB/s)', 102_399],
		['above COS range (100 MiB/s)', 104_857_601],
	])('refuses a bandwidth limit %s', async (_label, bandwidthLimit) => {
		await expectInvalid(await create({ key: 'a.bin', bandwidthLimit }), 'bandwidthLimit')
	})

	it('accepts a bandwidth limit at either end of COS range', async () => {
		for (const bandwidthLimit of [102_400, 104_857_600])
			expect((await create({ key: 'a.bin', bandwidthLimit })).status).toBe(201)
	})
})
