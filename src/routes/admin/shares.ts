// Admin API: /api/shares, bearer token, JSON in and out. Each route is declared with its
// schemas in share-routes.ts; the OpenAPI document is generated from them (api.ts).
import type { Context } from 'hono'
import { type AppEnv, requireLinkSecret } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { errorFields, requestLanguage } from '../../respond.tsx'
import { buildRecord } from '../../shares/edit.ts'
import { isShareId, randomId } from '../../shares/id.ts'
import { grantFor, isLimited, NO_USAGE, type Usage, usageView } from '../../shares/limits.ts'
import { InvalidCursorError, type ListStatus, listShareSummaries } from '../../shares/list.ts'
import { extractionCode, hashPassword } from '../../shares/password.ts'
import { shareState } from '../../shares/rules.ts'
import { isRestricted, type Protection, type ShareRecord } from '../../shares/schema.ts'
import type { IfMatch, UploadUsage } from '../../shares/state.ts'
import {
	createShare,
	deleteShare,
	downloadCounts,
	readShare,
	updateShare,
	uploadUsage,
} from '../../shares/store.ts'
import { deleteReported, reportShare } from '../report.ts'
import { shareUrlFor } from '../share-url.ts'
import { cachedRecord, purgeCached } from './cache-purge.ts'
import { adminGuard, openApiApp } from './openapi.ts'
import {
	createShareRoute,
	deleteShareRoute,
	getShareRoute,
	listSharesRoute,
	patchShareRoute,
} from './share-routes.ts'
import type { ShareView } from './views.ts'

export const admin = openApiApp()

const MAX_BODY_BYTES = 16 * 1024
const DEFAULT_PAGE = 100

admin.use(...adminGuard(MAX_BODY_BYTES))

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
function statusOf(record: ShareRecord, usage: Usage | undefined, nowMs: number): ListStatus {
	if (usage && isLimited(record)) {
		const grant = grantFor(record, usage, nowMs)
		if (grant === 'limit_reached') return 'exhausted'
		if (grant === 'expired') return 'expired'
	}
	return shareState(record, nowMs)
}

function view(
	c: Context<AppEnv>,
	record: ShareRecord,
	usage: Usage | undefined,
	uploads?: UploadUsage,
): ShareView {
	const ignored =
		record.type === 'upload' ? IGNORED_ON_UPLOADS.filter((field) => record[field] !== undefined) : []
	const delivery: ShareView['delivery'] = record.cache
		? 'stream'
		: (record.delivery ?? c.get('config').defaultDelivery)
	return {
		...publicFields(record),
		url: shareUrl(c, record.id),
		// A cached share is answered from the edge cache, which always streams.
		delivery,
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
function recordResponse<S extends 200 | 201>(
	c: Context<AppEnv>,
	record: ShareRecord,
	status: S,
	extra: Extra = {},
) {
	c.header('ETag', `"${record.revision}"`)
	const body = view(c, record, extra.usage ?? (isRestricted(record) ? NO_USAGE : undefined), extra.uploads)
	if (!extra.extractionCode) return c.json(body as ShareView, status)
	// The link to send with the code in it, as share messages in China carry it: the unlock
	// page fills it in. Only ever for a code: a password never goes into a URL.
	const urlWithCode = `${body.url}?pwd=${encodeURIComponent(extra.extractionCode)}`
	const answer: ShareView = { ...body, extractionCode: extra.extractionCode, urlWithCode }
	return c.json(answer, status)
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
	const passwordHash = await hashPassword(secret)
	return { protection: code ? { passwordHash, passwordKind: 'code' } : { passwordHash }, code }
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

/** A sent share names only what POST /api/uploads put under SEND_PREFIX: those are deleted with it. */
function checkSent(c: Context<AppEnv>, record: ShareRecord): void {
	if (record.type === 'upload' || !record.sent) return
	const where = record.type === 'file' ? record.key : record.prefix
	if (!where.startsWith(c.get('config').sendPrefix))
		throw new AppError(
			'invalid_body',
			`sent: only files under SEND_PREFIX ("${c.get('config').sendPrefix}") are sent files`,
			{
				field: 'sent',
			},
		)
}

admin.openapi(createShareRoute, async (c) => {
	const { password, extractionCode: wantsCode, ...input } = c.req.valid('json')
	const { protection, code } = await protect(c, { password, extractionCode: wantsCode })
	const now = Date.now()
	const built = buildRecord(input, input.id ?? randomId(), now, protection)
	checkSecretFor(c, built)
	checkSent(c, built)
	// Random IDs cannot collide in practice (77 bits); a taken slug is a 409 from the object.
	const record = await createShare(c.env, built, now)
	reportShare(c, 'created', record)
	c.header('Location', `/api/shares/${encodeURIComponent(record.id)}`)
	return recordResponse(c, record, 201, { extractionCode: code })
})

admin.openapi(listSharesRoute, async (c) => {
	const { limit = DEFAULT_PAGE, cursor, type, status, q } = c.req.valid('query')
	let page: Awaited<ReturnType<typeof listShareSummaries>>
	try {
		page = await listShareSummaries(c.env.SHARES, { limit, cursor, filter: { type, status, q } })
	} catch (error) {
		if (!(error instanceof InvalidCursorError)) throw error
		throw new AppError('invalid_query', error.message, { field: 'cursor' })
	}
	return c.json(
		{
			shares: page.shares.map((share) => ({ ...share, url: shareUrl(c, share.id) })),
			cursor: page.cursor ?? null,
		},
		200,
	)
})

admin.openapi(getShareRoute, async (c) => {
	const id = shareId(c)
	const stored = await readShare(c.env, id)
	if (!stored) throw notFound(`There is no share "${id}".`)
	if (stored.kind === 'record')
		return recordResponse(c, stored.record, 200, {
			usage: isRestricted(stored.record) ? await downloadCounts(c.env, id) : undefined,
			uploads: stored.record.type === 'upload' ? await uploadUsage(c.env, id) : undefined,
		})
	// Shown as stored, so the operator can see what to fix, or delete it.
	const error = errorFields(new AppError('invalid_record_admin', stored.message), requestLanguage(c))
	return c.json(
		{
			id,
			invalid: true as const,
			error: { code: 'invalid_record' as const, message: error.message, detail: error.detail },
			raw: stored.raw,
		},
		200,
	)
})

admin.openapi(patchShareRoute, async (c) => {
	const id = shareId(c)
	const { password, extractionCode: wantsCode, ...patch } = c.req.valid('json')
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

admin.openapi(deleteShareRoute, async (c) => {
	const id = shareId(c)
	const cached = await cachedRecord(c, id)
	await deleteReported(c, id, () => deleteShare(c.env, id, ifMatch(c)))
	await purgeCached(c, cached)
	return c.body(null, 204)
})
