// The friendly error page: a title per status (or per code, where the status would tell
// the wrong story), the catalogue's sentence for the error in the reader's language, and
// the request id to quote when asking for help. A call site's `detail` is for API clients
// and never shown here.
import { ERRORS, type ErrorCode } from '../errors.ts'
import { type Lang, type MessageKey, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'

export interface ErrorPageProps {
	lang: Lang
	/** The error: its status and its sentence come from the catalogue. */
	code: ErrorCode
	nonce: string
	requestId?: string | undefined
	languageLinks?: Record<Lang, string> | undefined
}

// Errors whose status title would tell a visitor the wrong story (a spent one-time link is
// a 410, but "expired" is not what happened).
const TITLE_BY_CODE: Partial<Record<ErrorCode, MessageKey>> = {
	download_limit_reached: 'errorLimitReached',
	object_not_found: 'errorObjectGone',
	zip_too_large: 'errorZipTooLarge',
	upload_quota_reached: 'errorUploadQuota',
}

/** The status, title and sentence of an error code's page. */
export function errorText(lang: Lang, code: ErrorCode): { status: number; title: string; message: string } {
	const t = messages(lang)
	const { status } = ERRORS[code]
	// Every status in the catalogue has a title: the template type says so.
	return { status, title: t[TITLE_BY_CODE[code] ?? `error${status}`], message: ERRORS[code][lang] }
}

export function ErrorPage(props: ErrorPageProps) {
	const t = messages(props.lang)
	const { status, title, message } = errorText(props.lang, props.code)
	return (
		<Layout
			lang={props.lang}
			title={`${title} · ${t.brand}`}
			nonce={props.nonce}
			languageLinks={props.languageLinks}
		>
			<section class="card error">
				<p class="status">{status}</p>
				<h1>{title}</h1>
				<p>{message}</p>
				{status === 404 || status === 410 ? <p>{t.home}</p> : null}
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
