// The form that makes every kind of share, and the drop zone that uploads a file into the
// bucket (POST /api/uploads, as `coslink send` does) and shares it in one step. The new link
// shows at once from the API's answer, with its code, copy buttons and QR.
import { useState } from 'hono/jsx/dom'
import { ApiError, api } from './api.ts'
import { useConsole } from './context.ts'
import { localInputValue } from './format.ts'
import { CopyButton, draftFields, FieldError, Qr, TextField } from './parts.tsx'
import { isCorsFailure, sendFile } from './send.ts'
import type { Kind, Share } from './types.ts'

type Expiry = '1h' | '1d' | '7d' | '30d' | 'custom' | 'never'
type Protection = 'none' | 'password' | 'code'

const PRESET_SECONDS: Record<string, number> = { '1h': 3600, '1d': 86_400, '7d': 604_800, '30d': 2_592_000 }

export interface Draft {
	type: Kind
	key: string
	prefix: string
	id: string
	expiry: Expiry
	expiresAt: string
	protection: Protection
	password: string
	maxDownloads: string
	oneTime: boolean
	afterFirst: string
	page: boolean
	delivery: '' | 'redirect' | 'stream'
	note: string
	filename: string
	cache: string
	bandwidth: string
	maxFileSize: string
	maxFiles: string
	extensions: string
}

export function draftFrom(params: URLSearchParams): Draft {
	const type = params.get('type')
	return {
		type: type === 'folder' || type === 'upload' ? type : 'file',
		key: params.get('key') ?? '',
		prefix: params.get('prefix') ?? '',
		id: '',
		expiry: '7d',
		expiresAt: localInputValue(new Date(Date.now() + 7 * 86_400_000)),
		protection: 'none',
		password: '',
		maxDownloads: '',
		oneTime: false,
		afterFirst: '',
		page: true,
		delivery: '',
		note: '',
		filename: '',
		cache: '',
		bandwidth: '',
		maxFileSize: '100',
		maxFiles: '',
		extensions: '',
	}
}

const number = (text: string) => (text.trim() === '' ? undefined : Number(text))

/** The create body the API takes, from what the form holds. */
export function bodyOf(draft: Draft): Record<string, unknown> {
	const body: Record<string, unknown> = { type: draft.type }
	if (draft.type === 'file') body.key = draft.key
	else body.prefix = draft.prefix
	if (draft.id.trim()) body.id = draft.id.trim()
	if (draft.expiry === 'custom') {
		const at = new Date(draft.expiresAt)
		body.expiresAt = Number.isNaN(at.getTime()) ? draft.expiresAt : at.toISOString()
	} else if (draft.expiry !== 'never') body.expiresIn = PRESET_SECONDS[draft.expiry]
	if (draft.protection === 'password') body.password = draft.password
	if (draft.protection === 'code') body.extractionCode = true
	if (draft.type !== 'upload') {
		const max = draft.oneTime ? 1 : number(draft.maxDownloads)
		if (max !== undefined) body.maxDownloads = max
		const after = number(draft.afterFirst)
		if (after !== undefined) body.expiresAfterFirstDownload = Math.round(after * 60)
	}
	if (draft.type === 'file') {
		body.page = draft.page
		if (draft.filename.trim()) body.filename = draft.filename.trim()
		const cache = number(draft.cache)
		if (cache !== undefined) body.cache = { maxAge: cache }
	}
	if (draft.type !== 'upload' && draft.delivery) body.delivery = draft.delivery
	const bandwidth = number(draft.bandwidth)
	if (bandwidth !== undefined && draft.type !== 'upload') body.bandwidthLimit = Math.round(bandwidth * 1024)
	if (draft.note.trim()) body.note = draft.note
	if (draft.type === 'upload') {
		const upload: Record<string, unknown> = {
			maxFileSize: Math.round((number(draft.maxFileSize) ?? 0) * 1024 * 1024),
		}
		const maxFiles = number(draft.maxFiles)
		if (maxFiles !== undefined) upload.maxFiles = maxFiles
		const extensions = draft.extensions
			.split(/[,\s]+/)
			.map((ext) => ext.trim())
			.filter(Boolean)
			.map((ext) => (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase())
		if (extensions.length) upload.allowedExtensions = extensions
		body.upload = upload
	}
	return body
}

/** Which input an API `field` belongs to. */
function inputOf(field: string): string {
	if (field === 'expiresIn') return 'expiresAt'
	if (field === 'extractionCode') return 'password'
	if (field.startsWith('cache')) return 'cache'
	if (field === 'bandwidthLimit') return 'bandwidth'
	if (field === 'expiresAfterFirstDownload') return 'afterFirst'
	if (field === 'upload.maxFileSize') return 'maxFileSize'
	if (field === 'upload.maxFiles') return 'maxFiles'
	if (field.startsWith('upload.allowedExtensions')) return 'extensions'
	return field
}

export function CreateView(props: { params: URLSearchParams }) {
	const { t, local, go } = useConsole()
	const [draft, setDraft] = useState<Draft>(() => draftFrom(props.params))
	const [errors, setErrors] = useState<Record<string, string>>({})
	const [formError, setFormError] = useState('')
	const [busy, setBusy] = useState(false)
	const [progress, setProgress] = useState('')
	const [created, setCreated] = useState<Share | null>(null)
	const [more, setMore] = useState(false)

	const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch })
	const field = draftFields(draft, errors, set)
	const value = (event: Event) => (event.target as HTMLInputElement).value
	const checked = (event: Event) => (event.target as HTMLInputElement).checked

	async function create(body: Record<string, unknown>) {
		setErrors({})
		setFormError('')
		try {
			const { body: share } = await api<Share>('POST', '/api/shares', { json: body })
			local.created.set(share.id, share)
			setCreated(share)
		} catch (caught) {
			if (caught instanceof ApiError && caught.field) {
				setErrors({ [inputOf(caught.field)]: caught.reason })
				setFormError(t.fixFields)
			} else setFormError(caught instanceof Error ? caught.message : String(caught))
		}
	}

	async function submit(event: Event) {
		event.preventDefault()
		setBusy(true)
		await create(bodyOf(draft))
		setBusy(false)
	}

	async function uploadAndShare(file: File) {
		setBusy(true)
		setErrors({})
		setFormError('')
		try {
			setProgress(t.uploading(file.name))
			const sent = await sendFile(file, (done) =>
				setProgress(`${t.uploading(file.name)} ${Math.floor((done / Math.max(file.size, 1)) * 100)}%`),
			)
			setProgress('')
			await create({ ...bodyOf({ ...draft, type: 'file', key: sent.key }), sent: true })
		} catch (caught) {
			setProgress('')
			const message = isCorsFailure(caught)
				? t.corsHint
				: caught instanceof Error
					? caught.message
					: String(caught)
			setFormError(`${t.uploadFailed}: ${message}`)
		} finally {
			setBusy(false)
		}
	}

	if (created)
		return (
			<Created
				share={created}
				onAnother={() => {
					setDraft(draftFrom(props.params))
					setCreated(null)
				}}
				go={go}
			/>
		)

	const described = (name: string, hint?: string) =>
		[errors[name] ? `${name}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined
	const invalid = (name: string) => (errors[name] ? 'true' : undefined)

	return (
		<section aria-labelledby="new-heading">
			<h1 id="new-heading">{t.newHeading}</h1>
			<form class="card form" onSubmit={submit} novalidate>
				<fieldset class="segmented">
					<legend>{t.kind}</legend>
					{(['file', 'folder', 'upload'] as const).map((kind) => (
						<label key={kind}>
							<input
								type="radio"
								name="type"
								value={kind}
								checked={draft.type === kind}
								onChange={() => set({ type: kind })}
							/>
							<span>{kind === 'file' ? t.kindFile : kind === 'folder' ? t.kindFolder : t.kindUpload}</span>
						</label>
					))}
				</fieldset>

				{draft.type === 'file' ? (
					<div class="field">
						<label for="key">{t.objectKey}</label>
						<div class="row nowrap">
							<input
								id="key"
								name="key"
								class="mono"
								value={draft.key}
								required
								autocomplete="off"
								spellcheck={false}
								aria-invalid={invalid('key')}
								aria-describedby={described('key')}
								onInput={(event: Event) => set({ key: value(event) })}
							/>
							<a class="btn small" href="#/bucket">
								{t.browse}
							</a>
						</div>
						<FieldError id="key-error" message={errors.key} />
					</div>
				) : (
					<div class="field">
						<label for="prefix">{draft.type === 'folder' ? t.folderPrefix : t.uploadPrefix}</label>
						<div class="row nowrap">
							<input
								id="prefix"
								name="prefix"
								class="mono"
								value={draft.prefix}
								required
								autocomplete="off"
								spellcheck={false}
								aria-invalid={invalid('prefix')}
								aria-describedby={described('prefix', 'prefix-hint')}
								onInput={(event: Event) => set({ prefix: value(event) })}
							/>
							<a class="btn small" href="#/bucket">
								{t.browse}
							</a>
						</div>
						<p class="hint" id="prefix-hint">
							{t.folderHint}
						</p>
						<FieldError id="prefix-error" message={errors.prefix} />
					</div>
				)}

				<fieldset class="field">
					<legend>{t.expiry}</legend>
					<div class="chips">
						{(['1h', '1d', '7d', '30d', 'custom', 'never'] as const).map((preset) => (
							<label key={preset} class="chip">
								<input
									type="radio"
									name="expiry"
									value={preset}
									checked={draft.expiry === preset}
									onChange={() => set({ expiry: preset })}
								/>
								<span>
									{
										{
											'1h': t.expiry1h,
											'1d': t.expiry1d,
											'7d': t.expiry7d,
											'30d': t.expiry30d,
											custom: t.expiryCustom,
											never: t.expiryNever,
										}[preset]
									}
								</span>
							</label>
						))}
					</div>
					{draft.expiry === 'custom' ? (
						<label class="field">
							<span>{t.expiryAt}</span>
							<input
								type="datetime-local"
								name="expiresAt"
								value={draft.expiresAt}
								aria-invalid={invalid('expiresAt')}
								aria-describedby={described('expiresAt')}
								onInput={(event: Event) => set({ expiresAt: value(event) })}
							/>
						</label>
					) : null}
					<FieldError id="expiresAt-error" message={errors.expiresAt} />
				</fieldset>

				<fieldset class="field">
					<legend>{t.protection}</legend>
					<div class="chips">
						{(['none', 'password', 'code'] as const).map((kind) => (
							<label key={kind} class="chip">
								<input
									type="radio"
									name="protection"
									value={kind}
									checked={draft.protection === kind}
									onChange={() => set({ protection: kind })}
								/>
								<span>
									{kind === 'none'
										? t.protectionNone
										: kind === 'password'
											? t.protectionPassword
											: t.protectionCode}
								</span>
							</label>
						))}
					</div>
					{draft.protection === 'password' ? <TextField {...field('password')} label={t.password} /> : null}
					{draft.protection === 'code' ? <p class="hint">{t.codeHint}</p> : null}
					{/* The password field shows its own error; without one (a code), the group does. */}
					{draft.protection === 'password' ? null : (
						<FieldError id="password-error" message={errors.password} />
					)}
				</fieldset>

				{draft.type === 'upload' ? (
					<fieldset class="field fields">
						<legend>{t.limits}</legend>
						<TextField {...field('maxFileSize')} type="number" label={t.maxFileSize} />
						<TextField {...field('maxFiles')} type="number" label={t.maxFiles} />
						<TextField {...field('extensions')} label={t.extensions} hint={t.extensionsHint} />
					</fieldset>
				) : (
					<fieldset class="field fields">
						<legend>{t.limits}</legend>
						<label class="check">
							<input
								type="checkbox"
								name="oneTime"
								checked={draft.oneTime}
								onChange={(event: Event) => set({ oneTime: checked(event) })}
							/>
							<span>{t.oneTime}</span>
						</label>
						{draft.oneTime ? null : (
							<TextField {...field('maxDownloads')} type="number" label={t.maxDownloads} />
						)}
						<TextField {...field('afterFirst')} type="number" label={t.afterFirst} />
					</fieldset>
				)}

				{draft.type === 'file' ? (
					<label class="check">
						<input
							type="checkbox"
							name="page"
							checked={draft.page}
							aria-describedby="page-hint"
							onChange={(event: Event) => set({ page: checked(event) })}
						/>
						<span>{t.downloadPage}</span>
					</label>
				) : null}
				{draft.type === 'file' ? (
					<p class="hint check-hint" id="page-hint">
						{t.downloadPageHint}
					</p>
				) : null}

				<TextField {...field('note')} label={t.note} multiline={true} />

				<details
					class="more"
					open={more}
					onToggle={(event: Event) => setMore((event.target as HTMLDetailsElement).open)}
				>
					<summary>{t.more}</summary>
					<div class="fields">
						<TextField {...field('id')} label={t.slug} hint={t.slugHint} />
						{draft.type !== 'upload' ? (
							<label class="field">
								<span>{t.delivery}</span>
								<select
									name="delivery"
									value={draft.delivery}
									onChange={(event: Event) =>
										set({ delivery: (event.target as HTMLSelectElement).value as Draft['delivery'] })
									}
								>
									<option value="">{t.deliveryDefault}</option>
									<option value="redirect">{t.deliveryRedirect}</option>
									<option value="stream">{t.deliveryStream}</option>
								</select>
								<FieldError id="delivery-error" message={errors.delivery} />
							</label>
						) : null}
						{draft.type === 'file' ? <TextField {...field('filename')} label={t.filename} /> : null}
						{draft.type === 'file' ? <TextField {...field('cache')} type="number" label={t.cache} /> : null}
						{draft.type !== 'upload' ? (
							<TextField {...field('bandwidth')} type="number" label={t.bandwidth} />
						) : null}
					</div>
				</details>

				{formError ? (
					<p class="field-error" role="alert">
						{formError}
					</p>
				) : null}
				<div class="row">
					<button type="submit" class="btn primary" disabled={busy}>
						{busy && !progress ? t.creating : t.create}
					</button>
				</div>
			</form>

			{draft.type === 'file' ? <DropZone busy={busy} progress={progress} onFile={uploadAndShare} /> : null}
		</section>
	)
}

function DropZone(props: { busy: boolean; progress: string; onFile: (file: File) => void }) {
	const { t } = useConsole()
	const [over, setOver] = useState(false)
	return (
		<section
			class={`card drop${over ? ' over' : ''}`}
			aria-labelledby="drop-heading"
			onDragOver={(event: DragEvent) => {
				event.preventDefault()
				setOver(true)
			}}
			onDragLeave={() => setOver(false)}
			onDrop={(event: DragEvent) => {
				event.preventDefault()
				setOver(false)
				const file = event.dataTransfer?.files[0]
				if (file && !props.busy) props.onFile(file)
			}}
		>
			<h2 id="drop-heading">{t.upload}</h2>
			<p class="muted">{t.dropHere}</p>
			<label class="btn">
				<span>{t.chooseFile}</span>
				<input
					type="file"
					name="file"
					class="visually-hidden"
					disabled={props.busy}
					onChange={(event: Event) => {
						const input = event.target as HTMLInputElement
						const file = input.files?.[0]
						if (file) props.onFile(file)
						input.value = ''
					}}
				/>
			</label>
			<p class="progress" role="status" aria-live="polite">
				{props.progress}
			</p>
		</section>
	)
}

function Created(props: { share: Share; onAnother: () => void; go: (route: string) => void }) {
	const { t } = useConsole()
	const { share } = props
	return (
		<section class="card created" aria-labelledby="created-heading">
			<h1 id="created-heading">{t.createdHeading}</h1>
			<p class="big-link">
				<a class="mono" href={share.url} target="_blank" rel="noreferrer noopener" id="created-url">
					{share.url}
				</a>
			</p>
			<div class="row">
				<CopyButton text={share.url} label={t.copyLink} />
				<a class="btn small" href={share.url} target="_blank" rel="noreferrer noopener">
					{t.openLink}
				</a>
				<button
					type="button"
					class="btn small"
					onClick={() => props.go(`#/s/${encodeURIComponent(share.id)}`)}
				>
					{t.details}
				</button>
			</div>
			{share.extractionCode ? (
				<div class="note code-note">
					<p>
						{t.extractionCode}:{' '}
						<strong class="code mono" id="created-code">
							{share.extractionCode}
						</strong>{' '}
						<CopyButton text={share.extractionCode} />
					</p>
					{share.urlWithCode ? (
						<p>
							{t.linkWithCode}: <span class="mono">{share.urlWithCode}</span>{' '}
							<CopyButton text={share.urlWithCode} />
						</p>
					) : null}
					<p class="muted">{t.codeOnce}</p>
				</div>
			) : null}
			<Qr text={share.urlWithCode ?? share.url} label={`${t.qr}: ${share.url}`} />
			<button type="button" class="btn" onClick={props.onAnother}>
				{t.makeAnother}
			</button>
		</section>
	)
}
