import { describe, expect, it, vi } from 'vitest'
import { type ZipMember, zipLength, zipStream } from '../../src/http/zip.ts'

const encoder = new TextEncoder()

function member(name: string, body: string, declared = encoder.encode(body).length): ZipMember {
	return {
		name,
		size: declared,
		lastModified: new Date(Date.UTC(2026, 0, 2, 3, 4, 6)),
		open: async () => new Response(body).body as ReadableStream<Uint8Array>,
	}
}

async function bytesOf(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
	return new Uint8Array(await new Response(body).arrayBuffer())
}

describe('zipStream', () => {
	it('produces exactly the predicted number of bytes', async () => {
		const members = [member('a.txt', 'alpha'), member('照片/📷.txt', 'beta')]
		const { body, length } = zipStream(members)
		expect((await bytesOf(body)).length).toBe(length)
		expect(length).toBe(zipLength(members))
	})

	it('stores members uncompressed with the UTF-8 name flag', async () => {
		const { body } = zipStream([member('照片.txt', 'plain text')])
		const data = await bytesOf(body)
		const view = new DataView(data.buffer)
		expect(view.getUint32(0, true)).toBe(0x04034b50)
		expect(view.getUint16(6, true) & 0x0800).toBe(0x0800)
		expect(view.getUint16(8, true)).toBe(0)
		expect(new TextDecoder().decode(data)).toContain('plain text')
	})

	it('opens members one after another, not all up front', async () => {
		const opened: string[] = []
		const lazy = (name: string): ZipMember => ({
			...member(name, 'x'),
			open: async () => {
				opened.push(name)
				return new Response('x').body as ReadableStream<Uint8Array>
			},
		})
		const { body } = zipStream([lazy('one'), lazy('two')])
		await new Promise((done) => setTimeout(done, 10))
		// The first member may be fetched ahead; the second waits for the reader.
		expect(opened).not.toContain('two')
		await bytesOf(body)
		expect(opened).toEqual(['one', 'two'])
	})

	it('errors the archive when a member is shorter than listed', async () => {
		const { body } = zipStream([member('short.txt', 'abc', 10)])
		await expect(bytesOf(body)).rejects.toThrow()
	})

	it('errors the archive when a member is longer than listed', async () => {
		const { body } = zipStream([member('long.txt', 'abcdefghij', 3)])
		await expect(bytesOf(body)).rejects.toThrow()
	})

	it('errors the archive when a member cannot be opened', async () => {
		const failing: ZipMember = {
			...member('gone.txt', 'x'),
			open: () => Promise.reject(new Error('COS answered 404')),
		}
		const { body } = zipStream([member('ok.txt', 'ok'), failing])
		await expect(bytesOf(body)).rejects.toThrow()
	})
})

describe('zipLength', () => {
	it('counts zip64 records once members pass 4 GiB', () => {
		const big = { ...member('big.bin', ''), size: 5 * 1024 ** 3 }
		const small = { ...member('big.bin', ''), size: 1024 }
		// Store mode: the payload plus headers; past 4 GiB the zip64 extras and end records add more.
		expect(zipLength([big]) - big.size).toBeGreaterThan(zipLength([small]) - small.size)
	})
})

describe('zipStream failures', () => {
	const errorEvents = (spy: { mock: { calls: unknown[][] } }) =>
		spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)

	it.each([
		['shorter', 'short', member('a.txt', 'four', 5)],
		['longer', 'long', member('a.txt', 'sixsix', 5)],
	] as const)(
		'logs a member %s than listed at error level, and fails the archive',
		async (_label, reason, bad) => {
			const error = vi.spyOn(console, 'error').mockImplementation(() => {})
			vi.spyOn(console, 'warn').mockImplementation(() => {})
			try {
				const { body } = zipStream([bad])
				await expect(bytesOf(body)).rejects.toThrow()
				await vi.waitFor(() => {
					expect(errorEvents(error)).toContainEqual(
						expect.objectContaining({ level: 'error', event: 'zip_member_failed', reason }),
					)
				})
			} finally {
				vi.restoreAllMocks()
			}
		},
	)

	it('logs a member that cannot be opened at error level', async () => {
		const error = vi.spyOn(console, 'error').mockImplementation(() => {})
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		try {
			const failing: ZipMember = {
				...member('b.txt', 'x'),
				open: () => Promise.reject(new TypeError('Network connection lost.')),
			}
			const { body } = zipStream([member('a.txt', 'alpha'), failing])
			await expect(bytesOf(body)).rejects.toThrow()
			await vi.waitFor(() => {
				expect(errorEvents(error)).toContainEqual(
					expect.objectContaining({ event: 'zip_member_failed', reason: 'open', type: 'TypeError' }),
				)
			})
		} finally {
			vi.restoreAllMocks()
		}
	})
})
