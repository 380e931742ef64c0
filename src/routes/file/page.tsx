// The download page of a file share: who gets it instead of the bytes, and the page itself
// from the share record and a (remembered) HEAD of the object.
import type { Context } from 'hono'
import { bucketBaseUrl } from '../../cos/endpoint.ts'
import type { AppEnv, Config } from '../../env.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { normalizeMediaType, storedMediaType } from '../../http/mime.ts'
import { isUnfurler, pickLanguage, wantsPage } from '../../http/negotiate.ts'
import { log } from '../../log.ts'
import { newNonce, pageCsp } from '../../pages/csp.ts'
import type { TextPreview } from '../../pages/download.tsx'
import { renderDownloadPage } from '../../pages/download-render.tsx'
import { previewKind } from '../../pages/preview.ts'
import { languageLinks } from '../../respond.tsx'
import type { FileShareRecord } from '../../shares/schema.ts'
import { objectInfo } from '../deliver/object-info.ts'
import { fetchObject } from '../deliver/relay.ts'
import { presentationOf, servingOf, typeByName } from '../deliver/serving.ts'
import { shareUrlFor } from '../share-url.ts'

/** What GET /:id of a page share looks at to choose page or bytes. */
export const PAGE_SHARE_VARY = 'Accept, User-Agent, Sec-Fetch-Mode'
/** Any other share: only a link-preview bot gets something other than the bytes. */
export const FILE_SHARE_VARY = 'User-Agent'
/** The page itself also speaks the visitor's language. */
const PAGE_VARY = 'Accept, Accept-Language, User-Agent, Sec-Fetch-Mode'

/**
 * Page or bytes for GET|HEAD /:id. A browser navigation to a page share gets the page;
 * link-preview bots always get it (its card), never the bytes; everyone else the file.
 */
export function showsPage(c: Context<AppEnv>, record: FileShareRecord): boolean {
	const headers = c.req.raw.headers
	if (record.page === true && wantsPage(headers, c.req.method)) return true
	return isUnfurler(headers.get('user-agent'))
}

/**
 * The type the page shows and the preview decision uses: the share's, COS's, the name's,
 * each normalized. COS's application/ or binary/octet-stream means "unknown" (what it keeps
 * for an upload sent without a type), so the name decides then; the share's own word wins.
 */
export function effectiveType(
	declared: string | undefined,
	stored: string | undefined,
	filename: string,
): string | undefined {
	return normalizeMediaType(declared) ?? storedMediaType(stored) ?? typeByName(filename)
}

/** How much of a text file the page shows itself. */
export const TEXT_PREVIEW_BYTES = 8192

/**
 * The start of a text file for its page, decoded as UTF-8 (a character cut at the end is
 * left out). Undefined when COS does not give it: the page then links to the preview.
 */
async function textStart(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
	size: number,
): Promise<TextPreview | undefined> {
	try {
		const serving = servingOf(record, config, 'GET', now)
		const range = new Headers({ range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` })
		const upstream = await fetchObject(c, serving, range)
		if ((upstream.status !== 200 && upstream.status !== 206) || !upstream.body) {
			await upstream.body?.cancel()
			return undefined
		}
		const reader = upstream.body.getReader()
		const chunks: Uint8Array[] = []
		let length = 0
		while (length < TEXT_PREVIEW_BYTES) {
			const { done, value } = await reader.read()
			if (done) break
			chunks.push(value)
			length += value.byteLength
		}
		await reader.cancel().catch(() => undefined)
		const bytes = new Uint8Array(Math.min(length, TEXT_PREVIEW_BYTES))
		let offset = 0
		for (const chunk of chunks) {
			const part = chunk.subarray(0, bytes.length - offset)
			bytes.set(part, offset)
			offset += part.byteLength
			if (offset >= bytes.length) break
		}
		// stream: true keeps a character the cut split in two out of the text.
		const text = new TextDecoder('utf-8').decode(bytes, { stream: true })
		return { text, truncated: size > bytes.length, bytes: bytes.length }
	} catch (error) {
		log('warn', 'text_preview_failed', { type: error instanceof Error ? error.name : typeof error })
		return undefined
	}
}

/** A limited share's page: its button spends a download by POST, and it has no preview. */
export interface PageLimits {
	consumeUrl: string
	remainingDownloads: number | undefined
}

export async function filePage(
	c: Context<AppEnv>,
	record: FileShareRecord,
	config: Config,
	now: number,
	limits?: PageLimits,
): Promise<Response> {
	const info = await objectInfo(c, record, config, now)
	const look = presentationOf(record)
	const contentType = effectiveType(look.contentType, info.contentType, look.filename)
	// A preview would be a download that spends nothing.
	const kind = limits ? 'none' : previewKind(contentType)
	const lang = pickLanguage(c.req.header('accept-language'), c.req.query('lang'))
	const shareUrl = shareUrlFor(config, c.req.url, record.id)
	const path = `/${encodeURIComponent(record.id)}`
	const nonce = newNonce()
	const previewText = kind === 'text' ? await textStart(c, record, config, now, info.size) : undefined
	const page = renderDownloadPage(
		{
			lang,
			fileName: look.filename,
			size: info.size,
			contentType,
			lastModified: info.lastModified,
			note: record.note,
			expiresAt: record.expiresAt === undefined ? null : new Date(record.expiresAt),
			shareUrl,
			downloadUrl: `${path}/download`,
			consumeUrl: limits?.consumeUrl,
			remainingDownloads: limits?.remainingDownloads,
			previewKind: kind,
			previewUrl: kind === 'none' ? undefined : `${path}/preview`,
			previewText,
			protected: record.passwordHash !== undefined,
			languageLinks: languageLinks(c.req.url),
		},
		{ nonce, now: new Date(now) },
	)
	// The download button of a limited share is a form whose POST ends, through its ticket, at
	// the bucket: Chromium checks form-action on every redirect hop.
	const csp = limits
		? pageCsp(nonce).replace(
				"form-action 'self'",
				`form-action 'self' ${bucketBaseUrl(config.target).origin}`,
			)
		: pageCsp(nonce)
	return c.html(page, 200, {
		...SECURITY_HEADERS,
		'Content-Security-Policy': csp,
		'Cache-Control': NO_STORE,
		Vary: PAGE_VARY,
	})
}
