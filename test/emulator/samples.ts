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
