import { describe, expect, it } from 'vitest'
import { clearSigningCaches, cosAuthorization, cosSignatureParts } from '../../src/cos/sign.ts'
import { TENCENT_VECTORS } from './tencent-vectors.ts'

describe.each(TENCENT_VECTORS)("Tencent's worked example: $name", (vector) => {
	it('derives the documented SignKey', async () => {
		expect((await cosSignatureParts(vector.input)).signKey).toBe(vector.signKey)
	})

	it('hashes the documented HttpString', async () => {
		expect((await cosSignatureParts(vector.input)).httpStringSha1).toBe(vector.httpStringSha1)
	})

	it('produces the documented signature', async () => {
		expect((await cosSignatureParts(vector.input)).signature).toBe(vector.signature)
	})

	it('assembles the documented authorization, fields in order', async () => {
		const { keyTime } = vector.input
		const kt = `${keyTime.start};${keyTime.end}`
		expect(await cosAuthorization(vector.input)).toBe(
			`q-sign-algorithm=sha1&q-ak=${vector.input.secretId}&q-sign-time=${kt}&q-key-time=${kt}` +
				`&q-header-list=${vector.headerList}&q-url-param-list=${vector.paramList}&q-signature=${vector.signature}`,
		)
	})

	it('gives the same answer from a cold cache and a warm one', async () => {
		clearSigningCaches()
		const cold = await cosAuthorization(vector.input)
		expect(await cosAuthorization(vector.input)).toBe(cold)
	})
})

describe('cosAuthorization HttpString rules', () => {
	const base = {
		secretId: 'AKIDexample',
		secretKey: 'secret',
		keyTime: { start: 1700000000, end: 1700000300 },
	}

	it('keeps empty sections as bare newlines', async () => {
		const parts = await cosSignatureParts({ ...base, method: 'GET', key: 'k' })
		expect(parts.httpString).toBe('get\n/k\n\n\n')
	})

	it('signs the raw decoded key, not its percent-encoded form', async () => {
		const parts = await cosSignatureParts({ ...base, method: 'GET', key: 'a b/文件+(1).txt' })
		expect(parts.httpString.split('\n')[1]).toBe('/a b/文件+(1).txt')
	})

	it('signs a key that begins with a slash as a double slash', async () => {
		const parts = await cosSignatureParts({ ...base, method: 'GET', key: '/name' })
		expect(parts.httpString.split('\n')[1]).toBe('//name')
	})

	it('signs the bucket root for an empty key', async () => {
		const parts = await cosSignatureParts({ ...base, method: 'GET', key: '', query: { prefix: 'a/' } })
		expect(parts.httpString).toBe('get\n/\nprefix=a%2F\n\n')
	})

	it('lowercases and encodes names, encodes values keeping case, and sorts by name', async () => {
		const parts = await cosSignatureParts({
			...base,
			method: 'GET',
			key: 'k',
			query: { 'Response-Content-Type': 'Text/Plain', acl: '', 'response-content-disposition': "a'b(c)*!" },
		})
		expect(parts.paramList).toBe('acl;response-content-disposition;response-content-type')
		expect(parts.httpString.split('\n')[2]).toBe(
			'acl=&response-content-disposition=a%27b%28c%29%2A%21&response-content-type=Text%2FPlain',
		)
	})

	it('refuses two names that differ only in case', async () => {
		await expect(
			cosAuthorization({ ...base, method: 'GET', key: 'k', headers: { Host: 'a', host: 'b' } }),
		).rejects.toThrow(TypeError)
	})

	it.each([
		['an empty secretId', { secretId: '' }],
		['an empty secretKey', { secretKey: '' }],
		['a key with a lone surrogate', { key: 'bad\ud800' }],
		['a key time that ends before it starts', { keyTime: { start: 10, end: 5 } }],
		['a key time before 1970', { keyTime: { start: -1, end: 5 } }],
		['a secretId with "&"', { secretId: 'AKID&x' }],
		['a secretId with a space', { secretId: 'AKID x' }],
		['an empty parameter name', { query: { '': 'x' } }],
		['a fractional key time', { keyTime: { start: 1.5, end: 5 } }],
		['a method that is not a token', { method: 'GET /x' }],
	])('refuses %s', async (_label, patch) => {
		await expect(cosAuthorization({ ...base, method: 'GET', key: 'k', ...patch })).rejects.toThrow()
	})
})

describe('signing with more than one secret in one isolate', () => {
	// Expected values from Node's own crypto: HMAC-SHA1(HMAC-SHA1(secret, keyTime), StringToSign).
	const FIRST = {
		secretKey: 'first-secret-key-0000000000000000',
		signature: '42e1594adc7e397d60820893aef9257ab72ba32c',
	}
	const SECOND = {
		secretKey: 'second-secret-key-111111111111111',
		signature: '44c58232ed5b9000250ce748d9ed3b1c8359224a',
	}
	const sign = (secretKey: string) =>
		cosSignatureParts({
			secretId: 'AKIDexample',
			secretKey,
			method: 'GET',
			key: 'k',
			keyTime: { start: 1700000000, end: 1700000300 },
		}).then((parts) => parts.signature)

	it('signs each secret with its own key, one after the other', async () => {
		clearSigningCaches()
		expect(await sign(FIRST.secretKey)).toBe(FIRST.signature)
		expect(await sign(SECOND.secretKey)).toBe(SECOND.signature)
		expect(await sign(FIRST.secretKey)).toBe(FIRST.signature)
	})

	it('signs each secret with its own key, both at once from a cold cache', async () => {
		clearSigningCaches()
		expect(await Promise.all([sign(FIRST.secretKey), sign(SECOND.secretKey)])).toEqual([
			FIRST.signature,
			SECOND.signature,
		])
	})
})
