// Stream delivery for a share that opted into the edge cache. Called only once every rule
// has passed, so nothing expired, revoked or edited is ever answered from here; a changed
// share has a new revision, hence new keys.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import {
	answerFromStored,
	CACHE_BYPASS,
	CACHE_HIT,
	cacheMiss,
	drain,
	edgeCache,
	edgeCacheUrl,
	FillBuffer,
} from '../../http/edge-cache.ts'
import { FORWARDED_CONDITIONALS, NO_STORE, PASSED_FROM_ORIGIN } from '../../http/headers.ts'
import { log } from '../../log.ts'
import { requestId } from '../../request-id.ts'
import { type Caching, fetchObject, relay } from './relay.ts'
import type { EdgeCacheOptIn, Presentation, Serving } from './serving.ts'

type FillHead =
	| { kind: 'storing'; headers: Headers; size: number; buffer: FillBuffer }
	| { kind: 'skipped'; detail: string; take: () => Response | undefined }

// One fill per object per isolate: every miss meanwhile joins it rather than asking COS.
const fills = new Map<string, Promise<FillHead>>()
const pending = new Set<Promise<unknown>>()

/** Resolves once every fill this isolate started has finished (tests). */
export async function fillsSettled(): Promise<void> {
	while (pending.size > 0) await Promise.allSettled([...pending])
}

function background(c: Context<AppEnv>, task: Promise<unknown>): void {
	const id = requestId(c)
	const tracked = task
		.catch((error: unknown) => {
			log('error', 'edge_cache_task_failed', {
				type: error instanceof Error ? error.name : 'unknown',
				requestId: id,
			})
		})
		.finally(() => pending.delete(tracked))
	pending.add(tracked)
	try {
		c.executionCtx.waitUntil(tracked)
	} catch {
		// No execution context (app.request in tests): the task still runs to its end.
	}
}

/** The stored entry's headers: what a later hit needs, and the lifetime the Cache API keeps. */
function entryHeaders(origin: Headers, maxAge: number): Headers {
	const headers = new Headers({ 'Cache-Control': `public, max-age=${maxAge}` })
	for (const name of [...PASSED_FROM_ORIGIN, 'content-type'] as const) {
		const value = origin.get(name)
		if (value !== null) headers.set(name, value)
	}
	return headers
}

async function store(
	cache: Cache,
	url: string,
	body: ReadableStream<Uint8Array>,
	head: FillHead & { kind: 'storing' },
	id: string,
) {
	try {
		if (!(await drain(body, head.buffer))) {
			// Every client joined to this fill saw its body break off too; nothing was stored.
			log('error', 'edge_cache_origin_broke', { requestId: id })
			return
		}
		// Put from the chunks as they are: one copy of the object in memory, not two. A byte
		// count other than Content-Length fails the fixed-length stream, and so the put.
		await cache.put(url, new Response(head.buffer.stream(head.size), { headers: head.headers }))
	} catch (error) {
		log('error', 'edge_cache_fill_failed', {
			type: error instanceof Error ? error.name : 'unknown',
			requestId: id,
		})
	} finally {
		fills.delete(url)
	}
}

/** One full GET of the object from COS: kept in memory and put if it fits under the cap. */
function startFill(c: Context<AppEnv>, serving: Serving, optIn: EdgeCacheOptIn, cache: Cache, url: string) {
	const head = (async (): Promise<FillHead> => {
		const origin = await fetchObject(c, { ...serving, method: 'GET' }, new Headers())
		const length = origin.headers.get('content-length')
		const size = Number(length)
		let detail: string | undefined
		if (origin.status !== 200 || length === null || !Number.isSafeInteger(size)) detail = 'not-storable'
		// Stored bytes are served as they are: an encoded object would need its coding kept right.
		else if (origin.headers.has('content-encoding')) detail = 'encoded'
		else if (size > serving.config.cacheMaxBytes) detail = 'too-large'
		if (detail !== undefined || !origin.body) {
			fills.delete(url)
			// Only the request that started the fill takes this response (and must close it).
			let response: Response | undefined = origin
			return {
				kind: 'skipped',
				detail: detail ?? 'not-storable',
				take: () => {
					const taken = response
					response = undefined
					return taken
				},
			}
		}
		const storing = {
			kind: 'storing' as const,
			headers: entryHeaders(origin.headers, optIn.maxAge),
			size,
			buffer: new FillBuffer(),
		}
		background(c, store(cache, url, origin.body, storing, requestId(c)))
		return storing
	})()
	fills.set(url, head)
	head.catch(() => fills.delete(url))
	return head
}

const hasConditionals = (client: Headers) =>
	client.has('range') || FORWARDED_CONDITIONALS.some((name) => client.has(name))

/** A response made from stored headers (and, for 200 and 206, bytes) for relay to label. */
function fromStored(
	stored: Headers,
	size: number,
	answer: ReturnType<typeof answerFromStored>,
	body: () => ReadableStream<Uint8Array> | null,
): Response | undefined {
	const headers = new Headers(stored)
	switch (answer.kind) {
		case 'full':
			return new Response(body(), { status: 200, headers })
		case 'not-modified':
			return new Response(null, { status: 304, headers })
		case 'precondition-failed':
			return new Response(null, { status: 412, headers })
		case 'unsatisfiable':
			headers.set('Content-Range', `bytes */${size}`)
			return new Response(null, { status: 416, headers })
		case 'range':
			return undefined
	}
}

export async function deliverCached(
	c: Context<AppEnv>,
	serving: Serving,
	optIn: EdgeCacheOptIn,
	look: Presentation,
): Promise<Response> {
	const client = c.req.raw.headers
	const { method } = serving
	const cache = edgeCache()
	if (!cache) {
		const upstream = await fetchObject(c, serving, client)
		return relay(c, method, look, upstream, { cacheControl: NO_STORE, cacheStatus: CACHE_BYPASS })
	}
	// What a shared cache downstream may keep: never past the share's own end.
	const secondsLeft =
		serving.notAfter === undefined ? optIn.maxAge : serving.notAfter - Math.floor(serving.now / 1000)
	const caching = (cacheStatus: string): Caching => ({
		cacheControl: `public, max-age=${Math.max(0, Math.min(optIn.maxAge, secondsLeft))}`,
		cacheStatus,
	})
	const url = edgeCacheUrl({
		origin: serving.config.publicBaseUrl ?? new URL(c.req.url).origin,
		shareId: optIn.shareId,
		revision: optIn.revision,
		objectKey: serving.key,
	})

	const stored = await cache.match(url)
	if (stored) {
		const size = Number(stored.headers.get('content-length'))
		const answer = answerFromStored(
			{ etag: stored.headers.get('etag'), lastModified: stored.headers.get('last-modified'), size },
			client,
			method,
			serving.now,
		)
		let source = fromStored(stored.headers, size, answer, () => stored.body)
		if (answer.kind !== 'full') await stored.body?.cancel()
		if (answer.kind === 'range') {
			// The Cache API cuts a single range from the stored object itself.
			const part = await cache.match(
				new Request(url, { headers: { range: `bytes=${answer.start}-${answer.end}` } }),
			)
			if (part?.status === 206) source = part
			else await part?.body?.cancel()
		}
		if (source) return relay(c, method, look, source, caching(CACHE_HIT))
	}

	let head = fills.get(url)
	const collapsed = head !== undefined
	if (method === 'GET') {
		head ??= startFill(c, serving, optIn, cache, url)
		const fill = await head
		if (fill.kind === 'storing') {
			const answer = answerFromStored(
				{ etag: fill.headers.get('etag'), lastModified: fill.headers.get('last-modified'), size: fill.size },
				client,
				method,
				serving.now,
			)
			const source = fromStored(fill.headers, fill.size, answer, () => fill.buffer.stream(fill.size))
			if (source) return relay(c, method, look, source, caching(cacheMiss({ stored: true, collapsed })))
		} else if (!collapsed) {
			const whole = fill.take()
			if (whole && !hasConditionals(client))
				return relay(c, method, look, whole, caching(cacheMiss({ detail: fill.detail })))
			await whole?.body?.cancel()
		}
	}
	const upstream = await fetchObject(c, serving, client)
	return relay(c, method, look, upstream, caching(cacheMiss({ collapsed })))
}
