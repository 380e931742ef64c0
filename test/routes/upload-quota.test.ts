import { runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { SETTLE_GRACE_MS } from '../../src/shares/state-uploads.ts'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION } from './page-helpers.ts'

resetBetweenTests()

/** Mocks COS; each Response is built inside the mock, as workerd requires. */
function mockOrigin(answer: (method: string, url: string) => Response) {
	const methods: string[] = []
	vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		const method = init?.method ?? 'GET'
		methods.push(method)
		return answer(method, String(input instanceof Request ? input.url : input))
	})
	return methods
}

let n = 0
async function quotaShare(quota: Record<string, number>, expiresIn = 86_400) {
	n += 1
	const id = `quota-${n}`
	await createShare({
		type: 'upload',
		id,
		prefix: 'inbox/',
		expiresIn,
		upload: { maxFileSize: 10_000, ...quota },
	})
	return id
}

const stateOf = (id: string) => env.SHARE_STATE.get(env.SHARE_STATE.idFromName(id))

const post = (path: string, body: unknown) =>
	get(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const start = (id: string, size = 100, name = 'a.txt') => post(`/${id}/uploads`, { name, size })

async function errorCode(res: Response): Promise<string> {
	return ((await res.json()) as { error: { code: string } }).error.code
}

async function usageOf(id: string) {
	const res = await adminRequest(`/${id}`)
	return ((await res.json()) as { uploads: Record<string, number> }).uploads
}

describe('upload quotas', () => {
	it('grants exactly 5 of 50 concurrent reservations against maxFiles 5', async () => {
		const id = await quotaShare({ maxFiles: 5 })
		const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => start(id, 10, `f${i}.txt`)))
		const statuses = responses.map((res) => res.status)
		expect(statuses.filter((status) => status === 201)).toHaveLength(5)
		expect(statuses.filter((status) => status === 409)).toHaveLength(45)
		expect(await usageOf(id)).toEqual({ files: 0, bytes: 0, reservedFiles: 5, reservedBytes: 50 })
	})

	it('answers 409 upload_quota_reached once the files are all reserved', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		expect((await start(id)).status).toBe(201)
		const refused = await start(id)
		expect(refused.status).toBe(409)
		expect(await errorCode(refused)).toBe('upload_quota_reached')
	})

	it('refuses a file that would take the link past maxTotalBytes and takes one that fits', async () => {
		const id = await quotaShare({ maxTotalBytes: 1000 })
		expect((await start(id, 600)).status).toBe(201)
		expect((await start(id, 500)).status).toBe(409)
		expect((await start(id, 400)).status).toBe(201)
		expect(await usageOf(id)).toMatchObject({ reservedFiles: 2, reservedBytes: 1000 })
	})

	it('grants bytes to exactly as many concurrent reservations as fit', async () => {
		const id = await quotaShare({ maxTotalBytes: 1000 })
		const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => start(id, 300, `b${i}.txt`)))
		expect(responses.filter((res) => res.status === 201)).toHaveLength(3)
	})

	it('holds a lapsed reservation until COS is asked, then frees it when nothing arrived', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		const first = await start(id)
		const expiresAt = Date.parse(((await first.json()) as { expiresAt: string }).expiresAt)
		vi.spyOn(Date, 'now').mockReturnValue(expiresAt + 1000)
		// A PUT that began before the end may still be arriving: the slot stays held.
		expect((await start(id)).status).toBe(409)
		vi.spyOn(Date, 'now').mockReturnValue(expiresAt + SETTLE_GRACE_MS + 1000)
		const methods = mockOrigin(() => new Response(null, { status: 404 }))
		expect(await runDurableObjectAlarm(stateOf(id))).toBe(true)
		expect(methods).toEqual(['HEAD'])
		vi.mocked(globalThis.fetch).mockRestore()
		expect(await usageOf(id)).toEqual({ files: 0, bytes: 0, reservedFiles: 0, reservedBytes: 0 })
		expect((await start(id)).status).toBe(201)
	})

	it('counts an object that arrived without being confirmed, with the size COS reports', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		const { expiresAt } = (await (await start(id, 300)).json()) as { expiresAt: string }
		vi.spyOn(Date, 'now').mockReturnValue(Date.parse(expiresAt) + SETTLE_GRACE_MS + 1000)
		mockOrigin(() => new Response(null, { headers: { 'content-length': '250' } }))
		expect(await runDurableObjectAlarm(stateOf(id))).toBe(true)
		expect(await usageOf(id)).toEqual({ files: 1, bytes: 250, reservedFiles: 0, reservedBytes: 0 })
		expect((await start(id)).status).toBe(409)
	})

	it('keeps the slot held when COS cannot be asked, and asks again at the next alarm', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		const { expiresAt } = (await (await start(id)).json()) as { expiresAt: string }
		vi.spyOn(Date, 'now').mockReturnValue(Date.parse(expiresAt) + SETTLE_GRACE_MS + 1000)
		mockOrigin(() => new Response(null, { status: 503 }))
		expect(await runDurableObjectAlarm(stateOf(id))).toBe(true)
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 1 })
		vi.mocked(globalThis.fetch).mockRestore()
		mockOrigin(() => new Response(null, { status: 404 }))
		expect(await runDurableObjectAlarm(stateOf(id))).toBe(true)
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 0 })
	})

	it('counts a file once when its confirmation comes before the settlement', async () => {
		const id = await quotaShare({ maxFiles: 2 })
		const { key, expiresAt } = (await (await start(id, 100)).json()) as { key: string; expiresAt: string }
		mockOrigin(() => new Response(null, { headers: { 'content-length': '100' } }))
		expect((await post(`/${id}/uploads/confirm`, { key })).status).toBe(200)
		vi.spyOn(Date, 'now').mockReturnValue(Date.parse(expiresAt) + SETTLE_GRACE_MS + 1000)
		await runDurableObjectAlarm(stateOf(id))
		expect(await usageOf(id)).toEqual({ files: 1, bytes: 100, reservedFiles: 0, reservedBytes: 0 })
	})

	it('commits a confirmed upload with the size COS reports, and keeps it past the signature', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		const { key, expiresAt } = (await (await start(id, 100)).json()) as { key: string; expiresAt: string }
		const methods = mockOrigin(() => new Response(null, { headers: { 'content-length': '100' } }))
		const res = await post(`/${id}/uploads/confirm`, { key })
		expect(res.status).toBe(200)
		expect(methods).toEqual(['HEAD'])
		expect(await usageOf(id)).toEqual({ files: 1, bytes: 100, reservedFiles: 0, reservedBytes: 0 })
		vi.spyOn(Date, 'now').mockReturnValue(Date.parse(expiresAt) + 1000)
		expect((await start(id)).status).toBe(409)
	})

	it('does not commit a file COS does not have', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		const { key } = (await (await start(id)).json()) as { key: string }
		mockOrigin(() => new Response(null, { status: 404 }))
		const res = await post(`/${id}/uploads/confirm`, { key })
		expect(res.status).toBe(409)
		expect(await errorCode(res)).toBe('object_not_found')
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 1 })
	})

	it('refuses to confirm a key no upload on the link reserved', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		mockOrigin(() => new Response(null, { headers: { 'content-length': '5' } }))
		const res = await post(`/${id}/uploads/confirm`, { key: 'inbox/elsewhere.txt' })
		expect(res.status).toBe(404)
		expect(await errorCode(res)).toBe('upload_not_found')
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 0 })
	})

	it('commits a streamed upload as soon as COS accepts it', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		mockOrigin(() => new Response(null, { headers: { etag: '"e"' } }))
		const res = await get(`/${id}/uploads/a.txt`, {
			method: 'PUT',
			headers: { 'content-length': '5' },
			body: 'hello',
		})
		expect(res.status).toBe(201)
		expect(await usageOf(id)).toEqual({ files: 1, bytes: 5, reservedFiles: 0, reservedBytes: 0 })
	})

	it('releases a streamed upload COS refused', async () => {
		const id = await quotaShare({ maxFiles: 1 })
		mockOrigin(() => new Response('<Error><Code>InternalError</Code></Error>', { status: 500 }))
		const res = await get(`/${id}/uploads/a.txt`, {
			method: 'PUT',
			headers: { 'content-length': '5' },
			body: 'hello',
		})
		expect(res.status).toBe(502)
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 0 })
	})

	it('refuses a quota below 1, naming the field', async () => {
		const res = await adminRequest('', {
			method: 'POST',
			json: { type: 'upload', prefix: 'in/', expiresIn: 60, upload: { maxFileSize: 1, maxFiles: 0 } },
		})
		expect(res.status).toBe(400)
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe('upload.maxFiles')
	})
})

const MiB = 1024 ** 2
const INITIATED =
	'<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>'

/** COS for a multipart upload of `size` bytes: initiate, complete, and the HEAD after it. */
function mockMultipart(size: number) {
	return mockOrigin((method, url) => {
		if (url.endsWith('?uploads')) return new Response(INITIATED)
		if (method === 'POST')
			return new Response('<CompleteMultipartUploadResult><ETag>"e"</ETag></CompleteMultipartUploadResult>')
		return new Response(null, {
			status: method === 'HEAD' ? 200 : 204,
			headers: { 'content-length': String(size) },
		})
	})
}

async function bigShare(quota: Record<string, number>) {
	n += 1
	const id = `quota-big-${n}`
	await createShare({
		type: 'upload',
		id,
		prefix: 'inbox/',
		expiresIn: 86_400,
		upload: { maxFileSize: 1024 * MiB, ...quota },
	})
	return id
}

describe('upload quotas on multipart uploads', () => {
	it('reserves at initiation and refuses the next before asking COS', async () => {
		const methods = mockMultipart(100 * MiB)
		const id = await bigShare({ maxFiles: 1 })
		expect((await start(id, 100 * MiB, 'big.bin')).status).toBe(201)
		const calls = methods.length
		expect((await start(id, 100 * MiB, 'big2.bin')).status).toBe(409)
		expect(methods).toHaveLength(calls)
	})

	it('commits on completion', async () => {
		mockMultipart(100 * MiB)
		const id = await bigShare({ maxTotalBytes: 200 * MiB })
		const { multipart } = (await (await start(id, 100 * MiB, 'big.bin')).json()) as {
			multipart: { token: string; partCount: number }
		}
		const parts = Array.from({ length: multipart.partCount }, (_, i) => ({
			partNumber: i + 1,
			etag: `"p${i}"`,
		}))
		expect((await post(`/${id}/uploads/complete`, { token: multipart.token, parts })).status).toBe(201)
		expect(await usageOf(id)).toEqual({ files: 1, bytes: 100 * MiB, reservedFiles: 0, reservedBytes: 0 })
	})

	it('releases on abort', async () => {
		mockMultipart(100 * MiB)
		const id = await bigShare({ maxFiles: 1 })
		const { multipart } = (await (await start(id, 100 * MiB, 'big.bin')).json()) as {
			multipart: { token: string }
		}
		expect((await post(`/${id}/uploads/abort`, { token: multipart.token })).status).toBe(204)
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 0 })
		expect((await start(id, 100 * MiB, 'again.bin')).status).toBe(201)
	})
})

describe('upload quotas on the upload page', () => {
	it('lists the quotas among the rules', async () => {
		const id = await quotaShare({ maxFiles: 5, maxTotalBytes: 2048 })
		const html = await (await get(`/${id}?lang=en`, { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<dt>Files in all</dt><dd>5 files</dd>')
		expect(html).toContain('<dt>Total size</dt>')
	})

	it('shows the quotas to API clients with the other rules', async () => {
		const id = await quotaShare({ maxFiles: 5 })
		const body = (await (await get(`/${id}`)).json()) as { rules: Record<string, unknown> }
		expect(body.rules).toMatchObject({ maxFiles: 5, maxTotalBytes: null })
	})
})
