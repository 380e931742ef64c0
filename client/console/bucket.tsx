// Browse the bucket (GET /api/bucket) to pick what to share: a file's Share opens the form
// with its key, a folder's with its prefix. 200 entries a page, breadcrumbs to go back up.
import { useEffect, useState } from 'hono/jsx/dom'
import { api } from './api.ts'
import { useConsole } from './context.ts'
import { formatBytes, formatTime } from './format.ts'
import { ErrorNote, Loading } from './parts.tsx'
import type { BucketListing } from './types.ts'

const FolderIcon = () => (
	<svg class="entry-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
		<path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.6l2 2h8.4A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" />
	</svg>
)

const FileIcon = () => (
	<svg class="entry-icon file-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
		<path d="M6.5 3h7L19 8.5v11A1.5 1.5 0 0 1 17.5 21h-11A1.5 1.5 0 0 1 5 19.5v-15A1.5 1.5 0 0 1 6.5 3z" />
		<path d="M13.5 3v5.5H19" class="fold" />
	</svg>
)

function crumbs(prefix: string): { name: string; prefix: string }[] {
	const parts = prefix.split('/').filter(Boolean)
	return parts.map((name, i) => ({ name, prefix: `${parts.slice(0, i + 1).join('/')}/` }))
}

export function BucketView(props: { params: URLSearchParams }) {
	const { t, lang } = useConsole()
	const prefix = props.params.get('prefix') ?? ''
	const [page, setPage] = useState<BucketListing | null>(null)
	const [error, setError] = useState('')
	const [attempt, setAttempt] = useState(0)
	const [loadingMore, setLoadingMore] = useState(false)

	async function load(cursor: string | null) {
		const query = new URLSearchParams()
		if (prefix) query.set('prefix', prefix)
		if (cursor) query.set('cursor', cursor)
		const { body } = await api<BucketListing>('GET', `/api/bucket?${query}`)
		return body
	}

	useEffect(() => {
		setPage(null)
		setError('')
		load(null)
			.then(setPage)
			.catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)))
	}, [prefix, attempt])

	async function more() {
		if (!page?.cursor) return
		setLoadingMore(true)
		try {
			const next = await load(page.cursor)
			setPage({ ...next, folders: page.folders.concat(next.folders), files: page.files.concat(next.files) })
		} catch (caught) {
			setError(caught instanceof Error ? caught.message : String(caught))
		} finally {
			setLoadingMore(false)
		}
	}

	const levelLink = (to: string) => `#/bucket${to ? `?prefix=${encodeURIComponent(to)}` : ''}`
	return (
		<section aria-labelledby="bucket-heading">
			<div class="row between">
				<h1 id="bucket-heading">{t.bucketHeading}</h1>
				{prefix ? (
					<a class="btn primary small grow-0" href={`#/new?type=folder&prefix=${encodeURIComponent(prefix)}`}>
						{t.shareFolder}
					</a>
				) : null}
			</div>
			<nav aria-label={t.breadcrumbs} class="crumbs">
				<ol>
					<li>
						<a href={levelLink('')} aria-current={prefix ? undefined : 'page'}>
							{t.root}
						</a>
					</li>
					{crumbs(prefix).map((crumb) => (
						<li key={crumb.prefix}>
							<a href={levelLink(crumb.prefix)} aria-current={crumb.prefix === prefix ? 'page' : undefined}>
								{crumb.name}
							</a>
						</li>
					))}
				</ol>
			</nav>
			{error ? <ErrorNote message={error} onRetry={() => setAttempt(attempt + 1)} /> : null}
			{!page && !error ? <Loading /> : null}
			{page && page.folders.length === 0 && page.files.length === 0 ? (
				<p class="empty">{t.emptyFolder}</p>
			) : null}
			{page ? (
				<ul class="entries">
					{page.folders.map((folder) => (
						<li class="entry folder" key={folder.prefix}>
							<a class="entry-name" href={levelLink(folder.prefix)}>
								<FolderIcon />
								{folder.name}
							</a>
							<a
								class="btn small"
								href={`#/new?type=folder&prefix=${encodeURIComponent(folder.prefix)}`}
								aria-label={`${t.shareFile}: ${folder.name}`}
							>
								{t.shareFile}
							</a>
						</li>
					))}
					{page.files.map((file) => (
						<li class="entry file" key={file.key}>
							<span class="entry-name">
								<FileIcon />
								<span class="mono">{file.name}</span>
							</span>
							<span class="muted entry-meta">
								{formatBytes(file.size, lang)} · {formatTime(file.lastModified, lang)}
							</span>
							<a
								class="btn small"
								href={`#/new?key=${encodeURIComponent(file.key)}`}
								aria-label={`${t.shareFile}: ${file.name}`}
							>
								{t.shareFile}
							</a>
						</li>
					))}
				</ul>
			) : null}
			{page?.cursor ? (
				<button type="button" class="btn" disabled={loadingMore} onClick={more}>
					{loadingMore ? t.loading : t.loadMore}
				</button>
			) : null}
		</section>
	)
}
