// The share record: what the admin API accepts, and what KV holds. Records outlive code,
// so every read is parsed again; a record this code cannot read is an error, not a guess.
import { z } from 'zod'
import { assertObjectKey } from '../cos/key.ts'
import { MAX_SIGN_TTL } from '../cos/presign.ts'
import { isReserved, SLUG_PATTERN } from './id.ts'
import { keyTemplateProblem } from './upload-rules.ts'

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

/** COS's per-request bandwidth cap is 819,200–838,860,800 bits/s; shares state bytes/s. */
export const MIN_BANDWIDTH_LIMIT = 102_400
export const MAX_BANDWIDTH_LIMIT = 104_857_600
/** The longest edge-cache lifetime a share may ask for: one year. */
export const MAX_CACHE_AGE = 365 * 86400
/** COS's largest object (multipart): 48.82 TB. */
export const MAX_UPLOAD_FILE_SIZE = 48.82e12
const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 86400

export const shareFields = {
	delivery: z.enum(['redirect', 'stream']).meta({
		description:
			'redirect: a 302 to a fresh pre-signed COS URL; stream: the worker proxies the bytes. Default: DEFAULT_DELIVERY.',
	}),
	filename: noControls(255).meta({
		description: 'The name a download is saved under.',
		example: 'Q3 report.pdf',
	}),
	contentType: mediaType.meta({
		description: 'The media type downloads are served with (visible ASCII only).',
	}),
	disposition: z
		.enum(['attachment', 'inline'])
		.meta({ description: 'attachment (save) or inline (show in the browser, for safe types).' }),
	notBefore: isoDate.meta({ description: 'The share answers 404 before this instant (ISO 8601).' }),
	expiresAt: isoDate.meta({ description: 'The share answers 410 from this instant (ISO 8601).' }),
	signTtl: z.int().min(1).max(MAX_SIGN_TTL).meta({ description: 'Seconds each pre-signed COS URL lives.' }),
	note: z.string().max(1000).meta({ description: 'Free text, shown on the download page.' }),
	page: z.boolean().meta({ description: 'Browsers get a download page instead of the bytes.' }),
	/** Bytes per second; becomes COS's signed x-cos-traffic-limit (bits per second). */
	bandwidthLimit: z
		.int()
		.min(MIN_BANDWIDTH_LIMIT)
		.max(MAX_BANDWIDTH_LIMIT)
		.meta({ description: 'Bytes per second each download may take (COS x-cos-traffic-limit).' }),
	cache: z
		.strictObject({ maxAge: z.int().min(1).max(MAX_CACHE_AGE) })
		.meta({ description: 'Keep the file in the edge cache for maxAge seconds (streamed shares only).' }),
	/** Write-only: 4–128 characters, stored only as its PBKDF2 hash. */
	password: z
		.string()
		.min(4)
		.max(128)
		.meta({ description: 'Write-only: visitors must enter it. Stored only as a PBKDF2 hash.' }),
	/** Downloads the share grants in all; 1 is a one-time link. */
	maxDownloads: z
		.int()
		.min(1)
		.max(1_000_000_000)
		.meta({ description: 'Downloads the share grants in all; 1 is a one-time link.' }),
	/** Seconds after the first granted download at which the share expires. */
	expiresAfterFirstDownload: z
		.int()
		.min(1)
		.max(MAX_EXPIRES_IN_SECONDS)
		.meta({ description: 'Seconds after the first granted download at which the share expires.' }),
	/** Consult the share's Durable Object on every access, for instant revocation. */
	strict: z
		.boolean()
		.meta({ description: "Every access asks the share's Durable Object: a revocation applies at once." }),
	/** The share's objects were uploaded through POST /api/uploads: they go when it goes. */
	sent: z.literal(true).meta({
		description:
			'The objects were uploaded through POST /api/uploads (under SEND_PREFIX): they are deleted from the bucket when the share expires or is deleted.',
	}),
	webhook: z
		.boolean()
		.meta({ description: 'false: this share sends no webhooks (its downloads are still counted).' }),
}

/** A stored password: `$pbkdf2-sha256$i=<n>$<salt>$<hash>` (src/shares/password.ts). */
const passwordHash = z.string().regex(/^\$pbkdf2-sha256\$i=\d{1,6}\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/)

/** A folder or upload prefix: a valid key that names a "folder" (ends with '/'), never the bucket root. */
const prefix = z.string().superRefine((value, ctx) => {
	if (!value.endsWith('/') || value === '/') {
		ctx.addIssue({ code: 'custom', message: 'must end with "/" and name a folder, such as "photos/2026/"' })
		return
	}
	try {
		// The same rules as a key: the prefix is the start of every key served under it.
		assertObjectKey(value)
		if (value.split('/').slice(0, -1).includes('')) throw new TypeError('prefix has an empty segment')
	} catch (error) {
		ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid prefix' })
	}
})

const mimePattern = z
	.string()
	.max(100)
	.regex(/^[\w.+-]+\/(\*|[\w.+-]+)$/, 'must be a media type or a pattern such as image/*')
	.transform((value) => value.toLowerCase())
const extension = z
	.string()
	.max(32)
	.regex(/^(\.[A-Za-z0-9_-]{1,16}){1,3}$/, 'must be an extension such as ".pdf"')
	.transform((value) => value.toLowerCase())

/** What an upload link lets a visitor put into its prefix. */
export const uploadRules = z.strictObject({
	/** Bytes per file. */
	maxFileSize: z.int().min(1).max(MAX_UPLOAD_FILE_SIZE),
	allowedTypes: z.array(mimePattern).min(1).max(100).optional(),
	allowedExtensions: z.array(extension).min(1).max(100).optional(),
	overwrite: z.boolean().optional(),
	/** Files the link accepts in all, counted exactly by the share's Durable Object. */
	maxFiles: z.int().min(1).max(1_000_000).optional(),
	/** Bytes the link accepts in all (reserved at each upload's start, committed on confirmation). */
	maxTotalBytes: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
	/** Where an upload lands under the prefix; placeholders in src/shares/upload-rules.ts and the README. */
	keyTemplate: noControls(512)
		.superRefine((template, ctx) => {
			const problem = keyTemplateProblem(template)
			if (problem) ctx.addIssue({ code: 'custom', message: problem })
		})
		.optional(),
})

export type UploadRules = z.infer<typeof uploadRules>

/** The longest `expiresIn`: ten years. */
export const MAX_EXPIRES_IN = 10 * 365 * 86400

/** Fields every kind of share has. */
const commonRecord = {
	v: z.literal(1),
	id: z.string().regex(SLUG_PATTERN),
	delivery: shareFields.delivery.optional(),
	disposition: shareFields.disposition.optional(),
	notBefore: shareFields.notBefore.optional(),
	expiresAt: shareFields.expiresAt.optional(),
	signTtl: shareFields.signTtl.optional(),
	note: shareFields.note.optional(),
	/** Show a download page to browsers (issue 8); absent means false. */
	page: shareFields.page.optional(),
	bandwidthLimit: shareFields.bandwidthLimit.optional(),
	cache: shareFields.cache.optional(),
	passwordHash: passwordHash.optional(),
	/** Counts password changes: an unlock token names the version it was made for. */
	passwordVersion: z.int().min(1).optional(),
	/**
	 * What the secret is: 'code' for a generated extraction code (提取码), typed as people
	 * type codes (any case, stray spaces) and shown unmasked; absent for a password, which
	 * is matched exactly and stays masked. Records written before the field existed are passwords.
	 */
	passwordKind: z.literal('code').optional(),
	maxDownloads: shareFields.maxDownloads.optional(),
	expiresAfterFirstDownload: shareFields.expiresAfterFirstDownload.optional(),
	strict: z.literal(true).optional(),
	/** Stored only as false: no webhooks for this share. */
	webhook: z.literal(false).optional(),
	/**
	 * Set on protected, limited and strict shares: every access asks the share's Durable
	 * Object, so no fast path or cache may answer for it.
	 */
	restricted: z.literal(true).optional(),
	createdAt: isoDate,
	updatedAt: isoDate,
	revision: z
		.int()
		.min(1)
		.meta({ description: 'Counts every change; sent as the ETag, compared by If-Match.' }),
}

// Strict: a field that does not belong to a kind of share is an error, not something to keep.
const fileRecord = z.strictObject({
	...commonRecord,
	type: z.literal('file'),
	key: objectKey,
	filename: shareFields.filename.optional(),
	contentType: shareFields.contentType.optional(),
	sent: shareFields.sent.optional(),
})
const folderRecord = z.strictObject({
	...commonRecord,
	type: z.literal('folder'),
	prefix,
	sent: shareFields.sent.optional(),
})
const uploadRecord = z.strictObject({
	...commonRecord,
	type: z.literal('upload'),
	prefix,
	upload: uploadRules,
})

export const shareRecordSchema = z.discriminatedUnion('type', [fileRecord, folderRecord, uploadRecord])

export type ShareRecord = z.infer<typeof shareRecordSchema>
export type ShareType = ShareRecord['type']
/** A share of one object. */
export type FileShareRecord = Extract<ShareRecord, { type: 'file' }>
/** A share of a prefix to browse and download from. */
export type FolderShareRecord = Extract<ShareRecord, { type: 'folder' }>
/** A link that lets visitors upload into a prefix. */
export type UploadShareRecord = Extract<ShareRecord, { type: 'upload' }>

const expiresIn = z.int().min(1).max(MAX_EXPIRES_IN).meta({
	description: 'Seconds from now at which the share expires (instead of expiresAt).',
	example: 604800,
})
const extractionCodeField = z.literal(true).meta({
	description:
		'Generate a 6-character extraction code, answered once as extractionCode (instead of a password).',
})

const slug = z
	.string()
	.regex(SLUG_PATTERN, 'must be 3–64 letters, digits, "-" or "_", starting with a letter or digit')
	.refine((id) => !isReserved(id), 'is a reserved word')

/** Fields every create body may carry. */
const commonCreate = {
	id: slug.optional().meta({
		description: 'A slug of your choice; omitted: 13 random base62 characters.',
		example: 'q3-report',
	}),
	delivery: shareFields.delivery.optional(),
	disposition: shareFields.disposition.optional(),
	expiresAt: inputDate.optional().meta({
		description: 'The share answers 410 from this instant (ISO 8601 with a zone).',
		example: '2026-12-31T23:59:59+08:00',
	}),
	expiresIn: expiresIn.optional(),
	notBefore: inputDate
		.optional()
		.meta({ description: 'The share answers 404 before this instant (ISO 8601 with a zone).' }),
	signTtl: shareFields.signTtl.optional(),
	note: shareFields.note.optional(),
	page: shareFields.page.optional(),
	bandwidthLimit: shareFields.bandwidthLimit.optional(),
	cache: shareFields.cache.optional(),
	password: shareFields.password.optional(),
	/** true: generate a 6-character extraction code, returned once in the response. */
	extractionCode: extractionCodeField.optional(),
	maxDownloads: shareFields.maxDownloads.optional(),
	expiresAfterFirstDownload: shareFields.expiresAfterFirstDownload.optional(),
	strict: shareFields.strict.optional(),
	webhook: shareFields.webhook.optional(),
}

const createVariants = z.discriminatedUnion('type', [
	z
		.strictObject({
			...commonCreate,
			// The default lets bodies written before folders existed still work.
			type: z.literal('file').default('file'),
			key: objectKey.meta({
				description: 'The object key exactly as stored.',
				example: 'reports/2026/Q3.pdf',
			}),
			filename: shareFields.filename.optional(),
			contentType: shareFields.contentType.optional(),
			sent: shareFields.sent.optional(),
		})
		.meta({ title: 'File share', description: 'One object.' }),
	z
		.strictObject({
			...commonCreate,
			type: z.literal('folder'),
			prefix: prefix.meta({ description: 'The folder, ending with "/".', example: 'photos/2026/' }),
			sent: shareFields.sent.optional(),
		})
		.meta({ title: 'Folder share', description: 'Every object under a prefix: browse, download, zip.' }),
	z
		.strictObject({
			...commonCreate,
			type: z.literal('upload'),
			prefix: prefix.meta({ description: 'Where uploads land, ending with "/".', example: 'inbox/' }),
			upload: uploadRules,
		})
		.meta({ title: 'Upload link', description: 'Visitors upload into a prefix; needs an expiry.' }),
])

/** A create body; `type` defaults to "file", so bodies written before folders existed still work. */
export const createShareSchema = createVariants.superRefine((body, ctx) => {
	if (body.expiresAt !== undefined && body.expiresIn !== undefined)
		ctx.addIssue({ code: 'custom', message: 'give expiresAt or expiresIn, not both', path: ['expiresIn'] })
	if (body.password !== undefined && body.extractionCode !== undefined)
		ctx.addIssue({
			code: 'custom',
			message: 'give password or extractionCode, not both',
			path: ['extractionCode'],
		})
	if (body.type === 'upload')
		for (const field of ['maxDownloads', 'expiresAfterFirstDownload'] as const)
			if (body[field] !== undefined)
				ctx.addIssue({ code: 'custom', message: UPLOAD_LIMIT_MESSAGE, path: [field] })
	if (body.type === 'upload' && body.expiresAt === undefined && body.expiresIn === undefined)
		ctx.addIssue({
			code: 'custom',
			message: 'an upload link needs an expiry (expiresAt or expiresIn)',
			path: ['expiresAt'],
		})
})

export type CreateShareInput = z.infer<typeof createShareSchema>

/** Why an upload link takes no download limits: it counts files, which upload.maxFiles limits. */
export const UPLOAD_LIMIT_MESSAGE =
	'an upload link counts files, not downloads: limit them with upload.maxFiles'

/**
 * PATCH: any field, null clears an optional one. Which fields fit the share's kind is
 * checked against the record it changes (src/shares/edit.ts); `type` never changes.
 */
export const patchShareSchema = z
	.strictObject({
		type: z.enum(['file', 'folder', 'upload']).optional(),
		key: objectKey.optional(),
		prefix: prefix.optional(),
		upload: uploadRules.optional(),
		delivery: shareFields.delivery.nullable().optional(),
		expiresAt: inputDate.nullable().optional(),
		expiresIn: expiresIn.optional(),
		notBefore: inputDate.nullable().optional(),
		filename: shareFields.filename.nullable().optional(),
		contentType: shareFields.contentType.nullable().optional(),
		disposition: shareFields.disposition.nullable().optional(),
		signTtl: shareFields.signTtl.nullable().optional(),
		note: shareFields.note.nullable().optional(),
		page: shareFields.page.nullable().optional(),
		bandwidthLimit: shareFields.bandwidthLimit.nullable().optional(),
		cache: shareFields.cache.nullable().optional(),
		password: shareFields.password.nullable().optional(),
		extractionCode: extractionCodeField.optional(),
		maxDownloads: shareFields.maxDownloads.nullable().optional(),
		expiresAfterFirstDownload: shareFields.expiresAfterFirstDownload.nullable().optional(),
		strict: shareFields.strict.nullable().optional(),
		webhook: shareFields.webhook.nullable().optional(),
	})
	.refine((body) => body.password === undefined || body.extractionCode === undefined, {
		message: 'give password or extractionCode, not both',
		path: ['extractionCode'],
	})
	.refine((body) => body.expiresAt === undefined || body.expiresIn === undefined, {
		message: 'give expiresAt or expiresIn, not both',
		path: ['expiresIn'],
	})

export type PatchShareInput = z.infer<typeof patchShareSchema>

/** The password part of an input, once hashed: what crosses into the Durable Object. */
export interface Protection {
	/** A new hash; null removes protection; undefined leaves it. */
	passwordHash?: string | null
	/** With a new hash: 'code' when it is an extraction code's; a password otherwise. */
	passwordKind?: 'code' | undefined
}

/** A create body as the Durable Object sees it: no plain password in it. */
export type StoredCreateInput = Omit<CreateShareInput, 'password' | 'extractionCode'>
/** A PATCH body as the Durable Object sees it: the password already hashed. */
export type StoredPatch = Omit<PatchShareInput, 'password' | 'extractionCode'> & Protection

/** Shares whose every access consults their Durable Object. */
export function isRestricted(
	record: Pick<ShareRecord, 'passwordHash' | 'maxDownloads' | 'strict' | 'expiresAfterFirstDownload'>,
): boolean {
	return (
		record.passwordHash !== undefined ||
		record.maxDownloads !== undefined ||
		record.expiresAfterFirstDownload !== undefined ||
		record.strict === true
	)
}
