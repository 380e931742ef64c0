// A store-mode zip streamed on the fly (client-zip: zip64 past 4 GiB, UTF-8 names). Members
// are opened one after another as the client reads, never buffered, and the length is
// announced exactly: FixedLengthStream keeps Content-Length on the wire and errors the
// download if the bytes ever disagree with it, so a short member can never look complete.
import { makeZip, predictLength } from 'client-zip'

export interface ZipMember {
	/** The path inside the archive, '/'-separated. */
	name: string
	/** Exact byte count; the body must have exactly this many bytes. */
	size: number
	lastModified: Date
	/** The member's bytes, fetched only when the archive reaches it. */
	open: () => Promise<ReadableStream<Uint8Array>>
}

export class ZipMemberError extends Error {
	override readonly name = 'ZipMemberError'
}

/** The archive's exact byte length. */
export function zipLength(members: readonly ZipMember[]): number {
	return Number(predictLength(members.map(({ name, size, lastModified }) => ({ name, size, lastModified }))))
}

/** Counts a member's bytes and fails the archive if they differ from its declared size. */
function exactly(size: number, name: string): TransformStream<Uint8Array, Uint8Array> {
	let seen = 0
	return new TransformStream({
		transform(chunk, controller) {
			seen += chunk.byteLength
			if (seen > size) throw new ZipMemberError(`member ${name} is longer than listed`)
			controller.enqueue(chunk)
		},
		flush() {
			if (seen !== size) throw new ZipMemberError(`member ${name} is shorter than listed`)
		},
	})
}

async function* inputs(members: readonly ZipMember[]) {
	for (const member of members) {
		const body = await member.open()
		yield {
			name: member.name,
			size: member.size,
			lastModified: member.lastModified,
			// rw-r--r--: client-zip adds the regular-file type bits itself.
			mode: 0o644,
			input: body.pipeThrough(exactly(member.size, member.name)),
		}
	}
}

/** The archive as a stream of exactly zipLength(members) bytes; a failing member errors it. */
export function zipStream(members: readonly ZipMember[]): {
	body: ReadableStream<Uint8Array>
	length: number
} {
	const length = zipLength(members)
	const zip = makeZip(inputs(members), { buffersAreUTF8: true })
	const fixed = new FixedLengthStream(length)
	// An error on the zip side aborts the writable; the client sees a broken transfer.
	zip.pipeTo(fixed.writable).catch(() => {})
	return { body: fixed.readable, length }
}
