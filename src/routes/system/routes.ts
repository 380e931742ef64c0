// System routes: answered before any share lookup, never touching KV.
import { Hono } from 'hono'
import { CredentialsExpiredError } from '../../cos/errors.ts'
import { type AppEnv, type Config, ConfigError, readConfig } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { CARD_PNG_BASE64 } from '../../pages/card-png.ts'
import { CARD_IMAGE_PATH } from '../../pages/parts.tsx'
import { errorFields, requestLanguage } from '../../respond.tsx'
import { hasAdminToken } from '../admin/auth.ts'
import { secure } from '../secure.ts'

export const system = new Hono<AppEnv>()

system.use('/_/*', secure)
system.use('/robots.txt', secure)
system.use('/favicon.ico', secure)

/** Warn this long before a temporary key expires. */
const EXPIRY_WARNING_SECONDS = 15 * 60

// Liveness and configuration state are public (uptime checks need them); where the bucket
// lives and when the key runs out are for the operator only.
system.get('/_/health', async (c) => {
	c.header('Cache-Control', 'no-store')
	let config: ReturnType<typeof readConfig>
	try {
		config = readConfig(c.env)
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error
		return c.json({ ok: false, config: 'misconfigured', setting: error.setting }, 503)
	}
	const { expiresAt } = config.credentials
	const now = Math.floor(Date.now() / 1000)
	const credentials =
		expiresAt === undefined
			? 'permanent'
			: expiresAt <= now
				? 'expired'
				: expiresAt - now < EXPIRY_WARNING_SECONDS
					? 'expiring'
					: 'temporary'
	const admin = await hasAdminToken(c.req.header('authorization'), config.adminToken)
	const body = {
		ok: credentials !== 'expired',
		config: 'ok',
		credentials,
		...(admin ? details(config) : {}),
	}
	if (credentials === 'expired') {
		// When the key expired is for the operator only.
		const expired = new CredentialsExpiredError(expiresAt ?? now)
		const error = new AppError(expired.code, admin ? expired.message : undefined)
		return c.json({ ...body, error: errorFields(error, requestLanguage(c)) }, 503)
	}
	return c.json(body)
})

function details(config: Config) {
	const { expiresAt } = config.credentials
	return {
		...(expiresAt === undefined ? {} : { keyExpiresAt: new Date(expiresAt * 1000).toISOString() }),
		bucket: config.target.bucket,
		region: config.target.region,
		endpoint: config.target.endpoint ? new URL(config.target.endpoint).host : 'default',
		defaultDelivery: config.defaultDelivery,
		signTtl: config.signTtl,
		originTimeoutMs: config.originTimeoutMs,
	}
}

system.get('/robots.txt', (c) => {
	c.header('Cache-Control', 'public, max-age=86400')
	return c.text('User-agent: *\nDisallow: /\n')
})

// The link-card picture of every share that shows no picture of its own (pages/parts.tsx).
let cardPng: Uint8Array<ArrayBuffer> | undefined
system.get(CARD_IMAGE_PATH, (c) => {
	cardPng ??= Uint8Array.from(atob(CARD_PNG_BASE64), (char) => char.charCodeAt(0))
	c.header('Content-Type', 'image/png')
	c.header('Cache-Control', 'public, max-age=86400')
	return c.body(cardPng)
})

system.get('/favicon.ico', (c) => {
	c.header('Cache-Control', 'public, max-age=86400')
	return c.body(null, 204)
})
