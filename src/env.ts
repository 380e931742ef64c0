// The worker's configuration, parsed and validated once per env object. A bad or missing
// setting is named (never its value) so the operator knows what to fix.
import type { CosBucket } from './cos/endpoint.ts'
import { bucketBaseUrl } from './cos/endpoint.ts'
import { assertObjectKey } from './cos/key.ts'
import { type CosCredentials, MAX_SIGN_TTL } from './cos/presign.ts'
import { AppError } from './errors.ts'
import type { Usage } from './shares/limits.ts'
import type { ShareRecord } from './shares/schema.ts'

export type Delivery = 'redirect' | 'stream'

export interface Config {
	credentials: CosCredentials
	target: CosBucket
	signTtl: number
	defaultDelivery: Delivery
	/** Origin for share URLs in API responses; undefined means the request's origin. */
	publicBaseUrl: string | undefined
	adminToken: string
	/** Unset until a feature needs it; such a feature asks through requireLinkSecret(). */
	linkSecret: string | undefined
	/** How long to wait for COS's response headers when streaming (never the body). */
	originTimeoutMs: number
	/** The most members one folder zip may have (ZIP_MAX_FILES). */
	zipMaxFiles: number
	/** The most member bytes one folder zip may hold (ZIP_MAX_BYTES). */
	zipMaxBytes: number
	/** The largest object the edge cache fills: a fill holds the whole object in memory. */
	cacheMaxBytes: number
	/** Seconds a download ticket of a limited share lives (TICKET_TTL). */
	ticketTtl?: number
	/** Where POST /api/uploads puts sent files (SEND_PREFIX): a folder, ending with '/'. */
	sendPrefix: string
	/** The admin console's own host (CONSOLE_HOST), lowercase; undefined: any host serves it. */
	consoleHost?: string | undefined
	/** Cloudflare Access in front of the console (ACCESS_TEAM_DOMAIN and ACCESS_AUD), if set. */
	access?: AccessSettings | undefined
}

/** A Cloudflare Access application: whose tokens sign in to the admin console. */
export interface AccessSettings {
	/** The team domain's origin, `https://<team>.cloudflareaccess.com`: every token's `iss`. */
	teamDomain: string
	/** The application's Audience (AUD) tag: a token's `aud` must name it. */
	aud: string
}

export interface AppEnv {
	Bindings: Cloudflare.Env & {
		COS_SECURITY_TOKEN?: string
		ORIGIN_TIMEOUT_MS?: string
		LINK_SECRET?: string
		TICKET_TTL?: string
	}
	Variables: {
		requestId?: string
		config: Config
		/**
		 * The share behind the request's id: set by the pipeline (routes/pipeline/resolve.ts)
		 * for every route under a share's id, and by nothing else; other routes never read it.
		 */
		share: ResolvedShare
	}
}

/** The share behind a request's id, as the pipeline's resolve step found it. */
export interface ResolvedShare {
	/** The record, its expiry moved up by `expiresAfterFirstDownload` once that applies. */
	record: ShareRecord
	/** Download counts, when read from the share's Durable Object (`live`); else NO_USAGE. */
	usage: Usage
	/** Read from the share's Durable Object (exact now) rather than from KV (within its bound). */
	live: boolean
	/** The request's clock, read once: every rule and signature of the request agrees on it. */
	now: number
}

const MIN_SECRET_LENGTH = 16

export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024
// A fill holds its object in memory and an isolate has 128 MB, shared with everything else.
const MAX_CACHE_MAX_BYTES = 96 * 1024 * 1024

export class ConfigError extends AppError {
	readonly setting: string
	constructor(setting: string, problem: string) {
		super('misconfigured', `${setting} ${problem}.`, { setting })
		this.setting = setting
	}
}

function text(env: Record<string, unknown>, name: string): string {
	const value = env[name]
	return typeof value === 'string' ? value.trim() : ''
}

function required(env: Record<string, unknown>, name: string): string {
	const value = text(env, name)
	if (value === '') throw new ConfigError(name, 'is not set')
	return value
}

function checkSecretLength(name: string, value: string): string {
	if (value.length < MIN_SECRET_LENGTH)
		throw new ConfigError(name, `must be at least ${MIN_SECRET_LENGTH} characters`)
	return value
}

/** The admin token: what a client can send back in `Authorization: Bearer <token>`. */
function adminToken(env: Record<string, unknown>): string {
	const value = checkSecretLength('ADMIN_TOKEN', required(env, 'ADMIN_TOKEN'))
	// A header value carries visible ASCII only, and the admin route reads the token up to
	// the first whitespace: any other token could never log in.
	if (!/^[\x21-\x7e]+$/.test(value))
		throw new ConfigError(
			'ADMIN_TOKEN',
			'must be visible ASCII without spaces (it is sent in a Bearer header)',
		)
	return value
}

/** The LINK_SECRET of a feature that cannot work without it. */
export function requireLinkSecret(config: Config): string {
	if (config.linkSecret === undefined) throw new ConfigError('LINK_SECRET', 'is not set')
	return config.linkSecret
}

/** A whole-number setting within [min, max], or its default when unset. */
function wholeNumber(
	env: Record<string, unknown>,
	name: string,
	fallback: number,
	max: number,
	unit: string,
) {
	const raw = text(env, name) || String(fallback)
	const value = Number(raw)
	if (!/^\d+$/.test(raw) || value < 1 || value > max)
		throw new ConfigError(name, `must be whole ${unit} from 1 to ${max}`)
	return value
}

/** ISO 8601 or Unix seconds → Unix seconds. */
export function parseKeyExpiry(value: string): number | undefined {
	if (/^\d{9,11}$/.test(value)) return Number(value)
	if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined
	const ms = Date.parse(value)
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}

/** SEND_PREFIX: a folder of the bucket (never its root), since sent files are deleted under it. */
function sendPrefix(env: Record<string, unknown>): string {
	const value = text(env, 'SEND_PREFIX') || 'send/'
	const problem = 'must name a folder of the bucket, such as "send/"'
	if (!value.endsWith('/') || value.startsWith('/') || value.split('/').slice(0, -1).includes(''))
		throw new ConfigError('SEND_PREFIX', problem)
	try {
		assertObjectKey(value)
	} catch {
		throw new ConfigError('SEND_PREFIX', problem)
	}
	return value
}

/** CONSOLE_HOST: a bare host name (and port), such as admin.share.example.com. */
function consoleHost(env: Record<string, unknown>): string | undefined {
	const value = text(env, 'CONSOLE_HOST').toLowerCase()
	if (value === '') return undefined
	// Whatever a URL would read differently (a scheme, a path, a user, a default port) is refused.
	if (URL.parse(`https://${value}`)?.host !== value)
		throw new ConfigError('CONSOLE_HOST', 'must be a bare host name such as admin.share.example.com')
	return value
}

/** ACCESS_TEAM_DOMAIN and ACCESS_AUD: both, or neither. */
function access(env: Record<string, unknown>): AccessSettings | undefined {
	const domain = text(env, 'ACCESS_TEAM_DOMAIN')
	const aud = text(env, 'ACCESS_AUD')
	if (domain === '' && aud === '') return undefined
	if (domain === '') throw new ConfigError('ACCESS_TEAM_DOMAIN', 'is not set, and ACCESS_AUD needs it')
	if (aud === '') throw new ConfigError('ACCESS_AUD', 'is not set, and ACCESS_TEAM_DOMAIN needs it')
	const url = URL.parse(domain)
	if (
		url?.protocol !== 'https:' ||
		url.username ||
		url.password ||
		url.pathname.length > 1 ||
		url.search ||
		url.hash
	)
		throw new ConfigError(
			'ACCESS_TEAM_DOMAIN',
			'must be an origin such as https://<team>.cloudflareaccess.com',
		)
	if (!/^[\x21-\x7e]{1,256}$/.test(aud))
		throw new ConfigError('ACCESS_AUD', "must be the Access application's Audience (AUD) tag")
	return { teamDomain: url.origin, aud }
}

export function parseConfig(env: Record<string, unknown>): Config {
	const secretId = required(env, 'COS_SECRET_ID')
	const secretKey = required(env, 'COS_SECRET_KEY')
	const securityToken = text(env, 'COS_SECURITY_TOKEN') || undefined
	let expiresAt: number | undefined
	const expiry = text(env, 'COS_KEY_EXPIRES_AT')
	if (expiry !== '') {
		expiresAt = parseKeyExpiry(expiry)
		if (expiresAt === undefined)
			throw new ConfigError('COS_KEY_EXPIRES_AT', 'must be ISO 8601 or Unix seconds')
	}
	const target: CosBucket = {
		bucket: required(env, 'COS_BUCKET'),
		region: required(env, 'COS_REGION'),
		endpoint: text(env, 'COS_ENDPOINT') || undefined,
	}
	// In this order, each check fails only on its own setting: the accelerate domain needs no
	// region, and the default domain then fails only on a bad region.
	for (const [setting, check] of [
		['COS_BUCKET', () => bucketBaseUrl({ ...target, endpoint: undefined, accelerate: true })],
		['COS_REGION', () => bucketBaseUrl({ ...target, endpoint: undefined })],
		['COS_ENDPOINT', () => bucketBaseUrl(target)],
	] as const) {
		try {
			check()
		} catch (error) {
			throw new ConfigError(setting, error instanceof Error ? `is invalid (${error.message})` : 'is invalid')
		}
	}
	const signTtl = wholeNumber(env, 'SIGN_TTL', 300, MAX_SIGN_TTL, 'seconds')
	const delivery = text(env, 'DEFAULT_DELIVERY') || 'redirect'
	if (delivery !== 'redirect' && delivery !== 'stream')
		throw new ConfigError('DEFAULT_DELIVERY', 'must be "redirect" or "stream"')
	let publicBaseUrl: string | undefined
	const base = text(env, 'PUBLIC_BASE_URL')
	if (base !== '') {
		const url = URL.parse(base)
		if (
			!url ||
			(url.protocol !== 'https:' && url.protocol !== 'http:') ||
			url.pathname.length > 1 ||
			url.search
		)
			throw new ConfigError('PUBLIC_BASE_URL', 'must be an origin such as https://share.example.com')
		publicBaseUrl = url.origin
	}
	const linkSecret = text(env, 'LINK_SECRET')
	const originTimeoutMs = wholeNumber(env, 'ORIGIN_TIMEOUT_MS', 20_000, 120_000, 'milliseconds')
	// A ticket carries one spent download through resumes; a week is plenty for any of them.
	const ticketTtl = wholeNumber(env, 'TICKET_TTL', 3600, 7 * 86400, 'seconds')
	const cacheMaxBytes = wholeNumber(
		env,
		'CACHE_MAX_BYTES',
		DEFAULT_CACHE_MAX_BYTES,
		MAX_CACHE_MAX_BYTES,
		'bytes',
	)
	// Folder zips: every byte costs worker CPU (CRC-32 in JavaScript), so both are capped.
	const zipMaxFiles = wholeNumber(env, 'ZIP_MAX_FILES', 1000, 100_000, 'files')
	const zipMaxBytes = wholeNumber(env, 'ZIP_MAX_BYTES', 4 * 1024 ** 3, 2 ** 40, 'bytes')
	return {
		originTimeoutMs,
		zipMaxFiles,
		zipMaxBytes,
		cacheMaxBytes,
		ticketTtl,
		sendPrefix: sendPrefix(env),
		consoleHost: consoleHost(env),
		access: access(env),
		credentials: { secretId, secretKey, securityToken, expiresAt },
		target,
		signTtl,
		defaultDelivery: delivery,
		publicBaseUrl,
		adminToken: adminToken(env),
		linkSecret: linkSecret === '' ? undefined : checkSecretLength('LINK_SECRET', linkSecret),
	}
}

// Parsed once per env object: bindings are fixed for an isolate's life.
const parsed = new WeakMap<object, Config | ConfigError>()

export function readConfig(env: object): Config {
	let result = parsed.get(env)
	if (!result) {
		try {
			result = parseConfig(env as Record<string, unknown>)
		} catch (error) {
			if (!(error instanceof ConfigError)) throw error
			result = error
		}
		parsed.set(env, result)
	}
	if (result instanceof ConfigError) throw result
	return result
}
