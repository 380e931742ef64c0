// Listing shares from the KV replica's list metadata alone (never one read per share), with
// filters by kind, status and text. KV lists keys in pages; a filter may keep few of a page,
// so one answer reads up to MAX_KV_PAGES pages and its cursor says where the next one
// starts, mid-page if need be. KV is eventually consistent, and so is this list.
import { KEY_PREFIX, type ShareSummary } from './replica.ts'
import { shareState } from './rules.ts'
import type { ShareType } from './schema.ts'

/** What the list says of a share: its clock state, or `exhausted` once its downloads are spent. */
export type ListStatus = 'active' | 'scheduled' | 'expired' | 'exhausted'

export interface ListFilter {
	type?: ShareType | undefined
	status?: ListStatus | undefined
	/** Case-insensitive text found in the id, key, prefix or note. */
	q?: string | undefined
}

export type ListedShare = ShareSummary & { id: string; status: ListStatus }

export interface ListPage {
	shares: ListedShare[]
	/** Where the next page starts; undefined once the list is complete. */
	cursor: string | undefined
}

/** KV keys asked for per list call (KV's own maximum). */
const KV_PAGE = 1000
/** KV list calls one answer may make: a filter that matches little still answers in time. */
export const MAX_KV_PAGES = 5

/** Thrown for a cursor this code did not make. */
export class InvalidCursorError extends Error {
	override readonly name = 'InvalidCursorError'
}

interface Position {
	/** The KV cursor of the page to read (undefined: the first page). */
	kv: string | undefined
	/** Keys of that page already answered. */
	skip: number
}

function encodeCursor(position: Position): string {
	const json = JSON.stringify({ k: position.kv ?? null, s: position.skip })
	return btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function decodeCursor(cursor: string | undefined): Position {
	if (cursor === undefined || cursor === '') return { kv: undefined, skip: 0 }
	try {
		const raw: unknown = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')))
		if (typeof raw === 'object' && raw !== null && 'k' in raw && 's' in raw) {
			const { k, s } = raw
			if ((k === null || typeof k === 'string') && Number.isSafeInteger(s) && (s as number) >= 0)
				return { kv: k ?? undefined, skip: s as number }
		}
	} catch {
		// fall through
	}
	throw new InvalidCursorError('cursor: is not a cursor this list gave')
}

/** A summary's status at `nowMs`: the clock first (an expired share is expired), then its limit. */
export function listStatus(share: ShareSummary, nowMs: number): ListStatus {
	const state = shareState(share, nowMs)
	return state === 'active' && share.exhausted ? 'exhausted' : state
}

function matches(share: ListedShare, filter: ListFilter): boolean {
	if (filter.type !== undefined && share.type !== filter.type) return false
	if (filter.status !== undefined && share.status !== filter.status) return false
	if (filter.q) {
		const needle = filter.q.toLowerCase()
		const haystack = [share.id, share.key, share.prefix, share.note]
		if (!haystack.some((text) => text?.toLowerCase().includes(needle))) return false
	}
	return true
}

/** One page of at most `limit` shares that match `filter`, from `cursor` on. */
export async function listShareSummaries(
	kv: KVNamespace,
	options: { limit: number; cursor?: string | undefined; filter?: ListFilter; nowMs?: number },
): Promise<ListPage> {
	const { limit, filter = {}, nowMs = Date.now() } = options
	let position = decodeCursor(options.cursor)
	const shares: ListedShare[] = []
	for (let pages = 0; pages < MAX_KV_PAGES; pages++) {
		const page = await kv.list<ShareSummary>({
			prefix: KEY_PREFIX,
			limit: KV_PAGE,
			...(position.kv ? { cursor: position.kv } : {}),
		})
		const next: Position | undefined = page.list_complete ? undefined : { kv: page.cursor, skip: 0 }
		for (let index = position.skip; index < page.keys.length; index++) {
			const entry = page.keys[index]
			if (!entry) continue
			const summary = entry.metadata ?? { type: 'file' as const, createdAt: '' }
			const share = { id: entry.name.slice(KEY_PREFIX.length), ...summary }
			const listed: ListedShare = { ...share, status: listStatus(share, nowMs) }
			if (!matches(listed, filter)) continue
			shares.push(listed)
			if (shares.length === limit) {
				const rest = index + 1 < page.keys.length ? { kv: position.kv, skip: index + 1 } : next
				return { shares, cursor: rest && encodeCursor(rest) }
			}
		}
		if (!next) return { shares, cursor: undefined }
		position = next
	}
	// Pages read without filling this one: the next answer goes on from here.
	return { shares, cursor: encodeCursor(position) }
}
