// Request signature verification (doc 7778). The expected signature is recomputed by
// Tencent's own SDK, so the emulator cannot share a bug with the worker's signer.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import COS from 'cos-nodejs-sdk-v5'
import { accessDenied, CosError } from './errors.ts'
import { camSafeUrlEncode, type QueryParam } from './query.ts'

export interface AuthConfig {
	secretId: string
	secretKey: string
	securityToken?: string | undefined
	/** Epoch milliseconds. */
	now: () => number
}

export interface AuthRequest {
	method: string
	/** Decoded object key ('' for the bucket root). */
	key: string
	query: readonly QueryParam[]
	headers: IncomingHttpHeaders
}

const AUTH_FIELDS = [
	'q-sign-algorithm',
	'q-ak',
	'q-sign-time',
	'q-key-time',
	'q-header-list',
	'q-url-param-list',
	'q-signature',
] as const
type AuthField = (typeof AUTH_FIELDS)[number]
type Auth = Record<AuthField, string>

export const TOKEN_NAME = 'x-cos-security-token'

/** Query parameters that carry the signature itself and are therefore never signed. */
export function isAuthParam(name: string): boolean {
	const lower = name.toLowerCase()
	return lower === TOKEN_NAME || (AUTH_FIELDS as readonly string[]).includes(lower)
}

// cos-nodejs-sdk-v5 (sdk/util.js, signHeaders) silently drops every other header from what
// it signs; a request that signed one cannot be checked with the SDK.
const SDK_SIGNABLE_HEADERS = new Set([
	'cache-control',
	'content-disposition',
	'content-encoding',
	'content-length',
	'content-md5',
	'content-type',
	'expect',
	'expires',
	'host',
	'if-match',
	'if-modified-since',
	'if-none-match',
	'if-unmodified-since',
	'origin',
	'range',
	'transfer-encoding',
	'pic-operations',
])
const sdkSignsHeader = (name: string) =>
	name.includes('x-cos-') || name.includes('x-ci-') || SDK_SIGNABLE_HEADERS.has(name)

function decodeLoose(value: string): string {
	try {
		return decodeURIComponent(value)
	} catch {
		return value
	}
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name]
	return Array.isArray(value) ? value.join(', ') : value
}

/** The q-* fields, from the Authorization header or else from the query string. */
function readAuth(request: AuthRequest): Auth | undefined {
	const fields = new Map<string, string>()
	const header = headerValue(request.headers, 'authorization')
	if (header !== undefined && header.trim() !== '') {
		for (const pair of header.trim().split('&')) {
			const eq = pair.indexOf('=')
			if (eq > 0) fields.set(pair.slice(0, eq).trim().toLowerCase(), decodeLoose(pair.slice(eq + 1).trim()))
		}
	} else {
		for (const { name, value } of request.query) {
			const lower = name.toLowerCase()
			if (lower.startsWith('q-') && !fields.has(lower)) fields.set(lower, value)
		}
	}
	if (fields.size === 0) return undefined
	const auth: Partial<Auth> = {}
	for (const field of AUTH_FIELDS) {
		const value = fields.get(field)
		if (value === undefined) throw accessDenied(`Authorization is missing ${field}.`)
		auth[field] = value
	}
	return auth as Auth
}

const splitList = (list: string) => (list === '' ? [] : list.split(';'))

/** What the SDK hashed (its obj2str), for SignatureDoesNotMatch's diagnostic elements. */
function canonicalPairs(entries: Record<string, string>): string {
	return Object.keys(entries)
		.sort((a, b) => {
			const [x, y] = [a.toLowerCase(), b.toLowerCase()]
			return x === y ? 0 : x > y ? 1 : -1
		})
		.map((name) => `${camSafeUrlEncode(name).toLowerCase()}=${camSafeUrlEncode(entries[name] ?? '')}`)
		.join('&')
}

function sdkSignature(authorization: string): string {
	const match = /(?:^|&)q-signature=([0-9a-f]+)/.exec(authorization)
	if (!match?.[1]) throw new Error(`COS.getAuthorization returned no q-signature: ${authorization}`)
	return match[1]
}

function sameSignature(expected: string, provided: string): boolean {
	const a = Buffer.from(expected, 'utf8')
	const b = Buffer.from(provided.toLowerCase(), 'utf8')
	return a.length === b.length && timingSafeEqual(a, b)
}

/** Throws the CosError COS would answer with; returns when the request is authentic. */
export function verifyRequest(request: AuthRequest, config: AuthConfig): void {
	const auth = readAuth(request)
	if (!auth) throw accessDenied()
	if (auth['q-sign-algorithm'] !== 'sha1') throw accessDenied('q-sign-algorithm must be sha1.')
	if (auth['q-ak'] !== config.secretId)
		throw new CosError(403, 'InvalidAccessKeyId', 'The access key Id format you provided is invalid.')

	if (config.securityToken !== undefined) {
		const token =
			request.query.find((param) => param.name.toLowerCase() === TOKEN_NAME)?.value ??
			headerValue(request.headers, TOKEN_NAME)
		if (token === undefined)
			throw new CosError(403, 'InvalidAccessKeyId', 'A temporary key needs its x-cos-security-token.')
		if (!sameToken(token, config.securityToken))
			throw new CosError(403, 'InvalidAccessKeyId', 'The x-cos-security-token you provided is invalid.')
	}

	const keyTime = auth['q-key-time']
	if (auth['q-sign-time'] !== keyTime) throw accessDenied('q-sign-time and q-key-time must be equal.')
	const window = /^(\d{1,12});(\d{1,12})$/.exec(keyTime)
	if (!window) throw accessDenied('q-sign-time is malformed.')
	const [start, end] = [Number(window[1]), Number(window[2])]
	const now = Math.floor(config.now() / 1000)
	if (now < start)
		throw new CosError(
			403,
			'RequestTimeTooSkewed',
			"The difference between the request time and the server's time is too large.",
		)
	if (now > end) throw accessDenied('Request has expired')

	const headerList = splitList(auth['q-header-list'].toLowerCase())
	const paramList = splitList(auth['q-url-param-list'].toLowerCase())
	if (!headerList.includes('host')) throw accessDenied('Access Denied. The host header must be signed.')
	const signedParams = new Set(paramList)
	const seen = new Set<string>()
	for (const { name } of request.query) {
		const canonical = camSafeUrlEncode(name).toLowerCase()
		if (!isAuthParam(name) && !signedParams.has(canonical))
			throw accessDenied(`Access Denied. The query parameter "${name}" is not signed.`)
		// A signed name given twice would let an unsigned second value ride along; what COS
		// does with it is undocumented, so the emulator takes the strict reading.
		if (seen.has(canonical))
			throw accessDenied(`Access Denied. The query parameter "${name}" is given twice.`)
		seen.add(canonical)
	}

	// A name signed but absent from the request signs as an empty value, as COS reads it.
	const query: Record<string, string> = {}
	for (const listed of paramList) {
		const param = request.query.find(({ name }) => camSafeUrlEncode(name).toLowerCase() === listed)
		if (param) query[param.name] = param.value
		else query[decodeLoose(listed)] = ''
	}
	const headers: Record<string, string> = {}
	for (const listed of headerList) headers[listed] = headerValue(request.headers, decodeLoose(listed)) ?? ''

	const expected = sdkSignature(
		COS.getAuthorization({
			SecretId: config.secretId,
			SecretKey: config.secretKey,
			// The SDK's typings omit HEAD, which its signer treats like any other method.
			Method: request.method as COS.Method,
			Key: `/${request.key}`,
			Query: query,
			Headers: headers,
			KeyTime: keyTime,
		}),
	)
	if (sameSignature(expected, auth['q-signature'])) return

	const sdkHeaders = Object.fromEntries(Object.entries(headers).filter(([name]) => sdkSignsHeader(name)))
	const formatString = [
		request.method.toLowerCase(),
		`/${request.key}`,
		canonicalPairs(query),
		canonicalPairs(sdkHeaders),
		'',
	].join('\n')
	const stringToSign = `sha1\n${keyTime}\n${createHash('sha1').update(formatString).digest('hex')}\n`
	let message = 'The Signature you specified is invalid.'
	const unverifiable = headerList.filter((name) => !sdkSignsHeader(name))
	if (unverifiable.length > 0)
		message +=
			` (emulator: signed header(s) ${unverifiable.join(', ')} are outside what Tencent's SDK` +
			' signs, so they cannot be verified here)'
	throw new CosError(403, 'SignatureDoesNotMatch', message, {
		details: { StringToSign: stringToSign, FormatString: formatString },
	})
}

function sameToken(provided: string, expected: string): boolean {
	const a = createHash('sha256').update(provided).digest()
	const b = createHash('sha256').update(expected).digest()
	return timingSafeEqual(a, b)
}
