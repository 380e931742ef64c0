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
/** The years a stored date may name: KV expirations start at the Unix epoch, and `toISOString` writes years past 9999 in a form the record schema refuses. */
export const MIN_DATE_MS = Date.UTC(1970, 0, 1)
export const MAX_DATE_MS = Date.UTC(10000, 0, 1) - 1
/** An input date: any ISO 8601 zone, but only instants a record can hold once normalized to UTC. */
const inputDate = isoDate.refine((value) => {
	const ms = Date.parse(value)
	return ms >= MIN_DATE_MS && ms <= MAX_DATE_MS
}, 'must fall between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z')
// Visible ASCII only: a media type ends up in a response header, where anything else is
// mangled or refused by the runtime.
const mediaType = z
	.string()
	.max(200)
	.regex(
		/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+([ \t]*;[ \t]*[\w!#$&^.+-]+=("[\x20\x21\x23-\x5b\x5d-\x7e]*"|[\w!#$&^.+-]+))*$/,
		'must be a media type such as application/pdf (visible ASCII only)',
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
	page: z.boolean(),
}

/** The longest `expiresIn`: ten years. */
export const MAX_EXPIRES_IN = 10 * 365 * 86400

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
	/** Show a download page to browsers (issue 8); absent means false. */
	page: shareFields.page.optional(),
	createdAt: isoDate,
	updatedAt: isoDate,
	revision: z.int().min(1),
})

export type ShareRecord = z.infer<typeof shareRecordSchema>
/** A share of one object (the record becomes a union of file, folder and upload shares). */
export type FileShareRecord = Extract<ShareRecord, { type: 'file' }>

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
		expiresAt: inputDate.optional(),
		expiresIn: z.int().min(1).max(MAX_EXPIRES_IN).optional(),
		notBefore: inputDate.optional(),
		filename: shareFields.filename.optional(),
		contentType: shareFields.contentType.optional(),
		disposition: shareFields.disposition.optional(),
		signTtl: shareFields.signTtl.optional(),
		note: shareFields.note.optional(),
		page: shareFields.page.optional(),
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
		expiresAt: inputDate.nullable().optional(),
		expiresIn: z.int().min(1).max(MAX_EXPIRES_IN).optional(),
		notBefore: inputDate.nullable().optional(),
		filename: shareFields.filename.nullable().optional(),
		contentType: shareFields.contentType.nullable().optional(),
		disposition: shareFields.disposition.nullable().optional(),
		signTtl: shareFields.signTtl.nullable().optional(),
		note: shareFields.note.nullable().optional(),
		page: shareFields.page.nullable().optional(),
	})
	.refine((body) => body.expiresAt === undefined || body.expiresIn === undefined, {
		message: 'give expiresAt or expiresIn, not both',
		path: ['expiresIn'],
	})

export type PatchShareInput = z.infer<typeof patchShareSchema>
