// CONSOLE_HOST: the console, and its cookie, on a host of its own.
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/env.ts'
import { consoleRequest, OWN_PAGE, postLogin, signIn } from './console-helpers.ts'
import { envWith } from './helpers.ts'

const CONSOLE = 'https://admin.example.com'
const onHost = envWith({ CONSOLE_HOST: 'admin.example.com' })

describe('CONSOLE_HOST', () => {
	it('answers 404 for the console on any other host', async () => {
		const res = await consoleRequest('/_/admin', { headers: { accept: 'application/json' } }, onHost)
		expect(res.status).toBe(404)
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found')
		expect((await postLogin('anything', { testEnv: onHost })).status).toBe(404)
		expect(
			(await consoleRequest('/_/admin/logout', { method: 'POST', headers: OWN_PAGE }, onHost)).status,
		).toBe(404)
	})

	it('serves the console, and signs in, on its own host', async () => {
		const page = await consoleRequest('/_/admin', {}, onHost, CONSOLE)
		expect(page.status).toBe(200)
		const { cookie } = await signIn(onHost, CONSOLE)
		const shell = await consoleRequest('/_/admin', { headers: { cookie } }, onHost, CONSOLE)
		expect(await shell.text()).toContain('<div id="console"')
	})

	it('takes the cookie on the API of the console host only', async () => {
		const { cookie } = await signIn(onHost, CONSOLE)
		const there = await consoleRequest('/api/shares', { headers: { cookie, ...OWN_PAGE } }, onHost, CONSOLE)
		expect(there.status).toBe(200)
		const elsewhere = await consoleRequest('/api/shares', { headers: { cookie, ...OWN_PAGE } }, onHost)
		expect(elsewhere.status).toBe(401)
	})

	it.each([
		['a URL', 'https://admin.example.com'],
		['a path', 'admin.example.com/console'],
		['a user', 'me@admin.example.com'],
		['a space', 'admin example.com'],
	])('is misconfigured when it is %s', (_, value) => {
		expect(() => parseConfig({ ...onHost, CONSOLE_HOST: value })).toThrow(ConfigError)
	})

	it('takes a host with a port, in any case', () => {
		expect(parseConfig({ ...onHost, CONSOLE_HOST: 'Localhost:8787' }).consoleHost).toBe('localhost:8787')
	})
})
