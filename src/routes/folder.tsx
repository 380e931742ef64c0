// Folder shares: /:id/ lists a level of the prefix (HTML or JSON), /:id/<path> serves one
// file inside it exactly as a file share would, /_/zip/:id/<dir>/ streams a level as a zip.
// Every path comes from the raw URL through http/share-path.ts: nothing outside the prefix.
import { type Context, Hono, type Next } from 'hono'
import { ListError } from '../cos/list.ts'
import { signObjectRequest } from '../cos/presign.ts'
import { type AppEnv, type Config, readConfig } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import { contentDisposition } from '../http/content-disposition.ts'
import { NO_STORE, OBJECT_CSP, SECURITY_HEADERS } from '../http/headers.ts'
import { pickLanguage, wantsPage } from '../http/negotiate.ts'
import { keyUnder, parseSharePath, type SharePath } from '../http/share-path.ts'
import { type ZipMember, ZipMemberError, zipLength, zipStream } from '../http/zip.ts'
import { log } from '../log.ts'
import { newNonce, pageCsp } from '../pages/csp.ts'
import { FolderPage } from '../pages/folder.tsx'
import { languageLinks } from '../respond.tsx'
import type { FileShareRecord, FolderShareRecord } from '../shares/schema.ts'
import { redirectTo } from './deliver-redirect.ts'
import { streamObject } from './deliver-stream.ts'
import {
	decodeCursor,
	type LevelRequest,
	type Listing,
	listOf,
	parseLimit,
	toListing,
} from './folder-listing.ts'
import { resolveShare } from './resolve-share.ts'
import { deliveryOf, type Presentation, presentationOf, servingOf, signingInput } from './serving.ts'

export const folderRoutes = new Hono<AppEnv>()

/** GET|HEAD /:id of a folder share: its listing lives at /:id/. */
export function folderRoot(c: Context<AppEnv>, record: FolderShareRecord): Response {
	const url = new URL(c.req.url)
	return new Response(null, {
		status: 301,
		headers: { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE, Location: `/${record.id}/${url.search}` },
	})
}

/** Segments to a URL path, each encoded: what the listing links to. */
function encodePath(relative: string): string {
	return relative.split('/').map(encodeURIComponent).join('/')
}

function lastName(path: string): string {
	const parts = path.split('/').filter((part) => part !== '')
	return parts.at(-1) ?? ''
}

function listingFailed(error: unknown): never {
	if (error instanceof ListError) {
		log('warn', 'listing_failed', { status: error.status })
		throw new AppError(
			502,
			'origin_error',
			'The storage service could not list this folder. Please try again.',
		)
	}
	throw error
}

async function listing(req: LevelRequest): Promise<Listing> {
	try {
		return toListing(req, await listOf(req))
	} catch (error) {
		return listingFailed(error)
	}
}

function htmlListing(c: Context<AppEnv>, record: FolderShareRecord, page: Listing, url: URL) {
	const lang = pickLanguage(c.req.header('accept-language'), c.req.query('lang'))
	const nonce = newNonce()
	const base = `/${record.id}/`
	const rootName = lastName(record.prefix)
	const crumbs = [{ name: rootName, href: base }]
	let walked = ''
	for (const part of page.path.split('/').filter((p) => p !== '')) {
		walked += `${part}/`
		crumbs.push({ name: part, href: base + encodePath(walked) })
	}
	const langQuery = c.req.query('lang') ? `?lang=${encodeURIComponent(lang)}` : ''
	let nextUrl: string | undefined
	if (page.cursor) {
		const next = new URL(url)
		next.searchParams.set('cursor', page.cursor)
		nextUrl = `${next.pathname}${next.search}`
	}
	const zipBase = `/_/zip/${record.id}/${encodePath(page.path)}`
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	c.header('Cache-Control', NO_STORE)
	c.header('Vary', 'Accept, Accept-Language')
	c.header('Content-Security-Policy', pageCsp(nonce))
	return c.html(
		<FolderPage
			lang={lang}
			nonce={nonce}
			rootName={rootName}
			crumbs={crumbs}
			folders={page.folders.map((f) => ({ name: f.name, href: base + encodePath(f.path) + langQuery }))}
			files={page.files.map((f) => ({
				name: f.name,
				href: base + encodePath(f.path),
				size: f.size,
				lastModified: Number.isNaN(Date.parse(f.lastModified)) ? undefined : new Date(f.lastModified),
			}))}
			zipUrl={zipBase}
			recursiveZipUrl={`${zipBase}?recursive=1`}
			nextUrl={nextUrl}
			languageLinks={languageLinks(url)}
		/>,
	)
}

async function serveLevel(c: Context<AppEnv>, record: FolderShareRecord, path: SharePath, now: number) {
	const level = keyUnder(record.prefix, path)
	if (level === undefined) throw notFound()
	const config = readConfig(c.env)
	const cursor = c.req.query('cursor')
	const page = await listing({
		config,
		record,
		level,
		relative: path.relative,
		marker: cursor === undefined ? undefined : decodeCursor(level, cursor),
		limit: parseLimit(c.req.query('limit')),
		now,
	})
	const url = new URL(c.req.url)
	if (wantsPage(c.req.raw.headers, c.req.method)) return htmlListing(c, record, page, url)
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	c.header('Cache-Control', NO_STORE)
	c.header('Vary', 'Accept, Accept-Language')
	return c.json(page)
}

/** A file inside the prefix, as the file share of that one key would deliver it. */
function asFileShare(record: FolderShareRecord, key: string): FileShareRecord {
	const { prefix: _prefix, type: _type, ...common } = record
	return { ...common, type: 'file', key }
}

function serveFile(c: Context<AppEnv>, record: FolderShareRecord, path: SharePath, now: number) {
	const key = keyUnder(record.prefix, path)
	if (key === undefined) throw notFound()
	const file = asFileShare(record, key)
	const config = readConfig(c.env)
	const serving = servingOf(file, config, c.req.method === 'HEAD' ? 'HEAD' : 'GET', now)
	let look: Presentation | undefined
	const presentation = () => {
		look ??= presentationOf(file)
		return look
	}
	return deliveryOf(file, config, presentation) === 'stream'
		? streamObject(c, serving, presentation())
		: redirectTo(serving, file, presentation)
}

/** Refused paths and other kinds of share both end here: nothing was asked of COS. */
async function folderShare(c: Context<AppEnv>, skip: number, now: number) {
	const path = parseSharePath(new URL(c.req.url).pathname, skip)
	const record = await resolveShare(c, now)
	if (record.type !== 'folder') return undefined
	if (path === undefined) throw notFound()
	return { record, path }
}

async function serveInside(c: Context<AppEnv>, next: Next) {
	// The share's own address (/:id) belongs to file.ts, which sends a folder to /:id/.
	if (new URL(c.req.url).pathname.split('/').length < 3) return next()
	const now = Date.now()
	const found = await folderShare(c, 1, now)
	// Other kinds of share have their own routes for /:id/… (file.ts: /:id/download).
	if (!found) return next()
	const { record, path } = found
	return path.directory ? serveLevel(c, record, path, now) : serveFile(c, record, path, now)
}

interface Collected {
	members: { key: string; name: string; size: number; lastModified: string; etag: string }[]
	bytes: number
}

function tooLarge(config: Config): never {
	throw new AppError(
		413,
		'zip_too_large',
		`This folder is too large to download as one zip (at most ${config.zipMaxFiles} files and ` +
			`${config.zipMaxBytes} bytes). Download a sub-folder or the files one by one.`,
	)
}

/** Every file of the level (and below, when recursive), within the configured limits. */
async function collect(
	config: Config,
	record: FolderShareRecord,
	root: SharePath,
	recursive: boolean,
	now: number,
): Promise<Collected> {
	const rootLevel = keyUnder(record.prefix, root)
	if (rootLevel === undefined) throw notFound()
	const collected: Collected = { members: [], bytes: 0 }
	const pending = [root.relative]
	while (pending.length > 0) {
		const relative = pending.shift() ?? ''
		const level = record.prefix + relative
		let marker: string | undefined
		do {
			const page = await listing({ config, record, level, relative, marker, limit: 1000, now })
			for (const file of page.files) {
				collected.members.push({
					key: record.prefix + file.path,
					name: file.path.slice(root.relative.length),
					size: file.size,
					lastModified: file.lastModified,
					etag: file.etag,
				})
				collected.bytes += file.size
				if (collected.members.length > config.zipMaxFiles || collected.bytes > config.zipMaxBytes)
					tooLarge(config)
			}
			if (recursive) for (const folder of page.folders) pending.push(folder.path)
			marker = page.cursor === null ? undefined : decodeCursor(level, page.cursor)
		} while (marker !== undefined)
	}
	return collected
}

function memberOf(
	config: Config,
	record: FolderShareRecord,
	entry: Collected['members'][number],
	now: number,
): ZipMember {
	const lastModified = new Date(entry.lastModified)
	return {
		name: entry.name,
		size: entry.size,
		lastModified: Number.isNaN(lastModified.getTime()) ? new Date(now) : lastModified,
		open: async () => {
			// Each member is signed when the archive reaches it, so a long zip never outlives
			// a signature; If-Match fails it if the object changed since it was listed.
			const serving = servingOf(asFileShare(record, entry.key), config, 'GET', Date.now())
			const signed = await signObjectRequest(signingInput(serving))
			const res = await fetch(signed.url, {
				headers: { ...signed.headers, 'if-match': entry.etag },
				cache: 'no-store',
				redirect: 'manual',
			})
			if (res.status !== 200 || !res.body) {
				await res.body?.cancel()
				log('warn', 'zip_member_failed', { status: res.status })
				throw new ZipMemberError(`COS answered ${res.status} for a member`)
			}
			return res.body
		},
	}
}

async function serveZip(c: Context<AppEnv>) {
	const now = Date.now()
	const found = await folderShare(c, 3, now)
	if (!found?.path.directory) throw notFound()
	const { record, path } = found
	const config = readConfig(c.env)
	const recursive = c.req.query('recursive') === '1'
	const { members } = await collect(config, record, path, recursive, now)
	const zipped = members.map((entry) => memberOf(config, record, entry, now))
	const name = `${lastName(path.relative) || lastName(record.prefix) || record.id}.zip`
	const headers = new Headers(SECURITY_HEADERS)
	headers.set('Content-Type', 'application/zip')
	headers.set('Content-Disposition', contentDisposition('attachment', name))
	headers.set('Content-Security-Policy', OBJECT_CSP)
	// no-transform: an edge that recompresses would drop the Content-Length.
	headers.set('Cache-Control', `${NO_STORE}, no-transform`)
	if (c.req.method === 'HEAD') {
		headers.set('Content-Length', String(zipLength(zipped)))
		return new Response(null, { headers })
	}
	const { body, length } = zipStream(zipped)
	headers.set('Content-Length', String(length))
	return new Response(body, { headers })
}

folderRoutes.get('/_/zip/:id/*', serveZip)
folderRoutes.get('/:id/*', serveInside)
