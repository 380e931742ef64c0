import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, vi } from 'vitest'
import app from '../../src/index.ts'
import { clearShareCache } from '../../src/shares/store.ts'

export { queryParams } from '../query-params.ts'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'
export const BUCKET_HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com'

export type TestEnv = typeof env & Record<string, unknown>

/** The test env with some settings changed (a new object, so its config is parsed anew). */
export function envWith(patch: Record<string, string>): TestEnv {
	return { ...env, ...patch } as TestEnv
}

export function request(path: string, init: RequestInit = {}, testEnv: object = env): Promise<Response> {
	return Promise.resolve(app.request(path, init, testEnv))
}

export function adminRequest(
	path: string,
	init: RequestInit & { json?: unknown } = {},
	testEnv: object = env,
) {
	const { json, ...rest } = init
	const headers = new Headers(rest.headers)
	headers.set('authorization', `Bearer ${ADMIN_TOKEN}`)
	if (json !== undefined) headers.set('content-type', 'application/json')
	return request(
		`https://share.example.com/api/shares${path}`,
		{ ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) },
		testEnv,
	)
}

export async function createShare(body: Record<string, unknown>, testEnv: object = env) {
	const res = await adminRequest('', { method: 'POST', json: body }, testEnv)
	if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`)
	return (await res.json()) as { id: string; url: string } & Record<string, unknown>
}

/** Module-level caches survive between tests: start each from a cold isolate. */
export function resetBetweenTests(): void {
	beforeEach(() => {
		clearShareCache(env.SHARES)
	})
	afterEach(() => {
		vi.restoreAllMocks()
	})
}

/** A public request to the share domain. */
export const get = (path: string, init: RequestInit = {}, testEnv: object = env) =>
	request(`https://share.example.com${path}`, init, testEnv)
