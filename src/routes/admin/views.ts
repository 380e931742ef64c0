// What the admin API answers, as zod schemas: the OpenAPI document is generated from them
// (and from the request schemas in src/shares/schema.ts), and test/node/openapi.test.ts
// checks every real answer of a scripted session against the document.
import { z } from 'zod'
import { ERRORS, type ErrorCode, publicCode } from '../../errors.ts'
import { shareFields, shareRecordSchema } from '../../shares/schema.ts'

/** Every code a client can see (entries that answer with another entry's code are not listed twice). */
const PUBLIC_CODES = [...new Set((Object.keys(ERRORS) as ErrorCode[]).map(publicCode))] as [
	ErrorCode,
	...ErrorCode[],
]

export const errorSchema = z
	.strictObject({
		error: z.strictObject({
			code: z.enum(PUBLIC_CODES).meta({ description: 'Stable and machine-readable: branch on it.' }),
			message: z.string().meta({ description: "The catalogue's sentence, in the request's language." }),
			detail: z
				.string()
				.optional()
				.meta({ description: 'What the worker knows about this request, in English.' }),
			field: z.string().optional().meta({ description: 'The request field at fault, as a dotted path.' }),
			setting: z.string().optional().meta({ description: 'The worker setting at fault (misconfigured).' }),
			requestId: z.string().meta({ description: "Cloudflare's ray id, or a random UUID." }),
		}),
	})
	.meta({
		id: 'Error',
		description: 'Every error: `{ error: { code, message, detail?, field?, requestId } }`.',
	})

const isoDateTime = z.iso.datetime({ offset: true })

/** Download counts of a restricted share. */
const usageFields = {
	downloads: z.int().min(0).optional().meta({ description: 'Downloads granted so far (restricted shares).' }),
	remainingDownloads: z.int().min(0).nullable().optional(),
	firstDownloadAt: isoDateTime.nullable().optional(),
	lastDownloadAt: isoDateTime.nullable().optional(),
}

const viewFields = {
	protected: z.boolean().meta({ description: 'A password or extraction code guards it.' }),
	url: z.url().meta({ description: 'The link to hand out.' }),
	delivery: shareFields.delivery,
	page: z.boolean(),
	status: z
		.enum(['active', 'scheduled', 'expired', 'exhausted'])
		.meta({ description: 'By the clock, or exhausted once a download limit is spent.' }),
	ignoredFields: z
		.array(z.enum(['maxDownloads', 'expiresAfterFirstDownload']))
		.optional()
		.meta({ description: 'Download limits stored on an upload link before they were refused there.' }),
	extractionCode: z
		.string()
		.optional()
		.meta({ description: 'The generated extraction code: in this answer only, never again.' }),
	urlWithCode: z.url().optional().meta({
		description:
			'The link with the extraction code in it (`?pwd=`), as share messages in China carry it; with the code only, never for a password.',
	}),
	...usageFields,
}

const hidden = { v: true, passwordHash: true, passwordVersion: true, restricted: true } as const
const [fileRecord, folderRecord, uploadRecord] = shareRecordSchema.options

export const shareViewSchema = z
	.discriminatedUnion('type', [
		fileRecord.omit(hidden).extend(viewFields),
		folderRecord.omit(hidden).extend(viewFields),
		uploadRecord
			.omit(hidden)
			.extend(viewFields)
			.extend({
				uploads: z
					.strictObject({
						files: z.int().min(0),
						bytes: z.int().min(0),
						reservedFiles: z.int().min(0),
						reservedBytes: z.int().min(0),
					})
					.optional()
					.meta({
						description:
							"Files committed and reservations not yet settled, as the share's object counts them.",
					}),
			}),
	])
	.meta({ id: 'Share', description: 'A share as the API shows it: never a password or its hash.' })

export type ShareView = z.infer<typeof shareViewSchema>

/** A stored record this version cannot read: shown as stored, so it can be fixed or deleted. */
export const invalidShareSchema = z
	.strictObject({
		id: z.string(),
		invalid: z.literal(true),
		error: z.strictObject({
			code: z.literal('invalid_record'),
			message: z.string(),
			detail: z.string().optional(),
		}),
		raw: z.unknown(),
	})
	.meta({ id: 'InvalidShare' })

export const listItemSchema = z
	.strictObject({
		id: z.string(),
		type: z.enum(['file', 'folder', 'upload']),
		key: z.string().optional(),
		prefix: z.string().optional(),
		expiresAt: isoDateTime
			.optional()
			.meta({ description: 'The expiry in force (moved up by a first download).' }),
		notBefore: isoDateTime.optional(),
		createdAt: z.string(),
		note: z
			.string()
			.optional()
			.meta({ description: 'Dropped from the list when too long to fit KV metadata.' }),
		exhausted: z.literal(true).optional(),
		url: z.url(),
		status: viewFields.status,
	})
	.meta({ id: 'ShareSummary', description: "A share as KV's list metadata holds it." })

export const shareListSchema = z
	.strictObject({
		shares: z.array(listItemSchema),
		cursor: z.string().nullable().meta({
			description: 'Pass as ?cursor= for the next page; null on the last. A page may hold fewer than limit.',
		}),
	})
	.meta({ id: 'ShareList' })
