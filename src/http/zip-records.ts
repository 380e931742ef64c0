// The records of a store-only zip (PKWARE APPNOTE 6.3.10), written for a stream whose
// member sizes are known up front but whose CRCs are not: each member is a local header
// (flag bit 3: CRC and sizes follow in a data descriptor; bit 11: the name is UTF-8), the
// bytes as stored, its data descriptor; then the central directory and the end records.
// Zip64 (version 45) where a field cannot hold its value: a member of 2^32−1 bytes or more,
// an offset past that, 65,535 members or more. Numbers stay JS numbers (exact to 2^53).

/** A 32-bit field at this value or above says "see the zip64 extra field". */
export const MAX32 = 0xffffffff
const MAX16 = 0xffff

const LOCAL = 30
const DESCRIPTOR = 16
const DESCRIPTOR64 = 24
const CENTRAL = 46
const END = 22
const END64 = 56
const LOCATOR64 = 20
/** The zip64 extra field in a local header: tag, length, two 8-byte sizes. */
const LOCAL_EXTRA64 = 20

const FLAGS = 0x0808
/** Made by: Unix (3), APPNOTE 4.5 — the mode bits in the external attributes are Unix ones. */
const MADE_BY = (3 << 8) | 45
/** Regular file, rw-r--r--, in the high half of the external attributes. */
const FILE_ATTRIBUTES = (0o100644 << 16) >>> 0

/** What the layout of one member depends on, fixed before its first byte. */
export interface MemberLayout {
	/** The name as UTF-8. */
	name: Uint8Array
	size: number
	/** DOS time and date (UTC). */
	time: number
	date: number
	/** Where its local header starts. */
	offset: number
	/** Sizes in zip64 form (8-byte descriptor sizes, zip64 extra fields). */
	zip64: boolean
}

export interface ArchiveLayout {
	members: MemberLayout[]
	/** Where the central directory starts, and its length. */
	centralOffset: number
	centralSize: number
	/** Zip64 end record and locator before the end of central directory record. */
	zip64End: boolean
	length: number
}

function setUint64(view: DataView, at: number, value: number): void {
	view.setUint32(at, value >>> 0, true)
	view.setUint32(at + 4, Math.floor(value / 2 ** 32), true)
}

/** MS-DOS time and date (2-second resolution) in UTC, clamped to 1980–2107. */
export function dosDateTime(when: Date): { time: number; date: number } {
	const ms = Math.min(Math.max(when.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58))
	const d = new Date(Number.isNaN(ms) ? Date.UTC(1980, 0, 1) : ms)
	return {
		time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
		date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
	}
}

function centralExtraLength(member: MemberLayout): number {
	const fields = (member.zip64 ? 2 : 0) + (member.offset >= MAX32 ? 1 : 0)
	return fields === 0 ? 0 : 4 + 8 * fields
}

function centralEntryLength(member: MemberLayout): number {
	return CENTRAL + member.name.length + centralExtraLength(member)
}

function memberLength(member: MemberLayout): number {
	const extra = member.zip64 ? LOCAL_EXTRA64 : 0
	return LOCAL + member.name.length + extra + member.size + (member.zip64 ? DESCRIPTOR64 : DESCRIPTOR)
}

export interface MemberInput {
	name: string
	size: number
	lastModified: Date
}

/**
 * Where every record goes and the archive's exact length. `forceZip64` writes every member
 * and the end in zip64 form (APPNOTE allows it at any size): the tests use it to have Python
 * and unzip read the zip64 records without 4 GiB of data.
 */
export function layOut(inputs: readonly MemberInput[], forceZip64 = false): ArchiveLayout {
	const encoder = new TextEncoder()
	const members: MemberLayout[] = []
	let offset = 0
	for (const input of inputs) {
		if (!Number.isSafeInteger(input.size) || input.size < 0) throw new RangeError('a member size is invalid')
		const member: MemberLayout = {
			name: encoder.encode(input.name),
			size: input.size,
			...dosDateTime(input.lastModified),
			offset,
			zip64: forceZip64 || input.size >= MAX32,
		}
		if (member.name.length > MAX16) throw new RangeError('a member name is longer than 65,535 bytes')
		members.push(member)
		offset += memberLength(member)
	}
	const centralOffset = offset
	let centralSize = 0
	for (const member of members) centralSize += centralEntryLength(member)
	const zip64End = forceZip64 || members.length >= MAX16 || centralOffset >= MAX32 || centralSize >= MAX32
	const length = centralOffset + centralSize + (zip64End ? END64 + LOCATOR64 : 0) + END
	return { members, centralOffset, centralSize, zip64End, length }
}

export function localHeader(member: MemberLayout): Uint8Array {
	const extra = member.zip64 ? LOCAL_EXTRA64 : 0
	const bytes = new Uint8Array(LOCAL + member.name.length + extra)
	const view = new DataView(bytes.buffer)
	view.setUint32(0, 0x04034b50, true)
	view.setUint16(4, member.zip64 ? 45 : 20, true)
	view.setUint16(6, FLAGS, true)
	// 8: method 0 (stored)
	view.setUint16(10, member.time, true)
	view.setUint16(12, member.date, true)
	// 14: CRC-32 0 and, unless zip64, sizes 0: the data descriptor carries them (bit 3).
	if (member.zip64) {
		view.setUint32(18, MAX32, true)
		view.setUint32(22, MAX32, true)
	}
	view.setUint16(26, member.name.length, true)
	view.setUint16(28, extra, true)
	bytes.set(member.name, LOCAL)
	if (member.zip64) {
		// Zip64 extended information, both sizes 0 as bit 3 asks (as Python's zipfile writes a
		// streamed zip64 member); its presence says the descriptor has 8-byte sizes.
		const at = LOCAL + member.name.length
		view.setUint16(at, 0x0001, true)
		view.setUint16(at + 2, 16, true)
	}
	return bytes
}

export function dataDescriptor(member: MemberLayout, crc: number): Uint8Array {
	const bytes = new Uint8Array(member.zip64 ? DESCRIPTOR64 : DESCRIPTOR)
	const view = new DataView(bytes.buffer)
	view.setUint32(0, 0x08074b50, true)
	view.setUint32(4, crc, true)
	if (member.zip64) {
		setUint64(view, 8, member.size)
		setUint64(view, 16, member.size)
	} else {
		view.setUint32(8, member.size, true)
		view.setUint32(12, member.size, true)
	}
	return bytes
}

function writeCentralEntry(view: DataView, at: number, member: MemberLayout, crc: number): number {
	const extra = centralExtraLength(member)
	const offset64 = member.offset >= MAX32
	view.setUint32(at, 0x02014b50, true)
	view.setUint16(at + 4, MADE_BY, true)
	view.setUint16(at + 6, extra > 0 ? 45 : 20, true)
	view.setUint16(at + 8, FLAGS, true)
	// +10: method 0 (stored)
	view.setUint16(at + 12, member.time, true)
	view.setUint16(at + 14, member.date, true)
	view.setUint32(at + 16, crc, true)
	view.setUint32(at + 20, member.zip64 ? MAX32 : member.size, true)
	view.setUint32(at + 24, member.zip64 ? MAX32 : member.size, true)
	view.setUint16(at + 28, member.name.length, true)
	view.setUint16(at + 30, extra, true)
	// +32: comment length, disk number start, internal attributes: 0
	view.setUint32(at + 38, FILE_ATTRIBUTES, true)
	view.setUint32(at + 42, offset64 ? MAX32 : member.offset, true)
	new Uint8Array(view.buffer).set(member.name, at + CENTRAL)
	let field = at + CENTRAL + member.name.length
	if (extra > 0) {
		// Only the fields whose 32-bit slot holds MAX32, in APPNOTE's order.
		view.setUint16(field, 0x0001, true)
		view.setUint16(field + 2, extra - 4, true)
		field += 4
		if (member.zip64) {
			setUint64(view, field, member.size)
			setUint64(view, field + 8, member.size)
			field += 16
		}
		if (offset64) {
			setUint64(view, field, member.offset)
			field += 8
		}
	}
	return field
}

/** The central directory and the end records, in one buffer. */
export function centralDirectory(layout: ArchiveLayout, crcs: readonly number[]): Uint8Array {
	const { members, centralOffset, centralSize, zip64End } = layout
	const bytes = new Uint8Array(layout.length - centralOffset)
	const view = new DataView(bytes.buffer)
	let at = 0
	members.forEach((member, index) => {
		at = writeCentralEntry(view, at, member, crcs[index] ?? 0)
	})
	const count = members.length
	if (zip64End) {
		const end64 = centralOffset + centralSize
		view.setUint32(at, 0x06064b50, true)
		setUint64(view, at + 4, END64 - 12)
		view.setUint16(at + 12, MADE_BY, true)
		view.setUint16(at + 14, 45, true)
		// +16: this disk, the disk where the central directory starts: 0
		setUint64(view, at + 24, count)
		setUint64(view, at + 32, count)
		setUint64(view, at + 40, centralSize)
		setUint64(view, at + 48, centralOffset)
		at += END64
		view.setUint32(at, 0x07064b50, true)
		// +4: the disk with the zip64 end record: 0
		setUint64(view, at + 8, end64)
		view.setUint32(at + 16, 1, true)
		at += LOCATOR64
	}
	view.setUint32(at, 0x06054b50, true)
	// +4: this disk, the central directory's disk: 0
	view.setUint16(at + 8, Math.min(count, MAX16), true)
	view.setUint16(at + 10, Math.min(count, MAX16), true)
	view.setUint32(at + 12, Math.min(centralSize, MAX32), true)
	view.setUint32(at + 16, Math.min(centralOffset, MAX32), true)
	// +20: comment length 0
	return bytes
}
