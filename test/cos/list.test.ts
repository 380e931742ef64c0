import { describe, expect, it } from 'vitest'
import { ListError, parseListing, signListRequest } from '../../src/cos/list.ts'
import { cosAuthorization } from '../../src/cos/sign.ts'

const HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com'
const credentials = {
	secretId: 'AKIDexample0000000000000000000000',
	secretKey: 'secretkeyexample000000000000',
}
const target = { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou' }
const NOW = Date.UTC(2026, 10, 30, 4, 0, 0)

// Recorded from COS with encoding-type=url (owner ids shortened).
const TRUNCATED = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>examplebucket-1250000000</Name><EncodingType>url</EncodingType><Prefix>docs%2F</Prefix><Marker></Marker><MaxKeys>3</MaxKeys><Delimiter>%2F</Delimiter><IsTruncated>true</IsTruncated><NextMarker>docs%2Fa%2Bb%20c.txt</NextMarker><CommonPrefixes><Prefix>docs%2F%E7%85%A7%E7%89%87%2F</Prefix></CommonPrefixes><Contents><Key>docs%2F100%25%20done.txt</Key><LastModified>2020-12-10T03:37:30.000Z</LastModified><ETag>&quot;f1734f6c3b5e0e1b0c0a2d2f39a3c2a8&quot;</ETag><Size>37</Size><Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>docs%2Fa%2Bb%20c.txt</Key><LastModified>2020-12-11T03:37:30.000Z</LastModified><ETag>&quot;aa&quot;</ETag><Size>0</Size><Owner><ID>1</ID><DisplayName>1</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`

const SINGLE = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>b-1</Name><EncodingType>url</EncodingType><Prefix>docs%2F</Prefix><Marker>docs%2Fa%2Bb%20c.txt</Marker><MaxKeys>3</MaxKeys><Delimiter>%2F</Delimiter><IsTruncated>false</IsTruncated><Contents><Key>docs%2F%F0%9F%93%B7%201e3</Key><LastModified>2021-01-01T00:00:00.000Z</LastModified><ETag>&quot;bb&quot;</ETag><Size>1234567890123</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`

describe('signListRequest', () => {
	it('sends and signs prefix, delimiter, marker, max-keys and encoding-type, and nothing else', async () => {
		const signed = await signListRequest({
			credentials,
			target,
			prefix: 'docs/照片 +%/',
			marker: 'docs/照片 +%/a b',
			maxKeys: 1000,
			ttl: 300,
			now: NOW,
		})
		expect(signed.url).toBe(
			`https://${HOST}/?delimiter=%2F&encoding-type=url&max-keys=1000` +
				'&prefix=docs%2F%E7%85%A7%E7%89%87%20%2B%25%2F&marker=docs%2F%E7%85%A7%E7%89%87%20%2B%25%2Fa%20b',
		)
		const start = NOW / 1000 - 60
		const expected = await cosAuthorization({
			...credentials,
			method: 'GET',
			key: '',
			query: {
				prefix: 'docs/照片 +%/',
				marker: 'docs/照片 +%/a b',
				'max-keys': '1000',
				delimiter: '/',
				'encoding-type': 'url',
			},
			headers: { host: HOST },
			keyTime: { start, end: NOW / 1000 + 300 },
		})
		expect(signed.headers).toEqual({ authorization: expected })
		expect(expected).toContain(
			'&q-header-list=host&q-url-param-list=delimiter;encoding-type;marker;max-keys;prefix&',
		)
	})

	it('sends a temporary key token as a header, never in the URL', async () => {
		const signed = await signListRequest({
			credentials: { ...credentials, securityToken: 'tok en' },
			target,
			prefix: 'a/',
			maxKeys: 10,
			ttl: 300,
			now: NOW,
		})
		expect(signed.headers['x-cos-security-token']).toBe('tok en')
		expect(signed.url).not.toContain('tok')
	})

	it('refuses a page size COS would not honour', async () => {
		await expect(
			signListRequest({ credentials, target, prefix: 'a/', maxKeys: 1001, ttl: 300, now: NOW }),
		).rejects.toThrow(RangeError)
	})
})

describe('parseListing', () => {
	it('decodes url-encoded keys exactly once: spaces, plus, percent and unicode', () => {
		const page = parseListing(TRUNCATED)
		expect(page.folders).toEqual(['docs/照片/'])
		expect(page.objects.map((o) => o.key)).toEqual(['docs/100% done.txt', 'docs/a+b c.txt'])
	})

	it('keeps the ETag quotes, the size as a number and the date as COS wrote it', () => {
		const [first] = parseListing(TRUNCATED).objects
		expect(first).toEqual({
			key: 'docs/100% done.txt',
			size: 37,
			lastModified: '2020-12-10T03:37:30.000Z',
			etag: '"f1734f6c3b5e0e1b0c0a2d2f39a3c2a8"',
		})
	})

	it('gives the decoded NextMarker of a truncated page', () => {
		expect(parseListing(TRUNCATED).nextMarker).toBe('docs/a+b c.txt')
	})

	it('reads a single Contents as a list, keeps a numeric-looking name as text, and ends on the last page', () => {
		const page = parseListing(SINGLE)
		expect(page.folders).toEqual([])
		expect(page.objects).toHaveLength(1)
		expect(page.objects[0]?.key).toBe('docs/📷 1e3')
		expect(page.objects[0]?.size).toBe(1234567890123)
		expect(page.nextMarker).toBeUndefined()
	})

	it('refuses a listing that was not url-encoded', () => {
		expect(() => parseListing(SINGLE.replace('<EncodingType>url</EncodingType>', ''))).toThrow(ListError)
	})

	it('refuses a key that is not valid percent-encoding', () => {
		expect(() => parseListing(SINGLE.replace('docs%2F%F0%9F%93%B7%201e3', 'docs%2F%C0%AF'))).toThrow(
			ListError,
		)
	})
})
