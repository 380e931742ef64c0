// Admin API: /api/shares, bearer token, JSON in and out.
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { z } from 'zod'
import { type AppEnv, readConfig } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import { isShareId, randomId } from '../shares/id.ts'
import { shareState } from '../shares/rules.ts'
import {
	type CreateShareInput,
	createShareSchema,
	type PatchShareInput,
	patchShareSchema,
	type ShareRecord,
	shareRecordSchema,
} from '../shares/schema.ts'
import { deleteShare, getShareUncached, listShares, putShare } from '../shares/store.ts'
import { hasAdminToken } from './admin-auth.ts'
import { secure } from './secure.ts'

export const admin = new Hono<AppEnv>()

admin.use(secure)

const MAX_BODY_BYTES = 16 * 1024
const DEFAULT_PAGE = 100

admin.use(async (c, next) => {
	const config = readConfig(c.env)
	if (!(await hasAdminToken(c.req.header('authorization'), config.adminToken))) {
		c.header('WWW-Authenticate', 'Bearer realm="coslink"')
		throw new AppError(
			401,
			'unauthorized',
			'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required.',
		)
	}
	c.set('config', config)
	await next()
})

admin.use(
	bodyLimit({
		maxSize: MAX_BODY_BYTES,
		onError: () => {
			throw new AppError(413, 'body_too_large', `The request body is over ${MAX_BODY_BYTES} bytes.`)
		},
	}),
)

async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
	const type = c.req.header('content-type') ?? ''
	if (!/^application\/json\s*(;|$)/i.test(type))
		throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.')
	let raw: unknown
	try {
		raw = await c.req.json()
	} catch {
		throw new AppError(400, 'invalid_body', 'The body is not valid JSON.')
	}
	const result = schema.safeParse(raw)
	if (!result.success) {
		const issue = result.error.issues[0]
		const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined
		const field = unknownKey ?? (issue?.path.length ? issue.path.join('.') : 'body')
		const message = unknownKey ? 'is not a known field' : (issue?.message ?? 'is invalid')
		throw new AppError(400, 'invalid_body', `${field}: ${message}`, { field })
	}
	return result.data
}

function shareUrl(c: Context<AppEnv>, id: string): string {
	return `${c.get('config').publicBaseUrl ?? new URL(c.req.url).origin}/${encodeURIComponent(id)}`
}

function view(c: Context<AppEnv>, record: ShareRecord) {
	const { v: _version, ...fields } = record
	return {
		...fields,
		url: shareUrl(c, record.id),
		delivery: record.delivery ?? c.get('config').defaultDelivery,
		status: shareState(record, Date.now()),
	}
}

function resolveExpiry(input: { expiresAt?: string | null; expiresIn?: number }, nowMs: number) {
	if (input.expiresIn !== undefined) return new Date(nowMs + input.expiresIn * 1000).toISOString()
	return input.expiresAt === undefined ? undefined : input.expiresAt
}

function checkWindow(record: ShareRecord): void {
	if (record.notBefore && record.expiresAt && Date.parse(record.notBefore) >= Date.parse(record.expiresAt))
		throw new AppError(400, 'invalid_body', 'notBefore: must be before expiresAt', { field: 'notBefore' })
}

function normalizeDate(value: string | undefined): string | undefined {
	return value === undefined ? undefined : new Date(value).toISOString()
}

function buildRecord(input: CreateShareInput, id: string, nowMs: number): ShareRecord {
	const now = new Date(nowMs).toISOString()
	const record = shareRecordSchema.parse({
		v: 1,
		id,
		type: 'file',
		key: input.key,
		delivery: input.delivery,
		filename: input.filename,
		contentType: input.contentType,
		disposition: input.disposition,
		notBefore: normalizeDate(input.notBefore),
		expiresAt: normalizeDate(resolveExpiry(input, nowMs) ?? undefined),
		signTtl: input.signTtl,
		note: input.note,
		createdAt: now,
		updatedAt: now,
		revision: 1,
	})
	checkWindow(record)
	return record
}

admin.post('/', async (c) => {
	const input = await readBody(c, createShareSchema)
	const now = Date.now()
	const id = input.id ?? randomId()
	// KV has no compare-and-set; two creates racing for one slug within a second can both
	// win. Random IDs cannot collide in practice (77 bits).
	if (await getShareUncached(c.env.SHARES, id))
		throw new AppError(409, 'share_exists', `A share with the id "${id}" already exists.`)
	const record = buildRecord(input, id, now)
	await putShare(c.env.SHARES, record, now)
	c.header('Location', `/api/shares/${encodeURIComponent(id)}`)
	return c.json(view(c, record), 201)
})

admin.get('/', async (c) => {
	const limitText = c.req.query('limit')
	const limit = limitText === undefined ? DEFAULT_PAGE : Number(limitText)
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
		throw new AppError(400, 'invalid_body', 'limit: must be a whole number from 1 to 1000', {
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

async function existing(c: Context<AppEnv>, id: string): Promise<ShareRecord> {
	const record = isShareId(id) ? await getShareUncached(c.env.SHARES, id) : null
	if (!record) throw notFound(`There is no share "${id}".`)
	return record
}

admin.get('/:id', async (c) => c.json(view(c, await existing(c, c.req.param('id')))))

function applyPatch(record: ShareRecord, patch: PatchShareInput, nowMs: number): ShareRecord {
	const next: Record<string, unknown> = { ...record }
	for (const [field, value] of Object.entries(patch)) {
		if (field === 'expiresIn') continue
		next[field] = value === null ? undefined : value
	}
	const expiresAt = resolveExpiry(patch, nowMs)
	if (expiresAt !== undefined || patch.expiresAt === null) next.expiresAt = expiresAt ?? undefined
	next.expiresAt = normalizeDate(next.expiresAt as string | undefined)
	next.notBefore = normalizeDate(next.notBefore as string | undefined)
	next.revision = record.revision + 1
	next.updatedAt = new Date(nowMs).toISOString()
	const updated = shareRecordSchema.parse(next)
	checkWindow(updated)
	return updated
}

admin.patch('/:id', async (c) => {
	const record = await existing(c, c.req.param('id'))
	const patch = await readBody(c, patchShareSchema)
	const now = Date.now()
	const updated = applyPatch(record, patch, now)
	await putShare(c.env.SHARES, updated, now)
	return c.json(view(c, updated))
})

admin.delete('/:id', async (c) => {
	const record = await existing(c, c.req.param('id'))
	await deleteShare(c.env.SHARES, record.id)
	return c.body(null, 204)
})
