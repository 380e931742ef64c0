// An upload link's own address: the upload page for browsers, the rules as JSON otherwise.
import type { Context } from 'hono'
import { bucketBaseUrl } from '../../cos/endpoint.ts'
import type { AppEnv } from '../../env.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { isUnfurler, pickLanguage, wantsPage } from '../../http/negotiate.ts'
import { newNonce, pageCsp } from '../../pages/csp.ts'
import { UploadPage } from '../../pages/upload.tsx'
import { languageLinks } from '../../respond.tsx'
import type { UploadShareRecord } from '../../shares/schema.ts'
import { uploadUsage } from '../../shares/store.ts'
import { MULTIPART_THRESHOLD } from '../../shares/upload-rules.ts'
import { reported } from '../report.ts'
import { shareUrlFor } from '../share-url.ts'

/** Whether the link's quotas are used up by committed files: its page then takes none. */
async function quotaFull(c: Context<AppEnv>, record: UploadShareRecord): Promise<boolean> {
	const { maxFiles, maxTotalBytes } = record.upload
	if (maxFiles === undefined && maxTotalBytes === undefined) return false
	try {
		const usage = await uploadUsage(c.env, record.id)
		return (
			(maxFiles !== undefined && usage.files >= maxFiles) ||
			(maxTotalBytes !== undefined && usage.bytes >= maxTotalBytes)
		)
	} catch {
		// The uploads themselves check the quota; the page only would have said so sooner.
		return false
	}
}

export async function serveUploadRoot(c: Context<AppEnv>, record: UploadShareRecord) {
	const { config } = c.var
	const url = new URL(c.req.url)
	const origin = config.publicBaseUrl ?? url.origin
	const uploadsPath = `/${encodeURIComponent(record.id)}/uploads`
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value)
	c.header('Cache-Control', NO_STORE)
	c.header('Vary', 'Accept, Accept-Language, Sec-Fetch-Mode, User-Agent')
	const { upload } = record
	const bot = c.req.method === 'GET' && isUnfurler(c.req.header('user-agent'))
	if (!wantsPage(c.req.raw.headers, c.req.method) && !bot) {
		return c.json({
			id: record.id,
			type: 'upload',
			expiresAt: record.expiresAt ?? null,
			note: record.note ?? null,
			rules: {
				maxFileSize: upload.maxFileSize,
				allowedTypes: upload.allowedTypes ?? null,
				allowedExtensions: upload.allowedExtensions ?? null,
				overwrite: upload.overwrite ?? false,
				maxFiles: upload.maxFiles ?? null,
				maxTotalBytes: upload.maxTotalBytes ?? null,
			},
			multipartThreshold: MULTIPART_THRESHOLD,
			uploads: `${origin}${uploadsPath}`,
		})
	}
	const nonce = newNonce()
	// The page's script PUTs straight to the bucket: allow exactly its origin, and our own.
	c.header(
		'Content-Security-Policy',
		pageCsp(nonce, { connectSrc: ["'self'", bucketBaseUrl(config.target).origin] }),
	)
	const lang = pickLanguage(c.req.header('accept-language'), c.req.query('lang'))
	const page = await c.html(
		<UploadPage
			lang={lang}
			nonce={nonce}
			uploadsPath={uploadsPath}
			uploadsUrl={`${origin}${uploadsPath}`}
			maxFileSize={upload.maxFileSize}
			allowedTypes={upload.allowedTypes}
			allowedExtensions={upload.allowedExtensions}
			overwrite={upload.overwrite ?? false}
			maxFiles={upload.maxFiles}
			maxTotalBytes={upload.maxTotalBytes}
			expiresAt={record.expiresAt ? new Date(record.expiresAt) : undefined}
			note={record.note}
			shareUrl={shareUrlFor(config, c.req.url, record.id)}
			protected={record.passwordHash !== undefined}
			full={bot ? false : await quotaFull(c, record)}
			multipartThreshold={MULTIPART_THRESHOLD}
			languageLinks={languageLinks(url)}
		/>,
	)
	return reported(c, record, 'page', page)
}
