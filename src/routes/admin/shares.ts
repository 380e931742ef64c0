// Admin API: /api/shares, bearer token, JSON in and out.
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { z } from 'zod'
import { type AppEnv, readConfig, requireLinkSecret } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { NO_STORE } from '../../http/headers.ts'
import { errorFields, requestLanguage } from '../../respond.tsx'
import { buildRecord } from '../../shares/edit.ts'
import { isShareId, randomId } from '../../shares/id.ts'
import { grantFor, isLimited, NO_USAGE, type Usage, usageView } from '../../shares/limits.ts'
import { extractionCode, hashPassword } from '../../shares/password.ts'
import { shareState } from '../../shares/rules.ts'
import {
	createShareSchema,
	isRestricted,
	type Protection,
	patchShareSchema,
	type ShareRecord,
} from '../../shares/schema.ts'
import type { IfMatch, UploadUsage } from '../../shares/state.ts'
import {
	createShare,
	deleteShare,
	downloadCounts,
	listShares,
	readShare,
	updateShare,
	uploadUsage,
} from '../../shares/store.ts'
import { deleteReported, reportShare } from '../report.ts'
import { secure } from '../secure.ts'
import { shareUrlFor } from '../share-url.ts'
import { hasAdminToken } from './auth.ts'
import { cachedRecord, purgeCached } from './cache-purge.ts'

export const admin = new Hono<AppEnv>()

admin.use(secure)

// Admin answers are private and change with every write: no cache may keep one.
admin.use(async (c, next) => {
	await next()
	if (c.res.ok) c.res.headers.set('Cache-Control', NO_STORE)
})

const MAX_BODY_BYTES = 16 * 1024
const DEFAULT_PAGE = 100

admin.use(async (c, next) => {
	const config = readConfig(c.env)
	if (!(await hasAdminToken(c.req.header('authorization'), config.adminToken))) {
		c.header('WWW-Authenticate', 'Bearer realm="coslink"')
		throw new AppError('unauthorized', 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".')
	}
	c.set('config', config)
	await next()
})

admin.use(
	bodyLimit({
		maxSize: MAX_BODY_BYTES,
		onError: () => {
			throw new AppError('body_too_large', `The request body is over ${MAX_BODY_BYTES} bytes.`)
		},
	}),
)

async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
	const type = c.req.header('content-type') ?? ''
	if (!/^application\/json\s*(;|$)/i.test(type))
		throw new AppError('unsupported_media_type', 'Send the body as application/json.')
	let raw: unknown
	try {
		raw = await c.req.json()
	} catch {
		throw new AppError('invalid_body', 'The body is not valid JSON.')
	}
	const result = schema.safeParse(raw)
	if (!result.success) {
		const issue = result.error.issues[0]
		const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined
		// A nested unknown field is named by its full path (upload.maxFiles), as others are.
		const path = issue?.path.join('.') ?? ''
		const field = unknownKey ? (path ? `${path}.${unknownKey}` : unknownKey) : path || 'body'
		const message = unknownKey ? 'is not a known field' : (issue?.message ?? 'is invalid')
		throw new AppError('invalid_body', `${field}: ${message}`, { field })
	}
	return result.data
}

function shareUrl(c: Context<AppEnv>, id: string): string {
	return shareUrlFor(c.get('config'), c.req.url, id)
}

/** What the API shows of a record: never a password or its hash. */
function publicFields(record: ShareRecord) {
	const {
		v: _version,
		passwordHash,
		passwordVersion: _passwordVersion,
		restricted: _restricted,
		...fields
	} = record
	return { ...fields, protected: passwordHash !== undefined }
}

/** Limits stored on an upload link before they were refused there: kept, ignored, and said so. */
const IGNORED_ON_UPLOADS = ['maxDownloads', 'expiresAfterFirstDownload'] as const

/** active, scheduled or expired by the clock; a limited share whose downloads are spent is exhausted. */
function statusOf(record: ShareRecord, usage: Usage | undefined, nowMs: number) {
	if (usage && isLimited(record)) {
		const grant = grantFor(record, usage, nowMs)
		if (grant === 'limit_reached') return 'exhausted'
		if (grant === 'expired') return 'expired'
	}
	return shareState(record, nowMs)
}

function view(c: Context<AppEnv>, record: ShareRecord, usage: Usage | undefined, uploads?: UploadUsage) {
	const ignored =
		record.type === 'upload' ? IGNORED_ON_UPLOADS.filter((field) => record[field] !== undefined) : []
	return {
		...publicFields(record),
		url: shareUrl(c, record.id),
		// A cached share is answered from the edge cache, which always streams.
		delivery: record.cache ? 'stream' : (record.delivery ?? c.get('config').defaultDelivery),
		page: record.page ?? false,
		status: statusOf(record, usage, Date.now()),
		...(ignored.length > 0 ? { ignoredFields: ignored } : {}),
		...(usage ? usageView(record, usage) : {}),
		...(uploads ? { uploads } : {}),
	}
}

interface Extra {
	/** A generated extraction code, shown in this one response and never again. */
	extractionCode?: string | undefined
	usage?: Usage | undefined
	/** An upload link's files and reservations, as its Durable Object counts them. */
	uploads?: UploadUsage | undefined
}

/** A record answer, with its revision as a strong entity tag for `If-Match`. */
function recordResponse(c: Context<AppEnv>, record: ShareRecord, status: 200 | 201 = 200, extra: Extra = {}) {
	c.header('ETag', `"${record.revision}"`)
	const body = view(c, record, extra.usage ?? (isRestricted(record) ? NO_USAGE : undefined), extra.uploads)
	return c.json(extra.extractionCode ? { ...body, extractionCode: extra.extractionCode } : body, status)
}

/**
 * Hashes a new password (or a generated code) before anything reaches the share's Durable
 * Object: PBKDF2 is slow, and the object serializes every request to its share.
 */
async function protect(
	c: Context<AppEnv>,
	input: { password?: string | null | undefined; extractionCode?: true | undefined },
): Promise<{ protection: Protection; code: string | undefined }> {
	const code = input.extractionCode ? extractionCode() : undefined
	const secret = code ?? input.password
	if (secret === undefined) return { protection: {}, code }
	if (secret === null) return { protection: { passwordHash: null }, code }
	// Unlock cookies and tokens are signed with it: refuse now rather than make a share no one can open.
	requireLinkSecret(c.get('config'))
	return { protection: { passwordHash: await hashPassword(secret) }, code }
}

/** Limited and strict shares need LINK_SECRET for their tickets; say so when they are made. */
function checkSecretFor(c: Context<AppEnv>, record: ShareRecord): void {
	if (isRestricted(record)) requireLinkSecret(c.get('config'))
}

/**
 * `If-Match` as the share's Durable Object checks it: `*`, or the revisions listed as
 * strong entity tags. A weak or malformed tag can match no revision, so it fails with 412.
 */
function ifMatch(c: Context<AppEnv>): IfMatch {
	const header = c.req.header('if-match')?.trim()
	if (header === undefined) return undefined
	if (header === '*') return '*'
	return header.split(',').flatMap((tag) => {
		const revision = /^"([1-9][0-9]{0,15})"$/.exec(tag.trim())?.[1]
		return revision === undefined ? [] : [Number(revision)]
	})
}

function shareId(c: Context<AppEnv>): string {
	const id = c.req.param('id') ?? ''
	if (!isShareId(id)) throw notFound(`There is no share "${id}".`)
	return id
}

admin.post('/', async (c) => {
	const { password, extractionCode: wantsCode, ...input } = await readBody(c, createShareSchema)
	const { protection, code } = await protect(c, { password, extractionCode: wantsCode })
	const now = Date.now()
	const built = buildRecord(input, input.id ?? randomId(), now, protection)
	checkSecretFor(c, built)
	// Random IDs cannot collide in practice (77 bits); a taken slug is a 409 from the object.
	const record = await createShare(c.env, built, now)
	reportShare(c, 'created', record)
	c.header('Location', `/api/shares/${encodeURIComponent(record.id)}`)
	return recordResponse(c, record, 201, { extractionCode: code })
})

admin.get('/', async (c) => {
	const limitText = c.req.query('limit')
	const limit = limitText === undefined ? DEFAULT_PAGE : Number(limitText)
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
		throw new AppError('invalid_body', 'limit: must be a whole number from 1 to 1000', {
			field: 'limit',
		})
	const page = await listShares(c.env.SHARES, limit, c.req.query('cursor'))
	const now = Date.now()
	return c.json({
		shares: page.shares.map((share) => ({
			...share,
			url: shareUrl(c, share.id),
			status: shareState(share, now),
		})),
		cursor: page.cursor ?? null,
	})
})

admin.get('/:id', async (c) => {
	const id = shareId(c)
	const stored = await readShare(c.env, id)
	if (!stored) throw notFound(`There is no share "${id}".`)
	if (stored.kind === 'record')
		return recordResponse(c, stored.record, 200, {
			usage: isRestricted(stored.record) ? await downloadCounts(c.env, id) : undefined,
			uploads: stored.record.type === 'upload' ? await uploadUsage(c.env, id) : undefined,
		})
	// Shown as stored, so the operator can see what to fix, or delete it.
	return c.json({
		id,
		invalid: true,
		error: errorFields(new AppError('invalid_record_admin', stored.message), requestLanguage(c)),
		raw: stored.raw,
	})
})

admin.patch('/:id', async (c) => {
	const id = shareId(c)
	const { password, extractionCode: wantsCode, ...patch } = await readBody(c, patchShareSchema)
	const { protection, code } = await protect(c, { password, extractionCode: wantsCode })
	// Checked before the write: a share no one could open must not be stored first.
	if (patch.maxDownloads || patch.expiresAfterFirstDownload || patch.strict)
		requireLinkSecret(c.get('config'))
	const cached = await cachedRecord(c, id)
	const record = await updateShare(c.env, id, { ...patch, ...protection }, ifMatch(c))
	await purgeCached(c, cached)
	return recordResponse(c, record, 200, {
		extractionCode: code,
		usage: isRestricted(record) ? await downloadCounts(c.env, id) : undefined,
	})
})

admin.delete('/:id', async (c) => {
	const id = shareId(c)
	const cached = await cachedRecord(c, id)
	await deleteReported(c, id, () => deleteShare(c.env, id, ifMatch(c)))
	await purgeCached(c, cached)
	return c.body(null, 204)
})
