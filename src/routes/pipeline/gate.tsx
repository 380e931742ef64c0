// What restricted shares ask of a request before any bytes: is it unlocked (cookie or Bearer
// token), is it a request that must never spend a download, and the tickets that carry one.
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { type AppEnv, type Config, requireLinkSecret } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { pickLanguage } from '../../http/negotiate.ts'
import { newNonce, pageCsp } from '../../pages/csp.ts'
import { UnlockPage } from '../../pages/unlock.tsx'
import { languageLinks } from '../../respond.tsx'
import type { Grant } from '../../shares/limits.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { openUnlockToken, signTicket, signUnlockToken } from '../../shares/tokens.ts'

/** How long an unlock lasts (cookie and token alike). */
export const UNLOCK_TTL_SECONDS = 24 * 3600
export const DEFAULT_TICKET_TTL = 3600

/** One cookie per share (Path=/ covers /:id, /:id/download, /:id/preview and the forms). */
export function unlockCookieName(id: string): string {
	return `coslink_unlock_${id}`
}

const createdMs = (record: ShareRecord) => Date.parse(record.createdAt)

/** The token of an unlock: an HMAC over the share, its password version and an expiry. */
export async function unlockToken(config: Config, record: ShareRecord, nowMs: number) {
	const expires = Math.floor(nowMs / 1000) + UNLOCK_TTL_SECONDS
	const token = await signUnlockToken(requireLinkSecret(config), {
		id: record.id,
		created: createdMs(record),
		counter: record.passwordVersion ?? 1,
		expires,
	})
	return { token, expires }
}

function bearer(header: string | undefined): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
	return match?.[1]
}

/** Whether the request carries a live unlock of this share, at its current password. */
export async function isUnlocked(
	c: Context<AppEnv>,
	record: ShareRecord,
	config: Config,
	nowMs: number,
): Promise<boolean> {
	if (record.passwordHash === undefined) return true
	const secret = requireLinkSecret(config)
	for (const candidate of [
		bearer(c.req.header('authorization')),
		getCookie(c, unlockCookieName(record.id)),
	]) {
		if (candidate === undefined) continue
		const claims = await openUnlockToken(secret, candidate, nowMs)
		if (
			claims &&
			claims.id === record.id &&
			claims.created === createdMs(record) &&
			claims.counter === (record.passwordVersion ?? 1)
		)
			return true
	}
	return false
}

/** `Sec-Purpose: prefetch` (and the older `Purpose`): a guess at a click, never a download. */
export function isPrefetch(headers: Headers): boolean {
	return /prefetch|prerender/i.test(`${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''}`)
}

export type UnlockProblem = 'wrong' | 'too_many'

/** The unlock page of a protected share: 401 until unlocked, or the failed attempt's status. */
export async function unlockPage(
	c: Context<AppEnv>,
	record: ShareRecord,
	status: 401 | 429 = 401,
	problem?: UnlockProblem,
): Promise<Response> {
	const nonce = newNonce()
	const lang = pickLanguage(c.req.header('accept-language'), c.req.query('lang'))
	const shareLinks = languageLinks(new URL(`/${encodeURIComponent(record.id)}`, c.req.url).href)
	// A language chosen by link stays chosen through the form and back to the share.
	return c.html(
		<UnlockPage
			lang={lang}
			nonce={nonce}
			action={`/_/unlock/${encodeURIComponent(record.id)}${langQuery(c)}`}
			problem={problem}
			languageLinks={shareLinks}
		/>,
		status,
		{
			...SECURITY_HEADERS,
			'Content-Security-Policy': pageCsp(nonce),
			'Cache-Control': NO_STORE,
			Vary: 'Accept, Accept-Language, User-Agent, Sec-Fetch-Mode, Authorization, Cookie',
		},
	)
}

/** `?lang=xx` when the request chose a language by its query, else nothing. */
export function langQuery(c: Context<AppEnv>): string {
	const lang = c.req.query('lang')?.trim().toLowerCase()
	return lang === 'en' || lang === 'zh' ? `?lang=${lang}` : ''
}

export function passwordRequired(c: Context<AppEnv>): never {
	c.header('WWW-Authenticate', 'Bearer realm="coslink"')
	throw new AppError(
		401,
		'password_required',
		'This share is protected. Unlock it with POST /_/unlock/<id> and send "Authorization: Bearer <token>".',
	)
}

/** The error of a download the share's Durable Object would not grant. */
export function notGranted(reason: Exclude<Grant, 'granted'> | 'not_found'): AppError {
	if (reason === 'limit_reached')
		return new AppError(410, 'download_limit_reached', 'This link has been downloaded as often as it allows.')
	if (reason === 'expired')
		return new AppError(410, 'share_expired', 'Its time is up. Ask whoever shared it for a new link.')
	return new AppError(404, 'not_found', 'There is nothing at this address.')
}

/** The path of a fresh ticket for download number `sequence` of a share. */
export async function ticketPath(
	config: Config,
	record: ShareRecord,
	sequence: number,
	nowMs: number,
): Promise<string> {
	let expires = Math.floor(nowMs / 1000) + (config.ticketTtl ?? DEFAULT_TICKET_TTL)
	if (record.expiresAt !== undefined)
		expires = Math.min(expires, Math.floor(Date.parse(record.expiresAt) / 1000))
	const ticket = await signTicket(requireLinkSecret(config), {
		id: record.id,
		created: createdMs(record),
		counter: sequence,
		expires,
	})
	return `/_/t/${ticket}`
}

/** POSTs from another site never spend or unlock anything here. */
export function checkSameOrigin(c: Context<AppEnv>): void {
	const origin = c.req.header('origin')
	if (origin === undefined || origin === 'null') return
	if (origin !== new URL(c.req.url).origin)
		throw new AppError(403, 'cross_site_request', 'This form can only be sent from the share’s own page.')
}
