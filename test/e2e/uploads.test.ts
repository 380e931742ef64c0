// End to end, upload links: the real stack (emulator + `wrangler dev`), real clients.
// Every path — pre-signed PUT, pre-signed multipart, streamed `curl -T` — is read back
// byte for byte through a file share; refusals leave nothing behind.
import { writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listKeys } from '../emulator/store.ts'
import { bodyOf, curl, deterministicBytes, readStoredObject, sha256, useE2eStack } from './helpers.ts'

const e2e = useE2eStack('uploads')
const MiB = 1024 * 1024

interface Presigned {
	key: string
	name: string
	method?: 'PUT'
	url?: string
	headers?: Record<string, string>
	multipart?: { uploadId: string; partSize: number; partCount: number; token: string }
}

let count = 0
async function uploadLink(upload: Record<string, unknown>): Promise<string> {
	count += 1
	const id = `e2e-upload-${count}`
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ type: 'upload', id, prefix: `up${count}/`, expiresIn: 3600, upload }),
	})
	if (res.status !== 201)
		throw new Error(`creating the upload link failed: ${res.status} ${await res.text()}`)
	return id
}

const postJson = (path: string, body: unknown) =>
	fetch(`${e2e.stack.workerUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	})

async function start(id: string, file: { name: string; size: number; type: string }): Promise<Presigned> {
	const res = await postJson(`/${id}/uploads`, file)
	expect(res.status).toBe(201)
	return (await res.json()) as Presigned
}

/** The object's bytes as a visitor gets them: through a new file share of its key. */
async function readBack(key: string): Promise<Buffer> {
	const share = await e2e.stack.createShare({ key })
	const res = await fetch(share.url)
	expect(res.status).toBe(200)
	return bodyOf(res)
}

async function keysUnder(prefix: string): Promise<string[]> {
	return (await listKeys(e2e.stack.emulatorRoot)).filter((key) => key.startsWith(prefix))
}

/** Node's fetch types want an ArrayBuffer-backed view. */
const asBody = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes)

const putDirect = (presigned: Presigned, body: Uint8Array) => {
	const { 'content-length': _length, ...headers } = presigned.headers ?? {}
	return fetch(presigned.url ?? '', { method: 'PUT', headers, body: asBody(body) })
}

describe('pre-signed single PUT', () => {
	it('uploads straight to COS and reads back byte for byte', async () => {
		const id = await uploadLink({ maxFileSize: 64 * MiB })
		const bytes = deterministicBytes(3 * MiB + 17, 1)
		const presigned = await start(id, { name: 'photo.png', size: bytes.length, type: 'image/png' })
		const res = await putDirect(presigned, bytes)
		expect(res.status).toBe(200)
		expect(sha256(await readBack(presigned.key))).toBe(sha256(bytes))
		expect((await readStoredObject(e2e.stack.emulatorRoot, presigned.key)).meta.contentType).toBe('image/png')
	})

	it.each([
		['longer', 1],
		['shorter', -1],
	])(
		'is refused by the signature check when the body is %s than declared, leaving no object',
		async (_label, delta) => {
			const id = await uploadLink({ maxFileSize: 64 * MiB })
			const presigned = await start(id, { name: 'a.bin', size: 1000, type: 'application/octet-stream' })
			const res = await putDirect(presigned, deterministicBytes(1000 + delta, 2))
			expect(res.status).toBe(403)
			expect(await res.text()).toContain('SignatureDoesNotMatch')
			expect(await keysUnder(`up${count}/`)).toEqual([])
		},
	)
})

describe('pre-signed multipart', () => {
	it('uploads 100 MiB in parts, one of them dropped and retried, and reads back byte for byte', async () => {
		const id = await uploadLink({ maxFileSize: 200 * MiB })
		const bytes = deterministicBytes(100 * MiB, 3)
		const presigned = await start(id, {
			name: 'big.bin',
			size: bytes.length,
			type: 'application/octet-stream',
		})
		const multipart = presigned.multipart
		if (!multipart) throw new Error('expected a multipart upload')
		expect(multipart.partCount).toBe(7)
		const parts: { partNumber: number; etag: string }[] = []
		for (let n = 1; n <= multipart.partCount; n++) {
			const slice = bytes.subarray((n - 1) * multipart.partSize, n * multipart.partSize)
			const urlFor = async () => {
				const res = await postJson(`/${id}/uploads/parts`, { token: multipart.token, partNumbers: [n] })
				return ((await res.json()) as { parts: { url: string }[] }).parts[0]?.url ?? ''
			}
			if (n === 3) {
				// A dropped connection: the body breaks off half-way.
				const broken = new ReadableStream<Uint8Array>({
					start(controller) {
						controller.enqueue(slice.subarray(0, slice.length / 2))
						controller.error(new Error('connection dropped'))
					},
				})
				await expect(
					fetch(await urlFor(), { method: 'PUT', body: broken, duplex: 'half' } as RequestInit),
				).rejects.toThrow()
			}
			const res = await fetch(await urlFor(), { method: 'PUT', body: asBody(slice) })
			expect(res.status).toBe(200)
			parts.push({ partNumber: n, etag: res.headers.get('etag') ?? '' })
		}
		const done = await postJson(`/${id}/uploads/complete`, { token: multipart.token, parts })
		expect(done.status).toBe(201)
		expect(await done.json()).toMatchObject({ key: presigned.key, size: bytes.length })
		expect(sha256(await readBack(presigned.key))).toBe(sha256(bytes))
	}, 180_000)

	it('aborts on request, leaving no object', async () => {
		const id = await uploadLink({ maxFileSize: 200 * MiB })
		const presigned = await start(id, { name: 'gone.bin', size: 70 * MiB, type: 'application/octet-stream' })
		const res = await postJson(`/${id}/uploads/abort`, { token: presigned.multipart?.token })
		expect(res.status).toBe(204)
		expect(await keysUnder(`up${count}/`)).toEqual([])
	})
})

describe('streamed through the worker', () => {
	it('takes `curl -T` and reads back byte for byte', async () => {
		const id = await uploadLink({ maxFileSize: 64 * MiB })
		const bytes = deterministicBytes(5 * MiB + 3, 4)
		const file = join(e2e.work, 'notes 季度.txt')
		await writeFile(file, bytes)
		const url = `${e2e.stack.workerUrl}/${id}/uploads/${encodeURIComponent('notes 季度.txt')}`
		const result = await curl(['-T', file, url])
		expect(result.code).toBe(0)
		const body = JSON.parse(result.stdout.toString('utf8')) as { key: string; name: string; size: number }
		expect(body).toMatchObject({ name: 'notes 季度.txt', size: bytes.length })
		expect(sha256(await readBack(body.key))).toBe(sha256(bytes))
	})

	it('keeps nothing when the client sends fewer bytes than its Content-Length', async () => {
		const id = await uploadLink({ maxFileSize: 64 * MiB })
		const { hostname, port } = new URL(e2e.stack.workerUrl)
		const socket = connect(Number(port), hostname)
		await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
		socket.write(
			`PUT /${id}/uploads/short.bin HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: 100000\r\n\r\n`,
		)
		socket.write(Buffer.alloc(50_000, 7))
		await new Promise((resolve) => setTimeout(resolve, 500))
		socket.destroy()
		await new Promise((resolve) => setTimeout(resolve, 1500))
		expect(await keysUnder(`up${count}/`)).toEqual([])
	})
})

describe('overwrite: false', () => {
	it('never replaces the first upload of a name, on either path', async () => {
		const id = await uploadLink({ maxFileSize: MiB, keyTemplate: '{name}' })
		const first = deterministicBytes(1000, 5)
		const put = (body: Uint8Array) =>
			fetch(`${e2e.stack.workerUrl}/${id}/uploads/same.txt`, { method: 'PUT', body: asBody(body) })
		expect((await put(first)).status).toBe(201)
		const again = await put(deterministicBytes(1000, 6))
		expect(again.status).toBe(409)
		expect(((await again.json()) as { error: { code: string } }).error.code).toBe('upload_exists')
		const presigned = await start(id, { name: 'same.txt', size: 900, type: 'text/plain' })
		const direct = await putDirect(presigned, deterministicBytes(900, 7))
		expect(direct.status).toBe(409)
		expect(await direct.text()).toContain('FileAlreadyExists')
		expect(sha256(await readBack(`up${count}/same.txt`))).toBe(sha256(first))
	})
})

describe('refusals', () => {
	it('leave no object behind', async () => {
		const id = await uploadLink({ maxFileSize: 1000, allowedTypes: ['image/*'] })
		const tooBig = await postJson(`/${id}/uploads`, { name: 'a.png', size: 1001, type: 'image/png' })
		expect(tooBig.status).toBe(413)
		const wrongType = await fetch(`${e2e.stack.workerUrl}/${id}/uploads/a.html`, {
			method: 'PUT',
			headers: { 'content-type': 'text/html' },
			body: '<script>alert(1)</script>',
		})
		expect(wrongType.status).toBe(415)
		expect(await keysUnder(`up${count}/`)).toEqual([])
	})
})
