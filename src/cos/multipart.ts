// COS multipart uploads (docs 7746 initiate, 7750 upload part, 7742 complete, 7740 abort):
// signed requests and their parsed answers. Pure: the caller sends them with its own fetch.
// The signatures were checked against Tencent's SDK (COS-NOTES, "Multipart signing").
import { cosEncode, encodeKeyPath } from './encode.ts'
import { bucketBaseUrl, type CosBucket } from './endpoint.ts'
import { CredentialsExpiredError } from './errors.ts'
import { assertObjectKey } from './key.ts'
import { type CosCredentials, presignObjectUrl, type SignedWindow } from './presign.ts'
import { cosAuthorization } from './sign.ts'

export interface CosCall {
	credentials: CosCredentials
	target: CosBucket
	key: string
	/** Milliseconds since the epoch. */
	now: number
	/** Seconds the signature lives. */
	ttl: number
}

export interface CosRequest {
	method: 'POST' | 'PUT' | 'DELETE' | 'HEAD'
	url: string
	headers: Record<string, string>
	body?: string
}

/** COS: a part number is 1–10,000. */
export const MAX_PART_NUMBER = 10_000

function window(call: CosCall): SignedWindow {
	const now = Math.floor(call.now / 1000)
	// As presign does: an expired temporary key is the operator's problem to name (503), not a
	// signature COS would refuse with an opaque 403.
	const { expiresAt: keyExpiresAt } = call.credentials
	if (keyExpiresAt !== undefined && keyExpiresAt <= now) throw new CredentialsExpiredError(keyExpiresAt)
	const end = Math.min(now + call.ttl, call.credentials.expiresAt ?? Number.POSITIVE_INFINITY)
	return { startsAt: now - 60, expiresAt: end }
}

/**
 * Any object request the worker sends itself, signed in the Authorization header (a
 * signature in a URL lands in Workers traces). `signed` headers are sent and signed;
 * `query` is sent and signed.
 */
export async function signedCosRequest(
	call: CosCall,
	method: CosRequest['method'],
	query: Record<string, string>,
	signed: Record<string, string> = {},
	body?: string,
): Promise<CosRequest> {
	assertObjectKey(call.key)
	const base = bucketBaseUrl(call.target)
	const { startsAt, expiresAt } = window(call)
	const headers: Record<string, string> = { ...signed, host: base.host }
	const authorization = await cosAuthorization({
		secretId: call.credentials.secretId,
		secretKey: call.credentials.secretKey,
		method,
		key: call.key,
		query,
		headers,
		keyTime: { start: startsAt, end: expiresAt },
	})
	const search = Object.entries(query)
		.map(([name, value]) => (value === '' ? cosEncode(name) : `${cosEncode(name)}=${cosEncode(value)}`))
		.join('&')
	const sent: Record<string, string> = { ...signed, authorization }
	if (call.credentials.securityToken) sent['x-cos-security-token'] = call.credentials.securityToken
	const request: CosRequest = {
		method,
		url: `${base.origin}${encodeKeyPath(call.key)}${search ? `?${search}` : ''}`,
		headers: sent,
	}
	if (body !== undefined) request.body = body
	return request
}

/** Initiate: `POST /key?uploads`, with the content type the object will have. */
export function initiateMultipart(call: CosCall, contentType: string): Promise<CosRequest> {
	return signedCosRequest(call, 'POST', { uploads: '' }, { 'content-type': contentType })
}

/** `<InitiateMultipartUploadResult>…<UploadId>…</UploadId>` → the upload id. */
export function parseUploadId(xml: string): string | undefined {
	return /<UploadId>([^<]{1,256})<\/UploadId>/.exec(xml)?.[1]
}

/**
 * A pre-signed URL for one part. Content-Length is left unsigned: a browser sets it itself
 * and a script cannot; the declared total is checked when the upload completes.
 */
export async function presignPart(
	call: CosCall,
	uploadId: string,
	partNumber: number,
	notAfter?: number,
): Promise<{ url: string; expiresAt: number }> {
	if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER)
		throw new RangeError(`partNumber must be 1–${MAX_PART_NUMBER}`)
	return presignObjectUrl({
		credentials: call.credentials,
		target: call.target,
		method: 'PUT',
		key: call.key,
		ttl: call.ttl,
		now: call.now,
		notAfter,
		query: { partNumber: String(partNumber), uploadId },
	})
}

export interface CompletedPart {
	partNumber: number
	etag: string
}

function escapeXml(value: string): string {
	return value.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`)
}

/**
 * Complete: `POST /key?uploadId=` with the part list; `x-cos-forbid-overwrite: true` (signed)
 * unless overwriting is allowed, so a name taken meanwhile is never replaced.
 */
export function completeMultipart(
	call: CosCall,
	uploadId: string,
	parts: readonly CompletedPart[],
	forbidOverwrite: boolean,
): Promise<CosRequest> {
	const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber)
	const body =
		'<CompleteMultipartUpload>' +
		sorted
			.map(
				(part) =>
					`<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escapeXml(part.etag)}</ETag></Part>`,
			)
			.join('') +
		'</CompleteMultipartUpload>'
	const signed: Record<string, string> = { 'content-type': 'application/xml' }
	if (forbidOverwrite) signed['x-cos-forbid-overwrite'] = 'true'
	return signedCosRequest(call, 'POST', { uploadId }, signed, body)
}

/**
 * Complete answers 200 at once and streams whitespace while COS merges: the outcome is in
 * the body, an `<Error>` or a `<CompleteMultipartUploadResult>` with the ETag.
 */
export function parseComplete(xml: string): { etag: string } | { errorCode: string } {
	const error = /<Error>[\s\S]*?<Code>([\w.-]{1,64})<\/Code>/.exec(xml)?.[1]
	if (error) return { errorCode: error }
	const etag = /<ETag>([^<]{0,256})<\/ETag>/.exec(xml)?.[1]
	if (etag === undefined) return { errorCode: 'MalformedResponse' }
	return { etag: etag.replaceAll('&quot;', '"') }
}

/** Abort: `DELETE /key?uploadId=`; COS drops the parts uploaded so far. */
export function abortMultipart(call: CosCall, uploadId: string): Promise<CosRequest> {
	return signedCosRequest(call, 'DELETE', { uploadId })
}
