// GET /api/bucket: one level of the bucket, for the console and `coslink` to pick keys and
// prefixes from. Needs GetBucket on the bucket (the README's CAM policy).
import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { assertObjectKey } from '../../cos/key.ts'
import { ListError, listLevel } from '../../cos/list.ts'
import { AppError } from '../../errors.ts'
import { ADMIN_ERRORS, adminGuard, bearerSecurity, errorResponses, openApiApp } from './openapi.ts'

export const bucket = openApiApp()
bucket.use(...adminGuard(0))

/** Objects and sub-folders one answer lists at most. */
const PAGE_KEYS = 200

const prefixQuery = z
	.string()
	.max(850)
	.refine((value) => {
		if (value === '') return true
		if (!value.endsWith('/')) return false
		try {
			assertObjectKey(value)
			return true
		} catch {
			return false
		}
	}, 'must be empty (the bucket root) or a folder ending with "/"')

const bucketListing = z
	.strictObject({
		prefix: z.string().meta({ description: 'The level listed ("" is the root).' }),
		folders: z.array(
			z.strictObject({
				name: z.string().meta({ description: 'The folder name, ending with "/".' }),
				prefix: z.string().meta({ description: 'The full prefix, for the next ?prefix=.' }),
			}),
		),
		files: z.array(
			z.strictObject({
				name: z.string(),
				key: z.string(),
				size: z.int().min(0),
				lastModified: z.string(),
			}),
		),
		cursor: z
			.string()
			.nullable()
			.meta({ description: 'Pass as ?cursor= for the rest of this level; null at its end.' }),
	})
	.meta({ id: 'BucketListing' })

const browseRoute = createRoute({
	method: 'get',
	path: '/',
	tags: ['Bucket'],
	summary: 'Browse the bucket',
	description: 'One level of the bucket: its sub-folders and files, 200 at a time.',
	security: bearerSecurity,
	request: {
		query: z.object({
			prefix: prefixQuery.optional().meta({ description: 'A folder ending with "/"; empty for the root.' }),
			cursor: z.string().max(1024).optional(),
		}),
	},
	responses: {
		200: {
			description: 'One page of one level.',
			content: { 'application/json': { schema: bucketListing } },
		},
		...errorResponses({
			400: 'invalid_query: the prefix is not a folder.',
			...ADMIN_ERRORS,
			502: 'origin_error: COS did not answer the listing (or not in time).',
			503: 'credentials_expired: the temporary COS key has expired.',
		}),
	},
})

bucket.openapi(browseRoute, async (c) => {
	const { prefix = '', cursor } = c.req.valid('query')
	const config = c.get('config')
	let page: Awaited<ReturnType<typeof listLevel>>
	try {
		page = await listLevel({
			credentials: config.credentials,
			target: config.target,
			prefix,
			marker: cursor,
			maxKeys: PAGE_KEYS,
			ttl: 60,
			now: Date.now(),
			timeoutMs: config.originTimeoutMs,
		})
	} catch (error) {
		if (!(error instanceof ListError)) throw error
		throw new AppError(
			'origin_error',
			error.timedOut ? 'COS did not answer the listing in time.' : error.message,
		)
	}
	return c.json(
		{
			prefix,
			folders: page.folders.map((folder) => ({ name: folder.slice(prefix.length), prefix: folder })),
			// A zero-byte "folder" object named like the level itself is no file in it.
			files: page.objects
				.filter((object) => object.key !== prefix)
				.map((object) => ({
					name: object.key.slice(prefix.length),
					key: object.key,
					size: object.size,
					lastModified: object.lastModified,
				})),
			cursor: page.nextMarker ?? null,
		},
		200,
	)
})
