// A folder share whose storage is down answers like a file share: 502 origin_error, whether
// the listing request throws, times out or gets a 5xx.
import { describe, expect, it, vi } from 'vitest'
import { LIST_TIMEOUT_MS, ListError, listLevel } from '../../src/cos/list.ts'
import { createShare, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

const JSON_ACCEPT = { headers: { accept: 'application/json' } }
const HTML_ACCEPT = { headers: { accept: 'text/html', 'accept-language': 'en' } }

let serial = 0
async function folderShare(): Promise<string> {
	serial += 1
	const id = `fold-down-${serial}`
	await createShare({ type: 'folder', prefix: 'docs/', id })
	return id
}

/** Storage that fails every request the way `fail` says; each Response built in the mock. */
function storageDown(fail: () => Response | Promise<Response>) {
	return vi.spyOn(globalThis, 'fetch').mockImplementation(async () => fail())
}

/** A fetch that never answers until its signal aborts it, as a hung connection would. */
function storageHangs() {
	return vi.spyOn(globalThis, 'fetch').mockImplementation(
		(_input, init) =>
			new Promise<Response>((_resolve, reject) => {
				const signal = init?.signal
				if (signal?.aborted) reject(signal.reason)
				signal?.addEventListener('abort', () => reject(signal.reason))
			}),
	)
}

async function errorOf(res: Response) {
	const { error } = (await res.json()) as { error: { code: string } }
	return { status: res.status, code: error.code }
}

const failures: [string, () => Response | Promise<Response>][] = [
	[
		'fetch throws',
		() => {
			throw new TypeError('Network connection lost.')
		},
	],
	['COS answers 500', () => new Response('<Error><Code>InternalError</Code></Error>', { status: 500 })],
	['COS answers 503', () => new Response(null, { status: 503 })],
	['COS answers 504 with no body', () => new Response(null, { status: 504 })],
]

describe('a folder listing with storage down', () => {
	it.each(failures)('answers 502 origin_error when %s', async (_label, fail) => {
		const id = await folderShare()
		storageDown(fail)
		expect(await errorOf(await get(`/${id}/`, JSON_ACCEPT))).toEqual({ status: 502, code: 'origin_error' })
	})

	it('answers a browser with a 502 page', async () => {
		const id = await folderShare()
		storageDown(() => {
			throw new TypeError('Network connection lost.')
		})
		const res = await get(`/${id}/sub/`, HTML_ACCEPT)
		expect(res.status).toBe(502)
		expect(res.headers.get('content-type')).toMatch(/^text\/html/)
	})

	it('answers 502 origin_error when COS does not answer in time', async () => {
		const id = await folderShare()
		storageHangs()
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
		try {
			const pending = get(`/${id}/`, JSON_ACCEPT)
			await vi.advanceTimersByTimeAsync(LIST_TIMEOUT_MS + 1)
			expect(await errorOf(await pending)).toEqual({ status: 502, code: 'origin_error' })
		} finally {
			vi.useRealTimers()
		}
	})

	it('logs one warn line naming the failure, never the URL', async () => {
		const id = await folderShare()
		storageDown(() => {
			throw new TypeError('Network connection lost.')
		})
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
		await get(`/${id}/`, JSON_ACCEPT)
		const lines = warn.mock.calls.map(([line]) => String(line))
		expect(lines.some((line) => line.includes('"event":"listing_failed"'))).toBe(true)
		expect(lines.join('\n')).not.toMatch(/myqcloud|q-signature/)
	})
})

describe('a folder zip with storage down', () => {
	it.each(failures)('answers 502 origin_error when its listing %s', async (_label, fail) => {
		const id = await folderShare()
		storageDown(fail)
		expect(await errorOf(await get(`/_/zip/${id}/`, JSON_ACCEPT))).toEqual({
			status: 502,
			code: 'origin_error',
		})
	})
})

describe('listLevel', () => {
	const input = {
		credentials: { secretId: 'AKIDexample', secretKey: 'secret' },
		target: { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou' },
		prefix: 'docs/',
		maxKeys: 10,
		ttl: 60,
		now: Date.now(),
	}

	it('turns a fetch that throws into a ListError', async () => {
		storageDown(() => {
			throw new TypeError('Network connection lost.')
		})
		await expect(listLevel(input)).rejects.toBeInstanceOf(ListError)
	})

	it('gives up after timeoutMs with a ListError', async () => {
		storageHangs()
		await expect(listLevel({ ...input, timeoutMs: 20 })).rejects.toMatchObject({
			name: 'ListError',
			timedOut: true,
		})
	})

	it('still honours the caller’s own signal', async () => {
		storageHangs()
		const controller = new AbortController()
		const listed = listLevel(input, controller.signal)
		controller.abort(new Error('the caller gave up'))
		await expect(listed).rejects.toBeInstanceOf(ListError)
	})
})
