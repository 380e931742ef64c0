// Folder shares: /:id/ lists a level of the prefix (HTML or JSON), /:id/<path> serves one
// file inside it exactly as a file share would; folder-zip.ts streams a level as a zip.
// Every path comes from the raw URL through http/share-path.ts: nothing outside the prefix.
import { type Context, Hono, type Next } from 'hono'
import { bucketBaseUrl } from '../../cos/endpoint.ts'
import type { AppEnv, Config } from '../../env.ts'
import { notFound } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { isUnfurler, pickLanguage, wantsPage } from '../../http/negotiate.ts'
import { keyUnder, parseSharePath, type SharePath } from '../../http/share-path.ts'
import { newNonce, pageCsp } from '../../pages/csp.ts'
import { FolderPage, type FolderPageLimits } from '../../pages/folder.tsx'
import { languageLinks } from '../../respond.tsx'
import { isLimited, type Usage } from '../../shares/limits.ts'
import type { FolderShareRecord } from '../../shares/schema.ts'
import { asFileShare, deliverFile } from '../deliver/file.ts'
import { deliveryOf, presentationOf } from '../deliver/serving.ts'
import { reported, reportedBytes } from '../report.ts'
import { shareUrlFor } from '../share-url.ts'
import { decodeCursor, type Listing, parseLimit } from './listing.ts'
import { lastName, listing } from './share.ts'
import { serveZip } from './zip.ts'

export const folderRoutes = new Hono<AppEnv>()

/** Entries on one listing page for a person: enough to scroll, few enough to find one's way. */
export const PAGE_SIZE = 100

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

/** What a limited share's page says is left, and where its forms spend a download. */
function pageLimits(record: FolderShareRecord, usage: Usage, langQuery: string): FolderPageLimits {
	return {
		consumeUrl: `/_/consume/${encodeURIComponent(record.id)}${langQuery}`,
		remainingDownloads:
			record.maxDownloads === undefined ? undefined : Math.max(0, record.maxDownloads - usage.downloads),
		// Once the first download has started its clock, the record's expiresAt already says when.
		expiresAfterFirstDownload: usage.firstAt === null ? record.expiresAfterFirstDownload : undefined,
		expiresAt: record.expiresAt === undefined ? undefined : new Date(record.expiresAt),
	}
}

/**
 * The page's CSP. A limited share's forms POST to /_/consume, whose ticket redirects a
 * redirect-delivered file on to the bucket, and Chromium checks form-action on every hop;
 * a streamed file or a zip ends on our own origin.
 */
function listingCsp(nonce: string, record: FolderShareRecord, page: Listing, config: Config): string {
	const csp = pageCsp(nonce)
	if (!isLimited(record)) return csp
	const toBucket = page.files.some((file) => {
		const share = asFileShare(record, record.prefix + file.path)
		return deliveryOf(share, config, () => presentationOf(share)) === 'redirect'
	})
	if (!toBucket) return csp
	return csp.replace("form-action 'self'", `form-action 'self' ${bucketBaseUrl(config.target).origin}`)
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
	let firstUrl: string | undefined
	if (url.searchParams.has('cursor')) {
		const first = new URL(url)
		first.searchParams.delete('cursor')
		firstUrl = `${first.pathname}${first.search}`
	}
	const zipBase = `/_/zip/${record.id}/${encodePath(page.path)}`
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	c.header('Cache-Control', NO_STORE)
	c.header('Vary', 'Accept, Accept-Language, User-Agent')
	c.header('Content-Security-Policy', listingCsp(nonce, record, page, c.var.config))
	return c.html(
		<FolderPage
			lang={lang}
			nonce={nonce}
			rootName={rootName}
			crumbs={crumbs}
			path={page.path}
			folders={page.folders.map((f) => ({ name: f.name, href: base + encodePath(f.path) + langQuery }))}
			files={page.files.map((f) => ({
				name: f.name,
				href: base + encodePath(f.path),
				path: f.path,
				size: f.size,
				lastModified: Number.isNaN(Date.parse(f.lastModified)) ? undefined : new Date(f.lastModified),
			}))}
			zipUrl={zipBase}
			recursiveZipUrl={`${zipBase}?recursive=1`}
			nextUrl={nextUrl}
			firstUrl={firstUrl}
			limits={isLimited(record) ? pageLimits(record, c.var.share.usage, langQuery) : undefined}
			note={record.note}
			expiresAt={record.expiresAt === undefined ? undefined : new Date(record.expiresAt)}
			now={new Date(c.var.share.now)}
			shareUrl={shareUrlFor(c.var.config, c.req.url, record.id)}
			protected={record.passwordHash !== undefined}
			languageLinks={languageLinks(url)}
		/>,
	)
}

async function serveLevel(c: Context<AppEnv>, record: FolderShareRecord, path: SharePath, now: number) {
	const level = keyUnder(record.prefix, path)
	if (level === undefined) throw notFound()
	const { config } = c.var
	const cursor = c.req.query('cursor')
	// Link-preview bots get the page too: its card is what they came for.
	const page =
		wantsPage(c.req.raw.headers, c.req.method) ||
		(c.req.method === 'GET' && isUnfurler(c.req.header('user-agent')))
	const listed = await listing({
		config,
		record,
		level,
		relative: path.relative,
		marker: cursor === undefined ? undefined : decodeCursor(level, cursor),
		// A page for a person holds a screenful or two; JSON clients get COS's full pages.
		limit: parseLimit(c.req.query('limit') ?? (page ? String(PAGE_SIZE) : undefined)),
		now,
	})
	const url = new URL(c.req.url)
	if (page) return reported(c, record, 'listing', await htmlListing(c, record, listed, url))
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	c.header('Cache-Control', NO_STORE)
	c.header('Vary', 'Accept, Accept-Language, User-Agent')
	return reported(c, record, 'listing', c.json(listed))
}

/** One file inside the prefix, exactly as the file share of that key would deliver it. */
async function serveFile(c: Context<AppEnv>, record: FolderShareRecord, path: SharePath, now: number) {
	const key = keyUnder(record.prefix, path)
	if (key === undefined) throw notFound()
	// Authorize lets a limited folder's files through only for a HEAD: the bytes of a GET
	// leave through a ticket.
	const options = record.restricted ? { memoOwner: {} } : {}
	const response = await deliverFile(c, asFileShare(record, key), c.var.config, now, options)
	return reportedBytes(c, record, response, { key, path: path.relative })
}

async function serveInside(c: Context<AppEnv>, next: Next) {
	const { record, now } = c.var.share
	// Other kinds of share have their own routes for /:id/… (file: /:id/download), and the
	// share's own address (/:id) belongs to file/routes.ts, which sends a folder to /:id/.
	if (record.type !== 'folder' || new URL(c.req.url).pathname.split('/').length < 3) return next()
	const path = parseSharePath(new URL(c.req.url).pathname, 1)
	if (path === undefined) throw notFound()
	return path.directory ? serveLevel(c, record, path, now) : serveFile(c, record, path, now)
}

folderRoutes.get('/_/zip/:id/*', serveZip)
folderRoutes.get('/:id/*', serveInside)
