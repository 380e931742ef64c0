// A strict reader of the zips src/http/zip.ts writes, written from APPNOTE 6.3.10 and not
// from the writer: it walks back from the end records, reads every central entry (zip64
// extra fields included), then checks each member's local header, data and descriptor in
// place, their order with no gaps, and the CRC of every member whose bytes it has (its own
// table CRC-32, not node:zlib's). Bytes come from an accessor, so a test can keep only the
// parts of a 4 GiB archive that hold records.

/** `length` bytes at `at`; throws RangeError when the caller did not keep them. */
export type ByteSource = (at: number, length: number) => Uint8Array

export interface ReadEntry {
	name: string
	flags: number
	versionNeeded: number
	crc: number
	size: number
	offset: number
	/** The local header carries a zip64 extra field and the descriptor 8-byte sizes. */
	zip64Local: boolean
	/** Which 32-bit central fields were MAX32 and read from the zip64 extra field. */
	zip64Central: { sizes: boolean; offset: boolean }
	externalAttributes: number
	/** The member's bytes, when the source has them and the size is within `dataLimit`. */
	data: Uint8Array | undefined
}

export interface ReadArchive {
	entries: ReadEntry[]
	zip64End: boolean
	centralOffset: number
	centralSize: number
}

const MAX32 = 0xffffffff
const MAX16 = 0xffff
const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
	let c = n
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
	return c >>> 0
})

export function tableCrc32(bytes: Uint8Array): number {
	let crc = 0xffffffff
	for (const byte of bytes) crc = (TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
	return (crc ^ 0xffffffff) >>> 0
}

class Fields {
	readonly bytes: Uint8Array
	readonly view: DataView
	constructor(bytes: Uint8Array) {
		this.bytes = bytes
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
	}
	u16(at: number): number {
		return this.view.getUint16(at, true)
	}
	u32(at: number): number {
		return this.view.getUint32(at, true)
	}
	u64(at: number): number {
		const value = this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32
		if (!Number.isSafeInteger(value)) throw new RangeError('a 64-bit field past 2^53')
		return value
	}
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
	if (actual !== expected) throw new Error(`${what}: ${String(actual)}, expected ${String(expected)}`)
}

function sourceOf(bytes: Uint8Array): ByteSource {
	return (at, length) => {
		if (at < 0 || at + length > bytes.length) throw new RangeError(`bytes ${at}+${length} are past the end`)
		return bytes.subarray(at, at + length)
	}
}

/** The zip64 extra field's values, in APPNOTE's order, for the fields whose slot was MAX32. */
function zip64Extra(extra: Fields, wanted: number): number[] {
	let at = 0
	while (at + 4 <= extra.bytes.length) {
		const tag = extra.u16(at)
		const size = extra.u16(at + 2)
		if (tag === 0x0001) {
			expectEqual(size, wanted * 8, 'zip64 extra field length')
			return Array.from({ length: wanted }, (_, i) => extra.u64(at + 4 + 8 * i))
		}
		at += 4 + size
	}
	expectEqual(wanted, 0, 'fields needing a zip64 extra field')
	return []
}

function readCentral(
	central: Fields,
	at: number,
): { entry: Omit<ReadEntry, 'zip64Local' | 'data'>; next: number } {
	expectEqual(central.u32(at), 0x02014b50, 'central entry signature')
	const nameLength = central.u16(at + 28)
	const extraLength = central.u16(at + 30)
	const commentLength = central.u16(at + 32)
	const name = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
		central.bytes.subarray(at + 46, at + 46 + nameLength),
	)
	const sizes = central.u32(at + 24) === MAX32
	expectEqual(central.u32(at + 20) === MAX32, sizes, 'both sizes in the zip64 extra field, or neither')
	const offset64 = central.u32(at + 42) === MAX32
	const extra = new Fields(central.bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength))
	const values = zip64Extra(extra, (sizes ? 2 : 0) + (offset64 ? 1 : 0))
	const size = sizes ? (values[0] ?? -1) : central.u32(at + 24)
	if (sizes) expectEqual(values[1], size, 'compressed size (stored)')
	else expectEqual(central.u32(at + 20), size, 'compressed size (stored)')
	expectEqual(central.u16(at + 10), 0, 'method (stored)')
	return {
		entry: {
			name,
			flags: central.u16(at + 8),
			versionNeeded: central.u16(at + 6),
			crc: central.u32(at + 16),
			size,
			offset: offset64 ? (values.at(-1) ?? -1) : central.u32(at + 42),
			zip64Central: { sizes, offset: offset64 },
			externalAttributes: central.u32(at + 38),
		},
		next: at + 46 + nameLength + extraLength + commentLength,
	}
}

/** Reads and checks a whole archive; throws on the first thing out of place. */
export function readZip(
	input: Uint8Array | ByteSource,
	length = input instanceof Uint8Array ? input.length : -1,
	dataLimit = 64 * 1024 * 1024,
): ReadArchive {
	const read = input instanceof Uint8Array ? sourceOf(input) : input
	const end = new Fields(read(length - 22, 22))
	expectEqual(end.u32(0), 0x06054b50, 'end of central directory signature')
	expectEqual(end.u16(20), 0, 'archive comment length')
	let count = end.u16(10)
	let centralSize = end.u32(12)
	let centralOffset = end.u32(16)
	let zip64End = false
	let tail = 22
	if (length >= 22 + 20 && new Fields(read(length - 42, 4)).u32(0) === 0x07064b50) {
		zip64End = true
		const locator = new Fields(read(length - 42, 20))
		const at = locator.u64(8)
		expectEqual(locator.u32(16), 1, 'total disks')
		const record = new Fields(read(at, 56))
		expectEqual(record.u32(0), 0x06064b50, 'zip64 end record signature')
		expectEqual(record.u64(4), 44, 'zip64 end record size')
		expectEqual(record.u64(24), record.u64(32), 'zip64 entries on this disk and in all')
		const count64 = record.u64(32)
		const size64 = record.u64(40)
		const offset64 = record.u64(48)
		expectEqual(count, Math.min(count64, MAX16), 'end record entry count')
		expectEqual(centralSize, Math.min(size64, MAX32), 'end record central directory size')
		expectEqual(centralOffset, Math.min(offset64, MAX32), 'end record central directory offset')
		expectEqual(at, offset64 + size64, 'zip64 end record offset')
		count = count64
		centralSize = size64
		centralOffset = offset64
		tail += 56 + 20
	} else {
		expectEqual(count < MAX16 && centralSize < MAX32 && centralOffset < MAX32, true, 'fields within 32 bits')
	}
	expectEqual(centralOffset + centralSize + tail, length, 'archive length')
	const central = new Fields(read(centralOffset, centralSize))
	const entries: ReadEntry[] = []
	let at = 0
	let expectedOffset = 0
	for (let i = 0; i < count; i++) {
		const { entry, next } = readCentral(central, at)
		at = next
		expectEqual(entry.offset, expectedOffset, `offset of ${entry.name}`)
		const local = new Fields(read(entry.offset, 30))
		expectEqual(local.u32(0), 0x04034b50, 'local header signature')
		expectEqual(local.u16(6), entry.flags, 'local and central flags')
		expectEqual(local.u16(8), 0, 'local method')
		expectEqual(local.u32(14), 0, 'local CRC (in the descriptor)')
		const nameLength = local.u16(26)
		const extraLength = local.u16(28)
		const header = new Fields(read(entry.offset, 30 + nameLength + extraLength))
		const name = new TextDecoder().decode(header.bytes.subarray(30, 30 + nameLength))
		expectEqual(name, entry.name, 'local and central name')
		const extra = new Fields(header.bytes.subarray(30 + nameLength))
		const zip64Local = local.u32(18) === MAX32
		expectEqual(local.u32(22), local.u32(18), 'local sizes')
		if (zip64Local) expectEqual(zip64Extra(extra, 2).join(), '0,0', 'local zip64 sizes (in the descriptor)')
		else expectEqual(local.u32(18), 0, 'local sizes (in the descriptor)')
		const dataAt = entry.offset + 30 + nameLength + extraLength
		let data: Uint8Array | undefined
		if (entry.size <= dataLimit) {
			data = read(dataAt, entry.size)
			expectEqual(tableCrc32(data), entry.crc, `CRC-32 of ${entry.name}`)
		}
		const descriptorAt = dataAt + entry.size
		const descriptor = new Fields(read(descriptorAt, zip64Local ? 24 : 16))
		expectEqual(descriptor.u32(0), 0x08074b50, 'data descriptor signature')
		expectEqual(descriptor.u32(4), entry.crc, 'descriptor CRC')
		const described = zip64Local
			? [descriptor.u64(8), descriptor.u64(16)]
			: [descriptor.u32(8), descriptor.u32(12)]
		expectEqual(described.join(), `${entry.size},${entry.size}`, 'descriptor sizes')
		expectedOffset = descriptorAt + (zip64Local ? 24 : 16)
		entries.push({ ...entry, zip64Local, data })
	}
	expectEqual(at, centralSize, 'central directory size')
	expectEqual(expectedOffset, centralOffset, 'central directory offset')
	return { entries, zip64End, centralOffset, centralSize }
}
