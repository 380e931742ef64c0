import { describe, expect, it, vi } from 'vitest'
import { type ZipMember, zipLength, zipStream } from '../../src/http/zip.ts'
import { centralDirectory, dataDescriptor, layOut, localHeader } from '../../src/http/zip-records.ts'
import { type ByteSource, readZip } from './zip-reader.ts'

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

/** `count` bytes of a repeating pattern, so no two neighbouring blocks look alike. */
function pattern(count: number, seed = 0): Uint8Array {
	return Uint8Array.from({ length: count }, (_, i) => (i * 31 + seed + (i >> 10)) & 0xff)
}

/** A member whose body is a byte stream, as a fetch body is (read with the BYOB reader). */
function bytesMember(name: string, bytes: Uint8Array, declared = bytes.length): ZipMember {
	return {
		name,
		size: declared,
		lastModified: new Date(Date.UTC(2026, 0, 2, 3, 4, 6)),
		open: async () => new Response(bytes).body as ReadableStream<Uint8Array>,
	}
}

/** A member whose body is a stream built in JavaScript: `chunk` `count` times, then `tail`. */
function repeatedMember(name: string, chunk: Uint8Array, count: number, tail: Uint8Array): ZipMember {
	return {
		name,
		size: chunk.length * count + tail.length,
		lastModified: new Date(Date.UTC(2026, 0, 2, 3, 4, 6)),
		open: async () => {
			let sent = 0
			return new ReadableStream<Uint8Array>({
				pull(controller) {
					if (sent++ < count) controller.enqueue(chunk)
					else {
						controller.enqueue(tail)
						controller.close()
					}
				},
			})
		},
	}
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

describe('zip records (read back by a strict reader)', () => {
	it('writes each member as local header, bytes and descriptor, then the central directory', async () => {
		const members = [member('a.txt', 'alpha'), bytesMember('b.bin', pattern(3000)), member('empty.txt', '')]
		const archive = readZip(await bytesOf(zipStream(members).body))
		expect(archive.zip64End).toBe(false)
		expect(
			archive.entries.map((entry) => [entry.name, entry.size, entry.flags, entry.versionNeeded]),
		).toEqual([
			['a.txt', 5, 0x0808, 20],
			['b.bin', 3000, 0x0808, 20],
			['empty.txt', 0, 0x0808, 20],
		])
		expect(archive.entries[1]?.data).toEqual(pattern(3000))
		// A regular file, rw-r--r--, for Unix unzip.
		expect(archive.entries[0]?.externalAttributes).toBe((0o100644 << 16) >>> 0)
	})

	it('stores names as UTF-8 with flag bit 11 in the local and central headers', async () => {
		const names = ['照片/📷 photo.txt', 'naïve café.txt', 'Ελληνικά/файл.txt']
		const data = await bytesOf(zipStream(names.map((name) => member(name, name))).body)
		const archive = readZip(data)
		expect(archive.entries.map((entry) => entry.name)).toEqual(names)
		for (const entry of archive.entries) expect(entry.flags & 0x0800).toBe(0x0800)
		const first = encoder.encode(names[0])
		expect(data.subarray(30, 30 + first.length)).toEqual(first)
	})

	it('writes an empty folder as the 22-byte end record alone', async () => {
		const { body, length } = zipStream([])
		const data = await bytesOf(body)
		expect(length).toBe(22)
		expect(zipLength([])).toBe(22)
		expect(data.length).toBe(22)
		expect(readZip(data).entries).toEqual([])
	})

	it('streams 1,000 small members, empty ones among them, at exact offsets', async () => {
		const members = Array.from({ length: 1000 }, (_, i) =>
			member(`many/file-${String(i).padStart(4, '0')}.txt`, i % 7 === 0 ? '' : `file ${i}\n`),
		)
		const { body, length } = zipStream(members)
		const data = await bytesOf(body)
		expect(data.length).toBe(length)
		const archive = readZip(data)
		expect(archive.entries).toHaveLength(1000)
		expect(new TextDecoder().decode(archive.entries[999]?.data)).toBe('file 999\n')
		expect(archive.entries[7]?.size).toBe(0)
	})

	it('passes a byte-stream body on in 256 KiB buffers the runtime filled, whole', async () => {
		const big = pattern(1024 * 1024 + 17, 5)
		const reader = zipStream([bytesMember('big.bin', big), member('z', 'z')]).body.getReader()
		const chunks: Uint8Array[] = []
		for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value)
		// Not workerd's 4 KiB chunks of a body: each one through JavaScript costs ~0.1 ms.
		expect(chunks.filter((chunk) => chunk.length === 256 * 1024)).toHaveLength(4)
		expect(chunks.length).toBeLessThan(12)
		const archive = readZip(await bytesOf(new Blob(chunks).stream()))
		expect(archive.entries[0]?.data).toEqual(big)
	}, 30_000)

	it('writes every record in zip64 form when asked, readable as such', async () => {
		const members = [member('a.txt', 'alpha'), bytesMember('照片.bin', pattern(70_000))]
		const { body, length } = zipStream(members, { forceZip64: true })
		expect(length).toBe(zipLength(members, { forceZip64: true }))
		const archive = readZip(await bytesOf(body))
		expect(archive.zip64End).toBe(true)
		for (const entry of archive.entries) {
			expect(entry.zip64Local).toBe(true)
			expect(entry.zip64Central).toEqual({ sizes: true, offset: false })
			expect(entry.versionNeeded).toBe(45)
		}
		expect(archive.entries[1]?.data).toEqual(pattern(70_000))
	})

	it('adds the zip64 end record at 65,535 members', () => {
		// The records alone (streaming 65,535 members one by one only repeats the 1,000 above).
		const layout = layOut(
			Array.from({ length: 0xffff }, (_, i) => ({ name: `${i}`, size: 0, lastModified: new Date(0) })),
		)
		const data = new Uint8Array(layout.length)
		for (const placed of layout.members) {
			const header = localHeader(placed)
			data.set(header, placed.offset)
			data.set(dataDescriptor(placed, 0), placed.offset + header.length)
		}
		data.set(centralDirectory(layout, new Array<number>(0xffff).fill(0)), layout.centralOffset)
		const archive = readZip(data, layout.length, 0)
		expect(archive.zip64End).toBe(true)
		expect(archive.entries).toHaveLength(0xffff)
		expect(archive.entries.some((entry) => entry.zip64Local || entry.versionNeeded !== 20)).toBe(false)
	}, 30_000)

	it('streams a member past 4 GiB in zip64 form and the member after it at a zip64 offset', async () => {
		// 2^32 + 5 bytes without holding them: one 1 MiB block 4,096 times and 5 more bytes.
		const block = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => i & 0xff)
		const huge = repeatedMember('huge.bin', block, 4096, block.subarray(0, 5))
		const after = member('after.txt', 'after')
		const { body, length } = zipStream([huge, after])
		expect(huge.size).toBe(2 ** 32 + 5)
		// Keep what holds records: the first bytes and everything from the end of the block run on.
		const kept: { at: number; bytes: Uint8Array }[] = []
		let position = 0
		const reader = body.getReader()
		for (let read = await reader.read(); !read.done; read = await reader.read()) {
			if (position < 4096 || position >= 2 ** 32) kept.push({ at: position, bytes: read.value.slice() })
			position += read.value.byteLength
		}
		expect(position).toBe(length)
		const source: ByteSource = (at, count) => {
			const out = new Uint8Array(count)
			let filled = 0
			for (const piece of kept) {
				const from = Math.max(at, piece.at)
				const to = Math.min(at + count, piece.at + piece.bytes.length)
				if (from < to) {
					out.set(piece.bytes.subarray(from - piece.at, to - piece.at), from - at)
					filled += to - from
				}
			}
			if (filled !== count) throw new RangeError(`bytes ${at}+${count} were not kept`)
			return out
		}
		const archive = readZip(source, length, 1024)
		expect(archive.zip64End).toBe(true)
		const [first, second] = archive.entries
		expect(first).toMatchObject({ name: 'huge.bin', size: 2 ** 32 + 5, zip64Local: true, versionNeeded: 45 })
		// zlib.crc32 over the same bytes, computed once in Python.
		expect(first?.crc).toBe(0x5944fa79)
		expect(first?.zip64Central).toEqual({ sizes: true, offset: false })
		expect(second?.offset).toBeGreaterThan(2 ** 32)
		expect(second).toMatchObject({ name: 'after.txt', zip64Local: false, versionNeeded: 45 })
		expect(second?.zip64Central).toEqual({ sizes: false, offset: true })
		expect(new TextDecoder().decode(second?.data)).toBe('after')
	}, 120_000)
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

	const js = (declared: number): ZipMember => ({
		...repeatedMember('js.bin', pattern(1000), 3, pattern(10)),
		size: declared,
	})
	it.each([
		['shorter', 'short', member('a.txt', 'four', 5)],
		['longer', 'long', member('a.txt', 'sixsix', 5)],
		['shorter, over many reads', 'short', bytesMember('b.bin', pattern(500_000), 600_000)],
		['longer, over many reads', 'long', bytesMember('b.bin', pattern(600_000), 500_000)],
		['longer by one byte at the end', 'long', bytesMember('b.bin', pattern(300_000), 299_999)],
		['shorter, from a stream built in JavaScript', 'short', js(3011)],
		['longer, from a stream built in JavaScript', 'long', js(3009)],
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

	it('logs a member whose body breaks mid-way at error level, and fails the archive', async () => {
		const error = vi.spyOn(console, 'error').mockImplementation(() => {})
		vi.spyOn(console, 'warn').mockImplementation(() => {})
		try {
			const breaking: ZipMember = {
				...member('c.bin', 'x', 100),
				open: async () =>
					new ReadableStream<Uint8Array>({
						start(controller) {
							controller.enqueue(pattern(10))
							controller.error(new TypeError('Network connection lost.'))
						},
					}),
			}
			await expect(bytesOf(zipStream([breaking]).body)).rejects.toThrow()
			expect(errorEvents(error)).toContainEqual(
				expect.objectContaining({ event: 'zip_member_failed', reason: 'read', type: 'TypeError' }),
			)
		} finally {
			vi.restoreAllMocks()
		}
	})

	it('notes a client that went away with a warning and cancels the member it was reading', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
		try {
			let cancelled: unknown
			const endless: ZipMember = {
				...member('d.bin', '', 1_000_000),
				open: async () =>
					new ReadableStream<Uint8Array>({
						pull(controller) {
							controller.enqueue(pattern(1000))
						},
						cancel(reason) {
							cancelled = reason
						},
					}),
			}
			const reader = zipStream([endless]).body.getReader()
			await reader.read()
			await reader.read()
			await reader.cancel(new Error('client gone'))
			expect(cancelled).toBeInstanceOf(Error)
			expect(errorEvents(warn)).toContainEqual(
				expect.objectContaining({ level: 'warn', event: 'zip_aborted' }),
			)
		} finally {
			vi.restoreAllMocks()
		}
	})

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
