import { describe, expect, it } from 'vitest'
import {
	abortMultipart,
	type CosCall,
	completeMultipart,
	initiateMultipart,
	parseComplete,
	parseUploadId,
	presignPart,
} from '../../src/cos/multipart.ts'
import { cosAuthorization } from '../../src/cos/sign.ts'
import { queryParams } from '../query-params.ts'

const NOW = 1_800_000_000
const call: CosCall = {
	credentials: { secretId: 'AKIDexample', secretKey: 'secret-key' },
	target: { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou' },
	key: 'inbox/2026-11-30/AbCd1234-报告.pdf',
	now: NOW * 1000,
	ttl: 600,
}
const HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com'
const KEY_PATH = '/inbox/2026-11-30/AbCd1234-%E6%8A%A5%E5%91%8A.pdf'

/** The fields of an Authorization header value. */
function authFields(value: string): Map<string, string> {
	return new Map(value.split('&').map((pair) => pair.split('=', 2) as [string, string]))
}

async function expected(method: string, query: Record<string, string>, headers: Record<string, string>) {
	return cosAuthorization({
		secretId: 'AKIDexample',
		secretKey: 'secret-key',
		method,
		key: call.key,
		query,
		headers: { ...headers, host: HOST },
		keyTime: { start: NOW - 60, end: NOW + 600 },
	})
}

describe('initiateMultipart', () => {
	it('is a POST to ?uploads signing the uploads parameter, the content type and host', async () => {
		const request = await initiateMultipart(call, 'application/pdf')
		expect(request.method).toBe('POST')
		expect(request.url).toBe(`https://${HOST}${KEY_PATH}?uploads`)
		const auth = authFields(request.headers.authorization ?? '')
		expect(auth.get('q-url-param-list')).toBe('uploads')
		expect(auth.get('q-header-list')).toBe('content-type;host')
		expect(request.headers.authorization).toBe(
			await expected('POST', { uploads: '' }, { 'content-type': 'application/pdf' }),
		)
	})

	it('reads the upload id from COS answer', () => {
		const xml =
			'<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361</UploadId></InitiateMultipartUploadResult>'
		expect(parseUploadId(xml)).toBe(
			'1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361',
		)
	})
})

describe('presignPart', () => {
	it('signs partNumber and uploadId in the URL and host alone among headers (no content-length)', async () => {
		const { url } = await presignPart(call, 'up-1', 3)
		const p = queryParams(url)
		expect(p.get('q-url-param-list')).toBe('partnumber;uploadid')
		expect(p.get('q-header-list')).toBe('host')
		expect(p.get('partNumber')).toBe('3')
		expect(p.get('uploadId')).toBe('up-1')
		const auth = authFields(await expected('PUT', { partNumber: '3', uploadId: 'up-1' }, {}))
		expect(p.get('q-signature')).toBe(auth.get('q-signature'))
	})

	it.each([0, 10_001, 1.5])('refuses part number %s', async (n) => {
		await expect(presignPart(call, 'up-1', n)).rejects.toThrow(RangeError)
	})

	it('never outlives the share', async () => {
		const { url } = await presignPart(call, 'up-1', 1, NOW + 30)
		expect(queryParams(url).get('q-key-time')).toBe(`${NOW - 60};${NOW + 29}`)
	})
})

describe('completeMultipart', () => {
	const parts = [
		{ partNumber: 2, etag: '"bbb"' },
		{ partNumber: 1, etag: '"aaa"' },
	]

	it('signs x-cos-forbid-overwrite when overwriting is not allowed', async () => {
		const request = await completeMultipart(call, 'up-1', parts, true)
		expect(request.url).toBe(`https://${HOST}${KEY_PATH}?uploadId=up-1`)
		expect(request.headers['x-cos-forbid-overwrite']).toBe('true')
		expect(authFields(request.headers.authorization ?? '').get('q-header-list')).toBe(
			'content-type;host;x-cos-forbid-overwrite',
		)
		expect(request.headers.authorization).toBe(
			await expected(
				'POST',
				{ uploadId: 'up-1' },
				{ 'content-type': 'application/xml', 'x-cos-forbid-overwrite': 'true' },
			),
		)
	})

	it('sends no x-cos-forbid-overwrite when overwriting is allowed', async () => {
		const request = await completeMultipart(call, 'up-1', parts, false)
		expect(request.headers['x-cos-forbid-overwrite']).toBeUndefined()
	})

	it('lists the parts in order with escaped ETags', async () => {
		const request = await completeMultipart(call, 'up-1', parts, true)
		expect(request.body).toBe(
			'<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&#34;aaa&#34;</ETag></Part>' +
				'<Part><PartNumber>2</PartNumber><ETag>&#34;bbb&#34;</ETag></Part></CompleteMultipartUpload>',
		)
	})
})

describe('parseComplete', () => {
	it('reads the ETag after the whitespace COS streams while merging', () => {
		expect(
			parseComplete(
				'\n  \n  <CompleteMultipartUploadResult><Location>l</Location><ETag>&quot;abc-2&quot;</ETag></CompleteMultipartUploadResult>',
			),
		).toEqual({ etag: '"abc-2"' })
	})

	it('reads an error that arrives in a 200', () => {
		expect(parseComplete('   <Error><Code>FileAlreadyExists</Code><Message>m</Message></Error>')).toEqual({
			errorCode: 'FileAlreadyExists',
		})
	})
})

describe('abortMultipart', () => {
	it('is a DELETE signing the upload id', async () => {
		const request = await abortMultipart(call, 'up-1')
		expect(request.method).toBe('DELETE')
		expect(authFields(request.headers.authorization ?? '').get('q-url-param-list')).toBe('uploadid')
	})
})

describe('an expired temporary key', () => {
	const expired: CosCall = { ...call, credentials: { ...call.credentials, expiresAt: NOW - 1 } }
	it.each([
		['initiate', () => initiateMultipart(expired, 'text/plain')],
		['complete', () => completeMultipart(expired, 'upload-1', [{ partNumber: 1, etag: '"e"' }], true)],
		['abort', () => abortMultipart(expired, 'upload-1')],
	])('refuses to sign %s, naming the expiry', async (_label, sign) => {
		await expect(sign()).rejects.toMatchObject({ code: 'credentials_expired' })
	})
})
