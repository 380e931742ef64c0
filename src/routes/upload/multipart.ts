// Multipart uploads of an upload link: POST /:id/uploads/parts (pre-signed part URLs),
// /complete (with x-cos-forbid-overwrite, then the declared size checked) and /abort. The
// upload itself is started by POST /:id/uploads (upload.ts), which hands out the token.
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import {
	abortMultipart,
	type CosCall,
	completeMultipart,
	MAX_PART_NUMBER,
	parseComplete,
	presignPart,
	signedCosRequest,
} from '../../cos/multipart.ts'
import { type AppEnv, requireLinkSecret } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { commitUpload } from '../../shares/store.ts'
import { reportUpload } from '../report.ts'
import { cosFailure, sendCos, sendCosOk, uploadExists } from './cos.ts'
import { readJson } from './json.ts'
import { callFor, resolveUploadShare } from './live.ts'
import { release } from './quota.ts'
import { openUploadToken, type UploadToken } from './token.ts'

export const multipartRoutes = new Hono<AppEnv>()

const partsSchema = z.strictObject({
	token: z.string().max(4096),
	partNumbers: z.array(z.int().min(1).max(MAX_PART_NUMBER)).min(1).max(100),
})

multipartRoutes.post('/:id/uploads/parts', async (c) => {
	const live = resolveUploadShare(c)
	const body = await readJson(c, partsSchema)
	const token = await openUploadToken(requireLinkSecret(live.config), body.token, live.record.id)
	const count = Math.ceil(token.z / token.p)
	const call = callFor(live, token.k)
	const parts = []
	for (const partNumber of body.partNumbers) {
		if (partNumber > count)
			throw new AppError('invalid_body', `partNumbers: this upload has ${count} parts`, {
				field: 'partNumbers',
			})
		const signed = await presignPart(call, token.u, partNumber, live.notAfter)
		const size = Math.min(token.p, token.z - (partNumber - 1) * token.p)
		parts.push({ partNumber, size, method: 'PUT', url: signed.url })
	}
	return c.json({ parts })
})

const completeSchema = z.strictObject({
	token: z.string().max(4096),
	parts: z
		.array(
			z.strictObject({ partNumber: z.int().min(1).max(MAX_PART_NUMBER), etag: z.string().min(1).max(200) }),
		)
		.min(1)
		.max(MAX_PART_NUMBER),
})

/** Deletes an object the rules should never have let stay (its size was not the declared one). */
async function removeObject(c: Context<AppEnv>, call: CosCall): Promise<void> {
	const response = await sendCos(c, await signedCosRequest(call, 'DELETE', {}))
	await response.body?.cancel()
}

multipartRoutes.post('/:id/uploads/complete', async (c) => {
	const live = resolveUploadShare(c)
	const body = await readJson(c, completeSchema)
	const token = await openUploadToken(requireLinkSecret(live.config), body.token, live.record.id)
	const call = callFor(live, token.k)
	const forbid = !live.record.upload.overwrite
	const text = await sendCosOk(c, await completeMultipart(call, token.u, body.parts, forbid))
	const result = parseComplete(text)
	if ('errorCode' in result) {
		if (result.errorCode === 'FileAlreadyExists') {
			await abort(c, call, token)
			await release(c, live, token.k)
			throw uploadExists()
		}
		throw cosFailure(c, 502, result.errorCode)
	}
	// Parts are not length-bound (a browser sets Content-Length itself): check the total.
	const head = await sendCos(c, await signedCosRequest(call, 'HEAD', {}))
	const size = Number(head.headers.get('content-length'))
	if (!head.ok || size !== token.z) {
		if (head.ok) {
			await removeObject(c, call)
			await release(c, live, token.k)
		}
		throw new AppError('size_mismatch', `The parts add up to ${size} bytes, not the declared ${token.z}.`)
	}
	await commitUpload(c.env, live.record.id, token.k, size)
	const contentType = head.headers.get('content-type') ?? 'application/octet-stream'
	reportUpload(c, live.record, { key: token.k, name: token.n, size, contentType })
	return c.json({ key: token.k, name: token.n, size, etag: result.etag }, 201)
})

async function abort(c: Context<AppEnv>, call: CosCall, token: UploadToken): Promise<void> {
	const response = await sendCos(c, await abortMultipart(call, token.u))
	await response.body?.cancel()
}

multipartRoutes.post('/:id/uploads/abort', async (c) => {
	const live = resolveUploadShare(c)
	const body = await readJson(c, z.strictObject({ token: z.string().max(4096) }))
	const token = await openUploadToken(requireLinkSecret(live.config), body.token, live.record.id)
	await abort(c, callFor(live, token.k), token)
	await release(c, live, token.k)
	return c.body(null, 204)
})
