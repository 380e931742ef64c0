// The folder listing page: breadcrumbs, sub-folders then files with sizes and dates in the
// reader's language, a download per file, the level as a zip, and the next page.
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
	size: number
	lastModified: Date | undefined
}

export interface FolderPageProps {
	lang: Lang
	nonce: string
	/** The share's own name for its root (the prefix's last segment). */
	rootName: string
	/** From the root down to this level, each with its link. */
	crumbs: FolderPageEntry[]
	folders: FolderPageEntry[]
	files: FolderPageFile[]
	zipUrl: string
	recursiveZipUrl: string
	nextUrl: string | undefined
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
	'.pager{margin-top:1.25rem}'

function FolderIcon() {
	return raw(
		'<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4l2 2h9A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" fill="currentColor"/></svg>',
	)
}

export function FolderPage(props: FolderPageProps) {
	const t = messages(props.lang)
	const here = props.crumbs.at(-1)?.name ?? props.rootName
	const empty = props.folders.length === 0 && props.files.length === 0
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
				<div class="actions">
					<a class="btn primary" href={props.zipUrl} download>
						{t.folderDownloadZip}
					</a>
					<a class="btn secondary" href={props.recursiveZipUrl} download>
						{t.folderDownloadAll}
					</a>
				</div>
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
										<a
											href={file.href}
											download={file.name}
											aria-label={fill(t.folderDownloadFile, { name: file.name })}
										>
											{file.name}
										</a>
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
