// The routes of restricted shares:
//   POST /_/unlock/:id     password (form → 303 + cookie; JSON → { token, expiresAt })
//   POST /_/consume/:id    the page's download button: spends one download → 303 to its ticket
//   GET|HEAD /_/t/<ticket> the spent download, served for the ticket's life without counting
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { setCookie } from 'hono/cookie'
import { type AppEnv, readConfig, requireLinkSecret } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { clientNetwork } from '../../shares/limits.ts'
import { verifyPassword } from '../../shares/password.ts'
import { shareState } from '../../shares/rules.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { consumeDownload, liveShare, unlockAttempt, unlockSucceeded } from '../../shares/store.ts'
import { openTicket } from '../../shares/tokens.ts'
import { deliverFile } from '../file/routes.ts'
import {
	checkSameOrigin,
	isUnlocked,
	langQuery,
	notGranted,
	passwordRequired,
	ticketPath,
	UNLOCK_TTL_SECONDS,
	unlockCookieName,
	unlockPage,
	unlockToken,
} from './gate.tsx'
import { rateLimitWait } from './miss-limit.ts'
import { resolveLive } from './resolve.ts'

export const access = new Hono<AppEnv>()

/** A redirect-share ticket signs COS URLs this short: a resume asks the ticket again. */
const TICKET_SIGN_TTL = 30
const MAX_FORM_BYTES = 4096

access.use(
	'/_/unlock/*',
	bodyLimit({
		maxSize: MAX_FORM_BYTES,
		onError: () => {
			throw new AppError(413, 'body_too_large', `The request body is over ${MAX_FORM_BYTES} bytes.`)
		},
	}),
)

function seeOther(location: string, extra: Record<string, string> = {}): Response {
	return new Response(null, {
		status: 303,
		headers: { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE, Location: location, ...extra },
	})
}

/** The password of a form or JSON body, and which of the two the client speaks. */
async function readPassword(c: Context<AppEnv>): Promise<{ password: string; form: boolean }> {
	const type = c.req.header('content-type') ?? ''
	if (/^application\/json\s*(;|$)/i.test(type)) {
		let body: unknown
		try {
			body = await c.req.json()
		} catch {
			throw new AppError(400, 'invalid_body', 'The body is not valid JSON.')
		}
		const password = (body as { password?: unknown } | null)?.password
		if (typeof password !== 'string')
			throw new AppError(400, 'invalid_body', 'password: must be a string', { field: 'password' })
		return { password, form: false }
	}
	if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(type)) {
		const password = (await c.req.parseBody()).password
		return { password: typeof password === 'string' ? password : '', form: true }
	}
	throw new AppError(415, 'unsupported_media_type', 'Send the password as a form or as application/json.')
}

/** 429 with Retry-After: the unlock page for a form, too_many_attempts for JSON. */
async function tooManyAttempts(
	c: Context<AppEnv>,
	record: ShareRecord,
	form: boolean,
	retryAfter: number,
): Promise<Response> {
	c.header('Retry-After', String(retryAfter))
	if (form) {
		const page = await unlockPage(c, record, 429, 'too_many')
		page.headers.set('Retry-After', String(retryAfter))
		return page
	}
	throw new AppError(
		429,
		'too_many_attempts',
		'Too many wrong passwords from your network; wait and try again.',
	)
}

access.post('/_/unlock/:id', async (c) => {
	checkSameOrigin(c)
	const config = readConfig(c.env)
	const now = Date.now()
	const { record } = await resolveLive(c, now)
	const { password, form } = await readPassword(c)
	const sharePath = `/${encodeURIComponent(record.id)}${langQuery(c)}`
	if (record.passwordHash === undefined) {
		if (form) return seeOther(sharePath)
		throw new AppError(400, 'not_protected', 'This share has no password.')
	}
	const network = clientNetwork(c.req.header('cf-connecting-ip'))
	// The binding is the cheap first filter: a flood is refused before the object is asked.
	const filtered = await rateLimitWait(c.env.UNLOCK_LIMIT, `${record.id} ${network}`, now)
	if (filtered > 0) return tooManyAttempts(c, record, form, filtered)
	const attempt = await unlockAttempt(c.env, record.id, network, now)
	if (!attempt.ok) return tooManyAttempts(c, record, form, attempt.retryAfter)
	// The password is checked once per unlock: PBKDF2 costs more CPU than a request may spend.
	const right = password.length <= 128 && (await verifyPassword(password, record.passwordHash))
	if (!right) {
		if (form) return unlockPage(c, record, 401, 'wrong')
		throw new AppError(401, 'wrong_password', 'That password is not right.')
	}
	await unlockSucceeded(c.env, record.id, network)
	const { token, expires } = await unlockToken(config, record, now)
	if (!form)
		return c.json({ token, expiresAt: new Date(expires * 1000).toISOString() }, 200, {
			'Cache-Control': NO_STORE,
		})
	const url = new URL(c.req.url)
	setCookie(c, unlockCookieName(record.id), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'Lax',
		secure: url.hostname !== 'localhost' && url.hostname !== '127.0.0.1' && url.hostname !== '[::1]',
		maxAge: UNLOCK_TTL_SECONDS,
	})
	const response = seeOther(sharePath)
	for (const cookie of c.res.headers.getSetCookie()) response.headers.append('Set-Cookie', cookie)
	return response
})

access.post('/_/consume/:id', async (c) => {
	checkSameOrigin(c)
	const config = readConfig(c.env)
	const now = Date.now()
	const { record } = await resolveLive(c, now)
	if (record.type !== 'file') throw notFound()
	if (!(await isUnlocked(c, record, config, now))) passwordRequired(c)
	const outcome = await consumeDownload(c.env, record.id, now)
	if (!outcome.ok) throw notGranted(outcome.reason)
	return seeOther(await ticketPath(config, outcome.live.record, outcome.sequence, now))
})

async function serveTicket(c: Context<AppEnv>): Promise<Response> {
	const config = readConfig(c.env)
	const now = Date.now()
	const claims = await openTicket(requireLinkSecret(config), c.req.param('ticket') ?? '', now)
	if (!claims) throw new AppError(404, 'invalid_ticket', 'This download link is not valid (any more).')
	// The share as it is now: a deleted or replaced share takes its tickets with it.
	const live = await liveShare(c.env, claims.id, now)
	if (live?.record.type !== 'file' || Date.parse(live.record.createdAt) !== claims.created) throw notFound()
	if (shareState(live.record, now) === 'expired')
		throw new AppError(410, 'share_expired', 'Its time is up. Ask whoever shared it for a new link.')
	return deliverFile(c, live.record, config, now, {
		notAfter: claims.expires,
		maxTtl: TICKET_SIGN_TTL,
		memoOwner: {},
	})
}

access.get('/_/t/:ticket', serveTicket)
access.all('/_/t/:ticket', (c) => {
	c.header('Allow', 'GET, HEAD')
	throw new AppError(405, 'method_not_allowed', 'A download ticket can only be read (GET or HEAD).')
})
