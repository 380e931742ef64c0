// The friendly error page: a title and a sentence per status in the reader's language, and
// the request id to quote when asking for help.
import { type Lang, type MessageKey, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'

export interface ErrorPageProps {
	lang: Lang
	status: number
	nonce: string
	/** The machine code of the error: some have words of their own, more precise than the status. */
	code?: string | undefined
	requestId?: string | undefined
	languageLinks?: Record<Lang, string> | undefined
}

// Errors whose status alone would tell a visitor the wrong story (a spent one-time link is
// a 410, but "expired" is not what happened).
const BY_CODE: Partial<Record<string, readonly [MessageKey, MessageKey]>> = {
	download_limit_reached: ['errorLimitReached', 'errorLimitReachedMessage'],
	ticket_required: ['errorTicketRequired', 'errorTicketRequiredMessage'],
	object_not_found: ['errorObjectGone', 'errorObjectGoneMessage'],
	zip_too_large: ['errorZipTooLarge', 'errorZipTooLargeMessage'],
	upload_quota_reached: ['errorUploadQuota', 'errorUploadQuotaMessage'],
}

/** The table's title and message for an error code or its status, or the generic pair. */
export function errorText(lang: Lang, status: number, code?: string): { title: string; message: string } {
	const t = messages(lang)
	const own = code === undefined ? undefined : BY_CODE[code]
	if (own) return { title: t[own[0]], message: t[own[1]] }
	const title = `error${status}` as MessageKey
	const message = `error${status}Message` as MessageKey
	return title in t && message in t
		? { title: t[title], message: t[message] }
		: { title: t.errorTitle, message: t.errorMessage }
}

export function ErrorPage(props: ErrorPageProps) {
	const t = messages(props.lang)
	const { title, message } = errorText(props.lang, props.status, props.code)
	return (
		<Layout
			lang={props.lang}
			title={`${title} · ${t.brand}`}
			nonce={props.nonce}
			languageLinks={props.languageLinks}
		>
			<section class="card error">
				<p class="status">{props.status}</p>
				<h1>{title}</h1>
				<p>{message}</p>
				{props.status === 404 || props.status === 410 ? <p>{t.home}</p> : null}
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
