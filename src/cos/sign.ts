// COS request signature, q-sign-algorithm=sha1 (Tencent doc "Request Signature",
// product 436 doc 7778). Pure WebCrypto: the same code runs in workerd, Node and browsers.
import { assertWellFormed, canonicalList } from './encode.ts'
import { BoundedPromiseCache, hmacHex, importHmacKey, sha1Hex } from './hmac.ts'

export interface KeyTime {
	/** Unix seconds. COS refuses a start in the future. */
	start: number
	/** Unix seconds. */
	end: number
}

export interface CosAuthorizationInput {
	secretId: string
	secretKey: string
	method: string
	/** The object key as stored; the signed path is '/' + key ('' is the bucket root). */
	key: string
	/** Query parameters to sign, names in any case; '' for a parameter without a value. */
	query?: Readonly<Record<string, string>>
	/** Headers to sign, names in any case. */
	headers?: Readonly<Record<string, string>>
	keyTime: KeyTime
}

export interface CosSignatureParts {
	keyTime: string
	signKey: string
	httpString: string
	httpStringSha1: string
	stringToSign: string
	signature: string
	headerList: string
	paramList: string
	authorization: string
}

// importKey costs more than the HMAC itself on short inputs; a secret's CryptoKey never
// changes, so it is imported once per isolate.
const secretKeys = new BoundedPromiseCache<CryptoKey>(16)
// SignKey depends only on (SecretKey, KeyTime); with a window that starts on a whole
// second, every request in that second shares it. The key time is part of the cache key,
// so a cached SignKey can never sign outside its own window.
const signKeys = new BoundedPromiseCache<{ hex: string; key: CryptoKey }>(256)

function signKeyFor(secretKey: string, keyTime: string): Promise<{ hex: string; key: CryptoKey }> {
	return signKeys.get(`${keyTime}\n${secretKey}`, async () => {
		const secret = await secretKeys.get(secretKey, () => importHmacKey(secretKey))
		const hex = await hmacHex(secret, keyTime)
		return { hex, key: await importHmacKey(hex) }
	})
}

/** Drops every cached CryptoKey and SignKey (tests, cold-start benchmarks). */
export function clearSigningCaches(): void {
	signKeys.clear()
	secretKeys.clear()
}

function checkInput(input: CosAuthorizationInput): string {
	if (typeof input.secretId !== 'string' || input.secretId === '') throw new TypeError('secretId is required')
	if (typeof input.secretKey !== 'string' || input.secretKey === '')
		throw new TypeError('secretKey is required')
	if (typeof input.method !== 'string' || !/^[A-Za-z]+$/.test(input.method))
		throw new TypeError('method must be an HTTP method name')
	if (typeof input.key !== 'string') throw new TypeError('key must be a string')
	assertWellFormed(input.key, 'key')
	const { start, end } = input.keyTime ?? {}
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (start as number) < 0)
		throw new RangeError('keyTime start and end must be whole Unix seconds')
	if ((end as number) < (start as number)) throw new RangeError('keyTime end is before its start')
	// The SecretId travels in clear inside the authorization; '&' or '=' would corrupt it.
	if (!/^[\x21-\x7e]+$/.test(input.secretId) || /[&=]/.test(input.secretId))
		throw new TypeError('secretId has characters a COS SecretId never has')
	return `${start};${end}`
}

/** Every intermediate value of the signature, for tests against Tencent's worked examples. */
export async function cosSignatureParts(input: CosAuthorizationInput): Promise<CosSignatureParts> {
	const keyTime = checkInput(input)
	const params = canonicalList(input.query)
	const headers = canonicalList(input.headers)
	// The path is the raw, decoded UTF-8 key, not the URL's percent-encoded path.
	const httpString = `${input.method.toLowerCase()}\n/${input.key}\n${params.pairs}\n${headers.pairs}\n`
	const [signKey, httpStringSha1] = await Promise.all([
		signKeyFor(input.secretKey, keyTime),
		sha1Hex(httpString),
	])
	const stringToSign = `sha1\n${keyTime}\n${httpStringSha1}\n`
	const signature = await hmacHex(signKey.key, stringToSign)
	const authorization =
		`q-sign-algorithm=sha1&q-ak=${input.secretId}&q-sign-time=${keyTime}&q-key-time=${keyTime}` +
		`&q-header-list=${headers.names}&q-url-param-list=${params.names}&q-signature=${signature}`
	return {
		keyTime,
		signKey: signKey.hex,
		httpString,
		httpStringSha1,
		stringToSign,
		signature,
		headerList: headers.names,
		paramList: params.names,
		authorization,
	}
}

/**
 * The COS `Authorization` value for a request, exactly as Tencent's SDK
 * `COS.getAuthorization` builds it for the same inputs.
 */
export async function cosAuthorization(input: CosAuthorizationInput): Promise<string> {
	return (await cosSignatureParts(input)).authorization
}
