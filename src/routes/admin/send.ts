// POST /api/uploads: sending files into the bucket through the worker (`coslink send`). The
// server picks every key (SEND_PREFIX, a random folder, the cleaned name), signs exactly the
// length, type and no-overwrite it accepts, and hands out a pre-signed PUT, or a multipart
// upload above MULTIPART_THRESHOLD. The client never sees a COS key.
import type { Context } from 'hono'
import {
	abortMultipart,
	type CosCall,
	completeMultipart,
	initiateMultipart,
	parseComplete,
	parseUploadId,
	presignPart,
	signedCosRequest,
} from '../../cos/multipart.ts'
import { presignObjectUrl } from '../../cos/presign.ts'
import { type AppEnv, requireLinkSecret } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { mediaTypeFor, normalizeMediaType } from '../../http/mime.ts'
import {
	MAX_SINGLE_PUT,
	MULTIPART_THRESHOLD,
	partSizeFor,
	randomBase62,
	sanitizeName,
} from '../../shares/upload-rules.ts'
import { cosFailure, sendCos, sendCosOk, uploadExists } from '../upload/cos.ts'
import { openUploadToken, sealUploadToken, type UploadToken } from '../upload/token.ts'
import { adminGuard, openApiApp } from './openapi.ts'
import { abortRoute, completeRoute, partsRoute, startRoute } from './send-routes.ts'

export const send = openApiApp()
// A completion may list 10,000 part ETags.
send.use(...adminGuard(1024 * 1024))

/** The id sent upload tokens are sealed for: no share id starts with "_", so no link's token opens here. */
const SEND_TOKEN_ID = '_send'
/** How long a send's signatures live: long enough for a slow upload to start. */
const SEND_TTL_SECONDS = 3600
/** COS's largest object. */
const MAX_OBJECT_BYTES = 48.82e12

function callFor(c: Context<AppEnv>, key: string): CosCall {
	const config = c.get('config')
	return {
		credentials: config.credentials,
		target: config.target,
		key,
		now: Date.now(),
		ttl: SEND_TTL_SECONDS,
	}
}

function keyFor(c: Context<AppEnv>, folder: string, name: string): string {
	const key = `${c.get('config').sendPrefix}${folder}/${name}`
	// The prefix and folder are short and checked: only a name near 850 bytes gets here.
	if (new TextEncoder().encode(key).byteLength > 850)
		throw new AppError('invalid_body', 'name: makes a key longer than storage accepts', { field: 'name' })
	return key
}

send.openapi(startRoute, async (c) => {
	const body = c.req.valid('json')
	const name = sanitizeName(body.name)
	const folder = body.folder ?? randomBase62(16)
	const key = keyFor(c, folder, name)
	const prefix = `${c.get('config').sendPrefix}${folder}/`
	const type = normalizeMediaType(body.type) ?? mediaTypeFor(name)
	const call = callFor(c, key)
	if (body.size > MAX_OBJECT_BYTES)
		throw new AppError('file_too_large', `COS stores at most ${MAX_OBJECT_BYTES} bytes in one object.`)
	if (body.size > MULTIPART_THRESHOLD) {
		const secret = requireLinkSecret(c.get('config'))
		const uploadId = parseUploadId(await sendCosOk(c, await initiateMultipart(call, type)))
		if (!uploadId) throw new AppError('origin_error', 'The storage service gave no upload id.')
		const partSize = partSizeFor(body.size)
		const token = await sealUploadToken(secret, {
			s: SEND_TOKEN_ID,
			k: key,
			u: uploadId,
			z: body.size,
			p: partSize,
			n: name,
		})
		return c.json(
			{ key, folder, prefix, name, uploadId, partSize, partCount: Math.ceil(body.size / partSize), token },
			201,
		)
	}
	if (body.size > MAX_SINGLE_PUT) throw new AppError('file_too_large')
	// Every header here is signed: COS accepts exactly this length and type, and never replaces a file.
	const headers: Record<string, string> = {
		'content-length': String(body.size),
		'content-type': type,
		'x-cos-forbid-overwrite': 'true',
	}
	const signed = await presignObjectUrl({ ...call, method: 'PUT', headers })
	return c.json(
		{
			key,
			folder,
			prefix,
			name,
			method: 'PUT' as const,
			url: signed.url,
			headers,
			expiresAt: new Date(signed.expiresAt * 1000).toISOString(),
		},
		201,
	)
})

async function openToken(c: Context<AppEnv>, token: string): Promise<UploadToken> {
	const opened = await openUploadToken(requireLinkSecret(c.get('config')), token, SEND_TOKEN_ID)
	if (!opened.k.startsWith(c.get('config').sendPrefix))
		throw new AppError('invalid_body', 'token: is not a send', { field: 'token' })
	return opened
}

send.openapi(partsRoute, async (c) => {
	const body = c.req.valid('json')
	const token = await openToken(c, body.token)
	const count = Math.ceil(token.z / token.p)
	const call = callFor(c, token.k)
	const parts = []
	for (const partNumber of body.partNumbers) {
		if (partNumber > count)
			throw new AppError('invalid_body', `partNumbers: this upload has ${count} parts`, {
				field: 'partNumbers',
			})
		const signed = await presignPart(call, token.u, partNumber)
		const size = Math.min(token.p, token.z - (partNumber - 1) * token.p)
		parts.push({ partNumber, size, method: 'PUT' as const, url: signed.url })
	}
	return c.json({ parts }, 200)
})

async function abort(c: Context<AppEnv>, call: CosCall, token: UploadToken): Promise<void> {
	const response = await sendCos(c, await abortMultipart(call, token.u))
	await response.body?.cancel()
	if (!response.ok && response.status !== 404) throw cosFailure(c, response.status, undefined)
}

send.openapi(completeRoute, async (c) => {
	const body = c.req.valid('json')
	const token = await openToken(c, body.token)
	const call = callFor(c, token.k)
	const result = parseComplete(await sendCosOk(c, await completeMultipart(call, token.u, body.parts, true)))
	if ('errorCode' in result) {
		if (result.errorCode === 'FileAlreadyExists') {
			await abort(c, call, token)
			throw uploadExists()
		}
		throw cosFailure(c, 502, result.errorCode)
	}
	// Parts are not length-bound: the declared total is checked, and a wrong object deleted.
	const head = await sendCos(c, await signedCosRequest(call, 'HEAD', {}))
	await head.body?.cancel()
	const size = Number(head.headers.get('content-length'))
	if (!head.ok || size !== token.z) {
		if (head.ok) await (await sendCos(c, await signedCosRequest(call, 'DELETE', {}))).body?.cancel()
		throw new AppError('size_mismatch', `The parts add up to ${size} bytes, not the declared ${token.z}.`)
	}
	return c.json({ key: token.k, name: token.n, size, etag: result.etag }, 201)
})

send.openapi(abortRoute, async (c) => {
	const token = await openToken(c, c.req.valid('json').token)
	await abort(c, callFor(c, token.k), token)
	return c.body(null, 204)
})
