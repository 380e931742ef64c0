import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig, readConfig, requireLinkSecret } from '../../src/env.ts'
import { get } from './helpers.ts'

const BASE = {
	COS_SECRET_ID: 'AKIDtestsecretid0000000000000000000',
	COS_SECRET_KEY: 'testsecretkey0000000000000000000',
	ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
	COS_BUCKET: 'examplebucket-1250000000',
	COS_REGION: 'ap-guangzhou',
}

/** The setting a ConfigError names, or undefined when the config parses. */
function failingSetting(patch: Record<string, string>): string | undefined {
	try {
		parseConfig({ ...BASE, ...patch })
		return undefined
	} catch (error) {
		if (error instanceof ConfigError) return error.setting
		throw error
	}
}

describe('parseConfig', () => {
	it('names COS_REGION when the region is malformed', () => {
		expect(failingSetting({ COS_REGION: 'Guangzhou!' })).toBe('COS_REGION')
	})

	it('names COS_BUCKET when the bucket is malformed', () => {
		expect(failingSetting({ COS_BUCKET: 'no-appid' })).toBe('COS_BUCKET')
	})

	it.each([
		['a space inside', 'test-admin token-0123456789abcdef'],
		['a tab inside', 'test-admin\ttoken-0123456789abcdef'],
		['non-ASCII characters', 'test-admin-token-0123456789abcdé'],
	])('refuses an ADMIN_TOKEN with %s, which no Bearer header can carry', (_, token) => {
		expect(failingSetting({ ADMIN_TOKEN: token })).toBe('ADMIN_TOKEN')
	})

	it('accepts every visible ASCII character in ADMIN_TOKEN', () => {
		expect(failingSetting({ ADMIN_TOKEN: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' })).toBeUndefined()
	})

	it('parses without LINK_SECRET', () => {
		expect(parseConfig(BASE).linkSecret).toBeUndefined()
	})

	it('refuses a LINK_SECRET shorter than 16 characters', () => {
		expect(failingSetting({ LINK_SECRET: 'short' })).toBe('LINK_SECRET')
	})
})

describe('requireLinkSecret', () => {
	it('throws a ConfigError naming LINK_SECRET when it is not set', () => {
		expect(() => requireLinkSecret(parseConfig(BASE))).toThrow(
			expect.objectContaining({ setting: 'LINK_SECRET', message: expect.stringContaining('is not set') }),
		)
	})

	it('returns LINK_SECRET when it is set', () => {
		const secret = 'link-secret-0123456789abcdef'
		expect(requireLinkSecret(parseConfig({ ...BASE, LINK_SECRET: secret }))).toBe(secret)
	})
})

describe('a deployment without LINK_SECRET', () => {
	it('is healthy', async () => {
		const { LINK_SECRET: _, ...withoutLinkSecret } = env as unknown as Record<string, unknown>
		const res = await get('/_/health', {}, withoutLinkSecret)
		expect(res.status).toBe(200)
	})
})

describe('parseConfig: each setting', () => {
	it('trims surrounding whitespace from a value', () => {
		expect(parseConfig({ ...BASE, COS_REGION: ' ap-guangzhou\n' }).target.region).toBe('ap-guangzhou')
	})

	it('says a missing secret "is not set"', () => {
		const { COS_SECRET_ID: _, ...withoutId } = BASE
		expect(() => parseConfig(withoutId)).toThrow(
			expect.objectContaining({ setting: 'COS_SECRET_ID', message: expect.stringContaining('is not set') }),
		)
	})

	it.each([
		['an ADMIN_TOKEN of exactly 16 characters', { ADMIN_TOKEN: 'a'.repeat(16) }, undefined],
		['an ADMIN_TOKEN of 15 characters', { ADMIN_TOKEN: 'a'.repeat(15) }, 'ADMIN_TOKEN'],
		['SIGN_TTL 1', { SIGN_TTL: '1' }, undefined],
		['SIGN_TTL 0', { SIGN_TTL: '0' }, 'SIGN_TTL'],
		['SIGN_TTL of seven days', { SIGN_TTL: '604800' }, undefined],
		['SIGN_TTL of seven days and a second', { SIGN_TTL: '604801' }, 'SIGN_TTL'],
		['a fractional SIGN_TTL', { SIGN_TTL: '1.5' }, 'SIGN_TTL'],
		['COS_KEY_EXPIRES_AT in Unix seconds', { COS_KEY_EXPIRES_AT: '1800000000' }, undefined],
		['COS_KEY_EXPIRES_AT in ISO 8601', { COS_KEY_EXPIRES_AT: '2027-01-15T08:00:00Z' }, undefined],
		['COS_KEY_EXPIRES_AT as a short number', { COS_KEY_EXPIRES_AT: '12345' }, 'COS_KEY_EXPIRES_AT'],
		['COS_KEY_EXPIRES_AT in prose', { COS_KEY_EXPIRES_AT: 'January 15, 2027' }, 'COS_KEY_EXPIRES_AT'],
		[
			'COS_KEY_EXPIRES_AT on no real date',
			{ COS_KEY_EXPIRES_AT: '2027-13-45T00:00:00Z' },
			'COS_KEY_EXPIRES_AT',
		],
		['a COS_ENDPOINT that is not http(s)', { COS_ENDPOINT: 'ftp://files.example.com' }, 'COS_ENDPOINT'],
		['an unknown DEFAULT_DELIVERY', { DEFAULT_DELIVERY: 'proxy' }, 'DEFAULT_DELIVERY'],
		['a PUBLIC_BASE_URL with a path', { PUBLIC_BASE_URL: 'https://share.example.com/s' }, 'PUBLIC_BASE_URL'],
		[
			'a PUBLIC_BASE_URL with a query',
			{ PUBLIC_BASE_URL: 'https://share.example.com/?a=1' },
			'PUBLIC_BASE_URL',
		],
		[
			'a PUBLIC_BASE_URL that is not http(s)',
			{ PUBLIC_BASE_URL: 'ftp://share.example.com' },
			'PUBLIC_BASE_URL',
		],
	])('judges %s', (_, patch, setting) => {
		expect(failingSetting(patch)).toBe(setting)
	})

	it('reads COS_KEY_EXPIRES_AT as Unix seconds', () => {
		expect(parseConfig({ ...BASE, COS_KEY_EXPIRES_AT: '2027-01-15T08:00:00Z' }).credentials.expiresAt).toBe(
			Date.parse('2027-01-15T08:00:00Z') / 1000,
		)
	})

	it('defaults to redirect delivery and a 300-second SIGN_TTL', () => {
		expect(parseConfig(BASE)).toMatchObject({ defaultDelivery: 'redirect', signTtl: 300 })
	})

	it('keeps only the origin of PUBLIC_BASE_URL', () => {
		expect(parseConfig({ ...BASE, PUBLIC_BASE_URL: 'https://share.example.com/' }).publicBaseUrl).toBe(
			'https://share.example.com',
		)
	})
})

describe('readConfig', () => {
	it('parses an env object once', () => {
		const bindings = { ...BASE }
		expect(readConfig(bindings)).toBe(readConfig(bindings))
	})
})
