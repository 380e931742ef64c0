// The token that carries a multipart upload between its requests: which share, key, upload
// id and declared size it belongs to, sealed with LINK_SECRET so the parts and completion
// routes need no storage and cannot be pointed at any other key or upload.
import { z } from 'zod'
import { AppError } from '../../errors.ts'

const payloadSchema = z.strictObject({
	/** Share id. */
	s: z.string(),
	/** Object key. */
	k: z.string(),
	/** COS upload id. */
	u: z.string(),
	/** Declared size, bytes. */
	z: z.int().min(0),
	/** Part size, bytes. */
	p: z.int().min(1),
	/** The visitor's (sanitized) file name. */
	n: z.string(),
})

export type UploadToken = z.infer<typeof payloadSchema>

const encoder = new TextEncoder()

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array {
	const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
	return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

function importKey(secret: string): Promise<CryptoKey> {
	return crypto.subtle.importKey(
		'raw',
		encoder.encode(`upload-token\n${secret}`),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign', 'verify'],
	)
}

export async function sealUploadToken(secret: string, payload: UploadToken): Promise<string> {
	const body = base64url(encoder.encode(JSON.stringify(payload)))
	const mac = await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(body))
	return `${body}.${base64url(new Uint8Array(mac))}`
}

const invalid = () =>
	new AppError('invalid_body', 'token: is not a token of this upload link', { field: 'token' })

/** The payload of a token sealed for this share, or a 400. Verification is constant-time (WebCrypto). */
export async function openUploadToken(secret: string, token: string, shareId: string): Promise<UploadToken> {
	const [body, mac, extra] = token.split('.')
	if (!body || !mac || extra !== undefined) throw invalid()
	let payload: unknown
	try {
		const ok = await crypto.subtle.verify(
			'HMAC',
			await importKey(secret),
			fromBase64url(mac),
			encoder.encode(body),
		)
		if (!ok) throw invalid()
		payload = JSON.parse(new TextDecoder().decode(fromBase64url(body)))
	} catch {
		throw invalid()
	}
	const parsed = payloadSchema.safeParse(payload)
	if (!parsed.success || parsed.data.s !== shareId) throw invalid()
	return parsed.data
}
