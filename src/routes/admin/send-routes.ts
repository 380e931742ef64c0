// The routes of /api/uploads (sending files into the bucket through the worker) as the
// OpenAPI document states them.
import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { MAX_PART_NUMBER } from '../../cos/multipart.ts'
import { ADMIN_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses } from './openapi.ts'

const tags = ['Send']

/** A folder an earlier POST /api/uploads handed out: 16 base62 characters. */
export const SEND_FOLDER = /^[0-9A-Za-z]{16}$/

export const startSchema = z
	.strictObject({
		name: z
			.string()
			.min(1)
			.max(4096)
			.meta({ description: 'The file name; cleaned into one key segment.', example: 'report.pdf' }),
		size: z
			.int()
			.min(0)
			.max(Number.MAX_SAFE_INTEGER)
			.meta({ description: 'Bytes: COS accepts exactly this many.' }),
		type: z.string().max(256).optional().meta({ description: 'Its media type; default: from the name.' }),
		folder: z
			.string()
			.regex(SEND_FOLDER, 'must be a folder an earlier upload answered')
			.optional()
			.meta({ description: 'Put this file next to earlier ones: the `folder` an earlier answer gave.' }),
	})
	.meta({ id: 'SendStart' })

const common = {
	key: z
		.string()
		.meta({ description: 'Where the file lands: SEND_PREFIX, a random folder, the cleaned name.' }),
	folder: z.string().meta({ description: 'The random folder, to send more files next to this one.' }),
	prefix: z
		.string()
		.meta({ description: 'SEND_PREFIX and the folder: what a folder share of these files names.' }),
	name: z.string().meta({ description: 'The cleaned file name.' }),
}

const putAnswer = z
	.strictObject({
		...common,
		method: z.literal('PUT'),
		url: z.url().meta({ description: 'A pre-signed COS URL: PUT the bytes there, with `headers`.' }),
		headers: z.record(z.string(), z.string()).meta({
			description: 'Send exactly these: content-length, content-type and x-cos-forbid-overwrite are signed.',
		}),
		expiresAt: z.iso.datetime().meta({ description: 'The URL works until then.' }),
	})
	.meta({ id: 'SendPut', description: 'A file up to 64 MiB: one pre-signed PUT.' })

const multipartAnswer = z
	.strictObject({
		...common,
		uploadId: z.string(),
		partSize: z.int().min(1).meta({ description: 'Bytes of every part but the last.' }),
		partCount: z.int().min(1),
		token: z.string().meta({ description: 'Carries this upload to the parts, complete and abort routes.' }),
	})
	.meta({ id: 'SendMultipart', description: 'A file over 64 MiB: a multipart upload.' })

export const startRoute = createRoute({
	method: 'post',
	path: '/',
	tags,
	summary: 'Send a file into the bucket',
	description:
		'The server picks the key (SEND_PREFIX, a random folder, the cleaned name) and signs the upload; the client never sees a COS key. Then create a share with `sent: true`: its files are deleted when it expires or is deleted.',
	security: bearerSecurity,
	request: { body: { required: true, content: { 'application/json': { schema: startSchema } } } },
	responses: {
		201: {
			description: 'Upload there.',
			content: { 'application/json': { schema: z.union([putAnswer, multipartAnswer]) } },
		},
		...errorResponses({
			...BODY_ERRORS,
			...ADMIN_ERRORS,
			413: 'file_too_large (more than COS takes), or body_too_large.',
			502: 'origin_error: COS did not start the multipart upload.',
			503: 'credentials_expired: the temporary COS key has expired.',
		}),
	},
})

const token = z.string().max(4096)

export const partsRoute = createRoute({
	method: 'post',
	path: '/parts',
	tags,
	summary: 'Sign parts of a multipart send',
	security: bearerSecurity,
	request: {
		body: {
			required: true,
			content: {
				'application/json': {
					schema: z.strictObject({
						token,
						partNumbers: z.array(z.int().min(1).max(MAX_PART_NUMBER)).min(1).max(100),
					}),
				},
			},
		},
	},
	responses: {
		200: {
			description: 'A pre-signed PUT per part.',
			content: {
				'application/json': {
					schema: z.strictObject({
						parts: z.array(
							z.strictObject({
								partNumber: z.int().min(1),
								size: z.int().min(0),
								method: z.literal('PUT'),
								url: z.url(),
							}),
						),
					}),
				},
			},
		},
		...errorResponses({ ...BODY_ERRORS, ...ADMIN_ERRORS }),
	},
})

export const completeRoute = createRoute({
	method: 'post',
	path: '/complete',
	tags,
	summary: 'Complete a multipart send',
	description: 'With x-cos-forbid-overwrite; the parts must add up to the declared size.',
	security: bearerSecurity,
	request: {
		body: {
			required: true,
			content: {
				'application/json': {
					schema: z.strictObject({
						token,
						parts: z
							.array(
								z.strictObject({
									partNumber: z.int().min(1).max(MAX_PART_NUMBER),
									etag: z.string().min(1).max(200),
								}),
							)
							.min(1)
							.max(MAX_PART_NUMBER),
					}),
				},
			},
		},
	},
	responses: {
		201: {
			description: 'The file is in the bucket.',
			content: {
				'application/json': {
					schema: z.strictObject({
						key: z.string(),
						name: z.string(),
						size: z.int().min(0),
						etag: z.string(),
					}),
				},
			},
		},
		...errorResponses({
			...BODY_ERRORS,
			...ADMIN_ERRORS,
			400: 'invalid_body, or size_mismatch: the parts do not add up to the declared size (the object is deleted).',
			409: 'upload_exists: a file of that key is already there.',
			502: 'origin_error: COS refused to complete.',
		}),
	},
})

export const abortRoute = createRoute({
	method: 'post',
	path: '/abort',
	tags,
	summary: 'Abort a multipart send',
	security: bearerSecurity,
	request: {
		body: { required: true, content: { 'application/json': { schema: z.strictObject({ token }) } } },
	},
	responses: {
		204: { description: 'Aborted: COS dropped the parts.' },
		...errorResponses({ ...BODY_ERRORS, ...ADMIN_ERRORS, 502: 'origin_error: COS refused the abort.' }),
	},
})
