// POST /_/unlock/:id: a password or extraction code for a protected share of any kind.
// A form gets a 303 back into the share with an HttpOnly cookie; JSON gets { token,
// expiresAt } to send as "Authorization: Bearer <token>". Attempts are slowed per network
// by the share's Durable Object (and first by the UNLOCK_LIMIT binding when it exists).
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { setCookie } from 'hono/cookie'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { clientNetwork } from '../../shares/limits.ts'
import { normalizeCode, verifyPassword } from '../../shares/password.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { unlockAttempt, unlockSucceeded } from '../../shares/store.ts'
import { withConfig } from './config.ts'
import {
	backWithin,
	checkSameOrigin,
	langQuery,
	UNLOCK_TTL_SECONDS,
	unlockCookieName,
	unlockPage,
	unlockToken,
} from './gate.tsx'
import { rateLimitWait } from './miss-limit.ts'
import { resolveLive } from './resolve.ts'

export const unlock = new Hono<AppEnv>()

const MAX_FORM_BYTES = 4096

unlock.use(
	'/_/unlock/*',
	withConfig,
	bodyLimit({
		maxSize: MAX_FORM_BYTES,
		onError: () => {
			throw new AppError('body_too_large', `The request body is over ${MAX_FORM_BYTES} bytes.`)
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
async function readPassword(c: Context<AppEnv>): Promise<{ password: string; form: boolean; back?: string }> {
	const type = c.req.header('content-type') ?? ''
	if (/^application\/json\s*(;|$)/i.test(type)) {
		let body: unknown
		try {
			body = await c.req.json()
		} catch {
			throw new AppError('invalid_body', 'The body is not valid JSON.')
		}
		const password = (body as { password?: unknown } | null)?.password
		if (typeof password !== 'string')
			throw new AppError('invalid_body', 'password: must be a string', { field: 'password' })
		return { password, form: false }
	}
	if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(type)) {
		const { password, back } = await c.req.parseBody()
		return {
			password: typeof password === 'string' ? password : '',
			form: true,
			back: typeof back === 'string' ? back : undefined,
		}
	}
	throw new AppError('unsupported_media_type', 'Send the password as a form or as application/json.')
}

/** 429 with Retry-After: the unlock page for a form, too_many_attempts for JSON. */
async function tooManyAttempts(
	c: Context<AppEnv>,
	record: ShareRecord,
	form: boolean,
	retryAfter: number,
	back: string | undefined,
): Promise<Response> {
	c.header('Retry-After', String(retryAfter))
	if (form) {
		const page = await unlockPage(c, record, 429, 'too_many', back)
		page.headers.set('Retry-After', String(retryAfter))
		return page
	}
	throw new AppError('too_many_attempts', 'Too many wrong passwords were sent from your network.')
}

unlock.post('/_/unlock/:id', async (c) => {
	checkSameOrigin(c)
	const now = Date.now()
	const { record } = await resolveLive(c, c.req.param('id'), now)
	const { password, form, back } = await readPassword(c)
	// Back where the visitor was inside the share, or its own address.
	const sharePath = backWithin(record.id, back) ?? `/${encodeURIComponent(record.id)}${langQuery(c)}`
	if (record.passwordHash === undefined) {
		if (form) return seeOther(sharePath)
		throw new AppError('not_protected')
	}
	const network = clientNetwork(c.req.header('cf-connecting-ip'))
	// The binding is the cheap first filter: a flood is refused before the object is asked.
	const filtered = await rateLimitWait(c.env.UNLOCK_LIMIT, `${record.id} ${network}`, now)
	if (filtered > 0) return tooManyAttempts(c, record, form, filtered, backWithin(record.id, back))
	const attempt = await unlockAttempt(c.env, record.id, network, now)
	if (!attempt.ok) return tooManyAttempts(c, record, form, attempt.retryAfter, backWithin(record.id, back))
	// The password is checked once per unlock: PBKDF2 costs more CPU than a request may spend.
	// An extraction code matches however it was typed; a password only exactly.
	const secret = record.passwordKind === 'code' ? normalizeCode(password) : password
	const right = secret.length <= 128 && (await verifyPassword(secret, record.passwordHash))
	if (!right) {
		if (form) return unlockPage(c, record, 401, 'wrong', backWithin(record.id, back))
		throw new AppError('wrong_password')
	}
	await unlockSucceeded(c.env, record.id, network)
	const { token, expires } = await unlockToken(c.var.config, record, now)
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
