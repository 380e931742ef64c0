// A store-mode zip streamed on the fly (client-zip: zip64 past 4 GiB, UTF-8 names). Members
// are opened one after another as the client reads, never buffered, and the length is
// announced exactly: FixedLengthStream keeps Content-Length on the wire and errors the
// download if the bytes ever disagree with it, so a short member can never look complete.
import { makeZip, predictLength } from 'client-zip'
import { log } from '../log.ts'

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
	/** COS's status, when it refused the member. */
	readonly status: number | undefined
	constructor(message: string, status?: number) {
		super(message)
		this.status = status
	}
}

type Failure = 'open' | 'read' | 'short' | 'long'

/** One error line per failed member: facts only (no names, no URLs). The archive then aborts. */
function memberFailed(reason: Failure, error: unknown): void {
	log('error', 'zip_member_failed', {
		reason,
		type: error instanceof Error ? error.name : 'unknown',
		status: error instanceof ZipMemberError ? error.status : undefined,
	})
}

/** The archive's exact byte length. */
export function zipLength(members: readonly ZipMember[]): number {
	return Number(predictLength(members.map(({ name, size, lastModified }) => ({ name, size, lastModified }))))
}

/**
 * A member's bytes, counted: a body that breaks, or whose bytes differ from its declared
 * size, fails the archive, and the failure is logged at error level as it happens.
 */
function exactly(body: ReadableStream<Uint8Array>, size: number, name: string): ReadableStream<Uint8Array> {
	const reader = body.getReader()
	let seen = 0
	const fail = async (reason: Failure, error: unknown): Promise<never> => {
		memberFailed(reason, error)
		// The failure is logged above; a source that also fails to cancel adds nothing to it.
		if (reason !== 'read') await reader.cancel(error).catch(() => undefined)
		throw error
	}
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			let chunk: ReadableStreamReadResult<Uint8Array>
			try {
				chunk = await reader.read()
			} catch (error) {
				return fail('read', error)
			}
			if (chunk.done) {
				if (seen !== size) return fail('short', new ZipMemberError(`member ${name} is shorter than listed`))
				controller.close()
				return
			}
			seen += chunk.value.byteLength
			if (seen > size) return fail('long', new ZipMemberError(`member ${name} is longer than listed`))
			controller.enqueue(chunk.value)
		},
		cancel(reason) {
			return reader.cancel(reason)
		},
	})
}

async function* inputs(members: readonly ZipMember[]) {
	for (const member of members) {
		let body: ReadableStream<Uint8Array>
		try {
			body = await member.open()
		} catch (error) {
			memberFailed('open', error)
			throw error
		}
		yield {
			name: member.name,
			size: member.size,
			lastModified: member.lastModified,
			// rw-r--r--: client-zip adds the regular-file type bits itself.
			mode: 0o644,
			input: exactly(body, member.size, member.name),
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
	// An error on the zip side aborts the writable; the client sees a broken transfer. A
	// failed member is logged where it fails; this also notes a client that went away.
	zip.pipeTo(fixed.writable).catch((error: unknown) => {
		log('warn', 'zip_aborted', { type: error instanceof Error ? error.name : 'unknown' })
	})
	return { body: fixed.readable, length }
}
