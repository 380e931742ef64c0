// Small but genuinely valid files, built by hand so no fixture binaries live in the repo.
import { crc32, deflateSync } from 'node:zlib'

/** A one-page PDF 1.4 with a line of Helvetica text; the xref offsets are computed. */
export function minimalPdf(text: string): Buffer {
	const escaped = text.replace(/[\\()]/g, (ch) => `\\${ch}`)
	const content = `BT /F1 24 Tf 72 720 Td (${escaped}) Tj ET\n`
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	]
	let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
	const offsets: number[] = []
	objects.forEach((body, index) => {
		offsets.push(Buffer.byteLength(pdf, 'latin1'))
		pdf += `${index + 1} 0 obj\n${body}\nendobj\n`
	})
	const xrefAt = Buffer.byteLength(pdf, 'latin1')
	// Every xref entry is exactly 20 bytes, trailing space included.
	pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
	for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`
	pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`
	return Buffer.from(pdf, 'latin1')
}

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4)
	length.writeUInt32BE(data.length)
	const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
	const crc = Buffer.alloc(4)
	crc.writeUInt32BE(crc32(typed))
	return Buffer.concat([length, typed, crc])
}

/** An 8-bit RGB PNG with a diagonal gradient. */
export function gradientPng(width = 16, height = 16): Buffer {
	const header = Buffer.alloc(13)
	header.writeUInt32BE(width, 0)
	header.writeUInt32BE(height, 4)
	header.set([8, 2, 0, 0, 0], 8) // bit depth 8, colour type RGB, deflate, no filter, no interlace
	const rows = Buffer.alloc(height * (1 + width * 3))
	for (let y = 0; y < height; y++) {
		const row = y * (1 + width * 3)
		rows[row] = 0 // filter: none
		for (let x = 0; x < width; x++) {
			const at = row + 1 + x * 3
			rows[at] = Math.round((x / Math.max(1, width - 1)) * 255)
			rows[at + 1] = Math.round((y / Math.max(1, height - 1)) * 255)
			rows[at + 2] = 160
		}
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(rows)),
		pngChunk('IEND', Buffer.alloc(0)),
	])
}

/** An empty but valid ZIP archive (end-of-central-directory record only): what an .apk is. */
export function emptyZip(): Buffer {
	const record = Buffer.alloc(22)
	record.writeUInt32LE(0x06054b50, 0)
	return record
}

const CHUNK = 1 << 20

/**
 * Deterministic pseudo-random bytes (xorshift32), produced a chunk at a time so a large
 * object never sits in memory. The same size and seed always give the same bytes.
 */
export function* pseudoRandomChunks(size: number, seed = 0x9e3779b9): Generator<Buffer> {
	let state = seed >>> 0 || 1
	for (let produced = 0; produced < size; produced += CHUNK) {
		const length = Math.min(CHUNK, size - produced)
		const words = new Uint32Array(Math.ceil(length / 4))
		for (let i = 0; i < words.length; i++) {
			state ^= state << 13
			state ^= state >>> 17
			state ^= state << 5
			state >>>= 0
			words[i] = state
		}
		yield Buffer.from(words.buffer, 0, length)
	}
}

/** One encoded video frame, as WebCodecs' VideoEncoder hands it out. */
export interface EncodedFrame {
	/** Microseconds from the start. */
	timestamp: number
	key: boolean
	data: Uint8Array
}

// EBML, the container format of WebM: an element is its ID, its size as a variable-length
// integer, then its payload. Every size here is written in the 8-byte form, so an element's
// length is known before its payload is, which keeps the Cues offsets simple to compute.
function ebmlSize(size: number): Buffer {
	const out = Buffer.alloc(8)
	out.writeBigUInt64BE(BigInt(size))
	out[0] = 0x01
	return out
}

function element(id: number, ...payload: Buffer[]): Buffer {
	const idBytes = Buffer.from(
		id
			.toString(16)
			.padStart(2, '0')
			.replace(/^(.(..)*)$/, '0$1'),
		'hex',
	)
	const body = Buffer.concat(payload)
	return Buffer.concat([idBytes, ebmlSize(body.length), body])
}

/** An unsigned integer element in 8 bytes, so its length never depends on its value. */
const uint = (id: number, value: number) => {
	const bytes = Buffer.alloc(8)
	bytes.writeBigUInt64BE(BigInt(value))
	return element(id, bytes)
}
const text = (id: number, value: string) => element(id, Buffer.from(value, 'utf8'))
const float = (id: number, value: number) => {
	const bytes = Buffer.alloc(8)
	bytes.writeDoubleBE(value)
	return element(id, bytes)
}

/**
 * A WebM file of VP8 frames with a Duration and Cues (one cluster per key frame), so a
 * player knows the length at once and seeks by the index. Frames come from an encoder
 * (the browser tests use Chromium's WebCodecs); this only packs them.
 */
export function webmVideo(width: number, height: number, frames: readonly EncodedFrame[]): Buffer {
	const header = element(
		0x1a45dfa3,
		uint(0x4286, 1),
		uint(0x42f7, 1),
		uint(0x42f2, 4),
		uint(0x42f3, 8),
		text(0x4282, 'webm'),
		uint(0x4287, 2),
		uint(0x4285, 2),
	)
	const last = frames.at(-1)
	const frameMs =
		frames.length > 1 ? (frames[1]?.timestamp ?? 0) / 1000 - (frames[0]?.timestamp ?? 0) / 1000 : 40
	const durationMs = last ? last.timestamp / 1000 + frameMs : 0
	const info = element(
		0x1549a966,
		uint(0x2ad7b1, 1_000_000),
		text(0x4d80, 'coslink samples'),
		text(0x5741, 'coslink samples'),
		float(0x4489, durationMs),
	)
	const tracks = element(
		0x1654ae6b,
		element(
			0xae,
			uint(0xd7, 1),
			uint(0x73c5, 1),
			uint(0x9c, 0),
			text(0x86, 'V_VP8'),
			uint(0x83, 1),
			element(0xe0, uint(0xb0, width), uint(0xba, height)),
		),
	)
	// One cluster per key frame: each starts where a seek can land.
	const clusters: { timeMs: number; frames: EncodedFrame[] }[] = []
	for (const frame of frames) {
		const current = clusters.at(-1)
		if (frame.key || !current) clusters.push({ timeMs: Math.round(frame.timestamp / 1000), frames: [frame] })
		else current.frames.push(frame)
	}
	const clusterBytes = clusters.map((cluster) =>
		element(
			0x1f43b675,
			uint(0xe7, cluster.timeMs),
			...cluster.frames.map((frame) => {
				const head = Buffer.alloc(4)
				head[0] = 0x81 // track 1
				head.writeInt16BE(Math.round(frame.timestamp / 1000) - cluster.timeMs, 1)
				head[3] = frame.key ? 0x80 : 0
				return element(0xa3, head, Buffer.from(frame.data))
			}),
		),
	)
	const cues = (positions: number[]) =>
		element(
			0x1c53bb6b,
			...clusters.map((cluster, i) =>
				element(
					0xbb,
					uint(0xb3, cluster.timeMs),
					element(0xb7, uint(0xf7, 1), uint(0xf1, positions[i] ?? 0)),
				),
			),
		)
	// Cues before the clusters, where a player reads them without seeking; their size does
	// not depend on the positions (fixed-width integers), so measure once, then fill them in.
	let offset = info.length + tracks.length + cues([]).length
	const positions = clusterBytes.map((bytes) => {
		const at = offset
		offset += bytes.length
		return at
	})
	return Buffer.concat([header, element(0x18538067, info, tracks, cues(positions), ...clusterBytes)])
}
