// Small pieces every view uses: copy buttons, QR codes, status badges, field errors.
import { useEffect, useRef, useState } from 'hono/jsx/dom'
import { qrSvg } from '../../src/pages/qr.ts'
import { useConsole } from './context.ts'
import type { Status } from './types.ts'

export function CopyButton(props: { text: string; label?: string; describedBy?: string }) {
	const { t } = useConsole()
	const [done, setDone] = useState(false)
	useEffect(() => {
		if (!done) return
		const timer = setTimeout(() => setDone(false), 1500)
		return () => clearTimeout(timer)
	}, [done])
	return (
		<button
			type="button"
			class="btn small"
			aria-describedby={props.describedBy}
			onClick={async () => {
				try {
					await navigator.clipboard.writeText(props.text)
					setDone(true)
				} catch {
					// No clipboard (an insecure origin): select the text for a manual copy.
					window.prompt(props.label ?? t.copy, props.text)
				}
			}}
		>
			{done ? t.copied : (props.label ?? t.copy)}
		</button>
	)
}

/** The link as an inline SVG QR code: no image request, white tile in both schemes. */
export function Qr(props: { text: string; label: string }) {
	return (
		<figure class="qrbox" role="img" aria-label={props.label}>
			<div class="qr-tile" dangerouslySetInnerHTML={{ __html: qrSvg(props.text) }} />
		</figure>
	)
}

export function StatusBadge(props: { status: Status | 'revoked' }) {
	const { t } = useConsole()
	const words = {
		active: t.statusActive,
		scheduled: t.statusScheduled,
		expired: t.statusExpired,
		exhausted: t.statusExhausted,
		revoked: t.statusRevoked,
	}
	return <span class={`status status-${props.status}`}>{words[props.status]}</span>
}

export function FieldError(props: { id: string; message?: string }) {
	if (!props.message) return null
	return (
		<p class="field-error" id={props.id}>
			{props.message}
		</p>
	)
}

/** A native modal dialog: focus moves in, Escape cancels, focus returns to the opener. */
export function ConfirmDialog(props: {
	open: boolean
	title: string
	body: string
	confirm: string
	busy?: boolean
	error?: string
	onConfirm: () => void
	onCancel: () => void
}) {
	const { t } = useConsole()
	const ref = useRef<HTMLDialogElement>(null)
	useEffect(() => {
		const dialog = ref.current
		if (!dialog) return
		if (props.open && !dialog.open) dialog.showModal()
		if (!props.open && dialog.open) dialog.close()
	}, [props.open])
	return (
		<dialog
			ref={ref}
			class="dialog"
			aria-labelledby="dialog-title"
			onCancel={(event: Event) => {
				event.preventDefault()
				props.onCancel()
			}}
		>
			<h2 id="dialog-title">{props.title}</h2>
			<p>{props.body}</p>
			{props.error ? (
				<p class="field-error" role="alert">
					{props.error}
				</p>
			) : null}
			<div class="row end">
				<button type="button" class="btn" onClick={props.onCancel}>
					{t.cancel}
				</button>
				<button type="button" class="btn danger" disabled={props.busy} onClick={props.onConfirm}>
					{props.confirm}
				</button>
			</div>
		</dialog>
	)
}

export function Loading() {
	const { t } = useConsole()
	return (
		<p class="muted" role="status">
			{t.loading}
		</p>
	)
}

export function ErrorNote(props: { message: string; onRetry?: () => void }) {
	const { t } = useConsole()
	return (
		<div class="note bad" role="alert">
			<p>{props.message}</p>
			{props.onRetry ? (
				<button type="button" class="btn small" onClick={props.onRetry}>
					{t.retry}
				</button>
			) : null}
		</div>
	)
}

/** The fields of a form's draft that hold plain text: what a TextField edits. */
type TextFieldName<D> = {
	[K in keyof D]-?: string extends D[K] ? (D[K] extends string ? K : never) : never
}[keyof D] &
	string

/**
 * What ties a TextField to one text field of a form's draft: its name (the id too, after
 * `idPrefix`), value, error and edits, the same way for every field of the form.
 */
export function draftFields<D extends object>(
	draft: D,
	errors: Record<string, string>,
	set: (patch: Partial<D>) => void,
	idPrefix = '',
) {
	return (name: TextFieldName<D>) => ({
		id: `${idPrefix}${name}`,
		name,
		value: draft[name] as string,
		error: errors[name],
		onValue: (value: string) => set({ [name]: value } as Partial<D>),
	})
}

/**
 * A labelled text, number, date or multi-line field with its hint and its error, each tied
 * to the control by aria-describedby, the error also by aria-invalid.
 */
export function TextField(props: {
	/** The control's id; its hint and error get `<id>-hint` and `<id>-error`. */
	id: string
	name: string
	label: string
	value: string
	onValue: (value: string) => void
	error?: string
	hint?: string
	type?: 'text' | 'number' | 'datetime-local'
	multiline?: boolean
	disabled?: boolean
}) {
	const described =
		[props.error ? `${props.id}-error` : '', props.hint ? `${props.id}-hint` : '']
			.filter(Boolean)
			.join(' ') || undefined
	const common = {
		id: props.id,
		name: props.name,
		value: props.value,
		disabled: props.disabled,
		'aria-invalid': props.error ? 'true' : undefined,
		'aria-describedby': described,
		onInput: (event: Event) => props.onValue((event.target as HTMLInputElement | HTMLTextAreaElement).value),
	}
	return (
		<div class="field">
			<label for={props.id}>{props.label}</label>
			{props.multiline ? (
				<textarea {...common} rows={2} maxlength={1000} />
			) : (
				<input
					{...common}
					type={props.type ?? 'text'}
					autocomplete="off"
					spellcheck={false}
					{...(props.type === 'number' ? { min: '1', inputmode: 'numeric' } : {})}
				/>
			)}
			{props.hint ? (
				<span class="hint" id={`${props.id}-hint`}>
					{props.hint}
				</span>
			) : null}
			<FieldError id={`${props.id}-error`} message={props.error} />
		</div>
	)
}
