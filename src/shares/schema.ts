// The share record: what the admin API accepts, and what KV holds. Records outlive code,
// so every read is parsed again; a record this code cannot read is an error, not a guess.
import { z } from 'zod'
import { assertObjectKey } from '../cos/key.ts'
import { MAX_SIGN_TTL } from '../cos/presign.ts'
import { isReserved, SLUG_PATTERN } from './id.ts'

const objectKey = z.string().superRefine((key, ctx) => {
	try {
		assertObjectKey(key)
	} catch (error) {
		ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid object key' })
	}
})

const noControls = (max: number) =>
	z
		.string()
		.min(1)
		.max(max)
		.refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters')

const isoDate = z.iso.datetime({ offset: true })
const mediaType = z
	.string()
	.max(200)
	.regex(
		/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=("[^"\p{Cc}]*"|[\w!#$&^.+-]+))*$/u,
		'must be a media type such as application/pdf',
	)

export const shareFields = {
	delivery: z.enum(['redirect', 'stream']),
	filename: noControls(255),
	contentType: mediaType,
	disposition: z.enum(['attachment', 'inline']),
	notBefore: isoDate,
	expiresAt: isoDate,
	signTtl: z.int().min(1).max(MAX_SIGN_TTL),
	note: z.string().max(1000),
}

export const shareRecordSchema = z.object({
	v: z.literal(1),
	id: z.string().regex(SLUG_PATTERN),
	type: z.literal('file'),
	key: objectKey,
	delivery: shareFields.delivery.optional(),
	filename: shareFields.filename.optional(),
	contentType: shareFields.contentType.optional(),
	disposition: shareFields.disposition.optional(),
	notBefore: shareFields.notBefore.optional(),
	expiresAt: shareFields.expiresAt.optional(),
	signTtl: shareFields.signTtl.optional(),
	note: shareFields.note.optional(),
	createdAt: isoDate,
	updatedAt: isoDate,
	revision: z.int().min(1),
})

export type ShareRecord = z.infer<typeof shareRecordSchema>

const slug = z
	.string()
	.regex(SLUG_PATTERN, 'must be 3–64 letters, digits, "-" or "_", starting with a letter or digit')
	.refine((id) => !isReserved(id), 'is a reserved word')

export const createShareSchema = z
	.strictObject({
		key: objectKey,
		id: slug.optional(),
		type: z.literal('file').optional(),
		delivery: shareFields.delivery.optional(),
		expiresAt: shareFields.expiresAt.optional(),
		expiresIn: z
			.int()
			.min(1)
			.max(10 * 365 * 86400)
			.optional(),
		notBefore: shareFields.notBefore.optional(),
		filename: shareFields.filename.optional(),
		contentType: shareFields.contentType.optional(),
		disposition: shareFields.disposition.optional(),
		signTtl: shareFields.signTtl.optional(),
		note: shareFields.note.optional(),
	})
	.refine((body) => body.expiresAt === undefined || body.expiresIn === undefined, {
		message: 'give expiresAt or expiresIn, not both',
		path: ['expiresIn'],
	})

export type CreateShareInput = z.infer<typeof createShareSchema>

/** PATCH: any field, null clears an optional one. */
export const patchShareSchema = z
	.strictObject({
		key: objectKey.optional(),
		delivery: shareFields.delivery.nullable().optional(),
		expiresAt: shareFields.expiresAt.nullable().optional(),
		expiresIn: z
			.int()
			.min(1)
			.max(10 * 365 * 86400)
			.optional(),
		notBefore: shareFields.notBefore.nullable().optional(),
		filename: shareFields.filename.nullable().optional(),
		contentType: shareFields.contentType.nullable().optional(),
		disposition: shareFields.disposition.nullable().optional(),
		signTtl: shareFields.signTtl.nullable().optional(),
		note: shareFields.note.nullable().optional(),
	})
	.refine((body) => body.expiresAt === undefined || body.expiresIn === undefined, {
		message: 'give expiresAt or expiresIn, not both',
		path: ['expiresIn'],
	})

export type PatchShareInput = z.infer<typeof patchShareSchema>
