// Upload links: POST /:id/uploads (a pre-signed PUT, or a multipart upload above the
// threshold), POST /:id/uploads/{parts,complete,abort} for multipart, and
// PUT /:id/uploads/<name> streamed through the worker. Rules are checked before any byte
// or request reaches COS.
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import {
	abortMultipart,
	type CosCall,
	completeMultipart,
	initiateMultipart,
	MAX_PART_NUMBER,
	parseComplete,
	parseUploadId,
	presignPart,
	signedCosRequest,
} from '../cos/multipart.ts'
import { presignObjectUrl } from '../cos/presign.ts'
import { type AppEnv, type Config, readConfig } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import { headerSafeMediaType, mediaTypeFor, OCTET_STREAM } from '../http/mime.ts'
import type { UploadShareRecord } from '../shares/schema.ts'
import {
	checkFile,
	MAX_SINGLE_PUT,
	MULTIPART_THRESHOLD,
	partSizeFor,
	renderKey,
	sanitizeName,
} from '../shares/upload-rules.ts'
import { resolveShare } from './resolve-share.ts'
import { secure } from './secure.ts'
import { cosCodeOf, cosFailure, readCosText, sendCos, sendCosOk, uploadExists } from './upload-cos.ts'
import { readJson } from './upload-json.ts'
import { openUploadToken, sealUploadToken, type UploadToken } from './upload-token.ts'

export const uploadRoutes = new Hono<AppEnv>()
uploadRoutes.use('/:id/uploads', secure)
uploadRoutes.use('/:id/uploads/*', secure)

interface Live {
	record: UploadShareRecord
	config: Config
	now: number
	/** The share's expiry, Unix seconds: no signature outlives it. */
	notAfter: number | undefined
}

export async function resolveUploadShare(c: Context<AppEnv>): Promise<Live> {
	const now = Date.now()
	const record = await resolveShare(c, now)
	if (record.type !== 'upload') throw notFound()
	const notAfter = record.expiresAt ? Math.floor(Date.parse(record.expiresAt) / 1000) : undefined
	return { record, config: readConfig(c.env), now, notAfter }
}

function callFor(live: Live, key: string): CosCall {
	const ttl = Math.min(
		live.config.signTtl * 12,
		3600,
		(live.notAfter ?? Number.POSITIVE_INFINITY) - Math.floor(live.now / 1000),
	)
	return {
		credentials: live.config.credentials,
		target: live.config.target,
		key,
		now: live.now,
		ttl: Math.max(ttl, 1),
	}
}

/** The type the object is stored with: the declared one if a header can carry it, else by name. */
function storedType(declared: string | undefined, name: string): string {
	return headerSafeMediaType(declared) ?? (mediaTypeFor(name) || OCTET_STREAM)
}

/** The rules, then the key: a refusal here means nothing was sent to COS. */
function admit(live: Live, file: { name: string; size: number; type: string }) {
	const name = sanitizeName(file.name)
	const failure = checkFile(live.record.upload, { ...file, name })
	if (failure)
		throw new AppError(failure.code === 'file_too_large' ? 413 : 415, failure.code, failure.message)
	let key: string
	try {
		key = renderKey(live.record.prefix, live.record.upload.keyTemplate, name, live.now)
	} catch {
		throw new AppError(400, 'invalid_body', 'name: makes a key longer than storage accepts', {
			field: 'name',
		})
	}
	return { name, key }
}

const overwriteHeaders = (live: Live): Record<string, string> =>
	live.record.upload.overwrite ? {} : { 'x-cos-forbid-overwrite': 'true' }

const startSchema = z.strictObject({
	name: z.string().min(1).max(4096),
	size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
	type: z.string().max(256).optional(),
})

uploadRoutes.post('/:id/uploads', async (c) => {
	const live = await resolveUploadShare(c)
	const body = await readJson(c, startSchema)
	const type = storedType(body.type, body.name)
	const { name, key } = admit(live, { name: body.name, size: body.size, type })
	const call = callFor(live, key)
	if (body.size > MULTIPART_THRESHOLD) {
		const text = await sendCosOk(c, await initiateMultipart(call, type))
		const uploadId = parseUploadId(text)
		if (!uploadId) throw new AppError(502, 'origin_error', 'The storage service gave no upload id.')
		const partSize = partSizeFor(body.size)
		const token = await sealUploadToken(live.config.linkSecret, {
			s: live.record.id,
			k: key,
			u: uploadId,
			z: body.size,
			p: partSize,
			n: name,
		})
		return c.json(
			{
				key,
				name,
				expiresAt: live.record.expiresAt,
				multipart: { uploadId, partSize, partCount: Math.ceil(body.size / partSize), token },
			},
			201,
		)
	}
	if (body.size > MAX_SINGLE_PUT) throw new AppError(413, 'file_too_large', 'Too large for a single PUT.')
	// Every header here is signed: COS then accepts exactly this length, type and no-overwrite.
	const headers: Record<string, string> = {
		'content-length': String(body.size),
		'content-type': type,
		...overwriteHeaders(live),
	}
	const signed = await presignObjectUrl({ ...call, method: 'PUT', notAfter: live.notAfter, headers })
	return c.json(
		{
			key,
			name,
			method: 'PUT',
			url: signed.url,
			headers,
			expiresAt: new Date(signed.expiresAt * 1000).toISOString(),
		},
		201,
	)
})

const partsSchema = z.strictObject({
	token: z.string().max(4096),
	partNumbers: z.array(z.int().min(1).max(MAX_PART_NUMBER)).min(1).max(100),
})

uploadRoutes.post('/:id/uploads/parts', async (c) => {
	const live = await resolveUploadShare(c)
	const body = await readJson(c, partsSchema)
	const token = await openUploadToken(live.config.linkSecret, body.token, live.record.id)
	const count = Math.ceil(token.z / token.p)
	const call = callFor(live, token.k)
	const parts = []
	for (const partNumber of body.partNumbers) {
		if (partNumber > count)
			throw new AppError(400, 'invalid_body', `partNumbers: this upload has ${count} parts`, {
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

uploadRoutes.post('/:id/uploads/complete', async (c) => {
	const live = await resolveUploadShare(c)
	const body = await readJson(c, completeSchema)
	const token = await openUploadToken(live.config.linkSecret, body.token, live.record.id)
	const call = callFor(live, token.k)
	const forbid = !live.record.upload.overwrite
	const text = await sendCosOk(c, await completeMultipart(call, token.u, body.parts, forbid))
	const result = parseComplete(text)
	if ('errorCode' in result) {
		if (result.errorCode === 'FileAlreadyExists') {
			await abort(c, call, token)
			throw uploadExists()
		}
		throw cosFailure(c, 502, result.errorCode)
	}
	// Parts are not length-bound (a browser sets Content-Length itself): check the total.
	const head = await sendCos(c, await signedCosRequest(call, 'HEAD', {}))
	const size = Number(head.headers.get('content-length'))
	if (!head.ok || size !== token.z) {
		if (head.ok) await removeObject(c, call)
		throw new AppError(
			400,
			'size_mismatch',
			`The parts add up to ${size} bytes, not the declared ${token.z}.`,
		)
	}
	return c.json({ key: token.k, name: token.n, size, etag: result.etag }, 201)
})

async function abort(c: Context<AppEnv>, call: CosCall, token: UploadToken): Promise<void> {
	const response = await sendCos(c, await abortMultipart(call, token.u))
	await response.body?.cancel()
}

uploadRoutes.post('/:id/uploads/abort', async (c) => {
	const live = await resolveUploadShare(c)
	const body = await readJson(c, z.strictObject({ token: z.string().max(4096) }))
	const token = await openUploadToken(live.config.linkSecret, body.token, live.record.id)
	await abort(c, callFor(live, token.k), token)
	return c.body(null, 204)
})

/** The file name from the raw path: everything after /uploads/, percent-decoded if it can be. */
function nameFromPath(c: Context<AppEnv>): string {
	const path = new URL(c.req.url).pathname
	const raw = path.slice(path.indexOf('/uploads/') + '/uploads/'.length)
	try {
		return decodeURIComponent(raw)
	} catch {
		return raw
	}
}

uploadRoutes.put('/:id/uploads/:name{.+}', async (c) => {
	const live = await resolveUploadShare(c)
	const declared = c.req.header('content-length')
	if (declared === undefined)
		throw new AppError(411, 'length_required', 'Send a Content-Length: uploads are not accepted without one.')
	if (!/^\d{1,16}$/.test(declared))
		throw new AppError(400, 'invalid_body', 'Content-Length: must be a whole number of bytes', {
			field: 'content-length',
		})
	const size = Number(declared)
	const rawName = nameFromPath(c)
	const type = storedType(c.req.header('content-type'), rawName)
	const { name, key } = admit(live, { name: rawName, size, type })
	if (size > MAX_SINGLE_PUT) throw new AppError(413, 'file_too_large', 'Too large for a single PUT.')
	const headers = { 'content-length': declared, 'content-type': type, ...overwriteHeaders(live) }
	const request = await signedCosRequest(callFor(live, key), 'PUT', {}, headers)
	// A native FixedLengthStream (no JavaScript over the bytes): COS gets the exact length,
	// and a body shorter or longer than declared aborts the request, so nothing is kept.
	const incoming = c.req.raw.body
	const body = incoming ? incoming.pipeThrough(new FixedLengthStream(size)) : null
	const response = await sendCos(c, request, body)
	if (!response.ok) throw cosFailure(c, response.status, cosCodeOf(await readCosText(response)))
	await response.body?.cancel()
	return c.json({ key, name, size, etag: response.headers.get('etag') ?? '' }, 201)
})

uploadRoutes.all('/:id/uploads', (c) => {
	c.header('Allow', 'POST')
	throw new AppError(405, 'method_not_allowed', 'Start an upload with POST.')
})
