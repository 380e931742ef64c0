// The folder listing page: a header with the share's name, the sender's note, its expiry and
// what this page holds; then one row per entry whose name gets the width (size and date on a
// line of their own under it on a phone, in columns beside it on a desktop), sub-folders
// first, each with a type icon; zip downloads of a level that has something in it; paging.
// On a limited share every download is a POST form that spends one (a GET of a link could be
// a prefetch or a mail scanner), under a notice of what is left that the page keeps true.
import { raw } from 'hono/html'
import { formatDate, formatRemaining, formatSize, formatSpan, remainingWords } from './i18n/format.ts'
import { fill, type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'
import {
	Breakable,
	CardMeta,
	downloadsLeft,
	fileCategory,
	LocalTime,
	restrictedCard,
	siteCardImage,
	spendWords,
	TypeIcon,
} from './parts.tsx'

export { formatSpan }

export interface FolderPageEntry {
	name: string
	/** Link to open (a folder) or download (a file). */
	href: string
}

export interface FolderPageFile extends FolderPageEntry {
	/** Relative to the share root: what a limited share's form names the file by. */
	path: string
	size: number
	lastModified: Date | undefined
}

/** A limited share: downloads are spent one at a time by POST, and the page says what is left. */
export interface FolderPageLimits {
	/** /_/consume/<id>: spends one download and sends the visitor on to its ticket. */
	consumeUrl: string
	/** Downloads left; undefined when the share counts none (only expiresAfterFirstDownload). */
	remainingDownloads: number | undefined
	/** Seconds the link lives after its first download, while that has not happened yet. */
	expiresAfterFirstDownload: number | undefined
	/** When the link ends, if it does (once downloaded, the clock above has started). */
	expiresAt: Date | undefined
}

export interface FolderPageProps {
	lang: Lang
	nonce: string
	/** The share's own name for its root (the prefix's last segment). */
	rootName: string
	/** From the root down to this level, each with its link. */
	crumbs: FolderPageEntry[]
	/** This level relative to the share root: '' at the root, else ending with '/'. */
	path: string
	folders: FolderPageEntry[]
	files: FolderPageFile[]
	zipUrl: string
	recursiveZipUrl: string
	nextUrl: string | undefined
	/** This level's first page, when this is a later one. */
	firstUrl?: string | undefined
	/** Set for a limited share: forms instead of links, and the notice. */
	limits?: FolderPageLimits | undefined
	/** The sender's note. */
	note?: string | undefined
	/** When the link ends (an unlimited share; a limited one says it in its notice). */
	expiresAt?: Date | undefined
	now?: Date | undefined
	/** Absolute URL of the share, for its link card. */
	shareUrl?: string | undefined
	/** A protected share (shown once unlocked): its link card names nothing. */
	protected?: boolean | undefined
	languageLinks?: Record<Lang, string> | undefined
}

// Only what the shared stylesheet lacks: the trail, the header's facts, the entries, paging.
const FOLDER_STYLE =
	'.crumbs{display:flex;flex-wrap:wrap;gap:.25rem;margin:0 0 .75rem;padding:0;list-style:none;color:var(--muted);font-size:.9rem}' +
	'.crumbs li{overflow-wrap:anywhere}.crumbs li+li::before{content:"/";margin-right:.25rem}' +
	'.facts{display:flex;flex-wrap:wrap;gap:.25rem .75rem;margin:.35rem 0 0;color:var(--muted);font-size:.9rem}' +
	'.facts .expiry{margin:0}' +
	'.entries{list-style:none;margin:1rem 0 0;padding:0;border-top:1px solid var(--line)}' +
	'.entry{display:flex;gap:.75rem;align-items:flex-start;padding:.7rem .25rem;border-bottom:1px solid var(--line)}' +
	'.entry .icon{margin-top:.1rem;color:var(--muted)}.entry.dir .icon{color:var(--accent)}' +
	'.entry .main{flex:1;min-width:0}' +
	'.entry .name{display:block;color:var(--fg);font-weight:500;overflow-wrap:anywhere;word-break:normal;line-height:1.4}' +
	'.entry .meta{display:block;color:var(--muted);font-size:.8125rem;margin-top:.15rem;font-variant-numeric:tabular-nums}' +
	'@media (min-width:40rem){.entry .main{display:flex;gap:1rem;align-items:baseline}.entry .name{flex:1;min-width:0}' +
	'.entry .meta{flex:none;margin:0;text-align:right;white-space:nowrap;font-size:.875rem}}' +
	'.entries form{margin:0;flex:1;min-width:0}' +
	'.entries button.name{padding:0;border:0;background:none;font:inherit;font-weight:500;text-align:left;' +
	'text-decoration:none;text-underline-offset:.15em;cursor:pointer;width:100%}' +
	'.entries button.name:disabled{color:var(--muted);cursor:not-allowed;text-decoration:none}' +
	'.entries a.name{text-decoration:none}.entries .name:hover{text-decoration:underline}' +
	'.zip .secondary{flex:1 1 12rem}' +
	'.empty{color:var(--muted);margin:1.5rem 0}' +
	'.pager{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}' +
	'.zip{margin-top:1rem}'

/** What a limited share has left: downloads, time, and that every download counts. */
function LimitsNotice(props: { lang: Lang; limits: FolderPageLimits }) {
	const t = messages(props.lang)
	const { remainingDownloads, expiresAfterFirstDownload, expiresAt } = props.limits
	const [before = '', after = ''] = t.folderExpiresAt.split('{date}')
	return (
		<div class="limits" role="note">
			<p>
				{remainingDownloads === undefined ? (
					<strong>{t.folderLimited}</strong>
				) : (
					<strong data-downloads-left={String(remainingDownloads)} data-words={spendWords(props.lang)}>
						{remainingDownloads <= 0 ? t.downloadsNone : downloadsLeft(remainingDownloads, props.lang)}
					</strong>
				)}
			</p>
			{expiresAfterFirstDownload !== undefined ? (
				<p>{fill(t.folderExpiresAfterFirst, { time: formatSpan(expiresAfterFirstDownload, props.lang) })}</p>
			) : expiresAt ? (
				<p>
					{before}
					<LocalTime date={expiresAt} lang={props.lang} />
					{after}
				</p>
			) : null}
			<p>{t.folderLimitNote}</p>
		</div>
	)
}

/** One hidden form field. */
function Field(props: { name: string; value: string }) {
	return <input type="hidden" name={props.name} value={props.value} />
}

function Card(props: FolderPageProps) {
	const t = messages(props.lang)
	if (!props.shareUrl) return null
	const image = siteCardImage(props.shareUrl)
	if (props.protected || props.limits) {
		const card = restrictedCard(props.lang, props.shareUrl, props.protected ? 'protected' : 'limited')
		return <CardMeta {...card} image={image} imageAlt={t.brand} />
	}
	const expiry = props.expiresAt
		? fill(t.ogExpires, { date: formatDate(props.expiresAt, props.lang) })
		: t.noExpiry
	return (
		<CardMeta
			lang={props.lang}
			title={props.rootName}
			description={`${t.cardFolder} · ${expiry}`}
			url={props.shareUrl}
			image={image}
			imageAlt={t.brand}
		/>
	)
}

/** "12 items · 4.5 MB", or "The first 100 items" when more pages follow. */
function countLine(props: FolderPageProps): string {
	const t = messages(props.lang)
	const count = props.folders.length + props.files.length
	const items = props.nextUrl
		? fill(t.folderItemsMore, { count: String(count) })
		: fill(count === 1 ? t.folderItemsOne : t.folderItemsOther, { count: String(count) })
	const bytes = props.files.reduce((sum, file) => sum + file.size, 0)
	return props.files.length > 0 ? `${items} · ${formatSize(bytes, props.lang)}` : items
}

export function FolderPage(props: FolderPageProps) {
	const t = messages(props.lang)
	const here = props.crumbs.at(-1)?.name ?? props.rootName
	const empty = props.folders.length === 0 && props.files.length === 0
	const { limits } = props
	const spent = limits?.remainingDownloads !== undefined && limits.remainingDownloads <= 0
	const remainingMs =
		props.expiresAt && props.now ? props.expiresAt.getTime() - props.now.getTime() : undefined
	return (
		<Layout
			lang={props.lang}
			title={`${here} · ${t.brand}`}
			nonce={props.nonce}
			head={
				<>
					<Card {...props} />
					<style nonce={props.nonce}>{raw(FOLDER_STYLE)}</style>
				</>
			}
			script
			languageLinks={props.languageLinks}
		>
			<article class="card">
				{props.crumbs.length > 1 ? (
					<nav aria-label={t.folderBreadcrumbs}>
						<ol class="crumbs">
							{props.crumbs.slice(0, -1).map((crumb) => (
								<li>
									<a href={crumb.href}>{crumb.name}</a>
								</li>
							))}
						</ol>
					</nav>
				) : null}
				<div class="file">
					<span class="badge" aria-hidden="true">
						<TypeIcon category="folder" />
					</span>
					<div class="title">
						<h1>
							<Breakable text={here} />
						</h1>
						<p class="facts">
							<span>{countLine(props)}</span>
							{!limits && remainingMs !== undefined ? (
								<span
									class="expiry"
									data-remaining-ms={String(remainingMs)}
									data-words={JSON.stringify(remainingWords(props.lang))}
								>
									{formatRemaining(remainingMs, props.lang)}
								</span>
							) : null}
						</p>
					</div>
				</div>
				{props.note ? (
					<p class="note">
						<strong>{t.note}</strong>
						{props.note}
					</p>
				) : null}
				{limits ? <LimitsNotice lang={props.lang} limits={limits} /> : null}
				<p class="problem" role="status" data-expired-message hidden>
					{t.expiredNow}
				</p>
				{empty ? null : limits ? (
					// One form, two buttons: only the button pressed sends its name and value.
					<form class="actions zip" method="post" action={limits.consumeUrl} data-spends>
						<Field name="path" value={props.path} />
						<Field name="zip" value="1" />
						<button class="btn primary" type="submit" disabled={spent} data-until-expiry>
							{t.folderDownloadZip}
						</button>
						<button
							class="btn secondary"
							type="submit"
							name="recursive"
							value="1"
							disabled={spent}
							data-until-expiry
						>
							{t.folderDownloadAll}
						</button>
					</form>
				) : (
					// Plain links: a zip over the caps answers with a page that says why.
					<div class="actions zip">
						<a class="btn primary" href={props.zipUrl} data-until-expiry>
							{t.folderDownloadZip}
						</a>
						<a class="btn secondary" href={props.recursiveZipUrl} data-until-expiry>
							{t.folderDownloadAll}
						</a>
					</div>
				)}
				{empty ? (
					<p class="empty">{t.folderEmpty}</p>
				) : (
					<ul class="entries" aria-label={t.folderContents}>
						{props.folders.map((folder) => (
							<li class="entry dir">
								<TypeIcon category="folder" />
								<span class="main">
									<a class="name" href={folder.href} aria-label={fill(t.folderOpen, { name: folder.name })}>
										<Breakable text={folder.name} />/
									</a>
								</span>
							</li>
						))}
						{props.files.map((file) => (
							<li class="entry">
								<TypeIcon category={fileCategory(file.name)} />
								<span class="main">
									{limits ? (
										<form method="post" action={limits.consumeUrl} data-spends>
											<Field name="path" value={file.path} />
											<button
												class="name"
												type="submit"
												disabled={spent}
												data-until-expiry
												aria-label={fill(t.folderDownloadFile, { name: file.name })}
											>
												<Breakable text={file.name} />
											</button>
										</form>
									) : (
										// No download attribute: a file gone meanwhile shows the page that says so.
										<a
											class="name"
											href={file.href}
											data-until-expiry
											aria-label={fill(t.folderDownloadFile, { name: file.name })}
										>
											<Breakable text={file.name} />
										</a>
									)}
									<span class="meta">
										{formatSize(file.size, props.lang)}
										{file.lastModified ? (
											<>
												{' · '}
												<LocalTime date={file.lastModified} lang={props.lang} />
											</>
										) : null}
									</span>
								</span>
							</li>
						))}
					</ul>
				)}
				{props.nextUrl || props.firstUrl ? (
					<nav class="pager" aria-label={t.folderPages}>
						{props.firstUrl ? (
							<a class="btn secondary" href={props.firstUrl} rel="first">
								{t.folderFirstPage}
							</a>
						) : null}
						{props.nextUrl ? (
							<a class="btn secondary" href={props.nextUrl} rel="next">
								{t.folderNextPage}
							</a>
						) : null}
					</nav>
				) : null}
			</article>
		</Layout>
	)
}
