// The emulator's multipart uploads against Tencent's SDK and the worker's own signer: each
// step's signature is verified, complete honours x-cos-forbid-overwrite, abort leaves nothing.
import { createHash, randomBytes } from 'node:crypto'
import COS from 'cos-nodejs-sdk-v5'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
	abortMultipart,
	type CosCall,
	type CosRequest,
	completeMultipart,
	initiateMultipart,
	parseComplete,
	parseUploadId,
	presignPart,
} from '../../src/cos/multipart.ts'
import { presignObjectUrl } from '../../src/cos/presign.ts'
import { countMultipartUploads } from '../emulator/multipart.ts'
import { type Emulator, listKeys, putObject } from '../emulator/server.ts'
import { BUCKET, REGION, SECRET_ID, SECRET_KEY, startTestEmulator } from './emulator-fixture.ts'

const MiB = 1024 * 1024

let emulator: Emulator

beforeAll(async () => {
	emulator = await startTestEmulator({
		corsOrigins: ['http://page.example'],
	})
})
afterAll(() => emulator.close())

const call = (key: string): CosCall => ({
	credentials: { secretId: SECRET_ID, secretKey: SECRET_KEY },
	target: { bucket: BUCKET, region: REGION, endpoint: emulator.url },
	key,
	now: Date.now(),
	ttl: 600,
})

const send = (request: CosRequest) =>
	fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? null })

async function startUpload(key: string): Promise<string> {
	const res = await send(await initiateMultipart(call(key), 'application/octet-stream'))
	expect(res.status).toBe(200)
	const uploadId = parseUploadId(await res.text())
	if (!uploadId) throw new Error('no upload id')
	return uploadId
}

async function putPart(key: string, uploadId: string, n: number, body: Buffer): Promise<string> {
	const { url } = await presignPart(call(key), uploadId, n)
	const res = await fetch(url, { method: 'PUT', body: new Uint8Array(body) })
	expect(res.status).toBe(200)
	return res.headers.get('etag') ?? ''
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('emulator: multipart uploads', () => {
	it('assembles the parts in order into one object', async () => {
		const key = 'mp/whole.bin'
		const [a, b] = [randomBytes(MiB + 7), randomBytes(1234)]
		const uploadId = await startUpload(key)
		const etagB = await putPart(key, uploadId, 2, b)
		const etagA = await putPart(key, uploadId, 1, a)
		const parts = [
			{ partNumber: 1, etag: etagA },
			{ partNumber: 2, etag: etagB },
		]
		const res = await send(await completeMultipart(call(key), uploadId, parts, true))
		expect(res.status).toBe(200)
		expect(parseComplete(await res.text())).toMatchObject({ etag: expect.stringMatching(/-2"$/) })
		const { url } = await presignObjectUrl({ ...call(key), method: 'GET' })
		const back = new Uint8Array(await (await fetch(url)).arrayBuffer())
		expect(sha256(back)).toBe(sha256(Buffer.concat([a, b])))
	})

	it('answers FileAlreadyExists in the body of a 200 when completing onto a taken key without overwrite', async () => {
		const key = 'mp/taken.bin'
		await putObject(emulator.root, key, 'first')
		const uploadId = await startUpload(key)
		const etag = await putPart(key, uploadId, 1, Buffer.from('second'))
		const res = await send(await completeMultipart(call(key), uploadId, [{ partNumber: 1, etag }], true))
		expect(res.status).toBe(200)
		expect(parseComplete(await res.text())).toEqual({ errorCode: 'FileAlreadyExists' })
	})

	it('replaces a taken key when overwrite is allowed', async () => {
		const key = 'mp/replace.bin'
		await putObject(emulator.root, key, 'first')
		const uploadId = await startUpload(key)
		const etag = await putPart(key, uploadId, 1, Buffer.from('second'))
		const res = await send(await completeMultipart(call(key), uploadId, [{ partNumber: 1, etag }], false))
		expect('etag' in parseComplete(await res.text())).toBe(true)
	})

	it('refuses a part list with a wrong ETag', async () => {
		const key = 'mp/wrong.bin'
		const uploadId = await startUpload(key)
		await putPart(key, uploadId, 1, Buffer.from('x'))
		const res = await send(
			await completeMultipart(call(key), uploadId, [{ partNumber: 1, etag: '"nope"' }], true),
		)
		expect(res.status).toBe(400)
		expect(await res.text()).toContain('<Code>InvalidPart</Code>')
	})

	it('drops the parts on abort and leaves no object', async () => {
		const key = 'mp/aborted.bin'
		const before = await countMultipartUploads(emulator.root)
		const uploadId = await startUpload(key)
		await putPart(key, uploadId, 1, Buffer.from('x'))
		const res = await send(await abortMultipart(call(key), uploadId))
		expect(res.status).toBe(204)
		expect(await countMultipartUploads(emulator.root)).toBe(before)
		expect(await listKeys(emulator.root)).not.toContain(key)
	})

	it('refuses a part whose uploadId is not signed', async () => {
		const key = 'mp/unsigned.bin'
		const uploadId = await startUpload(key)
		const { url } = await presignObjectUrl({ ...call(key), method: 'PUT' })
		const res = await fetch(`${url}&uploadId=${uploadId}&partNumber=1`, { method: 'PUT', body: 'x' })
		expect(res.status).toBe(403)
	})

	it('accepts a multipart upload from Tencent SDK', async () => {
		const cos = new COS({
			SecretId: SECRET_ID,
			SecretKey: SECRET_KEY,
			Domain: new URL(emulator.url).host,
			Protocol: 'http:',
		})
		const key = 'mp/sdk.bin'
		const body = randomBytes(MiB + 3)
		const init = await cos.multipartInit({ Bucket: BUCKET, Region: REGION, Key: key })
		const part = await cos.multipartUpload({
			Bucket: BUCKET,
			Region: REGION,
			Key: key,
			UploadId: init.UploadId,
			PartNumber: 1,
			Body: body,
		})
		await cos.multipartComplete({
			Bucket: BUCKET,
			Region: REGION,
			Key: key,
			UploadId: init.UploadId,
			Parts: [{ PartNumber: 1, ETag: part.ETag }],
		})
		expect(await listKeys(emulator.root)).toContain(key)
	})
})

describe('emulator: the bucket CORS rule', () => {
	it('answers a preflight from an allowed origin with the requested headers', async () => {
		const res = await fetch(`${emulator.url}/inbox/a.txt`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://page.example',
				'access-control-request-method': 'PUT',
				'access-control-request-headers': 'content-type,x-cos-forbid-overwrite',
			},
		})
		expect(res.status).toBe(200)
		expect(res.headers.get('access-control-allow-origin')).toBe('http://page.example')
		expect(res.headers.get('access-control-allow-headers')).toBe('content-type,x-cos-forbid-overwrite')
		expect(res.headers.get('access-control-expose-headers')).toContain('ETag')
	})

	it('refuses a preflight from another origin', async () => {
		const res = await fetch(`${emulator.url}/inbox/a.txt`, {
			method: 'OPTIONS',
			headers: { origin: 'http://evil.example', 'access-control-request-method': 'PUT' },
		})
		expect(res.status).toBe(403)
		expect(res.headers.get('access-control-allow-origin')).toBeNull()
	})
})
