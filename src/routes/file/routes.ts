// Share links: GET|HEAD /:id, /:id/download and /:id/preview. Resolve the share, then hand
// it to the route of its kind. A file share answers with its download page (browsers of a
// page share, link-preview bots) or delivers the file by redirect or stream, signed afresh.
// Restricted shares pass their gate first: unlocked, and for a limited share, one download
// spent and carried by a ticket (src/routes/access.ts serves tickets).
import { type Context, Hono } from 'hono'
import { type AppEnv, type Config, readConfig } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { isUnfurler, wantsPage } from '../../http/negotiate.ts'
import { isLimited, NO_USAGE, type Usage } from '../../shares/limits.ts'
import type { FileShareRecord } from '../../shares/schema.ts'
import { consumeDownload } from '../../shares/store.ts'
import { redirectTo } from '../deliver/redirect.ts'
import { deliveryOf, type Presentation, presentationOf, type Serving, servingOf } from '../deliver/serving.ts'
import { streamObject } from '../deliver/stream.ts'
import { folderRoot } from '../folder/routes.tsx'
import {
	isPrefetch,
	isUnlocked,
	notGranted,
	passwordRequired,
	ticketPath,
	unlockPage,
} from '../pipeline/gate.tsx'
import { resolveLive } from '../pipeline/resolve.ts'
import { serveUploadRoot } from '../upload/root.tsx'
import { FILE_SHARE_VARY, filePage, PAGE_SHARE_VARY, showsPage } from './page.tsx'
import { servePreview } from './preview.ts'

export const fileRoutes = new Hono<AppEnv>()

/** How a delivery may differ from the share's own: a ticket's shorter life, a forced stream. */
export interface DeliveryOptions {
	/** Unix seconds no signature may outlive. */
	notAfter?: number | undefined
	/** The longest signature, in seconds. */
	maxTtl?: number | undefined
	stream?: boolean | undefined
	/** What a signature may be reused for within its second; a fresh object reuses nothing. */
	memoOwner?: object | undefined
}

/** The file itself, by the share's delivery (or as the options say). */
export async function deliverFile(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
	options: DeliveryOptions = {},
): Promise<Response> {
	const base = servingOf(record, config, c.req.method === 'HEAD' ? 'HEAD' : 'GET', now)
	const serving: Serving = {
		...base,
		ttl: options.maxTtl === undefined ? base.ttl : Math.min(base.ttl, options.maxTtl),
		notAfter:
			options.notAfter === undefined
				? base.notAfter
				: Math.min(base.notAfter ?? options.notAfter, options.notAfter),
	}
	let look: Presentation | undefined
	const presentation = () => {
		look ??= presentationOf(record)
		return look
	}
	return options.stream || deliveryOf(record, config, presentation) === 'stream'
		? streamObject(c, serving, presentation())
		: redirectTo(serving, options.memoOwner ?? record, presentation)
}

/** A Range a limited share's bare URL accepts without a ticket: none, or one from byte 0. */
function rangeProblem(range: string | undefined): 'none' | 'probe' | 'from-start' | 'elsewhere' {
	if (range === undefined) return 'none'
	const spec = range.trim().toLowerCase()
	if (/^bytes\s*=\s*0\s*-\s*0$/.test(spec)) return 'probe'
	if (/^bytes\s*=\s*0\s*-\s*\d*$/.test(spec)) return 'from-start'
	return 'elsewhere'
}

/**
 * The gate of a restricted share: a response of its own (unlock page, download page, a
 * ticket), or `deliver` to serve the file as any share would, or `probe` to stream it.
 */
async function gate(
	c: Context<AppEnv>,
	record: FileShareRecord,
	usage: Usage,
	config: Config,
	now: number,
): Promise<Response | 'deliver' | 'probe'> {
	const headers = c.req.raw.headers
	const method = c.req.method
	// Never a download: a browser's navigation, a link preview or a prefetch gets the page.
	const looking = wantsPage(headers, method) || isUnfurler(headers.get('user-agent')) || isPrefetch(headers)
	if (!(await isUnlocked(c, record, config, now))) {
		if (looking && method === 'GET') return unlockPage(c, record)
		return passwordRequired(c)
	}
	if (!isLimited(record)) return 'deliver'
	if (looking) {
		if (method !== 'GET') return 'deliver'
		const remaining = record.maxDownloads === undefined ? undefined : record.maxDownloads - usage.downloads
		return filePage(c, record, config, now, {
			consumeUrl: `/_/consume/${encodeURIComponent(record.id)}`,
			remainingDownloads: remaining,
		})
	}
	// A HEAD is signed for HEAD only (or streamed without a body): it spends nothing.
	if (method === 'HEAD') return 'deliver'
	const range = rangeProblem(c.req.header('range'))
	if (range === 'probe') return 'probe'
	if (range === 'elsewhere')
		throw new AppError(
			416,
			'ticket_required',
			`A download of this link resumes only through its ticket. Open /${record.id} to start a download.`,
		)
	const outcome = await consumeDownload(c.env, record.id, now)
	if (!outcome.ok) throw notGranted(outcome.reason)
	const location = await ticketPath(config, outcome.live.record, outcome.sequence, now)
	return new Response(null, {
		status: 302,
		headers: { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE, Location: location },
	})
}

async function serveFile(
	c: Context<AppEnv>,
	record: FileShareRecord,
	now: number,
	negotiated: boolean,
	usage: Usage = NO_USAGE,
) {
	const config = readConfig(c.env)
	let probe = false
	if (record.restricted) {
		const decision = await gate(c, record, usage, config, now)
		if (decision instanceof Response) return decision
		probe = decision === 'probe'
	}
	if (!probe && negotiated && showsPage(c, record)) return filePage(c, record, config, now)
	const response = await deliverFile(c, record, config, now, {
		stream: probe,
		// A restricted share's signature is never reused for another request.
		memoOwner: record.restricted ? {} : record,
	})
	// The same address answers a page or these bytes, depending on who asks.
	if (negotiated) response.headers.set('Vary', record.page === true ? PAGE_SHARE_VARY : FILE_SHARE_VARY)
	return response
}

/** The share's own address: each kind of share answers it its own way. */
async function serveShareRoot(c: Context<AppEnv>) {
	const now = Date.now()
	const { record, usage } = await resolveLive(c, now)
	if (record.type === 'file') return serveFile(c, record, now, true, usage)

	// Folder shares: their routes answer here.
	if (record.type === 'folder') return folderRoot(c, record)

	// Upload links: their routes answer here.
	if (record.type === 'upload') return serveUploadRoot(c, record, now)

	throw notFound()
}

/** /:id/download: always the file itself, for file shares only. */
async function serveDownload(c: Context<AppEnv>) {
	const now = Date.now()
	const { record, usage } = await resolveLive(c, now)
	if (record.type !== 'file') throw notFound()
	return serveFile(c, record, now, false, usage)
}

function methodNotAllowed(c: Context<AppEnv>): never {
	c.header('Allow', 'GET, HEAD')
	throw new AppError(405, 'method_not_allowed', 'Share links can only be read (GET or HEAD).')
}

fileRoutes.get('/:id', serveShareRoot)
fileRoutes.get('/:id/download', serveDownload)
fileRoutes.get('/:id/preview', servePreview)
fileRoutes.all('/:id', methodNotAllowed)
fileRoutes.all('/:id/download', methodNotAllowed)
fileRoutes.all('/:id/preview', methodNotAllowed)
