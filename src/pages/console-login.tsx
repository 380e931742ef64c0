// The admin console's sign-in page: one password field labelled "Admin token" that posts to
// /_/admin/login, in the look of the unlock page. It says where the token lives and, when
// Cloudflare Access is set up, that Access signs in too.
import type { Child } from 'hono/jsx'
import { type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'
import { StrokeIcon } from './parts.tsx'

export interface ConsoleLoginProps {
	lang: Lang
	nonce: string
	/** Where the form posts: /_/admin/login, with ?lang= when a language was chosen. */
	action: string
	/** The language chosen by link, carried through the form. */
	chosenLang?: Lang | undefined
	/** Why the last attempt failed, if it did. */
	problem?: 'wrong' | 'too_many' | undefined
	/** Cloudflare Access is set up: say it signs in too. */
	access?: boolean | undefined
	languageLinks?: Record<Lang, string> | undefined
}

function KeyIcon() {
	return (
		<StrokeIcon>
			<circle cx="8" cy="15" r="4" />
			<path d="M10.8 12.2 20 3M16 7l3 3M14 9l2 2" />
		</StrokeIcon>
	)
}

/** A message with `{name}` placeholders, each filled with its value as code. */
function withCode(template: string, values: Record<string, string>): Child[] {
	return template
		.split(/(\{\w+\})/)
		.map((part) => {
			const value = /^\{(\w+)\}$/.exec(part)?.[1]
			return value !== undefined && values[value] !== undefined ? <code>{values[value]}</code> : part
		})
		.filter((part) => part !== '')
}

export function ConsoleLoginPage(props: ConsoleLoginProps) {
	const t = messages(props.lang)
	const problem =
		props.problem === 'wrong'
			? t.consoleWrongToken
			: props.problem === 'too_many'
				? t.consoleTooMany
				: undefined
	return (
		<Layout
			lang={props.lang}
			title={`${t.consoleSignInTitle} · ${t.brand}`}
			nonce={props.nonce}
			languageLinks={props.languageLinks}
		>
			<section class="card unlock">
				<div class="file">
					<span class="badge" aria-hidden="true">
						<KeyIcon />
					</span>
					<div>
						<h1>{t.consoleSignInTitle}</h1>
						<p class="sub">{t.consoleSignInIntro}</p>
					</div>
				</div>
				<form method="post" action={props.action} class="share">
					{props.chosenLang ? <input type="hidden" name="lang" value={props.chosenLang} /> : null}
					<label for="token">{t.consoleTokenLabel}</label>
					{problem ? (
						<p id="login-problem" class="problem" role="alert">
							{problem}
						</p>
					) : null}
					<div class="link">
						<input
							id="token"
							name="token"
							type="password"
							required
							maxlength={1024}
							autocomplete="current-password"
							autocapitalize="none"
							spellcheck={false}
							autofocus
							aria-invalid={problem ? 'true' : undefined}
							aria-describedby={problem ? 'login-problem token-where' : 'token-where'}
						/>
						<button class="btn primary" type="submit">
							{t.consoleSignIn}
						</button>
					</div>
					<p id="token-where" class="muted small">
						{withCode(t.consoleTokenWhere, { secret: 'ADMIN_TOKEN', command: 'npm start' })}
					</p>
					{props.access ? <p class="muted small">{t.consoleAccessNote}</p> : null}
				</form>
			</section>
		</Layout>
	)
}
