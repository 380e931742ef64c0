// One share: its link and QR, an edit form (expiry, note, limits, password) that PATCHes
// with If-Match, and its stats over the last 30 days.
import { useEffect, useState } from 'hono/jsx/dom'
import { ApiError, api } from './api.ts'
import { DownloadsChart } from './chart.tsx'
import { revokeShare, useConsole } from './context.ts'
import { formatBytes, formatCount, formatTime, localInputValue } from './format.ts'
import {
	ConfirmDialog,
	CopyButton,
	draftFields,
	ErrorNote,
	Loading,
	Qr,
	StatusBadge,
	TextField,
} from './parts.tsx'
import type { Share, ShareStats } from './types.ts'

interface EditDraft {
	expiresAt: string
	note: string
	maxDownloads: string
	password: string
	clearPassword: boolean
}

function editDraftOf(share: Share): EditDraft {
	return {
		expiresAt: share.expiresAt ? localInputValue(new Date(share.expiresAt)) : '',
		note: share.note ?? '',
		maxDownloads: share.maxDownloads === undefined ? '' : String(share.maxDownloads),
		password: '',
		clearPassword: false,
	}
}

/** Only what changed, null clearing a field. */
function patchOf(share: Share, draft: EditDraft): Record<string, unknown> {
	const patch: Record<string, unknown> = {}
	const before = editDraftOf(share)
	if (draft.expiresAt !== before.expiresAt)
		patch.expiresAt = draft.expiresAt ? new Date(draft.expiresAt).toISOString() : null
	if (draft.note !== before.note) patch.note = draft.note || null
	if (share.type !== 'upload' && draft.maxDownloads !== before.maxDownloads)
		patch.maxDownloads = draft.maxDownloads ? Number(draft.maxDownloads) : null
	if (draft.clearPassword) patch.password = null
	else if (draft.password) patch.password = draft.password
	return patch
}

export function DetailView(props: { id: string }) {
	const { t, lang, local, go } = useConsole()
	const [share, setShare] = useState<Share | null>(null)
	const [etag, setEtag] = useState('')
	const [stats, setStats] = useState<ShareStats | null>(null)
	const [error, setError] = useState('')
	const [draft, setDraft] = useState<EditDraft | null>(null)
	const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
	const [saved, setSaved] = useState('')
	const [busy, setBusy] = useState(false)
	const [confirming, setConfirming] = useState(false)
	const [revokeError, setRevokeError] = useState('')

	const path = `/api/shares/${encodeURIComponent(props.id)}`
	async function load() {
		setError('')
		try {
			const answer = await api<Share>('GET', path)
			setShare(answer.body)
			setEtag(answer.etag ?? '')
			setDraft(editDraftOf(answer.body))
		} catch (caught) {
			setError(caught instanceof Error ? caught.message : String(caught))
		}
		api<ShareStats>('GET', `${path}/stats`)
			.then((answer) => setStats(answer.body))
			.catch(() => setStats(null))
	}
	useEffect(() => {
		load()
	}, [props.id])

	async function save(event: Event) {
		event.preventDefault()
		if (!share || !draft) return
		setBusy(true)
		setSaved('')
		setFieldErrors({})
		try {
			const answer = await api<Share>('PATCH', path, { json: patchOf(share, draft), ifMatch: etag })
			setShare(answer.body)
			setEtag(answer.etag ?? '')
			setDraft(editDraftOf(answer.body))
			setSaved(t.saved)
		} catch (caught) {
			if (caught instanceof ApiError && caught.status === 412) {
				setFieldErrors({ form: t.changedMeanwhile })
				await load()
			} else if (caught instanceof ApiError && caught.field)
				setFieldErrors({ [caught.field === 'expiresIn' ? 'expiresAt' : caught.field]: caught.reason })
			else setFieldErrors({ form: caught instanceof Error ? caught.message : String(caught) })
		} finally {
			setBusy(false)
		}
	}

	async function revoke() {
		setBusy(true)
		try {
			await revokeShare(local, props.id, etag)
			setConfirming(false)
			go('#/')
		} catch (caught) {
			setRevokeError(
				caught instanceof ApiError && caught.status === 412 ? t.changedMeanwhile : String(caught),
			)
			if (caught instanceof ApiError && caught.status === 412) await load()
		} finally {
			setBusy(false)
		}
	}

	if (error) return <ErrorNote message={error} onRetry={load} />
	if (!share || !draft) return <Loading />
	const revoked = local.revoked.has(share.id)
	const set = (patch: Partial<EditDraft>) => setDraft({ ...draft, ...patch })
	const field = draftFields(draft, fieldErrors, set, 'edit-')

	return (
		<section aria-labelledby="detail-heading" class="detail">
			<p>
				<a href="#/">← {t.back}</a>
			</p>
			<div class="row between">
				<h1 id="detail-heading" class="mono">
					{share.id}
				</h1>
				<StatusBadge status={revoked ? 'revoked' : share.status} />
			</div>
			<div class="card two">
				<div>
					<p class="big-link">
						<a class="mono" href={share.url} target="_blank" rel="noreferrer noopener">
							{share.url}
						</a>
					</p>
					<div class="row">
						<CopyButton text={share.url} label={t.copyLink} />
						<button
							type="button"
							class="btn small danger"
							onClick={() => setConfirming(true)}
							disabled={revoked}
						>
							{t.revoke}
						</button>
					</div>
					<dl class="facts">
						<dt>{t.type}</dt>
						<dd>
							{share.type === 'file' ? t.kindFile : share.type === 'folder' ? t.kindFolder : t.kindUpload}
						</dd>
						<dt>{share.type === 'file' ? t.objectKey : t.folderPrefix}</dt>
						<dd class="mono">{share.key ?? share.prefix}</dd>
						<dt>{t.created}</dt>
						<dd>{formatTime(share.createdAt, lang)}</dd>
						<dt>{t.expires}</dt>
						<dd>{share.expiresAt ? formatTime(share.expiresAt, lang) : t.never}</dd>
						{share.protected ? (
							<>
								<dt>{t.protection}</dt>
								<dd>{share.passwordKind === 'code' ? t.protectionCode : t.protectionPassword}</dd>
							</>
						) : null}
						{share.maxDownloads !== undefined ? (
							<>
								<dt>{t.remaining}</dt>
								<dd>
									{share.remainingDownloads ?? share.maxDownloads} / {share.maxDownloads}
								</dd>
							</>
						) : null}
						{share.upload ? (
							<>
								<dt>{t.maxFileSize}</dt>
								<dd>{formatBytes(share.upload.maxFileSize, lang)}</dd>
							</>
						) : null}
					</dl>
				</div>
				<Qr text={share.url} label={`${t.qr}: ${share.url}`} />
			</div>

			{revoked ? null : (
				<form class="card form" onSubmit={save} aria-labelledby="edit-heading" novalidate>
					<h2 id="edit-heading">{t.edit}</h2>
					<TextField {...field('expiresAt')} label={t.expiryAt} type="datetime-local" />
					<TextField {...field('note')} label={t.note} multiline={true} />
					{share.type !== 'upload' ? (
						<TextField {...field('maxDownloads')} label={t.maxDownloads} type="number" />
					) : null}
					<TextField
						{...field('password')}
						label={t.newPassword}
						hint={t.newPasswordHint}
						disabled={draft.clearPassword}
					/>
					{share.protected ? (
						<label class="check">
							<input
								type="checkbox"
								name="clearPassword"
								checked={draft.clearPassword}
								onChange={(event: Event) =>
									set({ clearPassword: (event.target as HTMLInputElement).checked })
								}
							/>
							<span>{t.clearPassword}</span>
						</label>
					) : null}
					{fieldErrors.form ? (
						<p class="field-error" role="alert">
							{fieldErrors.form}
						</p>
					) : null}
					<div class="row">
						<button type="submit" class="btn primary" disabled={busy}>
							{t.save}
						</button>
						<span role="status" class="muted">
							{saved}
						</span>
					</div>
				</form>
			)}

			<StatsPanel stats={stats} />
			<ConfirmDialog
				open={confirming}
				title={t.revokeTitle}
				body={`${share.id}: ${t.revokeBody}`}
				confirm={t.revokeConfirm}
				busy={busy}
				error={revokeError}
				onConfirm={revoke}
				onCancel={() => setConfirming(false)}
			/>
		</section>
	)
}

function StatsPanel(props: { stats: ShareStats | null }) {
	const { t, lang } = useConsole()
	const { stats } = props
	if (!stats) return null
	const table = (title: string, rows: { label: string; downloads: number }[]) => (
		<div class="top-list">
			<h3>{title}</h3>
			{rows.length === 0 ? (
				<p class="muted">{t.noData}</p>
			) : (
				<table>
					<tbody>
						{rows.map((row) => (
							<tr key={row.label}>
								<th scope="row">{row.label}</th>
								<td>{formatCount(row.downloads, lang)}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</div>
	)
	return (
		<section class="card" aria-labelledby="stats-heading">
			<h2 id="stats-heading">
				{t.stats} <span class="muted small">{t.last30}</span>
			</h2>
			<dl class="totals">
				{(
					[
						[t.downloads, stats.downloads],
						[t.views, stats.views],
						[t.visitors, stats.visitors],
						[t.bots, stats.bots],
					] as const
				).map(([label, n]) => (
					<div key={label}>
						<dt>{label}</dt>
						<dd data-total={label}>{formatCount(n, lang)}</dd>
					</div>
				))}
			</dl>
			<DownloadsChart series={stats.series} />
			<div class="tops">
				{table(
					t.countries,
					stats.countries.map((row) => ({ label: row.code ?? t.unknown, downloads: row.downloads })),
				)}
				{table(
					t.agents,
					stats.agents.map((row) => ({ label: row.family, downloads: row.downloads })),
				)}
				{table(
					t.referrers,
					stats.referrers.map((row) => ({ label: row.host ?? t.direct, downloads: row.downloads })),
				)}
				{stats.files
					? table(
							t.files,
							stats.files.map((row) => ({ label: row.path, downloads: row.downloads })),
						)
					: null}
			</div>
		</section>
	)
}
