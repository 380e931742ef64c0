// A store-mode zip streamed on the fly (records: zip-records.ts). Members are opened one
// after another as the client reads, never buffered whole: each member's bytes are read
// into buffers the runtime fills natively, the CRC-32 is updated (node:zlib, native in
// workerd) and the same buffer is passed on, never copied by JavaScript. The length is exact
// before the first byte (every size comes from the listing); a member whose bytes differ
// from its listed size errors the stream, so a short member never looks complete.
import { crc32 } from 'node:zlib'
import { log } from '../log.ts'
import { type ArchiveLayout, centralDirectory, dataDescriptor, layOut, localHeader } from './zip-records.ts'

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

export interface ZipOptions {
	/** Every member and the end in zip64 form, whatever the sizes (tests). */
	forceZip64?: boolean
}

/** The archive's exact byte length. */
export function zipLength(members: readonly ZipMember[], options: ZipOptions = {}): number {
	return layOut(members, options.forceZip64).length
}

/**
 * workerd hands a fetch body to a default reader in 4 KiB chunks, and each chunk through
 * JavaScript costs far more than its CRC (a zip read that way: ~36 ms of workerd CPU per
 * MiB). A BYOB reader's readAtLeast has the runtime fill one 256 KiB buffer per read: the
 * whole zip then costs ~2.5 ms per MiB (npm run bench -- zip). 1 MiB buffers saved ~15%
 * more CPU but hold 4× the memory per zip in flight.
 */
const CHUNK = 256 * 1024

/** A member's bytes, read in pieces of at most `max` bytes. */
interface Source {
	read(max: number): Promise<ReadableStreamReadResult<Uint8Array>>
	cancel(reason: unknown): Promise<void>
}

/** workerd's extension of the BYOB reader: resolves once `min` bytes are in `view`, or at the end. */
interface FillingReader {
	readAtLeast(min: number, view: Uint8Array): Promise<ReadableStreamReadResult<Uint8Array>>
	cancel(reason: unknown): Promise<void>
}

function isFilling(reader: object): reader is FillingReader {
	return 'readAtLeast' in reader && typeof reader.readAtLeast === 'function'
}

function sourceOf(body: ReadableStream<Uint8Array>): Source {
	let byob: ReadableStreamBYOBReader | undefined
	try {
		byob = body.getReader({ mode: 'byob' })
	} catch {
		// Not a byte stream (one built in JavaScript): read its chunks as they come.
	}
	// Tested on a plain object: Workers types give every BYOB reader readAtLeast, Node's none.
	const candidate: object | undefined = byob
	if (candidate && isFilling(candidate)) {
		const reader = candidate
		return {
			read: (max) => reader.readAtLeast(max, new Uint8Array(max)),
			cancel: (reason) => reader.cancel(reason),
		}
	}
	// Outside workerd (Node runs this module in tests) a BYOB reader has no readAtLeast.
	byob?.releaseLock()
	const reader = body.getReader()
	return { read: () => reader.read(), cancel: (reason) => reader.cancel(reason) }
}

/** The member being streamed: its source, the bytes seen so far, the running CRC. */
interface Current {
	source: Source
	seen: number
	crc: number
}

/**
 * The archive as a stream of exactly `length` bytes; a failing member errors it. One pull
 * per read: fill a buffer from the member, update the CRC, enqueue that same buffer.
 */
export function zipStream(
	members: readonly ZipMember[],
	options: ZipOptions = {},
): { body: ReadableStream<Uint8Array>; length: number } {
	const layout: ArchiveLayout = layOut(members, options.forceZip64)
	const crcs: number[] = []
	let index = 0
	let current: Current | undefined

	const fail = async (reason: Failure, error: unknown): Promise<never> => {
		memberFailed(reason, error)
		const source = current?.source
		current = undefined
		// The failure is logged above; a source that also fails to cancel adds nothing to it.
		if (source && reason !== 'read' && reason !== 'short') await source.cancel(error).catch(() => undefined)
		throw error
	}

	const pull = async (controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> => {
		const member = members[index]
		const placed = layout.members[index]
		if (member === undefined || placed === undefined) {
			controller.enqueue(centralDirectory(layout, crcs))
			controller.close()
			return
		}
		if (current === undefined) {
			let body: ReadableStream<Uint8Array>
			try {
				body = await member.open()
			} catch (error) {
				return fail('open', error)
			}
			current = { source: sourceOf(body), seen: 0, crc: 0 }
			controller.enqueue(localHeader(placed))
			return
		}
		let chunk: ReadableStreamReadResult<Uint8Array>
		try {
			// One byte past the listed size: a member that is longer shows it here.
			chunk = await current.source.read(Math.min(CHUNK, placed.size - current.seen + 1))
		} catch (error) {
			return fail('read', error)
		}
		const bytes = chunk.value
		if (bytes !== undefined && bytes.byteLength > 0) {
			current.seen += bytes.byteLength
			if (current.seen > placed.size)
				return fail('long', new ZipMemberError(`member ${index} is longer than listed`))
			current.crc = crc32(bytes, current.crc)
			controller.enqueue(bytes)
		}
		if (chunk.done) {
			if (current.seen !== placed.size)
				return fail('short', new ZipMemberError(`member ${index} is shorter than listed`))
			crcs.push(current.crc)
			controller.enqueue(dataDescriptor(placed, current.crc))
			current = undefined
			index++
		}
	}

	const source = {
		// workerd: a body of known length, so the response keeps its Content-Length.
		expectedLength: layout.length,
		pull,
		cancel(reason: unknown): Promise<void> | undefined {
			// The client went away (a failed member errors the stream instead, logged above).
			log('warn', 'zip_aborted', { type: reason instanceof Error ? reason.name : 'unknown' })
			const member = current?.source
			current = undefined
			return member?.cancel(reason)
		},
	}
	return { body: new ReadableStream<Uint8Array>(source), length: layout.length }
}
