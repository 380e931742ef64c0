// The friendly error page: a title and a sentence per status in the reader's language, and
// the request id to quote when asking for help.
import { type Lang, type MessageKey, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'

export interface ErrorPageProps {
	lang: Lang
	status: number
	nonce: string
	requestId?: string | undefined
	languageLinks?: Record<Lang, string> | undefined
}

/** The table's title and message for a status, or the generic pair. */
export function errorText(lang: Lang, status: number): { title: string; message: string } {
	const t = messages(lang)
	const title = `error${status}` as MessageKey
	const message = `error${status}Message` as MessageKey
	return title in t && message in t
		? { title: t[title], message: t[message] }
		: { title: t.errorTitle, message: t.errorMessage }
}

export function ErrorPage(props: ErrorPageProps) {
	const t = messages(props.lang)
	const { title, message } = errorText(props.lang, props.status)
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
