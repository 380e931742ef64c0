// The download page of a file share, from plain props: what the file is, how big, until
// when, a download button, the link to copy or scan, and a preview for inline-safe types.
import { raw } from 'hono/html'
import { formatBytes, formatDate, formatRemaining, formatSize, remainingWords } from './i18n/format.ts'
import { fill, type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'
import type { PreviewKind } from './preview.ts'

export type { PreviewKind }

export interface DownloadPageProps {
	lang: Lang
	nonce: string
	fileName: string
	/** Bytes. */
	size: number
	contentType?: string | undefined
	lastModified?: Date | undefined
	note?: string | undefined
	/** null or undefined: the link does not expire. */
	expiresAt?: Date | null | undefined
	now: Date
	/** Absolute URL of the share (og:url, the copy field, the QR code). */
	shareUrl: string
	downloadUrl: string
	/**
	 * A limited share: the button is a POST form to this address (/_/consume/<id>), which
	 * spends one download; a link prefetched or followed by a mail scanner spends none.
	 */
	consumeUrl?: string | undefined
	/** Downloads left of a limited share; undefined when it has no count limit. */
	remainingDownloads?: number | undefined
	previewKind: PreviewKind
	previewUrl?: string | undefined
	/** From qrSvg(shareUrl): markup built by us, inserted raw. */
	qrSvg: string
	languageLinks?: Record<Lang, string> | undefined
}

/** "PDF", "MP4", … from the name, else from the type, for the file badge. */
function badgeText(fileName: string, contentType: string | undefined): string {
	const dot = fileName.lastIndexOf('.')
	const extension = dot > 0 ? fileName.slice(dot + 1) : ''
	if (extension.length > 0 && extension.length <= 4 && /^[\w]+$/.test(extension)) return extension
	const subtype = contentType?.split(';')[0]?.split('/')[1] ?? ''
	return /^[a-z0-9]{1,4}$/i.test(subtype) ? subtype : 'file'
}

function DownloadIcon() {
	return raw(
		'<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 3v12m0 0l-5-5m5 5l5-5M4 19h16"/></svg>',
	)
}

function CopyIcon() {
	return raw(
		'<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V5a2 2 0 0 1 2-2h8"/></svg>',
	)
}

function Preview(props: DownloadPageProps) {
	const t = messages(props.lang)
	const url = props.previewUrl
	if (props.previewKind === 'none' || !url) return null
	const element = {
		image: <img src={url} alt={props.fileName} loading="lazy" />,
		video: (
			// biome-ignore lint/a11y/useMediaCaption: a shared file comes with no caption track to offer
			<video src={url} controls preload="metadata" playsinline>
				<p>{t.noMediaSupport}</p>
			</video>
		),
		audio: (
			// biome-ignore lint/a11y/useMediaCaption: a shared file comes with no caption track to offer
			<audio src={url} controls preload="metadata">
				<p>{t.noMediaSupport}</p>
			</audio>
		),
		pdf: (
			<object data={url} type="application/pdf" aria-label={props.fileName}>
				<p>
					<a href={url}>{t.openPdf}</a>
				</p>
			</object>
		),
		text: (
			<object data={url} type="text/plain" aria-label={props.fileName}>
				<p>
					<a href={url}>{t.preview}</a>
				</p>
			</object>
		),
	}[props.previewKind]
	return (
		<section class="preview" aria-labelledby="preview-title">
			<h2 id="preview-title">{t.preview}</h2>
			{element}
		</section>
	)
}

/** "1.5 MB · expires 3 Dec 2026" for link cards and the meta description. */
export function describe(props: Pick<DownloadPageProps, 'lang' | 'size' | 'expiresAt'>): string {
	const t = messages(props.lang)
	const expiry = props.expiresAt
		? fill(t.ogExpires, { date: formatDate(props.expiresAt, props.lang) })
		: t.noExpiry
	return fill(t.ogDescription, { size: formatSize(props.size, props.lang), expiry })
}

export function DownloadPage(props: DownloadPageProps) {
	const t = messages(props.lang)
	const description = describe(props)
	const remainingMs = props.expiresAt ? props.expiresAt.getTime() - props.now.getTime() : undefined
	const head = (
		<>
			<meta name="description" content={description} />
			<meta property="og:type" content="website" />
			<meta property="og:site_name" content={t.brand} />
			<meta property="og:title" content={props.fileName} />
			<meta property="og:description" content={description} />
			<meta property="og:url" content={props.shareUrl} />
			<meta name="twitter:card" content="summary" />
			<meta name="twitter:title" content={props.fileName} />
			<meta name="twitter:description" content={description} />
		</>
	)
	return (
		<Layout
			lang={props.lang}
			title={`${props.fileName} · ${t.brand}`}
			nonce={props.nonce}
			head={head}
			script
			languageLinks={props.languageLinks}
		>
			<article class="card">
				<div class="grid">
					<div>
						<div class="file">
							<span class="badge" aria-hidden="true">
								{badgeText(props.fileName, props.contentType)}
							</span>
							<div>
								<h1>{props.fileName}</h1>
								<p class="sub">{formatSize(props.size, props.lang)}</p>
								{props.expiresAt && remainingMs !== undefined ? (
									<p class="expiry">
										<span
											data-remaining-ms={String(remainingMs)}
											data-words={JSON.stringify(remainingWords(props.lang))}
										>
											{formatRemaining(remainingMs, props.lang)}
										</span>
									</p>
								) : (
									<p class="expiry">{t.noExpiry}</p>
								)}
							</div>
						</div>

						{props.consumeUrl ? (
							<form class="actions" method="post" action={props.consumeUrl}>
								<button class="btn primary" type="submit">
									<DownloadIcon />
									{t.download}
								</button>
								<p class="muted">
									{props.remainingDownloads === undefined
										? null
										: `${fill(props.remainingDownloads === 1 ? t.downloadsLeftOne : t.downloadsLeftOther, {
												count: String(props.remainingDownloads),
											})} · `}
									{t.oneTimeNote}
								</p>
							</form>
						) : (
							<div class="actions">
								<a class="btn primary" href={props.downloadUrl} download={props.fileName}>
									<DownloadIcon />
									{t.download}
								</a>
							</div>
						)}

						<dl>
							<dt>{t.size}</dt>
							<dd>
								{formatSize(props.size, props.lang)}
								{/* Under 1 KiB the human size already is the exact count. */}
								{props.size >= 1024 ? (
									<>
										{' '}
										<span class="muted">({formatBytes(props.size, props.lang)})</span>
									</>
								) : null}
							</dd>
							<dt>{t.type}</dt>
							<dd>{props.contentType || t.unknownType}</dd>
							{props.lastModified ? (
								<>
									<dt>{t.modified}</dt>
									<dd>
										<time datetime={props.lastModified.toISOString()}>
											{formatDate(props.lastModified, props.lang)}
										</time>
									</dd>
								</>
							) : null}
							<dt>{t.expires}</dt>
							<dd>
								{props.expiresAt ? (
									<time datetime={props.expiresAt.toISOString()}>
										{formatDate(props.expiresAt, props.lang)}
									</time>
								) : (
									t.noExpiryLong
								)}
							</dd>
						</dl>
					</div>

					<figure class="qr">
						{raw(props.qrSvg)}
						<figcaption>{t.scanToOpen}</figcaption>
					</figure>
				</div>

				{props.note ? (
					<p class="note">
						<strong>{t.note}</strong>
						{props.note}
					</p>
				) : null}

				<div class="share">
					<label for="share-link">{t.shareLink}</label>
					<div class="link">
						<input id="share-link" type="url" readonly value={props.shareUrl} />
						<button class="btn secondary" type="button" data-copy="share-link" data-done={t.copied} hidden>
							<CopyIcon />
							<span>{t.copyLink}</span>
						</button>
					</div>
				</div>

				<Preview {...props} />
			</article>
		</Layout>
	)
}
