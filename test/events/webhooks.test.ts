import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ShareEvent } from '../../src/events/kinds.ts'
import {
	deliveryFor,
	MAX_TRIES,
	parseWebhookSettings,
	RETRY_DELAYS,
	retryDelay,
	sendWebhook,
	signWebhook,
	WebhookSettingError,
	type WebhookSettings,
} from '../../src/events/webhooks.ts'
import { WEBHOOK_SECRET } from './helpers.ts'

afterEach(() => {
	vi.restoreAllMocks()
})

const settingsFor = (env: Record<string, string>) => parseWebhookSettings(env) as WebhookSettings
const SETTINGS = settingsFor({ WEBHOOK_URL: 'https://hooks.example.com/coslink', WEBHOOK_SECRET })
const AT = Date.parse('2026-12-03T10:00:00.000Z')

const download: ShareEvent = {
	id: 'evt-1',
	kind: 'download',
	at: AT,
	shareId: 'report',
	shareType: 'folder',
	key: 'docs/a.pdf',
	path: 'a.pdf',
	country: 'DE',
	agent: 'curl',
	webhook: true,
}

describe('webhook settings', () => {
	it('are off without WEBHOOK_URL', () => {
		expect(parseWebhookSettings({ WEBHOOK_SECRET })).toBeUndefined()
	})

	it('refuse a plain-http URL on the network', () => {
		expect(() => parseWebhookSettings({ WEBHOOK_URL: 'http://hooks.example.com/', WEBHOOK_SECRET })).toThrow(
			WebhookSettingError,
		)
	})

	it.each(['http://127.0.0.1:8788/hook', 'http://localhost/hook', 'https://hooks.example.com/'])(
		'take %s',
		(url) => {
			expect(parseWebhookSettings({ WEBHOOK_URL: url, WEBHOOK_SECRET })?.url).toBe(url)
		},
	)

	it('refuse a URL without a whsec_ secret', () => {
		for (const secret of ['', 'plain-secret-0123456789', 'whsec_c2hvcnQ='])
			expect(() =>
				parseWebhookSettings({ WEBHOOK_URL: 'https://h.example.com/', WEBHOOK_SECRET: secret }),
			).toThrow(/WEBHOOK_SECRET/)
	})

	it('send every event type by default, or the ones WEBHOOK_EVENTS names', () => {
		expect([...SETTINGS.types].sort()).toEqual([
			'share.created',
			'share.deleted',
			'share.downloaded',
			'share.exhausted',
			'upload.completed',
		])
		const some = settingsFor({
			WEBHOOK_URL: 'https://h.example.com/',
			WEBHOOK_SECRET,
			WEBHOOK_EVENTS: ' upload.completed , share.exhausted ',
		})
		expect([...some.types].sort()).toEqual(['share.exhausted', 'upload.completed'])
	})

	it('refuse an unknown event name', () => {
		expect(() =>
			parseWebhookSettings({
				WEBHOOK_URL: 'https://h.example.com/',
				WEBHOOK_SECRET,
				WEBHOOK_EVENTS: 'share.viewed',
			}),
		).toThrow(/WEBHOOK_EVENTS/)
	})
})

describe('webhook bodies', () => {
	it('say share.downloaded with the fields of the issue', () => {
		const delivery = deliveryFor(download, SETTINGS)
		expect(delivery?.id).toBe('msg_evt-1')
		expect(JSON.parse(delivery?.body ?? '')).toEqual({
			type: 'share.downloaded',
			timestamp: '2026-12-03T10:00:00.000Z',
			data: {
				shareId: 'report',
				shareType: 'folder',
				key: 'docs/a.pdf',
				path: 'a.pdf',
				download: null,
				country: 'DE',
				agent: 'curl',
				at: '2026-12-03T10:00:00.000Z',
			},
		})
	})

	it('carry a limited share’s download number', () => {
		const body = JSON.parse(deliveryFor({ ...download, download: 3 }, SETTINGS)?.body ?? '')
		expect(body.data.download).toBe(3)
	})

	it('say upload.completed, share.exhausted, share.created and share.deleted', () => {
		const upload = {
			...download,
			kind: 'upload' as const,
			name: 'a.pdf',
			size: 5,
			contentType: 'application/pdf',
		}
		expect(JSON.parse(deliveryFor(upload, SETTINGS)?.body ?? '').data).toEqual({
			shareId: 'report',
			key: 'docs/a.pdf',
			name: 'a.pdf',
			size: 5,
			contentType: 'application/pdf',
			at: '2026-12-03T10:00:00.000Z',
		})
		expect(JSON.parse(deliveryFor({ ...download, kind: 'exhausted' }, SETTINGS)?.body ?? '')).toEqual({
			type: 'share.exhausted',
			timestamp: '2026-12-03T10:00:00.000Z',
			data: { shareId: 'report', at: '2026-12-03T10:00:00.000Z' },
		})
		for (const kind of ['created', 'deleted'] as const)
			expect(JSON.parse(deliveryFor({ ...download, kind }, SETTINGS)?.body ?? '').data).toEqual({
				shareId: 'report',
				shareType: 'folder',
				at: '2026-12-03T10:00:00.000Z',
			})
	})

	it('are not made for views, bots, shares with webhook: false, or types left out', () => {
		expect(deliveryFor({ ...download, kind: 'view' }, SETTINGS)).toBeUndefined()
		expect(deliveryFor({ ...download, kind: 'bot' }, SETTINGS)).toBeUndefined()
		expect(deliveryFor({ ...download, webhook: false }, SETTINGS)).toBeUndefined()
		const uploadsOnly = settingsFor({
			WEBHOOK_URL: 'https://h.example.com/',
			WEBHOOK_SECRET,
			WEBHOOK_EVENTS: 'upload.completed',
		})
		expect(deliveryFor(download, uploadsOnly)).toBeUndefined()
	})
})

describe('webhook signatures', () => {
	it('verify with the standardwebhooks package', async () => {
		const delivery = deliveryFor(download, SETTINGS)
		if (!delivery) throw new Error('no delivery')
		const timestamp = Math.floor(Date.now() / 1000)
		const signature = await signWebhook(SETTINGS.key, delivery.id, timestamp, delivery.body)
		const verified = new Webhook(WEBHOOK_SECRET).verify(delivery.body, {
			'webhook-id': delivery.id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signature,
		})
		expect(verified).toEqual(JSON.parse(delivery.body))
	})

	it('match the package’s own signature byte for byte', async () => {
		const when = new Date('2026-12-03T10:00:00Z')
		const expected = new Webhook(WEBHOOK_SECRET).sign('msg_x', when, '{"a":1}')
		expect(await signWebhook(SETTINGS.key, 'msg_x', when.getTime() / 1000, '{"a":1}')).toBe(expected)
	})

	it('fail verification when the body changes', async () => {
		const timestamp = Math.floor(Date.now() / 1000)
		const signature = await signWebhook(SETTINGS.key, 'msg_y', timestamp, '{"a":1}')
		expect(() =>
			new Webhook(WEBHOOK_SECRET).verify('{"a":2}', {
				'webhook-id': 'msg_y',
				'webhook-timestamp': String(timestamp),
				'webhook-signature': signature,
			}),
		).toThrow()
	})
})

describe('sending a webhook', () => {
	const delivery = {
		id: 'msg_evt-1',
		type: 'share.downloaded' as const,
		shareId: 'report',
		body: '{"type":"x"}',
	}

	it('POSTs the body with the three Standard Webhooks headers and never follows a redirect', async () => {
		const fetch = vi
			.spyOn(globalThis, 'fetch')
			.mockImplementation(async () => new Response(null, { status: 204 }))
		const outcome = await sendWebhook(SETTINGS, delivery, AT)
		expect(outcome).toEqual({ ok: true, status: 204 })
		const [url, init] = fetch.mock.calls[0] ?? []
		expect(url).toBe('https://hooks.example.com/coslink')
		expect(init?.method).toBe('POST')
		expect(init?.redirect).toBe('manual')
		const headers = new Headers(init?.headers)
		expect(headers.get('webhook-id')).toBe('msg_evt-1')
		expect(headers.get('webhook-timestamp')).toBe(String(AT / 1000))
		expect(headers.get('webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
		expect(headers.get('content-type')).toBe('application/json')
		expect(init?.body).toBe(delivery.body)
	})

	it('counts a redirect, an error status and an unreachable receiver as failures', async () => {
		vi.spyOn(globalThis, 'fetch').mockImplementationOnce(
			async () => new Response(null, { status: 301, headers: { location: 'https://elsewhere.example/' } }),
		)
		expect(await sendWebhook(SETTINGS, delivery, AT)).toEqual({ ok: false, status: 301, error: 'redirect' })
		vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => new Response('no', { status: 500 }))
		expect(await sendWebhook(SETTINGS, delivery, AT)).toEqual({ ok: false, status: 500, error: 'status' })
		vi.spyOn(globalThis, 'fetch').mockImplementationOnce(async () => {
			throw new TypeError('connection refused')
		})
		expect(await sendWebhook(SETTINGS, delivery, AT)).toEqual({
			ok: false,
			status: null,
			error: 'unreachable',
		})
	})
})

describe('the retry schedule', () => {
	it('retries first within a minute, at least 8 times, over at least an hour', () => {
		expect(retryDelay(1)).toBeLessThanOrEqual(60)
		expect(MAX_TRIES).toBeGreaterThanOrEqual(9)
		// The waits between the tries made before the dead-letter queue.
		const total = RETRY_DELAYS.slice(0, MAX_TRIES - 1).reduce((sum, delay) => sum + delay, 0)
		expect(total).toBeGreaterThanOrEqual(3600)
		expect(RETRY_DELAYS.every((delay, i) => i === 0 || delay >= (RETRY_DELAYS[i - 1] ?? 0))).toBe(true)
	})
})
