// POST /:id/uploads/confirm looks only at keys this link handed out: any other key gets the
// same 4xx before COS is asked anything, whether or not such an object exists, and a
// malformed key is never a 500.
import { describe, expect, it } from 'vitest'
import { type Outbound, spyOnCos } from './cos-mock.ts'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

let serial = 0
async function uploadShare(upload: Record<string, unknown> = {}): Promise<string> {
	serial += 1
	const id = `confirm-${serial}`
	await createShare({
		type: 'upload',
		id,
		prefix: 'inbox/',
		expiresIn: 3600,
		upload: { maxFileSize: 10_000, ...upload },
	})
	return id
}

const postJson = (path: string, body: string) =>
	get(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })

const confirm = (id: string, key: string) => postJson(`/${id}/uploads/confirm`, JSON.stringify({ key }))

async function started(id: string, name = 'a.txt'): Promise<string> {
	const res = await postJson(`/${id}/uploads`, JSON.stringify({ name, size: 5 }))
	expect(res.status).toBe(201)
	return ((await res.json()) as { key: string }).key
}

/** COS holding every object (`exists`) or none; each Response built inside the mock. */
function mockStorage(exists: boolean): Outbound[] {
	const outbound: Outbound[] = []
	spyOnCos(outbound, () =>
		exists ? new Response(null, { headers: { 'content-length': '5' } }) : new Response(null, { status: 404 }),
	)
	return outbound
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
	const { error } = (await res.json()) as { error: { code: string; message: string } }
	return { status: res.status, code: error.code, message: error.message }
}

async function usageOf(id: string) {
	const res = await adminRequest(`/${id}`)
	return ((await res.json()) as { uploads: Record<string, number> }).uploads
}

describe('POST /:id/uploads/confirm of a key the link never issued', () => {
	it.each(['inbox/someone-else.txt', 'inbox/2026-01-01/AbCdEfGh-report.pdf', 'elsewhere/a.txt', 'inbox/'])(
		'answers %s the same whether or not COS has it, and never asks COS',
		async (key) => {
			const id = await uploadShare()
			const answers = []
			for (const exists of [true, false]) {
				const outbound = mockStorage(exists)
				answers.push(await errorOf(await confirm(id, key)))
				expect(outbound).toHaveLength(0)
			}
			expect(answers[0]).toEqual({
				status: 404,
				code: 'upload_not_found',
				message: 'No upload of that key was started on this link.',
			})
			expect(answers[1]).toEqual(answers[0])
		},
	)

	it('refuses a key another link reserved under the same prefix', async () => {
		const mine = await uploadShare()
		const theirs = await uploadShare()
		mockStorage(true)
		const key = await started(theirs)
		const outbound = mockStorage(true)
		const res = await confirm(mine, key)
		expect(res.status).toBe(404)
		expect(outbound).toHaveLength(0)
		expect(await usageOf(mine)).toMatchObject({ files: 0, reservedFiles: 0 })
	})

	it('refuses a key whose reservation was released', async () => {
		const id = await uploadShare({ keyTemplate: '{name}', overwrite: true })
		const key = await started(id)
		expect(key).toBe('inbox/a.txt')
		// A streamed PUT of the same key that COS refuses releases its reservation.
		const outbound: Outbound[] = []
		spyOnCos(outbound, () => new Response('<Error><Code>InternalError</Code></Error>', { status: 500 }))
		const put = await get(`/${id}/uploads/a.txt`, {
			method: 'PUT',
			headers: { 'content-length': '5' },
			body: 'hello',
		})
		expect(put.status).toBe(502)
		const after = mockStorage(true)
		expect((await confirm(id, key)).status).toBe(404)
		expect(after).toHaveLength(0)
	})
})

describe('POST /:id/uploads/confirm of a malformed key', () => {
	const long = `inbox/${'é'.repeat(500)}`
	it.each([
		['a ".." segment', 'inbox/../secret.txt'],
		['a "." segment', 'inbox/./a.txt'],
		['a ".." segment at the end', 'inbox/..'],
		['a key longer than COS accepts', long],
	])('answers 404 upload_not_found for %s, never 500, and never asks COS', async (_label, key) => {
		const id = await uploadShare()
		const outbound = mockStorage(true)
		const res = await confirm(id, key)
		expect(await errorOf(res)).toMatchObject({ status: 404, code: 'upload_not_found' })
		expect(outbound).toHaveLength(0)
	})

	it.each([
		['a lone high surrogate', '{"key":"inbox/\\ud800.txt"}'],
		['a lone low surrogate', '{"key":"inbox/\\udc00"}'],
		['a key over 1024 characters', JSON.stringify({ key: `inbox/${'a'.repeat(2000)}` })],
		['an empty key', '{"key":""}'],
		['a key that is not a string', '{"key":42}'],
		['no key', '{}'],
	])('answers 400 invalid_body for %s and never asks COS', async (_label, body) => {
		const id = await uploadShare()
		const outbound = mockStorage(true)
		const res = await postJson(`/${id}/uploads/confirm`, body)
		expect(await errorOf(res)).toMatchObject({ status: 400, code: 'invalid_body' })
		expect(outbound).toHaveLength(0)
	})
})

describe('POST /:id/uploads/confirm of a key the link issued', () => {
	it('asks COS once and commits the size it reports', async () => {
		const id = await uploadShare()
		const key = await started(id)
		const outbound = mockStorage(true)
		const res = await confirm(id, key)
		expect(res.status).toBe(200)
		expect(await res.json()).toEqual({ key, size: 5, confirmed: true })
		expect(outbound.map((req) => req.method)).toEqual(['HEAD'])
		expect(await usageOf(id)).toMatchObject({ files: 1, bytes: 5, reservedFiles: 0 })
	})

	it('answers 409 object_not_found while COS does not have it yet, and keeps the reservation', async () => {
		const id = await uploadShare()
		const key = await started(id)
		mockStorage(false)
		expect(await errorOf(await confirm(id, key))).toMatchObject({ status: 409, code: 'object_not_found' })
		expect(await usageOf(id)).toMatchObject({ files: 0, reservedFiles: 1 })
	})

	it('confirms a committed key again (idempotent)', async () => {
		const id = await uploadShare()
		const key = await started(id)
		mockStorage(true)
		expect((await confirm(id, key)).status).toBe(200)
		expect((await confirm(id, key)).status).toBe(200)
		expect(await usageOf(id)).toMatchObject({ files: 1, bytes: 5 })
	})
})
