import { describe, expect, it } from 'vitest'
import { changesState, isConsoleOwnRequest, servesConsole } from '../../src/console/origin.ts'

const OWN = 'https://admin.example.com'

describe("the console's same-origin rule", () => {
	it.each([
		['same-origin without Origin (a GET)', 'same-origin', undefined],
		['same-origin with its own Origin', 'same-origin', OWN],
		// Referrer-Policy: no-referrer makes the console's own POSTs say Origin: null.
		['same-origin with Origin: null', 'same-origin', 'null'],
		['Sec-Fetch-Site in another case', 'Same-Origin', OWN],
	])('accepts %s', (_, site, origin) => {
		expect(isConsoleOwnRequest(site, origin, OWN)).toBe(true)
	})

	it.each([
		['cross-site', 'cross-site', undefined],
		['same-site (a sibling subdomain)', 'same-site', 'https://share.example.com'],
		['a direct navigation (none)', 'none', undefined],
		['no Sec-Fetch-Site at all', undefined, undefined],
		['no Sec-Fetch-Site with Origin: null', undefined, 'null'],
		['cross-site with Origin: null (a sandboxed frame)', 'cross-site', 'null'],
		['same-origin with a foreign Origin', 'same-origin', 'https://evil.example'],
		['same-origin with the http twin of its origin', 'same-origin', 'http://admin.example.com'],
	])('refuses %s', (_, site, origin) => {
		expect(isConsoleOwnRequest(site, origin, OWN)).toBe(false)
	})

	it('serves the console on any host without CONSOLE_HOST, only on it with one', () => {
		expect(servesConsole('share.example.com', undefined)).toBe(true)
		expect(servesConsole('admin.example.com', 'admin.example.com')).toBe(true)
		expect(servesConsole('share.example.com', 'admin.example.com')).toBe(false)
	})

	it('asks for the CSRF token on every method but GET, HEAD and OPTIONS', () => {
		for (const method of ['POST', 'PATCH', 'PUT', 'DELETE', 'post']) expect(changesState(method)).toBe(true)
		for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(changesState(method)).toBe(false)
	})
})
