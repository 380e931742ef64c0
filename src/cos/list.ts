// GET Bucket (doc 7734): one level of a "folder", signed with every parameter it sends, in
// the Authorization header (Workers traces record subrequest URLs).
import { XMLParser } from 'fast-xml-parser'
import { cosEncode } from './encode.ts'
import { bucketBaseUrl, type CosBucket } from './endpoint.ts'
import { CredentialsExpiredError } from './errors.ts'
import type { CosCredentials } from './presign.ts'
import { cosAuthorization } from './sign.ts'

export const MAX_LIST_KEYS = 1000
/** How long a listing may take, answer and body, when the caller sets no limit (ORIGIN_TIMEOUT_MS's default). */
export const LIST_TIMEOUT_MS = 20_000

export interface ListInput {
	credentials: CosCredentials
	target: CosBucket
	/** The level to list, ending with '/'. */
	prefix: string
	/** List after this key (COS's NextMarker of the previous page). */
	marker?: string | undefined
	/** 1–1000; objects and sub-folders count alike. */
	maxKeys: number
	/** Seconds the signature lives. */
	ttl: number
	/** Milliseconds since the epoch. */
	now: number
	/** Milliseconds the request may take, headers and body; LIST_TIMEOUT_MS when unset. */
	timeoutMs?: number | undefined
}

export interface ListedObject {
	key: string
	size: number
	lastModified: string
	/** With its quotes, as COS writes it. */
	etag: string
}

export interface ListPage {
	/** Full keys of the sub-folders, each ending with '/'. */
	folders: string[]
	objects: ListedObject[]
	/** Where the next page starts; undefined when this is the last page. */
	nextMarker: string | undefined
}

export interface SignedListRequest {
	url: string
	headers: Record<string, string>
}

/**
 * A listing COS did not give: its status (502 for an answer that is no listing), or 0 when
 * COS could not be reached or did not answer in time (`timedOut`).
 */
export class ListError extends Error {
	override readonly name = 'ListError'
	readonly status: number
	readonly timedOut: boolean
	constructor(status: number, message: string, options: { timedOut?: boolean; cause?: unknown } = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause })
		this.status = status
		this.timedOut = options.timedOut ?? false
	}
}

/** The signed request for one page: the query parameters in the URL are exactly those signed. */
export async function signListRequest(input: ListInput): Promise<SignedListRequest> {
	const { credentials } = input
	const now = Math.floor(input.now / 1000)
	if (credentials.expiresAt !== undefined && credentials.expiresAt <= now)
		throw new CredentialsExpiredError(credentials.expiresAt)
	if (!Number.isInteger(input.maxKeys) || input.maxKeys < 1 || input.maxKeys > MAX_LIST_KEYS)
		throw new RangeError(`maxKeys must be whole from 1 to ${MAX_LIST_KEYS}`)
	const base = bucketBaseUrl(input.target)
	const query: Record<string, string> = {
		delimiter: '/',
		'encoding-type': 'url',
		'max-keys': String(input.maxKeys),
		prefix: input.prefix,
	}
	if (input.marker) query.marker = input.marker
	const end = Math.min(now + input.ttl, credentials.expiresAt ?? Number.POSITIVE_INFINITY)
	const authorization = await cosAuthorization({
		secretId: credentials.secretId,
		secretKey: credentials.secretKey,
		method: 'GET',
		key: '',
		query,
		headers: { host: base.host },
		keyTime: { start: now - 60, end },
	})
	const search = Object.entries(query)
		.map(([name, value]) => `${name}=${cosEncode(value)}`)
		.join('&')
	const headers: Record<string, string> = { authorization }
	if (credentials.securityToken) headers['x-cos-security-token'] = credentials.securityToken
	return { url: `${base.origin}/?${search}`, headers }
}

// Listed elements are always arrays, so one Contents is not a lone object; every value
// stays text (a key of "1e3" is not a number, an ETag keeps its quotes).
const parser = new XMLParser({
	ignoreAttributes: true,
	parseTagValue: false,
	trimValues: false,
	processEntities: true,
	isArray: (name) => name === 'Contents' || name === 'CommonPrefixes',
})

function textOf(value: unknown): string {
	if (typeof value === 'string') return value
	if (value === undefined || value === null) return ''
	// An empty element parses as ''; anything else here is a document COS never writes.
	throw new ListError(502, 'unexpected element in the listing')
}

/** encoding-type=url: each key is decoded exactly once ('+' is a plus, not a space). */
function decodeKey(value: unknown): string {
	try {
		return decodeURIComponent(textOf(value))
	} catch {
		throw new ListError(502, 'the listing has a key that is not valid percent-encoding')
	}
}

interface RawListing {
	EncodingType?: unknown
	IsTruncated?: unknown
	NextMarker?: unknown
	CommonPrefixes?: { Prefix?: unknown }[]
	Contents?: { Key?: unknown; Size?: unknown; LastModified?: unknown; ETag?: unknown }[]
}

/** A ListBucketResult document, requested with encoding-type=url. */
export function parseListing(xml: string): ListPage {
	let doc: { ListBucketResult?: RawListing }
	try {
		doc = parser.parse(xml) as { ListBucketResult?: RawListing }
	} catch {
		throw new ListError(502, 'the listing is not XML')
	}
	const result = doc.ListBucketResult
	if (!result || typeof result !== 'object') throw new ListError(502, 'the listing has no ListBucketResult')
	if (textOf(result.EncodingType) !== 'url') throw new ListError(502, 'the listing is not url-encoded')
	const folders = (result.CommonPrefixes ?? []).map((entry) => decodeKey(entry.Prefix))
	const objects = (result.Contents ?? []).map((entry) => {
		const size = Number(textOf(entry.Size))
		if (!Number.isSafeInteger(size) || size < 0) throw new ListError(502, 'the listing has a bad size')
		return {
			key: decodeKey(entry.Key),
			size,
			lastModified: textOf(entry.LastModified),
			etag: textOf(entry.ETag),
		}
	})
	const truncated = textOf(result.IsTruncated) === 'true'
	let nextMarker: string | undefined
	if (truncated) {
		// COS sends NextMarker only with a delimiter; without it the last key is the marker.
		const raw = textOf(result.NextMarker)
		const last = [...folders, ...objects.map((o) => o.key)].sort().at(-1)
		nextMarker = raw !== '' ? decodeKey(raw) : last
		if (!nextMarker) throw new ListError(502, 'a truncated listing has no marker')
	}
	return { folders, objects, nextMarker }
}

/**
 * One page of one level, fetched and parsed. Whatever goes wrong is a ListError: COS's
 * status, an answer that is no listing, or (status 0) a request that threw, was aborted by
 * `signal` or took longer than `input.timeoutMs`, body included: a listing is read whole
 * here, never streamed on to a client.
 */
export async function listLevel(input: ListInput, signal?: AbortSignal): Promise<ListPage> {
	const signed = await signListRequest(input)
	const timeout = new AbortController()
	const timer = setTimeout(
		() => timeout.abort(new ListError(0, 'COS did not answer the listing in time', { timedOut: true })),
		input.timeoutMs ?? LIST_TIMEOUT_MS,
	)
	const aborted = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal
	let text: string
	try {
		const res = await fetch(signed.url, {
			headers: signed.headers,
			cache: 'no-store',
			redirect: 'manual',
			signal: aborted,
		})
		if (res.status !== 200) {
			await res.body?.cancel()
			throw new ListError(res.status, `COS answered the listing with ${res.status}`)
		}
		text = await res.text()
	} catch (error) {
		if (error instanceof ListError) throw error
		if (timeout.signal.aborted)
			throw new ListError(0, 'COS did not answer the listing in time', { timedOut: true, cause: error })
		throw new ListError(0, 'COS could not be reached for the listing', { cause: error })
	} finally {
		clearTimeout(timer)
	}
	return parseListing(text)
}
