// The download page of a file share, from plain props: what the file is and until when, the
// sender's note, a download button that never fails silently (it turns off at expiry, and a
// limited link's page counts its downloads down), the preview high on the page, the details,
// then the link to copy or scan.
import { raw } from 'hono/html'
import { formatDate, formatRemaining, formatSize, remainingWords } from './i18n/format.ts'
import { fill, type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'
import {
	CardMeta,
	downloadsLeft,
	fileCategory,
	LocalTime,
	restrictedCard,
	siteCardImage,
	spendWords,
	TypeIcon,
	typeLabel,
} from './parts.tsx'
import type { PreviewKind } from './preview.ts'

export type { PreviewKind }

/** The start of a text file, read for the page itself (escaped when rendered). */
export interface TextPreview {
	text: string
	/** The file goes on past what is shown. */
	truncated: boolean
	/** Bytes shown, for "the first 8 KB are shown". */
	bytes: number
}

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
	/** Only the countdown may depend on it: download-render.tsx remembers everything else. */
	now: Date
	/**
	 * The countdown as written, when not worked out from `now` and `expiresAt`: the rendered
	 * page cache (download-render.tsx) puts its place-holders here.
	 */
	countdown?: Countdown | undefined
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
	/** A protected share, shown once unlocked: its link card still names nothing. */
	protected?: boolean | undefined
	previewKind: PreviewKind
	previewUrl?: string | undefined
	/** For a text preview: the start of the file, shown in the page. */
	previewText?: TextPreview | undefined
	/** From qrSvg(shareUrl): markup built by us, inserted raw. */
	qrSvg: string
	languageLinks?: Record<Lang, string> | undefined
}

/** A live countdown's two per-view values: milliseconds left (for the script) and the words. */
export interface Countdown {
	ms: string
	text: string
}

/** What the countdown says `now`, or undefined for a link that does not expire. */
export function countdownAt(
	expiresAt: Date | null | undefined,
	now: Date,
	lang: Lang,
): Countdown | undefined {
	if (!expiresAt) return undefined
	const remainingMs = expiresAt.getTime() - now.getTime()
	return { ms: String(remainingMs), text: formatRemaining(remainingMs, lang) }
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
		image: <img src={url} alt={props.fileName} />,
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
		// The button is all a browser without a PDF viewer (Android, headless) gets; the page's
		// script shows the viewer box only where navigator.pdfViewerEnabled says there is one.
		pdf: (
			<div class="pdf">
				<object data={url} type="application/pdf" aria-label={props.fileName} data-pdf hidden>
					<a href={url}>{t.openPdf}</a>
				</object>
				<p>
					<a class="btn secondary" href={url} target="_blank" rel="noopener">
						{t.openPdf}
					</a>
				</p>
			</div>
		),
		text: props.previewText ? (
			<>
				{/* A scrolling box is reached by keyboard too: focusable, and named for it. */}
				<section class="text" tabindex={0} aria-label={props.fileName}>
					<pre>{props.previewText.text}</pre>
				</section>
				{props.previewText.truncated ? (
					<p class="muted small">
						{fill(t.textTruncated, { size: formatSize(props.previewText.bytes, props.lang) })}{' '}
						<a href={url}>{t.openText}</a>
					</p>
				) : null}
			</>
		) : (
			<p>
				<a class="btn secondary" href={url}>
					{t.openText}
				</a>
			</p>
		),
	}[props.previewKind]
	return (
		<section class="preview" aria-labelledby="preview-title">
			<h2 id="preview-title">{t.preview}</h2>
			{element}
		</section>
	)
}

/** "1.5 MB · expires Dec 3, 2026, 14:39 UTC" for link cards and the meta description. */
export function describe(props: Pick<DownloadPageProps, 'lang' | 'size' | 'expiresAt'>): string {
	const t = messages(props.lang)
	const expiry = props.expiresAt
		? fill(t.ogExpires, { date: formatDate(props.expiresAt, props.lang) })
		: t.noExpiry
	return fill(t.ogDescription, { size: formatSize(props.size, props.lang), expiry })
}

function Card(props: DownloadPageProps) {
	const t = messages(props.lang)
	const image = siteCardImage(props.shareUrl)
	if (props.protected || props.consumeUrl) {
		const card = restrictedCard(props.lang, props.shareUrl, props.protected ? 'protected' : 'limited')
		return <CardMeta {...card} image={image} imageAlt={t.brand} />
	}
	// An unrestricted image's preview spends nothing, so a link card may show it.
	const preview = props.previewKind === 'image' && props.previewUrl
	return (
		<CardMeta
			lang={props.lang}
			title={props.fileName}
			description={describe(props)}
			url={props.shareUrl}
			image={preview ? new URL(props.previewUrl ?? '', props.shareUrl).href : image}
			imageAlt={preview ? props.fileName : t.brand}
		/>
	)
}

export function DownloadPage(props: DownloadPageProps) {
	const t = messages(props.lang)
	const countdown = props.expiresAt
		? (props.countdown ?? countdownAt(props.expiresAt, props.now, props.lang))
		: undefined
	const category = fileCategory(props.fileName, props.contentType)
	const spent = props.remainingDownloads !== undefined && props.remainingDownloads <= 0
	// A link with one download left is not one to pass on: no copy field, no QR code.
	const lastOne = props.remainingDownloads !== undefined && props.remainingDownloads <= 1
	return (
		<Layout
			lang={props.lang}
			title={`${props.fileName} · ${t.brand}`}
			nonce={props.nonce}
			head={<Card {...props} />}
			script
			languageLinks={props.languageLinks}
		>
			<article class="card">
				<div class="file">
					<span class="badge" aria-hidden="true">
						<TypeIcon category={category} />
					</span>
					<div class="title">
						<h1>{props.fileName}</h1>
						<p class="sub">
							{formatSize(props.size, props.lang)} ·{' '}
							{typeLabel(props.fileName, props.contentType, props.lang)}
						</p>
						{countdown ? (
							<p class="expiry">
								<span
									data-remaining-ms={countdown.ms}
									data-words={JSON.stringify(remainingWords(props.lang))}
								>
									{countdown.text}
								</span>
							</p>
						) : (
							<p class="expiry">{t.noExpiry}</p>
						)}
					</div>
				</div>

				{props.note ? (
					<p class="note">
						<strong>{t.note}</strong>
						{props.note}
					</p>
				) : null}

				{props.consumeUrl ? (
					<div class="limits" role="note">
						{props.remainingDownloads === undefined ? (
							<p>
								<strong>{t.folderLimited}</strong>
							</p>
						) : (
							<p>
								<strong
									data-downloads-left={String(props.remainingDownloads)}
									data-words={spendWords(props.lang)}
								>
									{spent ? t.downloadsNone : downloadsLeft(props.remainingDownloads, props.lang)}
								</strong>
							</p>
						)}
						<p>
							{t.oneTimeNote}
							{lastOne ? null : ` ${t.oneTimeForward}`}
						</p>
					</div>
				) : null}

				{props.consumeUrl ? (
					<form class="actions" method="post" action={props.consumeUrl} data-spends>
						<button class="btn primary" type="submit" data-until-expiry disabled={spent}>
							<DownloadIcon />
							{t.download}
						</button>
					</form>
				) : (
					<div class="actions">
						{/* No download attribute: were the link refused (expired meanwhile), the
						    browser shows the page that says why instead of a failed download. */}
						<a class="btn primary" href={props.downloadUrl} data-until-expiry>
							<DownloadIcon />
							{t.download}
						</a>
					</div>
				)}
				<p class="problem" role="status" data-expired-message hidden>
					{t.expiredNow}
				</p>

				<Preview {...props} />

				<dl class="details">
					{props.lastModified ? (
						<>
							<dt>{t.modified}</dt>
							<dd>
								<LocalTime date={props.lastModified} lang={props.lang} />
							</dd>
						</>
					) : null}
					<dt>{t.expires}</dt>
					<dd>{props.expiresAt ? <LocalTime date={props.expiresAt} lang={props.lang} /> : t.noExpiryLong}</dd>
				</dl>

				{lastOne ? null : (
					<div class="share grid">
						<div>
							<label for="share-link">{t.shareLink}</label>
							<div class="link">
								<input id="share-link" type="url" readonly value={props.shareUrl} />
								<button
									class="btn secondary"
									type="button"
									data-copy="share-link"
									data-done={t.copied}
									hidden
								>
									<CopyIcon />
									<span>{t.copyLink}</span>
								</button>
							</div>
						</div>
						<figure class="qr">
							{raw(props.qrSvg)}
							<figcaption>{t.scanToOpen}</figcaption>
						</figure>
					</div>
				)}
			</article>
		</Layout>
	)
}
