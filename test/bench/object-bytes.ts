// The deterministic bytes of the stream benchmark's objects: 1 MiB blocks of xorshift32
// noise (incompressible, so no layer can shrink them), each stamped with its index so no two
// blocks of an object are equal. The same size always gives the same bytes.
import { createHash } from 'node:crypto'

export const MIB = 1024 * 1024
const BLOCK = MIB

let base: Buffer | undefined

function baseBlock(): Buffer {
	if (!base) {
		const block = Buffer.allocUnsafe(BLOCK)
		let state = 0x2545f491
		for (let offset = 0; offset < BLOCK; offset += 4) {
			state ^= state << 13
			state ^= state >>> 17
			state ^= state << 5
			block.writeUInt32LE(state >>> 0, offset)
		}
		base = block
	}
	return base
}

/** The object's bytes, one fresh buffer per MiB (callers may keep them). */
export function* objectChunks(size: number): Generator<Buffer> {
	const block = baseBlock()
	for (let index = 0, offset = 0; offset < size; index++, offset += BLOCK) {
		const chunk = Buffer.from(block.subarray(0, Math.min(BLOCK, size - offset)))
		if (chunk.length >= 8) chunk.writeBigUInt64LE(BigInt(index), 0)
		yield chunk
	}
}

/** MD5 hex of objectChunks(size): what a verified download must hash to. */
export function objectMd5(size: number): string {
	const md5 = createHash('md5')
	for (const chunk of objectChunks(size)) md5.update(chunk)
	return md5.digest('hex')
}

export function objectKey(size: number): string {
	return `bench/object-${size / MIB}MiB.bin`
}
