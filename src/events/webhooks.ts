// Webhooks per Standard Webhooks (standardwebhooks.com): a POST of `{ type, timestamp, data }`
// with `webhook-id` (the same on every try of one event), `webhook-timestamp` (this try's
// Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under
// the decoded `whsec_` secret. A 2xx acknowledges; anything else, a redirect (never followed)
// or a timeout is retried by the Queue. Optional: without WEBHOOK_URL nothing is sent.
import { log } from '../log.ts'
import {
	ALL_WEBHOOK_TYPES,
	type ShareEvent,
	type WebhookDelivery,
	type WebhookType,
	webhookTypeOf,
} from './kinds.ts'

export interface WebhookEnv {
	WEBHOOK_URL?: string
	WEBHOOK_SECRET?: string
	WEBHOOK_EVENTS?: string
}

export interface WebhookSettings {
	url: string
	/** The secret's key bytes (the base64 after `whsec_`). */
	key: Uint8Array
	types: ReadonlySet<WebhookType>
}

/**
 * After failed try n (1-based), the next waits RETRY_DELAYS[n - 1] seconds. The first try is
 * made at once by the consumer; the Queue brings back a failed one up to 9 times (its first
 * delivery and max_retries = 8): 10 tries over 82 minutes, then the dead-letter queue.
 */
export const RETRY_DELAYS = [5, 30, 60, 300, 600, 900, 1200, 1800, 1800] as const
/** How often the Queue delivers one webhook message: wrangler.toml's max_retries + 1. */
export const MAX_QUEUE_TRIES = 9
/** Every try: the first, then the Queue's. */
export const MAX_TRIES = 1 + MAX_QUEUE_TRIES
/** A receiver that has not answered by then failed this try. */
export const WEBHOOK_TIMEOUT_MS = 15_000
/** The first try is shorter: the batch's counting waits for it. */
export const FIRST_TRY_TIMEOUT_MS = 5000

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/

export class WebhookSettingError extends Error {
	override readonly name = 'WebhookSettingError'
	readonly setting: string
	constructor(setting: string, problem: string) {
		super(`${setting} ${problem}`)
		this.setting = setting
	}
}

function text(env: WebhookEnv, name: keyof WebhookEnv): string {
	const value = env[name]
	return typeof value === 'string' ? value.trim() : ''
}

/** The webhook settings, undefined when WEBHOOK_URL is unset; a bad setting throws its name. */
export function parseWebhookSettings(env: WebhookEnv): WebhookSettings | undefined {
	const raw = text(env, 'WEBHOOK_URL')
	if (raw === '') return undefined
	const url = URL.parse(raw)
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
		throw new WebhookSettingError('WEBHOOK_URL', 'must be an https:// URL')
	// The operator's URL, but never in the clear across a network: http only to this machine.
	if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname))
		throw new WebhookSettingError('WEBHOOK_URL', 'must be https:// (http:// only for localhost or 127.0.0.1)')
	const secret = SECRET.exec(text(env, 'WEBHOOK_SECRET'))?.[1]
	const key = secret === undefined ? undefined : Uint8Array.from(atob(secret), (char) => char.charCodeAt(0))
	if (!key || key.length < 16 || key.length > 64)
		throw new WebhookSettingError('WEBHOOK_SECRET', 'must be whsec_ and 16 to 64 bytes in base64')
	const names = text(env, 'WEBHOOK_EVENTS')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '')
	for (const name of names)
		if (!(ALL_WEBHOOK_TYPES as readonly string[]).includes(name))
			throw new WebhookSettingError('WEBHOOK_EVENTS', `names an unknown event "${name}"`)
	const types = new Set(names.length === 0 ? ALL_WEBHOOK_TYPES : (names as WebhookType[]))
	return { url: url.href, key, types }
}

// Parsed once per env object, as the worker's own config is; a bad setting is logged once.
const parsed = new WeakMap<object, WebhookSettings | null>()

/** The settings, or undefined when webhooks are off or misconfigured (logged, never thrown). */
export function webhookSettings(env: WebhookEnv): WebhookSettings | undefined {
	let settings = parsed.get(env)
	if (settings === undefined) {
		try {
			settings = parseWebhookSettings(env) ?? null
		} catch (error) {
			if (!(error instanceof WebhookSettingError)) throw error
			log('error', 'webhooks_misconfigured', { setting: error.setting, problem: error.message })
			settings = null
		}
		parsed.set(env, settings)
	}
	return settings ?? undefined
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The `data` of an event's webhook. */
function dataOf(event: ShareEvent): Record<string, unknown> {
	const at = iso(event.at)
	const { shareId, shareType } = event
	switch (event.kind) {
		case 'download':
			return {
				shareId,
				shareType,
				key: event.key ?? null,
				...(event.path === undefined ? {} : { path: event.path }),
				download: event.download ?? null,
				country: event.country ?? null,
				agent: event.agent ?? null,
				at,
			}
		case 'upload':
			return {
				shareId,
				key: event.key ?? null,
				name: event.name ?? null,
				size: event.size ?? null,
				contentType: event.contentType ?? null,
				at,
			}
		case 'exhausted':
			return { shareId, at }
		default:
			return { shareId, shareType, at }
	}
}

/** The delivery an event makes under `settings`, or undefined when it sends none. */
export function deliveryFor(event: ShareEvent, settings: WebhookSettings): WebhookDelivery | undefined {
	const type = webhookTypeOf(event.kind)
	if (type === undefined || !event.webhook || !settings.types.has(type)) return undefined
	return {
		id: `msg_${event.id}`,
		type,
		shareId: event.shareId,
		body: JSON.stringify({ type, timestamp: iso(event.at), data: dataOf(event) }),
	}
}

const encoder = new TextEncoder()
const keys = new WeakMap<Uint8Array, Promise<CryptoKey>>()

function base64(bytes: Uint8Array): string {
	let binary = ''
	for (const byte of bytes) binary += String.fromCharCode(byte)
	return btoa(binary)
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. */
export async function signWebhook(
	key: Uint8Array,
	id: string,
	timestamp: number,
	body: string,
): Promise<string> {
	let hmac = keys.get(key)
	if (!hmac) {
		hmac = crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
		keys.set(key, hmac)
	}
	const mac = await crypto.subtle.sign('HMAC', await hmac, encoder.encode(`${id}.${timestamp}.${body}`))
	return `v1,${base64(new Uint8Array(mac))}`
}

export type DeliveryFailure = { ok: false; status: number | null; error: string }
export type DeliveryOutcome = { ok: true; status: number } | DeliveryFailure

/** One try: POST the signed body; never follows a redirect. */
export async function sendWebhook(
	settings: WebhookSettings,
	delivery: WebhookDelivery,
	nowMs: number,
	timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<DeliveryOutcome> {
	const timestamp = Math.floor(nowMs / 1000)
	const signature = await signWebhook(settings.key, delivery.id, timestamp, delivery.body)
	let response: Response
	try {
		response = await fetch(settings.url, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/json',
				'user-agent': 'coslink-webhooks/1',
				'webhook-id': delivery.id,
				'webhook-timestamp': String(timestamp),
				'webhook-signature': signature,
			},
			body: delivery.body,
			signal: AbortSignal.timeout(timeoutMs),
		})
	} catch (error) {
		const name = error instanceof Error ? error.name : 'unknown'
		return { ok: false, status: null, error: name === 'TimeoutError' ? 'timeout' : 'unreachable' }
	}
	await response.body?.cancel()
	const { status } = response
	if (status >= 200 && status < 300) return { ok: true, status }
	return { ok: false, status, error: status >= 300 && status < 400 ? 'redirect' : 'status' }
}

/** Seconds before the try after try `attempts` (1-based). */
export function retryDelay(attempts: number): number {
	return RETRY_DELAYS[Math.min(Math.max(attempts, 1), RETRY_DELAYS.length) - 1] ?? RETRY_DELAYS[0]
}
