import { describe, expect, it } from 'vitest'
import { CredentialsExpiredError } from '../../src/cos/errors.ts'
import { type PresignInput, presignObjectUrl, signObjectRequest } from '../../src/cos/presign.ts'
import { cosAuthorization } from '../../src/cos/sign.ts'
import { queryParams } from '../query-params.ts'
import { base, NOW } from './presign-fixture.ts'

const params = queryParams

describe('presignObjectUrl: where the URL points', () => {
	it('uses the default bucket domain and signs its host', async () => {
		const { url } = await presignObjectUrl(base)
		expect(
			url.startsWith('https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/docs/report.pdf?'),
		).toBe(true)
		expect(params(url).get('q-header-list')).toBe('host')
	})

	it('uses the accelerate domain when asked', async () => {
		const { url } = await presignObjectUrl({ ...base, target: { ...base.target, accelerate: true } })
		expect(new URL(url).host).toBe('examplebucket-1250000000.cos.accelerate.myqcloud.com')
	})

	it('signs a custom endpoint host with its non-default port', async () => {
		const { url } = await presignObjectUrl({
			...base,
			target: { ...base.target, endpoint: 'http://127.0.0.1:9100' },
		})
		expect(url.startsWith('http://127.0.0.1:9100/docs/report.pdf?')).toBe(true)
		const p = params(url)
		const expected = await cosAuthorization({
			secretId: 'AKIDexample',
			secretKey: 'secret-key',
			method: 'GET',
			key: 'docs/report.pdf',
			headers: { host: '127.0.0.1:9100' },
			keyTime: { start: NOW - 60, end: NOW + 300 },
		})
		expect(expected.endsWith(`q-signature=${p.get('q-signature')}`)).toBe(true)
	})

	it('drops a default port from the signed host', async () => {
		const { url } = await presignObjectUrl({
			...base,
			target: { ...base.target, endpoint: 'https://files.example.com:443/' },
		})
		expect(url.startsWith('https://files.example.com/docs/')).toBe(true)
	})

	it.each([
		'ftp://x.example.com',
		'https://x.example.com/base',
		'https://u:p@x.example.com',
		'https://x.example.com/?a=1',
		'not a url',
	])('refuses the endpoint %s', async (endpoint) => {
		await expect(presignObjectUrl({ ...base, target: { ...base.target, endpoint } })).rejects.toThrow(
			TypeError,
		)
	})
})

describe('presignObjectUrl: the path', () => {
	it('encodes every byte except A-Za-z0-9-_.~/ with uppercase hex', async () => {
		const key = "a b+c!'()*,;=@$&[]#?%文😀~_-./x"
		const { url } = await presignObjectUrl({ ...base, key })
		const path = url.slice(url.indexOf('.com') + 4, url.indexOf('?'))
		expect(path).toBe('/a%20b%2Bc%21%27%28%29%2A%2C%3B%3D%40%24%26%5B%5D%23%3F%25%E6%96%87%F0%9F%98%80~_-./x')
	})

	it('keeps a leading slash of the key as a double slash', async () => {
		const { url } = await presignObjectUrl({ ...base, key: '/name' })
		expect(new URL(url).pathname).toBe('//name')
	})
})

describe('presignObjectUrl: response overrides', () => {
	it("signs the caller's finished content-disposition exactly as given", async () => {
		const disposition = `attachment; filename="____ Q3.pdf"; filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A%20Q3.pdf`
		const { url } = await presignObjectUrl({ ...base, response: { contentDisposition: disposition } })
		const p = params(url)
		expect(p.get('response-content-disposition')).toBe(disposition)
		expect(p.get('q-url-param-list')).toBe('response-content-disposition')
	})

	it('signs every override it adds', async () => {
		const { url } = await presignObjectUrl({
			...base,
			response: {
				contentType: 'application/pdf',
				cacheControl: 'private, max-age=60',
				contentDisposition: 'inline',
			},
		})
		expect(params(url).get('q-url-param-list')).toBe(
			'response-cache-control;response-content-disposition;response-content-type',
		)
	})

	it('signs a traffic limit and checks its range', async () => {
		const { url } = await presignObjectUrl({ ...base, trafficLimit: 819_200 })
		expect(params(url).get('q-url-param-list')).toBe('x-cos-traffic-limit')
		await expect(presignObjectUrl({ ...base, trafficLimit: 1000 })).rejects.toThrow(RangeError)
	})

	it('percent-encodes a temporary key token and leaves it out of the signature', async () => {
		const { url } = await presignObjectUrl({
			...base,
			credentials: { ...base.credentials, securityToken: 'a+b/c=d' },
		})
		expect(url).toContain('&x-cos-security-token=a%2Bb%2Fc%3Dd')
		expect(params(url).get('q-url-param-list')).toBe('')
	})
})

describe('presignObjectUrl: validity', () => {
	it('backdates the start for clock skew and ends after the TTL', async () => {
		const result = await presignObjectUrl(base)
		expect(result).toMatchObject({ startsAt: NOW - 60, expiresAt: NOW + 300 })
		expect(params(result.url).get('q-sign-time')).toBe(`${NOW - 60};${NOW + 300}`)
	})

	it("never outlives a temporary key's expiry", async () => {
		const result = await presignObjectUrl({
			...base,
			credentials: { ...base.credentials, expiresAt: NOW + 20 },
		})
		expect(result.expiresAt).toBe(NOW + 20)
	})

	it('stops working by notAfter: COS accepts the whole end second, so it ends a second before', async () => {
		expect((await presignObjectUrl({ ...base, notAfter: NOW + 5 })).expiresAt).toBe(NOW + 4)
	})

	it('still signs for the rest of the current second when notAfter is the next one', async () => {
		expect((await presignObjectUrl({ ...base, notAfter: NOW + 1 })).expiresAt).toBe(NOW)
		await expect(presignObjectUrl({ ...base, notAfter: NOW })).rejects.toThrow(RangeError)
	})

	it('fails with a typed error once the temporary key has expired', async () => {
		const expired = presignObjectUrl({ ...base, credentials: { ...base.credentials, expiresAt: NOW } })
		await expect(expired).rejects.toBeInstanceOf(CredentialsExpiredError)
		await expect(expired).rejects.toMatchObject({ code: 'credentials_expired' })
	})

	it('signs the same URL for the same inputs within a second, and a new one in the next', async () => {
		const first = await presignObjectUrl({ ...base, now: NOW * 1000 + 100 })
		const same = await presignObjectUrl({ ...base, now: NOW * 1000 + 900 })
		const next = await presignObjectUrl({ ...base, now: (NOW + 1) * 1000 })
		expect(same.url).toBe(first.url)
		expect(next.url).not.toBe(first.url)
		expect(next.expiresAt).toBe(NOW + 301)
	})
})

describe('presignObjectUrl: bad input is an error, never a wrong signature', () => {
	it.each<[string, Partial<PresignInput>, ErrorConstructor]>([
		['an empty key', { key: '' }, TypeError],
		['a "." segment', { key: 'a/./b' }, TypeError],
		['a ".." segment', { key: 'a/../b' }, TypeError],
		['a lone ".." key', { key: '..' }, TypeError],
		['ill-formed UTF-16', { key: 'a\udc00' }, TypeError],
		['a key over 850 bytes', { key: '文'.repeat(284) }, RangeError],
		['a zero TTL', { ttl: 0 }, RangeError],
		['a negative TTL', { ttl: -5 }, RangeError],
		['a NaN TTL', { ttl: Number.NaN }, RangeError],
		['missing credentials', { credentials: { secretId: '', secretKey: '' } }, TypeError],
		['an unsupported method', { method: 'DELETE' as 'GET' }, TypeError],
		['a bad bucket name', { target: { bucket: 'Bad_Bucket', region: 'ap-guangzhou' } }, TypeError],
	])('refuses %s', async (_label, patch, type) => {
		await expect(presignObjectUrl({ ...base, ...patch })).rejects.toThrow(type)
	})

	it('accepts a key of exactly 850 bytes', async () => {
		await expect(presignObjectUrl({ ...base, key: `${'文'.repeat(283)}a` })).resolves.toBeDefined()
	})
})

describe('signObjectRequest', () => {
	it('puts the signature in headers and keeps it out of the URL', async () => {
		const req = await signObjectRequest({
			...base,
			method: 'HEAD',
			credentials: { ...base.credentials, securityToken: 'tok+en' },
		})
		expect(req.url).toBe('https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/docs/report.pdf')
		expect(req.headers.authorization).toMatch(/^q-sign-algorithm=sha1&q-ak=AKIDexample&.*q-header-list=host&/)
		expect(req.headers['x-cos-security-token']).toBe('tok+en')
	})

	it('signs the HEAD method, not GET', async () => {
		const head = await signObjectRequest({ ...base, method: 'HEAD' })
		const get = await signObjectRequest({ ...base, method: 'GET' })
		expect(head.headers.authorization).not.toBe(get.headers.authorization)
	})
})
