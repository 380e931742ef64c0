// Property tests: our WebCrypto signer against Tencent's official Node SDK.
import COS from 'cos-nodejs-sdk-v5'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { presignObjectUrl } from '../../src/cos/presign.ts'
import { cosAuthorization } from '../../src/cos/sign.ts'
import { TENCENT_VECTORS } from '../cos/tencent-vectors.ts'
import { cosHeaders, credentials, keyTime, objectKey, responseParams, trickyString } from './arbitraries.ts'

// The SDK's typings omit HEAD, which its signer handles like any other method.
const sdkMethod = (method: string) => method as COS.Method

const NUM_RUNS = process.env.CI ? 1500 : 1000

// The SDK's constructor console.errors about any SecretId or SecretKey holding a space, and
// these properties generate such keys on purpose (the signer must handle them). Only those
// two lines are dropped, and only while the constructor runs.
const SDK_KEY_COMPLAINT = /^error: Secret(Id|Key)( format is incorrect|格式错误)/

function sdkClient(options: COS.COSOptions): COS {
	const error = console.error
	console.error = (...args: unknown[]) => {
		if (typeof args[0] === 'string' && SDK_KEY_COMPLAINT.test(args[0])) return
		error(...args)
	}
	try {
		return new COS(options)
	} finally {
		console.error = error
	}
}

describe('cosAuthorization matches COS.getAuthorization', () => {
	it.each(TENCENT_VECTORS)('agrees on the header set the SDK keeps for $name', async (vector) => {
		// Today's SDK signs an allow-list of headers that excludes `date`: compare like with like.
		const headers = Object.fromEntries(
			Object.entries(vector.input.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'date'),
		)
		const ours = await cosAuthorization({ ...vector.input, headers })
		const sdk = COS.getAuthorization({
			SecretId: vector.input.secretId,
			SecretKey: vector.input.secretKey,
			Method: sdkMethod(vector.input.method),
			Key: `/${vector.input.key}`,
			Query: vector.input.query ?? {},
			Headers: headers,
			KeyTime: `${vector.input.keyTime.start};${vector.input.keyTime.end}`,
		})
		expect(ours).toBe(sdk)
	})

	it('on random keys, parameters, headers, methods and key times', async () => {
		await fc.assert(
			fc.asyncProperty(
				credentials,
				fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'get', 'Put'),
				fc.oneof(objectKey, trickyString),
				responseParams,
				cosHeaders,
				keyTime,
				async (cred, method, key, query, headers, time) => {
					const ours = await cosAuthorization({ ...cred, method, key, query, headers, keyTime: time })
					const sdk = COS.getAuthorization({
						SecretId: cred.secretId,
						SecretKey: cred.secretKey,
						Method: sdkMethod(method),
						// The SDK prefixes '/' only when the key lacks one; giving it '/' + key
						// always signs the same path as ours ('/' + key, so '/x' → '//x').
						Key: `/${key}`,
						Query: query,
						Headers: headers,
						KeyTime: `${time.start};${time.end}`,
					})
					expect(ours).toBe(sdk)
				},
			),
			{ numRuns: NUM_RUNS },
		)
	})
})

/** Splits a query string into decoded pairs, '+' kept literal (COS reads it as a plus). */
function decodedPairs(url: string): [string, string][] {
	const query = url.slice(url.indexOf('?') + 1)
	return query
		.split('&')
		.map((pair) => {
			const eq = pair.indexOf('=')
			return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))] as [
				string,
				string,
			]
		})
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

describe('presignObjectUrl matches COS getObjectUrl', () => {
	afterEach(() => {
		vi.restoreAllMocks()
	})

	it('on random keys, response-* overrides, signed headers, tokens, TTLs and clocks', async () => {
		const bucket = 'examplebucket-1250000000'
		const region = 'ap-guangzhou'
		await fc.assert(
			fc.asyncProperty(
				credentials,
				fc.constantFrom('GET', 'HEAD', 'PUT' as const),
				objectKey,
				responseParams,
				// The SDK drops empty-valued headers before signing; ours signs what it is given.
				cosHeaders.map((headers) => Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''))),
				fc.option(fc.stringMatching(/^[A-Za-z0-9+/=_-]{1,64}$/), { nil: undefined }),
				fc.integer({ min: 1, max: 7 * 86400 }),
				fc.integer({ min: 1_000_000_000, max: 3_000_000_000 }),
				async (cred, method, key, query, headers, token, ttl, nowSeconds) => {
					vi.spyOn(Date, 'now').mockReturnValue(nowSeconds * 1000)
					const cos = sdkClient({
						SecretId: cred.secretId,
						SecretKey: cred.secretKey,
						...(token ? { SecurityToken: token } : {}),
					})
					// The SDK backdates its start by 1 s and counts Expires from there.
					const sdkUrl: string = cos.getObjectUrl(
						{
							Bucket: bucket,
							Region: region,
							Key: `/${key}`,
							Method: sdkMethod(method),
							Query: query,
							Headers: headers,
							Expires: ttl + 1,
							Sign: true,
						},
						() => {},
					)
					const ours = await presignObjectUrl({
						credentials: { ...cred, securityToken: token },
						target: { bucket, region },
						method,
						key,
						ttl,
						skew: 1,
						now: nowSeconds * 1000,
						query,
						headers,
					})
					const sdk = new URL(sdkUrl)
					const mine = new URL(ours.url)
					expect(mine.origin).toBe(sdk.origin)
					// getObjectUrl strips one leading '/' from Key, so '/' + key names our key.
					expect(mine.pathname).toBe(sdk.pathname)
					// The SDK leaves the auth values and the token raw; ours are percent-encoded.
					expect(decodedPairs(ours.url)).toEqual(decodedPairs(sdkUrl))
					expect(ours.expiresAt).toBe(nowSeconds + ttl)
				},
			),
			{ numRuns: NUM_RUNS },
		)
	})
})
