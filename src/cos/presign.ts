// Pre-signed COS object URLs (and the equivalent Authorization header for requests the
// worker sends itself). Improves on the SDK's getObjectUrl: every override is signed,
// the security token is percent-encoded, and validity never outlives the key.
import { cosEncode, encodeKeyPath } from './encode.ts'
import { bucketBaseUrl, type CosBucket } from './endpoint.ts'
import { CredentialsExpiredError } from './errors.ts'
import { assertObjectKey } from './key.ts'
import { cosAuthorization } from './sign.ts'

export interface CosCredentials {
	secretId: string
	secretKey: string
	/** A temporary (STS) key's session token, sent as x-cos-security-token. */
	securityToken?: string | undefined
	/** A temporary key's expiry, Unix seconds. Signatures never outlive it. */
	expiresAt?: number | undefined
}

export type PresignMethod = 'GET' | 'HEAD' | 'PUT'

/** response-* overrides; COS honours them only on signed requests, so all are signed. */
export interface ResponseOverrides {
	contentType?: string | undefined
	contentDisposition?: string | undefined
	cacheControl?: string | undefined
	contentLanguage?: string | undefined
	contentEncoding?: string | undefined
	expires?: string | undefined
}

export interface PresignInput {
	credentials: CosCredentials
	target: CosBucket
	method: PresignMethod
	/** The object key as stored; the signed path is '/' + key. */
	key: string
	/** Seconds the signature lives from now. */
	ttl: number
	/** The clock, in milliseconds since the epoch. Default Date.now(). */
	now?: number | undefined
	/** A hard end (Unix seconds), such as the share's own expiry: no signature works past it. */
	notAfter?: number | undefined
	/** Seconds the start is backdated, for clients whose clock runs behind. Default 60. */
	skew?: number | undefined
	/** Signed response-* overrides; values go out as given (build a disposition with http/). */
	response?: ResponseOverrides | undefined
	/** Per-request bandwidth cap, bits per second (COS: 819200–838860800). */
	trafficLimit?: number | undefined
	/** More headers the client will send and that must be signed (PUT: x-cos-forbid-overwrite). */
	headers?: Readonly<Record<string, string>> | undefined
	/** More query parameters, all signed. */
	query?: Readonly<Record<string, string>> | undefined
}

export interface SignedWindow {
	/** Unix seconds. */
	startsAt: number
	/** Unix seconds, the last second COS accepts: min(now + ttl, key expiry, notAfter − 1). */
	expiresAt: number
}

export interface PresignedUrl extends SignedWindow {
	url: string
}

export interface SignedRequest extends SignedWindow {
	/** The object URL with its signed parameters, without any authorization. */
	url: string
	/** Authorization (and a temporary key's x-cos-security-token) to send as headers. */
	headers: Record<string, string>
}

export const DEFAULT_SKEW = 60
/** The longest validity a pre-signed URL is given here (COS's console also caps at 7 days). */
export const MAX_SIGN_TTL = 7 * 24 * 3600
const MIN_TRAFFIC_LIMIT = 819_200
const MAX_TRAFFIC_LIMIT = 838_860_800

const RESPONSE_PARAMS: Record<keyof ResponseOverrides, string> = {
	contentType: 'response-content-type',
	contentDisposition: 'response-content-disposition',
	cacheControl: 'response-cache-control',
	contentLanguage: 'response-content-language',
	contentEncoding: 'response-content-encoding',
	expires: 'response-expires',
}

interface Prepared extends SignedWindow {
	base: URL
	path: string
	query: Record<string, string>
	headers: Record<string, string>
}

function validity(input: PresignInput): SignedWindow {
	const { credentials } = input
	if (!credentials?.secretId || !credentials.secretKey)
		throw new TypeError('COS credentials (secretId and secretKey) are required')
	if (!(typeof input.ttl === 'number' && input.ttl > 0 && Number.isFinite(input.ttl)))
		throw new RangeError('ttl must be a positive number of seconds')
	const now = Math.floor((input.now ?? Date.now()) / 1000)
	if (credentials.expiresAt !== undefined && credentials.expiresAt <= now)
		throw new CredentialsExpiredError(credentials.expiresAt)
	const skew = input.skew ?? DEFAULT_SKEW
	if (!(Number.isInteger(skew) && skew >= 0)) throw new RangeError('skew must be whole seconds ≥ 0')
	const expiresAt = Math.min(
		now + Math.floor(input.ttl),
		credentials.expiresAt ?? Number.POSITIVE_INFINITY,
		// COS accepts a key time through the whole of its end second, so a signature that must
		// stop working by the instant notAfter ends with the second before it.
		input.notAfter === undefined ? Number.POSITIVE_INFINITY : input.notAfter - 1,
	)
	if (expiresAt < now) throw new RangeError('the signature would already be expired (notAfter is past)')
	return { startsAt: now - skew, expiresAt }
}

function prepare(input: PresignInput): Prepared {
	const window = validity(input)
	assertObjectKey(input.key)
	if (input.method !== 'GET' && input.method !== 'HEAD' && input.method !== 'PUT')
		throw new TypeError('method must be GET, HEAD or PUT')
	const base = bucketBaseUrl(input.target)
	const query: Record<string, string> = { ...input.query }
	const response: ResponseOverrides = { ...input.response }
	for (const [field, param] of Object.entries(RESPONSE_PARAMS) as [keyof ResponseOverrides, string][]) {
		const value = response[field]
		if (value !== undefined) query[param] = value
	}
	if (input.trafficLimit !== undefined) {
		const limit = input.trafficLimit
		if (!Number.isInteger(limit) || limit < MIN_TRAFFIC_LIMIT || limit > MAX_TRAFFIC_LIMIT)
			throw new RangeError(`trafficLimit must be ${MIN_TRAFFIC_LIMIT}–${MAX_TRAFFIC_LIMIT} bits/s`)
		query['x-cos-traffic-limit'] = String(limit)
	}
	// host is always signed (as the SDK's ForceSignHost does): a URL for one bucket cannot
	// be replayed against another. URL.host carries :port only when it is not the default.
	const headers: Record<string, string> = { ...input.headers, host: base.host }
	return { ...window, base, path: encodeKeyPath(input.key), query, headers }
}

function sign(input: PresignInput, prepared: Prepared): Promise<string> {
	return cosAuthorization({
		secretId: input.credentials.secretId,
		secretKey: input.credentials.secretKey,
		method: input.method,
		key: input.key,
		query: prepared.query,
		headers: prepared.headers,
		keyTime: { start: prepared.startsAt, end: prepared.expiresAt },
	})
}

function queryString(query: Record<string, string>): string {
	return Object.entries(query)
		.map(([name, value]) => `${cosEncode(name)}=${cosEncode(value)}`)
		.join('&')
}

function authToQuery(authorization: string): string {
	// The SDK leaves these raw; COS accepts them percent-encoded, and ';' unencoded in a
	// query string is not something every proxy preserves.
	return authorization
		.split('&')
		.map((pair) => {
			const eq = pair.indexOf('=')
			return `${pair.slice(0, eq)}=${cosEncode(pair.slice(eq + 1))}`
		})
		.join('&')
}

/** A pre-signed object URL. */
export async function presignObjectUrl(input: PresignInput): Promise<PresignedUrl> {
	const prepared = prepare(input)
	const auth = authToQuery(await sign(input, prepared))
	const token = input.credentials.securityToken
	const extra = queryString(prepared.query)
	const url =
		`${prepared.base.origin}${prepared.path}?${auth}` +
		(token ? `&x-cos-security-token=${cosEncode(token)}` : '') +
		(extra ? `&${extra}` : '')
	return { url, startsAt: prepared.startsAt, expiresAt: prepared.expiresAt }
}

/**
 * The same signature as an Authorization header, for requests the worker sends itself:
 * Workers tracing records subrequest URLs, and a signature in a header stays out of them.
 */
export async function signObjectRequest(input: PresignInput): Promise<SignedRequest> {
	const prepared = prepare(input)
	const headers: Record<string, string> = { authorization: await sign(input, prepared) }
	if (input.credentials.securityToken) headers['x-cos-security-token'] = input.credentials.securityToken
	const extra = queryString(prepared.query)
	const url = `${prepared.base.origin}${prepared.path}${extra ? `?${extra}` : ''}`
	return { url, headers, startsAt: prepared.startsAt, expiresAt: prepared.expiresAt }
}
