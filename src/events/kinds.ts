// What happened to a link, as one small record per event: what the request path reports (after
// its response), what the Queue carries and what the consumer counts and sends as webhooks.
import { randomBase64url } from '../codec.ts'
import type { ShareType } from '../shares/schema.ts'

/** Counted in the stats: a download, a page or listing shown, a bot's visit. */
export type CountedKind = 'download' | 'view' | 'bot'
/** Sent as webhooks only. */
export type NoticeKind = 'upload' | 'exhausted' | 'created' | 'deleted'
export type EventKind = CountedKind | NoticeKind

export const COUNTED_KINDS: readonly CountedKind[] = ['download', 'view', 'bot']

/** One event, as the Queue carries it. Never an address: `visitor` is a salted daily hash. */
export interface ShareEvent {
	/** Random, unique: the events-seen key (a redelivered batch counts once) and the webhook-id. */
	id: string
	kind: EventKind
	/** Milliseconds since the epoch. */
	at: number
	shareId: string
	shareType: ShareType
	/** The object (a file, a folder's file, an upload), or a zipped level's prefix. */
	key?: string
	/** Folder shares: the file's path inside the prefix; a zip's level ends with "/". */
	path?: string
	/** Limited shares: the download's number, as the share's Durable Object counted it. */
	download?: number
	/** `request.cf.country`. */
	country?: string
	/** The Referer's host. */
	referrer?: string
	/** browser, curl, wget, aria2, download-manager, other, or a bot's name. */
	agent?: string
	visitor?: string
	/** Uploads: the stored name, bytes and type. */
	name?: string
	size?: number
	contentType?: string
	/** false: the share asked for no webhooks (its stats are still counted). */
	webhook: boolean
}

/** Webhook event types (Standard Webhooks `type`), by the event kinds that send them. */
export const WEBHOOK_TYPES = {
	download: 'share.downloaded',
	upload: 'upload.completed',
	exhausted: 'share.exhausted',
	created: 'share.created',
	deleted: 'share.deleted',
} as const satisfies Partial<Record<EventKind, string>>

export type WebhookType = (typeof WEBHOOK_TYPES)[keyof typeof WEBHOOK_TYPES]

export const ALL_WEBHOOK_TYPES: readonly WebhookType[] = Object.values(WEBHOOK_TYPES)

export function webhookTypeOf(kind: EventKind): WebhookType | undefined {
	return kind in WEBHOOK_TYPES ? WEBHOOK_TYPES[kind as keyof typeof WEBHOOK_TYPES] : undefined
}

/** One webhook to deliver: retried by the Queue with the same id, body and type. */
export interface WebhookDelivery {
	/** webhook-id: `msg_` and the event's id, the same on every try. */
	id: string
	type: WebhookType
	shareId: string
	/** The JSON body `{ type, timestamp, data }`, exactly as signed and sent. */
	body: string
	/** Tries made before it was queued (the consumer's first, made at once). */
	tries?: number
}

/** What the EVENTS queue carries: a batch of events to count, or one webhook to deliver. */
export type EventMessage =
	| { kind: 'events'; events: ShareEvent[] }
	| { kind: 'webhook'; delivery: WebhookDelivery }

/** A new event id: 128 random bits, base64url. */
export function newEventId(): string {
	return randomBase64url()
}
