// A path inside a shared prefix, from the raw request URL. Hono's decoded path is not safe
// for this (workerd decodes %2e%2e in wildcards), so every segment is decoded here, once,
// and anything that could name a key outside the prefix is refused: by construction (the
// key is the prefix plus checked segments) and by a final assertion.
import { assertObjectKey } from '../cos/key.ts'

/** What the part of the path after a share's id names. */
export interface SharePath {
	/** Decoded segments below the share root. */
	segments: string[]
	/** A level of the folder (the path ended with '/'), else one file. */
	directory: boolean
	/** Relative to the share root, never with the prefix: '' at the root, 'a/b/' or 'a/b.txt'. */
	relative: string
}

const MAX_SEGMENT_BYTES = 255
// C0, DEL and C1 controls (\p{Cc}): never in a name a person meant to share.
const CONTROL = /\p{Cc}/u
const encoder = new TextEncoder()

function isDotName(value: string): boolean {
	const folded = value.normalize('NFKC')
	return folded === '.' || folded === '..'
}

/** The name a segment would become if some later layer decoded it a second time. */
function decodedAgain(value: string): string | undefined {
	if (!value.includes('%')) return undefined
	try {
		return decodeURIComponent(value)
	} catch {
		return undefined
	}
}

function unsafeName(name: string): boolean {
	return (
		name === '' ||
		isDotName(name) ||
		name.includes('/') ||
		name.includes('\\') ||
		CONTROL.test(name) ||
		!name.isWellFormed()
	)
}

/** One raw segment decoded exactly once, or undefined if it must be refused. */
export function decodeSegment(raw: string): string | undefined {
	let name: string
	try {
		// Throws on broken UTF-8 (overlong %c0%af included) and on a stray '%'.
		name = decodeURIComponent(raw)
	} catch {
		return undefined
	}
	if (unsafeName(name)) return undefined
	if (encoder.encode(name).byteLength > MAX_SEGMENT_BYTES) return undefined
	// %252e%252e is a file literally named "%2e%2e"; a proxy that decodes again would see
	// "..": such names are refused rather than trusted to every layer in between.
	const again = decodedAgain(name)
	if (again !== undefined && unsafeName(again)) return undefined
	return name
}

/**
 * The path after `skip` raw segments of `pathname` (the URL's own, still percent-encoded),
 * or undefined when any segment is refused. An empty tail is the share root.
 */
export function parseSharePath(pathname: string, skip: number): SharePath | undefined {
	const raw = pathname.split('/')
	// raw[0] is the '' before the leading '/'.
	const tail = raw.slice(1 + skip)
	if (tail.length === 0) return undefined
	const directory = tail.at(-1) === ''
	const named = directory ? tail.slice(0, -1) : tail
	const segments: string[] = []
	for (const part of named) {
		const name = decodeSegment(part)
		if (name === undefined) return undefined
		segments.push(name)
	}
	const joined = segments.join('/')
	const relative = directory && joined !== '' ? `${joined}/` : joined
	return { segments, directory, relative }
}

/**
 * The object key (or listing prefix) for a relative path under `prefix`, or undefined when
 * it would not be a valid key strictly inside the prefix.
 */
export function keyUnder(prefix: string, path: SharePath): string | undefined {
	if (!prefix.endsWith('/')) return undefined
	const key = prefix + path.relative
	if (!key.startsWith(prefix)) return undefined
	if (!path.directory && key === prefix) return undefined
	try {
		assertObjectKey(key)
	} catch {
		return undefined
	}
	return key
}
