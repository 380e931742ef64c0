// The folder listing page: breadcrumbs, sub-folders then files with sizes and dates in the
// reader's language, a download per file, the level as a zip, and the next page. On a
// limited share every download is a POST form that spends one (a GET of a link could be a
// prefetch or a mail scanner), under a notice of what is left.
import { raw } from 'hono/html'
import { formatDate, formatSize } from './i18n/format.ts'
import { fill, type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'

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
	/** Set for a limited share: forms instead of links, and the notice. */
	limits?: FolderPageLimits | undefined
	languageLinks?: Record<Lang, string> | undefined
}

// Only what the shared stylesheet lacks: the listing table and the breadcrumb trail.
const FOLDER_STYLE =
	'.crumbs{display:flex;flex-wrap:wrap;gap:.25rem;margin:0 0 1rem;padding:0;list-style:none;color:var(--muted)}' +
	'.crumbs li+li::before{content:"/";margin-right:.25rem}' +
	'.listing{width:100%;border-collapse:collapse;margin-top:1rem}' +
	'.listing th,.listing td{text-align:left;padding:.55rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}' +
	'.listing th{font-size:.8rem;color:var(--muted);font-weight:600}' +
	'.listing td.num{white-space:nowrap;color:var(--muted);font-size:.9rem}' +
	'.listing a{color:var(--fg)}' +
	'.empty{color:var(--muted);margin:1.5rem 0}' +
	'.pager{margin-top:1.25rem}' +
	'.listing form{margin:0}' +
	'.listing button.link{padding:0;border:0;background:none;font:inherit;color:var(--fg);text-align:left;' +
	'text-decoration:underline;text-underline-offset:.15em;overflow-wrap:anywhere;cursor:pointer}' +
	'.limits{margin:1rem 0 0;padding:.85rem 1.1rem;border-radius:12px;background:var(--soft)}' +
	'.limits p{margin:.15rem 0}'

function FolderIcon() {
	return raw(
		'<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4l2 2h9A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" fill="currentColor"/></svg>',
	)
}

const SPAN_UNITS = [
	[86_400, 'dayOne', 'dayOther'],
	[3_600, 'hourOne', 'hourOther'],
	[60, 'minuteOne', 'minuteOther'],
	[1, 'secondOne', 'secondOther'],
] as const

/** A length of time in its two largest non-zero units: "1 hour", "1 天 12 小时". */
export function formatSpan(seconds: number, lang: Lang): string {
	const t = messages(lang)
	const parts: string[] = []
	let rest = Math.max(1, Math.floor(seconds))
	for (const [size, one, other] of SPAN_UNITS) {
		const count = Math.floor(rest / size)
		rest -= count * size
		if (count > 0) parts.push(`${count}${t.unitSeparator}${t[count === 1 ? one : other]}`)
		else if (parts.length > 0) break
		if (parts.length === 2) break
	}
	return parts.join(' ')
}

/** What a limited share has left: downloads, time, and that every download counts. */
function LimitsNotice(props: { lang: Lang; limits: FolderPageLimits }) {
	const t = messages(props.lang)
	const { remainingDownloads, expiresAfterFirstDownload, expiresAt } = props.limits
	const [before = '', after = ''] = t.folderExpiresAt.split('{date}')
	return (
		<div class="limits" role="note">
			<p>
				<strong>
					{remainingDownloads === undefined
						? t.folderLimited
						: fill(remainingDownloads === 1 ? t.downloadsLeftOne : t.downloadsLeftOther, {
								count: String(remainingDownloads),
							})}
				</strong>
			</p>
			{expiresAfterFirstDownload !== undefined ? (
				<p>{fill(t.folderExpiresAfterFirst, { time: formatSpan(expiresAfterFirstDownload, props.lang) })}</p>
			) : expiresAt ? (
				<p>
					{before}
					<time datetime={expiresAt.toISOString()}>{formatDate(expiresAt, props.lang)}</time>
					{after}
				</p>
			) : null}
			<p class="muted">{t.folderLimitNote}</p>
		</div>
	)
}

/** One hidden form field. */
function Field(props: { name: string; value: string }) {
	return <input type="hidden" name={props.name} value={props.value} />
}

export function FolderPage(props: FolderPageProps) {
	const t = messages(props.lang)
	const here = props.crumbs.at(-1)?.name ?? props.rootName
	const empty = props.folders.length === 0 && props.files.length === 0
	const { limits } = props
	return (
		<Layout
			lang={props.lang}
			title={`${here} · ${t.brand}`}
			nonce={props.nonce}
			head={<style nonce={props.nonce}>{raw(FOLDER_STYLE)}</style>}
			languageLinks={props.languageLinks}
		>
			<article class="card">
				<nav aria-label={t.folderBreadcrumbs}>
					<ol class="crumbs">
						{props.crumbs.map((crumb, index) =>
							index === props.crumbs.length - 1 ? (
								<li aria-current="page">{crumb.name}</li>
							) : (
								<li>
									<a href={crumb.href}>{crumb.name}</a>
								</li>
							),
						)}
					</ol>
				</nav>
				<h1>{here}</h1>
				{limits ? <LimitsNotice lang={props.lang} limits={limits} /> : null}
				{empty ? null : limits ? (
					// One form, two buttons: only the button pressed sends its name and value.
					<form class="actions" method="post" action={limits.consumeUrl}>
						<Field name="path" value={props.path} />
						<Field name="zip" value="1" />
						<button class="btn primary" type="submit">
							{t.folderDownloadZip}
						</button>
						<button class="btn secondary" type="submit" name="recursive" value="1">
							{t.folderDownloadAll}
						</button>
					</form>
				) : (
					<div class="actions">
						<a class="btn primary" href={props.zipUrl} download>
							{t.folderDownloadZip}
						</a>
						<a class="btn secondary" href={props.recursiveZipUrl} download>
							{t.folderDownloadAll}
						</a>
					</div>
				)}
				{empty ? (
					<p class="empty">{t.folderEmpty}</p>
				) : (
					<table class="listing">
						<thead>
							<tr>
								<th scope="col">{t.folderName}</th>
								<th scope="col">{t.size}</th>
								<th scope="col">{t.modified}</th>
							</tr>
						</thead>
						<tbody>
							{props.folders.map((folder) => (
								<tr>
									<td>
										<a href={folder.href}>
											<FolderIcon /> {folder.name}/
										</a>
									</td>
									<td class="num">—</td>
									<td class="num">—</td>
								</tr>
							))}
							{props.files.map((file) => (
								<tr>
									<td>
										{limits ? (
											<form method="post" action={limits.consumeUrl}>
												<Field name="path" value={file.path} />
												<button
													class="link"
													type="submit"
													aria-label={fill(t.folderDownloadFile, { name: file.name })}
												>
													{file.name}
												</button>
											</form>
										) : (
											<a
												href={file.href}
												download={file.name}
												aria-label={fill(t.folderDownloadFile, { name: file.name })}
											>
												{file.name}
											</a>
										)}
									</td>
									<td class="num">{formatSize(file.size, props.lang)}</td>
									<td class="num">
										{file.lastModified ? (
											<time datetime={file.lastModified.toISOString()}>
												{formatDate(file.lastModified, props.lang)}
											</time>
										) : (
											'—'
										)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
				{props.nextUrl ? (
					<p class="pager">
						<a class="btn secondary" href={props.nextUrl} rel="next">
							{t.folderNextPage}
						</a>
					</p>
				) : null}
			</article>
		</Layout>
	)
}
