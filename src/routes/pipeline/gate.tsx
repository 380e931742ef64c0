// The pieces of authorization that authorize.ts and tickets.ts share: unlock tokens (cookie
// or Bearer), the unlock page, tickets, and the same-origin rule for the forms' POSTs.
import type { Context } from 'hono'
import { parse as parseCookie } from 'hono/utils/cookie'
import { type AppEnv, type Config, requireLinkSecret } from '../../env.ts'
import { AppError, type ErrorVariant } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { pickLanguage } from '../../http/negotiate.ts'
import { newNonce, pageCsp } from '../../pages/csp.ts'
import { UnlockPage } from '../../pages/unlock.tsx'
import { languageLinks } from '../../respond.tsx'
import { grantVersion, knownGrantVersion } from '../../shares/grant.ts'
import type { Grant } from '../../shares/limits.ts'
import { expiresAtSeconds } from '../../shares/rules.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { signTicket, signUnlockToken, type TicketTarget, type UnlockClaims } from '../../shares/tokens.ts'
import { shareUrlFor } from '../share-url.ts'
import { knownUnlock, openRememberedUnlock } from './unlock-memo.ts'

/** How long an unlock lasts (cookie and token alike). */
export const UNLOCK_TTL_SECONDS = 24 * 3600
export const DEFAULT_TICKET_TTL = 3600

/** One cookie per share (Path=/ covers every route of the share and the forms). */
export function unlockCookieName(id: string): string {
	return `coslink_unlock_${id}`
}

/** The token of an unlock: an HMAC over the share, its grant version and an expiry. */
export async function unlockToken(config: Config, record: ShareRecord, nowMs: number) {
	const expires = Math.floor(nowMs / 1000) + UNLOCK_TTL_SECONDS
	const token = await signUnlockToken(requireLinkSecret(config), {
		id: record.id,
		grant: await grantVersion(record),
		expires,
	})
	return { token, expires }
}

function bearer(header: string | null): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
	return match?.[1]
}

/** The unlock tokens a request offers for share `id`: its Bearer token, then its cookie. */
function offeredTokens(headers: Headers, id: string): string[] {
	const tokens: string[] = []
	const token = bearer(headers.get('authorization'))
	if (token !== undefined) tokens.push(token)
	const cookies = headers.get('cookie')
	if (cookies) {
		const name = unlockCookieName(id)
		const cookie = parseCookie(cookies, name)[name]
		if (cookie !== undefined) tokens.push(cookie)
	}
	return tokens
}

// The id too: two shares created in the same millisecond with the same password differ by
// nothing else a token could be checked against.
const unlocks = (claims: UnlockClaims, record: ShareRecord, grant: string | undefined) =>
	claims.id === record.id && claims.grant === grant

/** Whether the request carries a live unlock of this share, as it is now. */
export async function isUnlocked(
	c: Context<AppEnv>,
	record: ShareRecord,
	config: Config,
	nowMs: number,
): Promise<boolean> {
	if (record.passwordHash === undefined) return true
	const secret = requireLinkSecret(config)
	for (const token of offeredTokens(c.req.raw.headers, record.id)) {
		const claims = await openRememberedUnlock(secret, token, nowMs)
		if (claims && unlocks(claims, record, await grantVersion(record))) return true
	}
	return false
}

/**
 * The same answer without waiting, for the warm path: true only for a token this isolate has
 * already verified, for this share as it is now; false means "ask isUnlocked".
 */
export function isKnownUnlocked(
	headers: Headers,
	record: ShareRecord,
	secret: string,
	nowMs: number,
): boolean {
	const grant = knownGrantVersion(record)
	if (grant === undefined) return false
	return offeredTokens(headers, record.id).some((token) => {
		const claims = knownUnlock(secret, token, nowMs)
		return claims !== undefined && unlocks(claims, record, grant)
	})
}

export type UnlockProblem = 'wrong' | 'too_many'

/** The unlock page of a protected share: 401 until unlocked, or the failed attempt's status. */
export async function unlockPage(
	c: Context<AppEnv>,
	record: ShareRecord,
	status: 401 | 429 = 401,
	problem?: UnlockProblem,
	back?: string,
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
			shareKind={record.type}
			secret={record.passwordKind === 'code' ? 'code' : 'password'}
			prefill={c.req.method === 'GET' ? c.req.query('pwd') : undefined}
			problem={problem}
			back={back}
			shareUrl={shareUrlFor(c.var.config, c.req.url, record.id)}
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

/**
 * The address to come back to after an unlock: where the visitor was, less a `?pwd=` code,
 * which has done its work once it is in the form and must not stay in the address bar.
 */
export function backFrom(url: URL): string {
	const back = new URL(url)
	back.searchParams.delete('pwd')
	return `${back.pathname}${back.search}`
}

/**
 * Where an unlock may send its visitor: an address of this share on this site (its root,
 * a folder level, a file), never anywhere else. Undefined for anything else.
 */
export function backWithin(id: string, back: string | undefined): string | undefined {
	if (back === undefined || back.length > 2048) return undefined
	const root = `/${id}`
	if (back !== root && !back.startsWith(`${root}/`) && !back.startsWith(`${root}?`)) return undefined
	// Only a plain path: no scheme, host, backslash or control character can follow.
	if (!/^\/[\w\-.~%!$&'()*+,;=:@/?]*$/.test(back) || back.includes('//')) return undefined
	return back
}

/** `?lang=xx` when the request chose a language by its query, else nothing. */
export function langQuery(c: Context<AppEnv>): string {
	const lang = c.req.query('lang')?.trim().toLowerCase()
	return lang === 'en' || lang === 'zh' ? `?lang=${lang}` : ''
}

export function passwordRequired(c: Context<AppEnv>): never {
	c.header('WWW-Authenticate', 'Bearer realm="coslink"')
	throw new AppError(
		'password_required',
		'Unlock it with POST /_/unlock/<id> and send "Authorization: Bearer <token>".',
	)
}

/** The error of a download the share's Durable Object would not grant. */
export function notGranted(reason: Exclude<Grant, 'granted'> | 'not_found'): AppError {
	if (reason === 'limit_reached') return new AppError('download_limit_reached')
	if (reason === 'expired') return new AppError('share_expired')
	return new AppError('not_found')
}

/** The path of a fresh ticket for download number `sequence` of a share, good for `target`. */
export async function ticketPath(
	config: Config,
	record: ShareRecord,
	sequence: number,
	target: TicketTarget,
	nowMs: number,
): Promise<string> {
	let expires = Math.floor(nowMs / 1000) + (config.ticketTtl ?? DEFAULT_TICKET_TTL)
	const end = expiresAtSeconds(record)
	if (end !== undefined) expires = Math.min(expires, end)
	const ticket = await signTicket(requireLinkSecret(config), {
		id: record.id,
		grant: await grantVersion(record),
		sequence,
		expires,
		target,
	})
	return `/_/t/${ticket}`
}

/**
 * POSTs from another site never spend, unlock or upload anything here. A browser marks a
 * cross-site request with Sec-Fetch-Site, and names another origin in Origin. The pages' own
 * forms send `Origin: null` (every page has Referrer-Policy: no-referrer), so `null` passes
 * only when the browser vouches for the request as same-origin; a sandboxed frame elsewhere
 * also sends `null`, with `Sec-Fetch-Site: cross-site`. Clients that send neither header
 * (curl, scripts) are not browsers acting for someone else. `variant` words the refusal for
 * another form than a share's (the admin console's sign-in).
 */
export function checkSameOrigin(c: Context<AppEnv>, variant?: ErrorVariant): void {
	const site = c.req.header('sec-fetch-site')?.toLowerCase()
	const origin = c.req.header('origin')
	const crossSite = site === 'cross-site' || site === 'same-site'
	const otherOrigin = origin !== undefined && origin !== 'null' && origin !== new URL(c.req.url).origin
	const opaque = origin === 'null' && site !== undefined && site !== 'same-origin'
	if (crossSite || otherOrigin || opaque)
		throw variant === undefined ? new AppError('cross_site_request') : AppError.of(variant)
}
