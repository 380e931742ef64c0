import { describe, expect, it } from 'vitest'
import {
	backoffSeconds,
	clientNetwork,
	clientNetworks,
	FREE_ATTEMPTS,
	WIDE_FREE_ATTEMPTS,
} from '../../src/shares/limits.ts'

describe('network tiers', () => {
	it('counts an IPv4 address against its /24 alone', () => {
		expect(clientNetworks('198.51.100.7')).toEqual([{ network: '198.51.100.0/24', free: FREE_ATTEMPTS }])
	})

	it('counts an IPv6 address against its /64 and, with eight times the allowance, its /48', () => {
		expect(WIDE_FREE_ATTEMPTS).toBe(8 * FREE_ATTEMPTS)
		expect(clientNetworks('2001:DB8:0:1::9')).toEqual([
			{ network: '2001:db8:0:1::/64', free: FREE_ATTEMPTS },
			{ network: '2001:db8:0::/48', free: WIDE_FREE_ATTEMPTS },
		])
		expect(clientNetworks('2001:db8:0:ffff:1::')[1]).toEqual(clientNetworks('2001:0db8:0000:0001::1')[1])
		expect(clientNetworks('2001:db8:1:1::1')[1]).not.toEqual(clientNetworks('2001:db8:0:1::1')[1])
	})

	it('counts an IPv4-mapped IPv6 address as its IPv4 /24, however it is written, and no other', () => {
		for (const mapped of ['::ffff:198.51.100.7', '::FFFF:c633:6407', '0:0:0:0:0:ffff:198.51.100.250'])
			expect(clientNetworks(mapped)).toEqual([{ network: '198.51.100.0/24', free: FREE_ATTEMPTS }])
		expect(clientNetwork('::ffff:198.51.100.7')).toBe(clientNetwork('198.51.100.7'))
		// Every other address is named as it always was.
		expect(clientNetwork('::1')).toBe('0:0:0:0::/64')
		expect(clientNetwork('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64')
		expect(clientNetwork('2001:0db8:0000:0001:ffff:0:0:9')).toBe('2001:db8:0:1::/64')
		expect(clientNetwork(undefined)).toBe('unknown')
		expect(clientNetworks(null)).toEqual([{ network: 'unknown', free: FREE_ATTEMPTS }])
	})

	it('doubles the wait of a tier past its own free attempts', () => {
		expect([FREE_ATTEMPTS - 1, FREE_ATTEMPTS, FREE_ATTEMPTS + 1].map((n) => backoffSeconds(n))).toEqual([
			0, 1, 2,
		])
		expect([39, 40, 41, 42].map((n) => backoffSeconds(n, WIDE_FREE_ATTEMPTS))).toEqual([0, 1, 2, 4])
	})
})
