// A folder share whose storage is down answers like a file share: 502 origin_error, whether
// the listing request throws, times out or gets a 5xx; and a zip member that fails is
// logged at error level.
import { describe, expect, it, vi } from 'vitest'
import { LIST_TIMEOUT_MS, ListError, listLevel } from '../../src/cos/list.ts'
import { type FakeObject, fakeCos } from './folder-cos.ts'
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

const BUCKET: Record<string, FakeObject> = {
	'docs/a.txt': { body: 'alpha' },
	'docs/b.txt': { body: 'bravo' },
}

/** The error-level lines logged so far, parsed. */
const errorLines = (spy: { mock: { calls: unknown[][] } }) =>
	spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)

describe('a folder zip whose member fails', () => {
	it.each([
		['COS refuses it', { body: 'bravo', status: 503 }, { reason: 'open', status: 503 }],
		['its body breaks mid-way', { body: 'bravo', breaks: true }, { reason: 'read', type: 'Error' }],
	] as [string, FakeObject, Record<string, unknown>][])(
		'logs at error level when %s',
		async (_label, failing, fields) => {
			const id = await folderShare()
			fakeCos({ ...BUCKET, 'docs/b.txt': failing })
			const error = vi.spyOn(console, 'error').mockImplementation(() => {})
			vi.spyOn(console, 'warn').mockImplementation(() => {})
			const res = await get(`/_/zip/${id}/`)
			expect(res.status).toBe(200)
			await expect(res.arrayBuffer()).rejects.toThrow()
			await vi.waitFor(() => {
				expect(errorLines(error)).toContainEqual(
					expect.objectContaining({ level: 'error', event: 'zip_member_failed', ...fields }),
				)
			})
			// Facts only: never a member's name or a URL.
			expect(JSON.stringify(errorLines(error))).not.toMatch(/b\.txt|myqcloud/)
		},
	)

	it('logs when a member cannot be fetched at all', async () => {
		const id = await folderShare()
		const { spy } = fakeCos(BUCKET)
		const listing = spy.getMockImplementation()
		spy.mockImplementation(async (input, init) => {
			const url = new URL(String(input instanceof Request ? input.url : input))
			if (url.pathname === '/docs/b.txt') throw new TypeError('Network connection lost.')
			if (!listing) throw new Error('no listing')
			return listing(input, init)
		})
		const error = vi.spyOn(console, 'error').mockImplementation(() => {})
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		const res = await get(`/_/zip/${id}/`)
		await expect(res.arrayBuffer()).rejects.toThrow()
		await vi.waitFor(() => {
			expect(errorLines(error)).toContainEqual(
				expect.objectContaining({
					level: 'error',
					event: 'zip_member_failed',
					reason: 'open',
					type: 'TypeError',
				}),
			)
		})
	})
})
