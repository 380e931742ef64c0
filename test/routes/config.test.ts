import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig, requireLinkSecret } from '../../src/env.ts'
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
