// The list of every share: search, filter by kind and status, sort, and per row its link,
// copy, QR, status, downloads and Revoke. One list request and one stats request per page.
import { useEffect, useState } from 'hono/jsx/dom'
import { ApiError, api } from './api.ts'
import { revokeShare, useConsole } from './context.ts'
import { formatCount, formatTime } from './format.ts'
import { ConfirmDialog, CopyButton, ErrorNote, Loading, Qr, StatusBadge } from './parts.tsx'
import type { Kind, ShareList, ShareSummary, Status } from './types.ts'

type Sort = 'created' | 'expiry' | 'downloads'

interface Filters {
	q: string
	type: Kind | ''
	status: Status | ''
	sort: Sort
}

/** Pages of the list fetched before the first paint: a filter may leave early pages thin. */
const PAGES_AHEAD = 3

function queryOf(filters: Filters, cursor: string | null): string {
	const params = new URLSearchParams({ limit: '100' })
	if (filters.q) params.set('q', filters.q)
	if (filters.type) params.set('type', filters.type)
	if (filters.status) params.set('status', filters.status)
	if (cursor) params.set('cursor', cursor)
	return `/api/shares?${params}`
}

async function downloadsOf(ids: string[]): Promise<Map<string, number>> {
	if (ids.length === 0) return new Map()
	const { body } = await api<{ top: { id: string; downloads: number }[] }>(
		'GET',
		`/api/stats?ids=${ids.map(encodeURIComponent).join(',')}`,
	)
	return new Map(body.top.map((row) => [row.id, row.downloads]))
}

function sorted(shares: ShareSummary[], sort: Sort, downloads: Map<string, number>): ShareSummary[] {
	const copy = [...shares]
	if (sort === 'created') copy.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
	if (sort === 'expiry') copy.sort((a, b) => (a.expiresAt ?? '9999').localeCompare(b.expiresAt ?? '9999'))
	if (sort === 'downloads') copy.sort((a, b) => (downloads.get(b.id) ?? 0) - (downloads.get(a.id) ?? 0))
	return copy
}

function matches(share: ShareSummary, filters: Filters): boolean {
	const q = filters.q.toLowerCase()
	const text = `${share.id} ${share.key ?? ''} ${share.prefix ?? ''} ${share.note ?? ''}`.toLowerCase()
	return (
		(!q || text.includes(q)) &&
		(!filters.type || share.type === filters.type) &&
		(!filters.status || share.status === filters.status)
	)
}

export function SharesView() {
	const { t, go, local, lang } = useConsole()
	const [filters, setFilters] = useState<Filters>({ q: '', type: '', status: '', sort: 'created' })
	const [shares, setShares] = useState<ShareSummary[]>([])
	const [downloads, setDownloads] = useState<Map<string, number>>(new Map())
	const [cursor, setCursor] = useState<string | null>(null)
	const [state, setState] = useState<'loading' | 'ready' | 'more' | 'error'>('loading')
	const [error, setError] = useState('')
	const [attempt, setAttempt] = useState(0)
	const [qr, setQr] = useState<string | null>(null)
	const [revoking, setRevoking] = useState<{ id: string; etag: string } | null>(null)
	const [revokeError, setRevokeError] = useState('')
	const [busy, setBusy] = useState(false)

	async function load(from: string | null, append: boolean, pages: number) {
		setState(append ? 'more' : 'loading')
		try {
			let next = from
			let found: ShareSummary[] = []
			for (let page = 0; page < pages; page++) {
				const { body } = await api<ShareList>('GET', queryOf(filters, next))
				found = found.concat(body.shares)
				next = body.cursor
				if (!next || found.length >= 50) break
			}
			const counts = await downloadsOf(found.map((share) => share.id))
			setShares((before) => (append ? before.concat(found) : found))
			setDownloads((before) => new Map([...(append ? before : []), ...counts]))
			setCursor(next)
			setState('ready')
		} catch (caught) {
			setError(caught instanceof Error ? caught.message : String(caught))
			setState('error')
		}
	}

	// A new search waits for typing to pause; filters apply at once.
	useEffect(() => {
		const timer = setTimeout(() => load(null, false, PAGES_AHEAD), filters.q ? 250 : 0)
		return () => clearTimeout(timer)
	}, [filters.q, filters.type, filters.status, attempt])

	async function askRevoke(id: string) {
		setRevokeError('')
		try {
			const { etag } = await api('GET', `/api/shares/${encodeURIComponent(id)}`)
			setRevoking({ id, etag: etag ?? '' })
		} catch (caught) {
			setError(caught instanceof Error ? caught.message : String(caught))
		}
	}

	async function revoke() {
		if (!revoking) return
		setBusy(true)
		try {
			await revokeShare(local, revoking.id, revoking.etag)
			setRevoking(null)
		} catch (caught) {
			if (caught instanceof ApiError && caught.status === 412) {
				setRevokeError(t.changedMeanwhile)
				const { etag } = await api('GET', `/api/shares/${encodeURIComponent(revoking.id)}`)
				setRevoking({ id: revoking.id, etag: etag ?? '' })
			} else setRevokeError(caught instanceof Error ? caught.message : String(caught))
		} finally {
			setBusy(false)
		}
	}

	// Shares made in this tab show even before KV's list has them.
	const listed = new Set(shares.map((share) => share.id))
	const fresh = [...local.created.values()].filter(
		(share) => !listed.has(share.id) && matches(share, filters),
	)
	const rows = fresh.concat(sorted(shares, filters.sort, downloads))

	const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch })
	return (
		<section aria-labelledby="shares-heading">
			<div class="row between">
				<h1 id="shares-heading">{t.sharesHeading}</h1>
				<a class="btn primary small grow-0" href="#/new">
					{t.navNew}
				</a>
			</div>
			<search>
				<form class="filters" onSubmit={(event: Event) => event.preventDefault()}>
					<label class="field">
						<span>{t.search}</span>
						<input
							type="search"
							name="q"
							value={filters.q}
							placeholder={t.searchPlaceholder}
							onInput={(event: Event) => set({ q: (event.target as HTMLInputElement).value })}
						/>
					</label>
					<label class="field">
						<span>{t.kind}</span>
						<select
							name="type"
							value={filters.type}
							onChange={(event: Event) =>
								set({ type: (event.target as HTMLSelectElement).value as Kind | '' })
							}
						>
							<option value="">{t.all}</option>
							<option value="file">{t.kindFile}</option>
							<option value="folder">{t.kindFolder}</option>
							<option value="upload">{t.kindUpload}</option>
						</select>
					</label>
					<label class="field">
						<span>{t.status}</span>
						<select
							name="status"
							value={filters.status}
							onChange={(event: Event) =>
								set({ status: (event.target as HTMLSelectElement).value as Status | '' })
							}
						>
							<option value="">{t.all}</option>
							<option value="active">{t.statusActive}</option>
							<option value="scheduled">{t.statusScheduled}</option>
							<option value="expired">{t.statusExpired}</option>
							<option value="exhausted">{t.statusExhausted}</option>
						</select>
					</label>
					<label class="field">
						<span>{t.sort}</span>
						<select
							name="sort"
							value={filters.sort}
							onChange={(event: Event) => set({ sort: (event.target as HTMLSelectElement).value as Sort })}
						>
							<option value="created">{t.sortCreated}</option>
							<option value="expiry">{t.sortExpiry}</option>
							<option value="downloads">{t.sortDownloads}</option>
						</select>
					</label>
				</form>
			</search>
			{/* A refresh keeps the rows where they are: a line inserted above them would move a
			    button away from under a pointer on its way to it (Revoke onto another row). */}
			{state === 'loading' && rows.length === 0 ? <Loading /> : null}
			{state === 'error' ? <ErrorNote message={error} onRetry={() => setAttempt(attempt + 1)} /> : null}
			{state !== 'loading' && state !== 'error' && rows.length === 0 ? (
				<p class="empty">{filters.q || filters.type || filters.status ? t.noShares : t.noSharesYet}</p>
			) : null}
			<ul class="shares" aria-busy={state === 'loading' && rows.length > 0 ? 'true' : undefined}>
				{rows.map((share) => {
					const revoked = local.revoked.has(share.id)
					const target = share.type === 'file' ? share.key : share.prefix
					return (
						<li class={`srow${revoked ? ' is-revoked' : ''}`} key={share.id} data-id={share.id}>
							<div class="share-main">
								<a class="share-id" href={`#/s/${encodeURIComponent(share.id)}`}>
									{share.id}
								</a>
								<StatusBadge status={revoked ? 'revoked' : share.status} />
								<span class="kind">
									{share.type === 'file' ? t.kindFile : share.type === 'folder' ? t.kindFolder : t.kindUpload}
								</span>
								<p class="share-target mono">{target}</p>
								{share.note ? <p class="share-note muted">{share.note}</p> : null}
							</div>
							<dl class="share-facts">
								<div>
									<dt>{t.downloads}</dt>
									<dd data-downloads>{formatCount(downloads.get(share.id) ?? 0, lang)}</dd>
								</div>
								<div>
									<dt>{t.expires}</dt>
									<dd>{share.expiresAt ? formatTime(share.expiresAt, lang) : t.never}</dd>
								</div>
							</dl>
							{revoked ? null : (
								<div class="share-actions">
									<a class="slink mono" href={share.url} target="_blank" rel="noreferrer noopener">
										{share.url}
									</a>
									<div class="row">
										<CopyButton text={share.url} label={t.copyLink} />
										<button
											type="button"
											class="btn small"
											aria-expanded={qr === share.id ? 'true' : 'false'}
											onClick={() => setQr(qr === share.id ? null : share.id)}
										>
											{qr === share.id ? t.hideQr : t.qr}
										</button>
										<button
											type="button"
											class="btn small"
											onClick={() => go(`#/s/${encodeURIComponent(share.id)}`)}
										>
											{t.details}
										</button>
										<button type="button" class="btn small danger" onClick={() => askRevoke(share.id)}>
											{t.revoke}
										</button>
									</div>
									{qr === share.id ? <Qr text={share.url} label={`${t.qr}: ${share.url}`} /> : null}
								</div>
							)}
						</li>
					)
				})}
			</ul>
			{cursor ? (
				<button type="button" class="btn" disabled={state === 'more'} onClick={() => load(cursor, true, 1)}>
					{state === 'more' ? t.loading : t.loadMore}
				</button>
			) : null}
			<ConfirmDialog
				open={revoking !== null}
				title={t.revokeTitle}
				body={`${revoking?.id ?? ''}: ${t.revokeBody}`}
				confirm={t.revokeConfirm}
				busy={busy}
				error={revokeError}
				onConfirm={revoke}
				onCancel={() => setRevoking(null)}
			/>
		</section>
	)
}
