// What the routes report, each once its response is built: the counting rules decide what
// the request counts as, and the event leaves with the few raw headers it needs. No await and
// no crypto here: the producer's drain does the rest after the response (events/producer.ts).
import type { Context } from 'hono'
import { base64url } from '../codec.ts'
import type { AppEnv } from '../env.ts'
import { botName } from '../events/agent.ts'
import { countAs, type Delivered } from '../events/count.ts'
import type { EventKind } from '../events/kinds.ts'
import { emit, type Observed, type ProducerEnv, type WaitUntil } from '../events/producer.ts'
import { isLimited } from '../shares/limits.ts'
import type { ShareRecord } from '../shares/schema.ts'
import { readShare } from '../shares/store.ts'
import type { TicketTarget } from '../shares/tokens.ts'
import { isPrefetch } from './pipeline/intent.ts'

/** What a delivery handed out: the object (or a zipped level's prefix) and, in a folder, its path. */
export interface Target {
	key?: string | undefined
	path?: string | undefined
}

type ShareIdentity = Pick<ShareRecord, 'id' | 'type'> & { webhook?: false | undefined }

/** The context's execution context, or undefined (app.request without one, in tests). */
export function executionContextOf(c: Context<AppEnv>): WaitUntil | undefined {
	try {
		return c.executionCtx
	} catch {
		return undefined
	}
}

/** The event of `kind` for `record`, with the request's raw facts for the drain. */
function observe(
	request: Request,
	record: ShareIdentity,
	kind: EventKind,
	target: Target = {},
	userAgent = request.headers.get('user-agent'),
): Observed {
	const headers = request.headers
	const country: unknown = request.cf?.country
	const observed: Observed = {
		kind,
		at: Date.now(),
		shareId: record.id,
		shareType: record.type,
		webhook: record.webhook !== false,
		userAgent: userAgent ?? undefined,
		ip: headers.get('cf-connecting-ip') ?? undefined,
	}
	if (target.key !== undefined) observed.key = target.key
	if (target.path !== undefined) observed.path = target.path
	if (typeof country === 'string') observed.country = country
	if (kind === 'download') observed.referer = headers.get('referer') ?? undefined
	return observed
}

/** Reports a delivery of `record`'s bytes, page or listing, answered with `status`. */
export function reportDelivery(
	request: Request,
	env: ProducerEnv,
	ctx: WaitUntil | undefined,
	record: ShareRecord,
	delivered: Delivered,
	status: number,
	target: Target = {},
): void {
	// Only a GET counts (a spend is reported by reportSpend): HEADs leave at once.
	if (!env.EVENTS || request.method !== 'GET') return
	const headers = request.headers
	const userAgent = headers.get('user-agent')
	const counted = countAs(delivered, {
		method: 'GET',
		status,
		range: headers.get('range'),
		prefetch: isPrefetch(headers),
		bot: botName(userAgent),
		limited: isLimited(record),
	})
	if (counted !== undefined) emit(env, ctx, observe(request, record, counted, target, userAgent))
}

/** Reports a delivery from a route: `response` is passed through. */
export function reported(
	c: Context<AppEnv>,
	record: ShareRecord,
	delivered: Delivered,
	response: Response,
	target: Target = {},
): Response {
	reportDelivery(c.req.raw, c.env, executionContextOf(c), record, delivered, response.status, target)
	return response
}

/** Reports the object's bytes (a 302 to COS, or a stream) from a route: `response` is passed through. */
export function reportedBytes(
	c: Context<AppEnv>,
	record: ShareRecord,
	response: Response,
	target: Target,
): Response {
	return reported(c, record, response.status === 302 ? 'redirect' : 'stream', response, target)
}

/** What a ticket was spent for: the object, or a zipped level's prefix, and its path. */
function spentTarget(record: ShareRecord, target: TicketTarget): Target {
	if (target.kind === 'file') return { key: record.type === 'file' ? record.key : undefined }
	const prefix = record.type === 'folder' ? record.prefix : ''
	return { key: prefix + target.path, path: target.kind === 'zip' ? target.path || '/' : target.path }
}

/** A limited share spent its download number `sequence` (and, if it was the last, is exhausted). */
export function reportSpend(
	c: Context<AppEnv>,
	record: ShareRecord,
	target: TicketTarget,
	sequence: number,
): void {
	const ctx = executionContextOf(c)
	emit(c.env, ctx, {
		...observe(c.req.raw, record, 'download', spentTarget(record, target)),
		download: sequence,
	})
	if (record.maxDownloads !== undefined && sequence >= record.maxDownloads)
		emit(c.env, ctx, observe(c.req.raw, record, 'exhausted'))
}

/** An event id made from `parts`: reporting the same thing twice makes the same event. */
export async function stableEventId(...parts: string[]): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\n')))
	return base64url(new Uint8Array(digest, 0, 16))
}

/** An upload link received a file. */
export function reportUpload(
	c: Context<AppEnv>,
	record: ShareRecord,
	upload: { key: string; name: string; size: number; contentType: string },
	id?: string,
): void {
	emit(c.env, executionContextOf(c), {
		...observe(c.req.raw, record, 'upload', { key: upload.key }),
		...(id === undefined ? {} : { id }),
		name: upload.name,
		size: upload.size,
		contentType: upload.contentType,
	})
}

/** A share was created or deleted (the admin API). */
export function reportShare(c: Context<AppEnv>, kind: 'created' | 'deleted', record: ShareIdentity): void {
	emit(c.env, executionContextOf(c), {
		kind,
		at: Date.now(),
		shareId: record.id,
		shareType: record.type,
		webhook: record.webhook !== false,
	})
}

const SHARE_TYPES = new Set<string>(['file', 'folder', 'upload'])

/**
 * Deletes a share with `remove` and reports it. The record is read first: share.deleted
 * names the kind of share, and a share may have asked for no webhooks.
 */
export async function deleteReported(
	c: Context<AppEnv>,
	id: string,
	remove: () => Promise<void>,
): Promise<void> {
	const stored = c.env.EVENTS ? await readShare(c.env, id).catch(() => null) : null
	await remove()
	if (stored?.kind === 'record') return reportShare(c, 'deleted', stored.record)
	const raw =
		stored?.kind === 'invalid' && typeof stored.raw === 'object' && stored.raw !== null
			? (stored.raw as { type?: unknown })
			: {}
	const type =
		typeof raw.type === 'string' && SHARE_TYPES.has(raw.type) ? (raw.type as ShareRecord['type']) : 'file'
	reportShare(c, 'deleted', { id, type })
}
