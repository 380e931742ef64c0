// One level of a folder share as visitors see it: names and paths relative to the share
// root (never the prefix), sub-folders first, and an opaque cursor for the next page.

import { assertObjectKey } from '../../cos/key.ts'
import { type ListPage, listLevel, MAX_LIST_KEYS } from '../../cos/list.ts'
import type { Config } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { decodeSegment } from '../../http/share-path.ts'
import type { FolderShareRecord } from '../../shares/schema.ts'

export interface FolderEntry {
	name: string
	path: string
}

export interface FileEntry extends FolderEntry {
	size: number
	lastModified: string
	etag: string
}

export interface Listing {
	/** The level, relative to the share root: '' at the root, else ending with '/'. */
	path: string
	folders: FolderEntry[]
	files: FileEntry[]
	cursor: string | null
}

/** A name our own path rules would serve back: others are left out of every listing. */
export function isServableName(name: string): boolean {
	return decodeSegment(encodeURIComponent(name)) === name
}

function base64url(text: string): string {
	const bytes = new TextEncoder().encode(text)
	return btoa(String.fromCharCode(...bytes))
		.replaceAll('+', '-')
		.replaceAll('/', '_')
		.replace(/=+$/, '')
}

function fromBase64url(value: string): string | undefined {
	if (!/^[A-Za-z0-9_-]{1,1200}$/.test(value)) return undefined
	try {
		const binary = atob(value.replaceAll('-', '+').replaceAll('_', '/'))
		const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0))
		return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
	} catch {
		return undefined
	}
}

/** The cursor holds the marker relative to the level, so it never carries the prefix. */
export function encodeCursor(level: string, marker: string): string {
	return base64url(marker.slice(level.length))
}

export function decodeCursor(level: string, cursor: string): string {
	const rest = fromBase64url(cursor)
	const marker = rest === undefined || rest === '' ? undefined : level + rest
	try {
		assertObjectKey(marker)
	} catch {
		throw new AppError('invalid_query', 'The cursor is not one this listing gave out.')
	}
	return marker
}

export function parseLimit(raw: string | undefined): number {
	if (raw === undefined) return MAX_LIST_KEYS
	const value = Number(raw)
	if (!/^\d{1,4}$/.test(raw) || value < 1 || value > MAX_LIST_KEYS)
		throw new AppError('invalid_query', `limit must be a whole number from 1 to ${MAX_LIST_KEYS}.`)
	return value
}

export interface LevelRequest {
	config: Config
	record: FolderShareRecord
	/** The level's full prefix (share prefix + relative path). */
	level: string
	relative: string
	marker: string | undefined
	limit: number
	now: number
}

export function listOf(req: LevelRequest): Promise<ListPage> {
	return listLevel({
		credentials: req.config.credentials,
		target: req.config.target,
		prefix: req.level,
		marker: req.marker,
		maxKeys: req.limit,
		ttl: req.config.signTtl,
		now: req.now,
		timeoutMs: req.config.originTimeoutMs,
	})
}

/** One page of a level, or 404 when a level below the root has nothing in it at all. */
export function toListing(req: LevelRequest, page: ListPage): Listing {
	const { level, relative } = req
	const folders: FolderEntry[] = []
	for (const key of page.folders) {
		const name = key.slice(level.length, -1)
		if (key.startsWith(level) && isServableName(name)) folders.push({ name, path: `${relative}${name}/` })
	}
	const files: FileEntry[] = []
	// The console's "create folder" stores a zero-byte object named like the folder itself.
	let placeholder = false
	for (const object of page.objects) {
		if (object.key === level) {
			placeholder = true
			continue
		}
		const name = object.key.slice(level.length)
		if (!object.key.startsWith(level) || !isServableName(name)) continue
		files.push({
			name,
			path: `${relative}${name}`,
			size: object.size,
			lastModified: object.lastModified,
			etag: object.etag,
		})
	}
	const nothing = page.folders.length === 0 && page.objects.length === 0 && !placeholder
	// The share is there, only this level is not: said as such (its public code stays share_not_found).
	if (relative !== '' && req.marker === undefined && nothing) throw AppError.of('path_not_found')
	return {
		path: relative,
		folders,
		files,
		cursor: page.nextMarker === undefined ? null : encodeCursor(level, page.nextMarker),
	}
}
