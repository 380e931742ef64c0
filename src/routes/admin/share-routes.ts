// The routes of /api/shares as the OpenAPI document states them: request schemas are the
// ones the handlers validate with (src/shares/schema.ts), answers are in views.ts.
import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { createShareSchema, patchShareSchema } from '../../shares/schema.ts'
import { ADMIN_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses } from './openapi.ts'
import { invalidShareSchema, shareListSchema, shareViewSchema } from './views.ts'

const tags = ['Shares']

const idParam = z.object({
	id: z.string().meta({ description: 'The share id (slug or random).', example: 'q3-report' }),
})

const etag = z.object({
	ETag: z
		.string()
		.meta({ description: 'The revision as a strong entity tag, `"3"`: send it back in If-Match.' }),
})

const ifMatch = z.object({
	'if-match': z
		.string()
		.optional()
		.meta({ description: 'Apply only at these revisions: `"3"`, `"3", "4"` or `*`. Otherwise 412.' }),
})

const shareJson = { 'application/json': { schema: shareViewSchema } }

const notFound = { 404: 'share_not_found: no share has this id (never had one, or it was deleted).' }

export const createShareRoute = createRoute({
	method: 'post',
	path: '/',
	tags,
	summary: 'Create a share',
	description:
		'A file share (`key`), a folder share (`type: "folder"`, `prefix`) or an upload link (`type: "upload"`, `prefix`, `upload`). Answers the share, with a generated extraction code once.',
	security: bearerSecurity,
	request: { body: { required: true, content: { 'application/json': { schema: createShareSchema } } } },
	responses: {
		201: {
			description: 'Created.',
			headers: etag.extend({ Location: z.string().meta({ description: '/api/shares/{id}' }) }),
			content: shareJson,
		},
		...errorResponses({
			...BODY_ERRORS,
			...ADMIN_ERRORS,
			409: 'share_exists: the id is taken.',
		}),
	},
})

export const listSharesRoute = createRoute({
	method: 'get',
	path: '/',
	tags,
	summary: 'List shares',
	description:
		"Answered from KV's list metadata, never one read per share, so eventually consistent. Filters apply before the limit; a page may hold fewer than `limit` shares while `cursor` is not null.",
	security: bearerSecurity,
	request: {
		query: z.object({
			type: z.enum(['file', 'folder', 'upload']).optional(),
			status: z.enum(['active', 'scheduled', 'expired', 'exhausted']).optional(),
			q: z
				.string()
				.max(200)
				.optional()
				.meta({ description: 'Text found in the id, key, prefix or note (case-insensitive).' }),
			cursor: z.string().max(2048).optional().meta({ description: 'From the previous page.' }),
			limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: 'Default 100.' }),
		}),
	},
	responses: {
		200: { description: 'A page of shares.', content: { 'application/json': { schema: shareListSchema } } },
		...errorResponses({
			400: 'invalid_query: a filter, the limit or the cursor is not valid (`field` names it).',
			...ADMIN_ERRORS,
		}),
	},
})

export const getShareRoute = createRoute({
	method: 'get',
	path: '/{id}',
	tags,
	summary: 'Read a share',
	description:
		"The authoritative record, from the share's Durable Object, with its download counts (restricted shares) and upload counts (upload links). A stored record this version cannot read is shown as stored.",
	security: bearerSecurity,
	request: { params: idParam },
	responses: {
		200: {
			description: 'The share, or a record this version cannot read.',
			headers: etag.partial(),
			content: { 'application/json': { schema: z.union([shareViewSchema, invalidShareSchema]) } },
		},
		...errorResponses({ ...notFound, ...ADMIN_ERRORS }),
	},
})

export const patchShareRoute = createRoute({
	method: 'patch',
	path: '/{id}',
	tags,
	summary: 'Change a share',
	description: 'Any field; null clears an optional one. The type never changes.',
	security: bearerSecurity,
	request: {
		params: idParam,
		headers: ifMatch,
		body: { required: true, content: { 'application/json': { schema: patchShareSchema } } },
	},
	responses: {
		200: { description: 'The changed share.', headers: etag, content: shareJson },
		...errorResponses({
			...BODY_ERRORS,
			...ADMIN_ERRORS,
			...notFound,
			409: 'invalid_record: the stored record cannot be read by this version; delete it.',
			412: 'precondition_failed: If-Match names no current revision.',
		}),
	},
})

export const deleteShareRoute = createRoute({
	method: 'delete',
	path: '/{id}',
	tags,
	summary: 'Delete a share',
	description:
		'The link stops working (within the KV read path bound); sent files are deleted from the bucket.',
	security: bearerSecurity,
	request: { params: idParam, headers: ifMatch },
	responses: {
		204: { description: 'Deleted.' },
		...errorResponses({
			...ADMIN_ERRORS,
			...notFound,
			412: 'precondition_failed: If-Match names no current revision.',
		}),
	},
})
