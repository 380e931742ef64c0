// Upload links: POST /:id/uploads (a pre-signed PUT, or a multipart upload above the
// threshold), POST /:id/uploads/{parts,complete,abort} for multipart, POST
// /:id/uploads/confirm after a pre-signed PUT, and PUT /:id/uploads/<name> streamed through
// the worker. Rules and quotas are checked before any byte or request reaches COS.
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { initiateMultipart, parseUploadId, signedCosRequest } from '../../cos/multipart.ts'
import { presignObjectUrl } from '../../cos/presign.ts'
import { type AppEnv, requireLinkSecret } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { commitUpload } from '../../shares/store.ts'
import { MAX_SINGLE_PUT, MULTIPART_THRESHOLD, partSizeFor } from '../../shares/upload-rules.ts'
import { checkSameOrigin } from '../pipeline/gate.tsx'
import { reportUpload } from '../report.ts'
import { secure } from '../secure.ts'
import { confirmRoutes } from './confirm.ts'
import { cosCodeOf, cosFailure, readCosText, sendCos, sendCosOk } from './cos.ts'
import { readJson } from './json.ts'
import { admit, callFor, overwriteHeaders, resolveUploadShare, storedType } from './live.ts'
import { multipartRoutes } from './multipart.ts'
import { multipartReservationEnd, release, reserve } from './quota.ts'
import { sealUploadToken } from './token.ts'

export const uploadRoutes = new Hono<AppEnv>()
uploadRoutes.use('/:id/uploads', secure)
uploadRoutes.use('/:id/uploads/*', secure)
// Every upload route changes state: a browser acting for another site may not send one.
for (const path of ['/:id/uploads', '/:id/uploads/*'])
	uploadRoutes.use(path, async (c, next) => {
		if (c.req.method !== 'GET' && c.req.method !== 'HEAD') checkSameOrigin(c)
		await next()
	})
uploadRoutes.route('/', multipartRoutes)
uploadRoutes.route('/', confirmRoutes)

const startSchema = z.strictObject({
	name: z.string().min(1).max(4096),
	size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
	type: z.string().max(256).optional(),
})

uploadRoutes.post('/:id/uploads', async (c) => {
	const live = resolveUploadShare(c)
	const body = await readJson(c, startSchema)
	const type = storedType(body.type, body.name)
	const { name, key } = admit(live, { name: body.name, size: body.size, type })
	const call = callFor(live, key)
	if (body.size > MULTIPART_THRESHOLD) {
		await reserve(c, live, key, body.size, multipartReservationEnd(live))
		const text = await sendCosOk(c, await initiateMultipart(call, type)).catch(async (error: unknown) => {
			await release(c, live, key)
			throw error
		})
		const uploadId = parseUploadId(text)
		if (!uploadId) throw new AppError('origin_error', 'The storage service gave no upload id.')
		const partSize = partSizeFor(body.size)
		const token = await sealUploadToken(requireLinkSecret(live.config), {
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
	if (body.size > MAX_SINGLE_PUT)
		throw new AppError('file_too_large', `A single PUT takes at most ${MAX_SINGLE_PUT} bytes.`)
	// Every header here is signed: COS then accepts exactly this length, type and no-overwrite.
	const headers: Record<string, string> = {
		'content-length': String(body.size),
		'content-type': type,
		...overwriteHeaders(live),
	}
	const signed = await presignObjectUrl({ ...call, method: 'PUT', notAfter: live.notAfter, headers })
	// Reserved before the URL goes out; POST /:id/uploads/confirm commits it after the PUT.
	await reserve(c, live, key, body.size, signed.expiresAt * 1000)
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
	const live = resolveUploadShare(c)
	const declared = c.req.header('content-length')
	if (declared === undefined) throw new AppError('length_required')
	if (!/^\d{1,16}$/.test(declared))
		throw new AppError('invalid_body', 'Content-Length: must be a whole number of bytes', {
			field: 'content-length',
		})
	const size = Number(declared)
	const rawName = nameFromPath(c)
	const type = storedType(c.req.header('content-type'), rawName)
	const { name, key } = admit(live, { name: rawName, size, type })
	if (size > MAX_SINGLE_PUT)
		throw new AppError('file_too_large', `A single PUT takes at most ${MAX_SINGLE_PUT} bytes.`)
	const headers = { 'content-length': declared, 'content-type': type, ...overwriteHeaders(live) }
	const request = await signedCosRequest(callFor(live, key), 'PUT', {}, headers)
	// Held for as long as a stream may run; released below if COS does not take the body.
	await reserve(c, live, key, size, multipartReservationEnd(live))
	// A native FixedLengthStream (no JavaScript over the bytes): COS gets the exact length,
	// and a body shorter or longer than declared aborts the request, so nothing is kept.
	const incoming = c.req.raw.body
	const body = incoming ? incoming.pipeThrough(new FixedLengthStream(size)) : null
	const response = await sendCos(c, request, body).catch(async (error: unknown) => {
		await release(c, live, key)
		throw error
	})
	if (!response.ok) {
		await release(c, live, key)
		throw cosFailure(c, response.status, cosCodeOf(await readCosText(response)))
	}
	await response.body?.cancel()
	// COS accepted exactly `size` bytes (the length is signed): that is the confirmation.
	await commitUpload(c.env, live.record.id, key, size)
	reportUpload(c, live.record, { key, name, size, contentType: type })
	return c.json({ key, name, size, etag: response.headers.get('etag') ?? '' }, 201)
})

uploadRoutes.all('/:id/uploads', (c) => {
	c.header('Allow', 'POST')
	throw new AppError('method_not_allowed', 'Start an upload with POST.')
})
