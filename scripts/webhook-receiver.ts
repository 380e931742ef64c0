// A small local webhook receiver: what `npm start` points WEBHOOK_URL at, so a newcomer sees
// events arrive, and what the end-to-end tests read deliveries from. Every delivery is
// verified with the `standardwebhooks` package (the receiver's side of the spec).
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface Delivery {
	/** webhook-id: the same on every try of one event. */
	id: string
	timestamp: string
	/** Whether the signature verified against the secret. */
	verified: boolean
	type: string
	data: Record<string, unknown>
	/** What the receiver answered. */
	status: number
	at: number
}

export interface ReceiverOptions {
	secret: string
	/** The status to answer a delivery with (default 204); `tries` counts this id's deliveries so far, this one included. */
	answer?: (delivery: { id: string; type: string; tries: number }) => number
	/** Called with each delivery once answered. */
	onDelivery?: (delivery: Delivery) => void
}

export interface Receiver {
	url: string
	deliveries: Delivery[]
	close(): Promise<void>
}

/** A fresh Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
	return `whsec_${randomBytes(24).toString('base64')}`
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = []
		request.on('data', (chunk: Buffer) => chunks.push(chunk))
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
		request.on('error', reject)
	})
}

/** Listens on 127.0.0.1 at a free port. */
export async function startWebhookReceiver(options: ReceiverOptions): Promise<Receiver> {
	const verifier = new Webhook(options.secret)
	const deliveries: Delivery[] = []
	const tries = new Map<string, number>()
	const server = createServer(async (request, response) => {
		const body = await readBody(request)
		const header = (name: string) => String(request.headers[name] ?? '')
		const id = header('webhook-id')
		let verified = false
		let payload: { type?: unknown; data?: unknown } = {}
		try {
			payload = verifier.verify(body, {
				'webhook-id': id,
				'webhook-timestamp': header('webhook-timestamp'),
				'webhook-signature': header('webhook-signature'),
			}) as typeof payload
			verified = true
		} catch {
			try {
				payload = JSON.parse(body) as typeof payload
			} catch {
				// Neither signed nor JSON: recorded as it is.
			}
		}
		const type = typeof payload.type === 'string' ? payload.type : 'unknown'
		const count = (tries.get(id) ?? 0) + 1
		tries.set(id, count)
		const status = options.answer?.({ id, type, tries: count }) ?? 204
		response.writeHead(status).end()
		const delivery: Delivery = {
			id,
			timestamp: header('webhook-timestamp'),
			verified,
			type,
			data:
				typeof payload.data === 'object' && payload.data !== null
					? (payload.data as Record<string, unknown>)
					: {},
			status,
			at: Date.now(),
		}
		deliveries.push(delivery)
		options.onDelivery?.(delivery)
	})
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const { port } = server.address() as AddressInfo
	return {
		url: `http://127.0.0.1:${port}/webhooks`,
		deliveries,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	}
}

/** One line per delivery, as `npm start` prints it. */
export function describeDelivery(delivery: Delivery): string {
	const { shareId, at: _at, ...rest } = delivery.data
	const fields = Object.entries(rest)
		.filter(([, value]) => value !== null && value !== undefined)
		.map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
		.join(' ')
	const check = delivery.verified ? 'signature ok' : 'SIGNATURE INVALID'
	return `webhook ${delivery.type} ${String(shareId ?? '')} ${fields} (${delivery.id}, ${check})`
}
