// The free probe and everything around it on a limited share: no body longer than one byte
// leaves without a download spent first, whatever Range or If-Range a client sends.
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { singleRange } from '../../src/http/range.ts'
import { isProbe, PROBE_RANGE } from '../../src/routes/pipeline/intent.ts'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'

resetBetweenTests()

const BODY = '0123456789abcdef'
const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }

/** COS as it is: one Range honoured; If-Match against its ETag; otherwise the whole object. */
function mockCos() {
	const sent: Headers[] = []
	vi.spyOn(globalThis, 'fetch').mockImplementation(async (_input, init) => {
		const headers = new Headers(init?.headers)
		sent.push(headers)
		const base = { etag: '"e1"', 'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT', 'accept-ranges': 'bytes' }
		const ifMatch = headers.get('if-match')
		if (ifMatch !== null && ifMatch !== '"e1"') return new Response(null, { status: 412, headers: base })
		const range = /^bytes=(\d+)-(\d*)$/.exec(headers.get('range') ?? '')
		if (range) {
			const start = Number(range[1])
			const end = range[2] ? Math.min(Number(range[2]), BODY.length - 1) : BODY.length - 1
			const part = BODY.slice(start, end + 1)
			return new Response(part, {
				status: 206,
				headers: {
					...base,
					'content-length': String(part.length),
					'content-range': `bytes ${start}-${end}/${BODY.length}`,
				},
			})
		}
		return new Response(BODY, { headers: { ...base, 'content-length': String(BODY.length) } })
	})
	return sent
}

async function downloads(id: string): Promise<number> {
	return ((await (await adminRequest(`/${id}`)).json()) as { downloads: number }).downloads
}

const spellings = fc.oneof(
	fc.constantFrom(
		'bytes=0-0',
		'BYTES=0-0',
		' bytes=0-0 ',
		'bytes = 0 - 0',
		'bytes=0 -0',
		'bytes=00-0',
		'bytes=0-00',
		'bytes=0-0,1-1',
		'bytes=0-1',
		'bytes=-1',
		'bytes=1-1',
		'bytes=0-',
		'items=0-0',
		'bytes=0-0\t',
		'',
	),
	fc.string({ maxLength: 16 }),
	fc.tuple(fc.nat(3), fc.option(fc.nat(3), { nil: undefined })).map(([a, b]) => `bytes=${a}-${b ?? ''}`),
)
const ifRanges = fc.option(
	fc.constantFrom('"e1"', '"other"', 'W/"e1"', 'garbage', 'Fri, 02 Jan 2026 03:04:05 GMT'),
	{
		nil: undefined,
	},
)

describe('the probe rule', () => {
	it('is exactly what the range parser reads as the first byte', () => {
		fc.assert(
			fc.property(spellings, (range) => {
				expect(isProbe(new Headers({ range }))).toBe(singleRange(range) === PROBE_RANGE)
			}),
		)
	})

	it('lets no body longer than one byte leave a limited share without spending a download', async () => {
		let n = 0
		await fc.assert(
			fc.asyncProperty(spellings, ifRanges, fc.constantFrom('', '/download'), async (range, ifRange, sub) => {
				vi.restoreAllMocks()
				mockCos()
				const id = `probe-${++n}`
				await createShare({ key: 'f.bin', id, maxDownloads: 5, delivery: 'stream' })
				const headers: Record<string, string> = { ...CURL, range }
				if (ifRange !== undefined) headers['if-range'] = ifRange
				const res = await get(`/${id}${sub}`, { headers, redirect: 'manual' })
				const body = new Uint8Array(await res.arrayBuffer())
				const spent = await downloads(id)
				if (spent === 0) expect(body.byteLength).toBeLessThanOrEqual(1)
				else {
					expect(spent).toBe(1)
					expect(res.status).toBe(302)
				}
			}),
			{ numRuns: 60 },
		)
	}, 60_000)

	it('sends COS nothing but the first-byte Range for a probe, whatever If-Range says', async () => {
		const sent = mockCos()
		await createShare({ key: 'f.bin', id: 'probe-clean', maxDownloads: 1 })
		for (const ifRange of ['"other"', 'garbage', 'W/"e1"']) {
			const res = await get('/probe-clean', { headers: { ...CURL, range: 'bytes=0-0', 'if-range': ifRange } })
			expect(res.status).toBe(206)
			expect(await res.text()).toBe('0')
		}
		expect(sent.every((h) => h.get('range') === 'bytes=0-0' && !h.has('if-match'))).toBe(true)
		expect(await downloads('probe-clean')).toBe(0)
	})

	it('refuses a probe that COS answers with more than one byte', async () => {
		vi.spyOn(globalThis, 'fetch').mockImplementation(
			async () => new Response(BODY, { headers: { 'content-length': String(BODY.length), etag: '"e1"' } }),
		)
		await createShare({ key: 'f.bin', id: 'probe-greedy', maxDownloads: 1 })
		const res = await get('/probe-greedy', { headers: { ...CURL, range: 'bytes=0-0' } })
		expect(res.status).toBe(502)
		expect((await res.text()).includes(BODY)).toBe(false)
	})
})
