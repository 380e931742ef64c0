// The upload page of an upload link, from plain props: the rules up front, a drop zone and
// a file picker, a queue with per-file progress, cancel and retry, and the result list.
import { raw } from 'hono/html'
import { formatSize } from './i18n/format.ts'
import { fill, type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'
import { CardMeta, LocalTime, restrictedCard, siteCardImage } from './parts.tsx'
import { UPLOAD_SCRIPT } from './upload-script.ts'

export interface UploadPageProps {
	lang: Lang
	nonce: string
	/** Root-relative base of the upload routes, e.g. "/inbox/uploads". */
	uploadsPath: string
	/** Absolute URL of the streamed path's base, for the curl hint. */
	uploadsUrl: string
	maxFileSize: number
	allowedTypes?: readonly string[] | undefined
	allowedExtensions?: readonly string[] | undefined
	overwrite: boolean
	/** The link's quotas: files and bytes in all, across every visitor. */
	maxFiles?: number | undefined
	maxTotalBytes?: number | undefined
	expiresAt?: Date | undefined
	note?: string | undefined
	/** Absolute URL of the link, for its card. */
	shareUrl?: string | undefined
	/** A protected link (shown once unlocked): its card names nothing. */
	protected?: boolean | undefined
	/** The link's quotas are used up: say so, and offer no picker. */
	full?: boolean | undefined
	/** Files above this many bytes go multipart. */
	multipartThreshold: number
	languageLinks?: Record<Lang, string> | undefined
}

const UPLOAD_STYLE = `
.drop{margin-top:1.25rem;border:2px dashed var(--line);border-radius:14px;padding:2rem 1rem;text-align:center;background:var(--soft)}
.drop.over{border-color:var(--accent)}
.drop.full{opacity:.6}
.drop.full label{background:var(--soft);color:var(--muted);cursor:not-allowed}
.drop p{margin:.25rem 0}
.pick{position:absolute;width:1px;height:1px;opacity:0;overflow:hidden}
.queue,.results{list-style:none;padding:0;margin:.5rem 0 0}
.up{display:grid;grid-template-columns:1fr auto;gap:.25rem .75rem;align-items:center;padding:.75rem 0;border-top:1px solid var(--line)}
.up progress{grid-column:1/-1;width:100%;height:.6rem;accent-color:var(--accent)}
.up-name{font-weight:600;overflow-wrap:anywhere}
.up-status{font-size:.875rem}
.up[data-state=failed] .up-status{color:#b42318}
@media (prefers-color-scheme:dark){.up[data-state=failed] .up-status{color:#ff9b8f}}
.up .btn{justify-self:start;padding:.3rem .8rem;font-size:.875rem}
.results li{padding:.4rem 0;border-top:1px solid var(--line)}
h2{font-size:1.05rem;margin:1.5rem 0 .25rem}
`

/** The accepted types as people name them: "images, PDF, ZIP" rather than "image/*, application/pdf". */
export function typeWords(types: readonly string[], lang: Lang): string {
	const t = messages(lang)
	const families: Record<string, string> = {
		image: t.uploadImages,
		video: t.uploadVideos,
		audio: t.uploadAudio,
		text: t.uploadTexts,
	}
	const words = new Set<string>()
	for (const type of types) {
		const [family = '', sub = ''] = type.toLowerCase().split('/')
		if (type.startsWith('.')) words.add(type.slice(1).toUpperCase())
		else if (sub === '*') words.add(families[family] ?? type)
		else words.add((sub.replace(/^(x-|vnd\.)/, '').split(/[.+-]/)[0] ?? sub).toUpperCase())
	}
	return [...words].join(lang === 'zh' ? '、' : ', ')
}

function Card(props: UploadPageProps) {
	const t = messages(props.lang)
	if (!props.shareUrl) return null
	const image = siteCardImage(props.shareUrl)
	if (props.protected)
		return (
			<CardMeta
				{...restrictedCard(props.lang, props.shareUrl, 'protected')}
				image={image}
				imageAlt={t.brand}
			/>
		)
	return (
		<CardMeta
			lang={props.lang}
			title={t.cardUpload}
			description={t.cardUploadDescription}
			url={props.shareUrl}
			image={image}
			imageAlt={t.brand}
		/>
	)
}

export function UploadPage(props: UploadPageProps) {
	const t = messages(props.lang)
	const accept = [...(props.allowedTypes ?? []), ...(props.allowedExtensions ?? [])].join(',')
	const types = [...(props.allowedTypes ?? []), ...(props.allowedExtensions ?? [])]
	const config = {
		base: props.uploadsPath,
		threshold: props.multipartThreshold,
		maxFileSize: props.maxFileSize,
		full: props.full === true,
		words: {
			waiting: t.uploadWaiting,
			sending: t.uploadSending,
			done: t.uploadDone,
			failed: t.uploadFailed,
			cancelled: t.uploadCancelled,
			cancel: t.uploadCancel,
			retry: t.uploadRetry,
			tooLarge: t.uploadTooLarge,
			typeRefused: t.uploadTypeRefused,
			exists: t.uploadExists,
			quota: t.uploadQuotaReached,
			one: t.uploadFilesOne,
			other: t.uploadFilesOther,
		},
	}
	return (
		<Layout
			lang={props.lang}
			title={`${t.uploadTitle} · ${t.brand}`}
			nonce={props.nonce}
			head={
				<>
					<Card {...props} />
					<style nonce={props.nonce}>{raw(UPLOAD_STYLE)}</style>
				</>
			}
			script
			languageLinks={props.languageLinks}
		>
			<article class="card">
				<h1>{t.uploadTitle}</h1>
				<p class="muted">{t.uploadIntro}</p>
				{props.note ? (
					<p class="note">
						<strong>{t.uploadNote}</strong>
						{props.note}
					</p>
				) : null}
				<h2>{t.uploadRules}</h2>
				<dl>
					<dt>{t.uploadMaxSize}</dt>
					<dd>{formatSize(props.maxFileSize, props.lang)}</dd>
					<dt>{t.uploadTypes}</dt>
					<dd>{types.length > 0 ? typeWords(types, props.lang) : t.uploadAnyType}</dd>
					<dt>{t.uploadOverwrite}</dt>
					<dd>{props.overwrite ? t.uploadOverwriteYes : t.uploadOverwriteNo}</dd>
					{props.maxFiles !== undefined ? (
						<>
							<dt>{t.uploadMaxFiles}</dt>
							<dd>
								{fill(props.maxFiles === 1 ? t.uploadFilesOne : t.uploadFilesOther, {
									count: String(props.maxFiles),
								})}
							</dd>
						</>
					) : null}
					{props.maxTotalBytes !== undefined ? (
						<>
							<dt>{t.uploadMaxTotal}</dt>
							<dd>{formatSize(props.maxTotalBytes, props.lang)}</dd>
						</>
					) : null}
					{props.expiresAt ? (
						<>
							<dt>{t.expires}</dt>
							<dd>
								<LocalTime date={props.expiresAt} lang={props.lang} />
							</dd>
						</>
					) : null}
				</dl>
				<p id="quota-full" class="problem" role="status" hidden={!props.full}>
					{t.uploadQuotaReached}
				</p>
				<p id="noscript-help" class="muted">
					{fill(t.uploadNoScript, { url: `${props.uploadsUrl}/` })}
				</p>
				<div id="uploader" hidden data-config={JSON.stringify(config)}>
					<div id="drop" class="drop">
						<p>
							<strong>{t.uploadDrop}</strong>
						</p>
						<p class="muted">{t.uploadOr}</p>
						<label class="btn primary" for="file-input">
							{t.uploadPick}
						</label>
						<input id="file-input" class="pick" type="file" multiple accept={accept || undefined} />
					</div>
					<h2>{t.uploadQueue}</h2>
					<ul id="queue" class="queue" aria-live="polite" />
					<h2>{t.uploadResults}</h2>
					<p id="none" class="muted">
						{t.uploadNone}
					</p>
					<ul id="results" class="results" />
				</div>
			</article>
			<script nonce={props.nonce}>{raw(UPLOAD_SCRIPT)}</script>
		</Layout>
	)
}
