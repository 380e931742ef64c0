// The error page: a plain title (no bare status number), the catalogue's one sentence of why
// in the reader's language, and at most one thing to do next (back to the folder, open the
// share link, try again, after a wait if the server named one). The request id is there to
// quote when asking for help. A call site's `detail` is for API clients, never shown here.
import { ERRORS, type ErrorCode, type ErrorVariant, errorSentence } from '../errors.ts'
import { formatSpan } from './i18n/format.ts'
import { fill, type Lang, type MessageKey, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'

/** The one thing a visitor can do next, if there is one. */
export type ErrorAction =
	| { kind: 'folder'; href: string }
	| { kind: 'share'; href: string }
	/** Load the same address again, after `retryAfter` seconds when the server asked for a wait. */
	| { kind: 'retry'; href: string; retryAfter?: number | undefined }

export interface ErrorPageProps {
	lang: Lang
	/** The error: its status and its sentence come from the catalogue. */
	code: ErrorCode
	/** The case of the code, when it has words of its own. */
	variant?: ErrorVariant | undefined
	nonce: string
	requestId?: string | undefined
	action?: ErrorAction | undefined
	languageLinks?: Record<Lang, string> | undefined
}

// Errors whose status title would tell a visitor the wrong story (a spent one-time link is
// a 410, but "expired" is not what happened).
const TITLE_BY_CODE: Partial<Record<ErrorCode, MessageKey>> = {
	download_limit_reached: 'errorLimitReached',
	object_not_found: 'errorObjectGone',
	invalid_ticket: 'errorTicketUsed',
	zip_too_large: 'errorZipTooLarge',
	upload_quota_reached: 'errorUploadQuota',
	password_required: 'errorPasswordRequired',
}

const TITLE_BY_VARIANT: Record<ErrorVariant, MessageKey> = {
	path_not_found: 'errorPathNotFound',
	console_cross_site: 'error403',
	upload_link_expired: 'errorUploadExpired',
}

/** The status, title and sentence of an error code's page (of its variant, if it has one). */
export function errorText(
	lang: Lang,
	code: ErrorCode,
	variant?: ErrorVariant,
): { status: number; title: string; message: string } {
	const t = messages(lang)
	const { status } = ERRORS[code]
	// Every status in the catalogue has a title: the template type says so.
	const key = variant ? TITLE_BY_VARIANT[variant] : (TITLE_BY_CODE[code] ?? `error${status}`)
	return { status, title: t[key], message: errorSentence(code, variant, lang) }
}

/** The action's button words: "Back to the folder", "Try again in 30 seconds". */
export function actionLabel(action: ErrorAction, lang: Lang): string {
	const t = messages(lang)
	if (action.kind === 'folder') return t.errorBackToFolder
	if (action.kind === 'share') return t.errorOpenShare
	if (action.retryAfter === undefined || action.retryAfter <= 0) return t.errorTryAgain
	return fill(t.errorTryAgainIn, { time: formatSpan(action.retryAfter, lang) })
}

export function ErrorPage(props: ErrorPageProps) {
	const t = messages(props.lang)
	const { title, message } = errorText(props.lang, props.code, props.variant)
	const { action } = props
	return (
		<Layout
			lang={props.lang}
			title={`${title} · ${t.brand}`}
			nonce={props.nonce}
			languageLinks={props.languageLinks}
		>
			<section class="card error">
				<h1>{title}</h1>
				<p class="why">{message}</p>
				{action ? (
					<p class="actions">
						<a class="btn primary" href={action.href}>
							{actionLabel(action, props.lang)}
						</a>
					</p>
				) : null}
				{props.requestId ? (
					<p class="muted">
						<small>
							{t.requestId}: <code>{props.requestId}</code>
						</small>
					</p>
				) : null}
			</section>
		</Layout>
	)
}
