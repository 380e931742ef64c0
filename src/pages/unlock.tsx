// The unlock page of a protected share: a password field that posts to /_/unlock/:id (the
// secret never travels in a URL), in the download page's look. It names nothing of the file,
// so link previews of a protected share reveal nothing either.
import { type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'

export interface UnlockPageProps {
	lang: Lang
	nonce: string
	/** Where the form posts: /_/unlock/<id>. */
	action: string
	/** Why the last attempt failed, if it did. */
	problem?: 'wrong' | 'too_many' | undefined
	/** The address inside the share to return to once unlocked. */
	back?: string | undefined
	languageLinks?: Record<Lang, string> | undefined
}

function LockIcon() {
	return (
		<svg
			viewBox="0 0 24 24"
			aria-hidden="true"
			focusable="false"
			fill="none"
			stroke="currentColor"
			stroke-width="2"
			stroke-linecap="round"
			stroke-linejoin="round"
		>
			<rect x="4" y="11" width="16" height="10" rx="2" />
			<path d="M8 11V7a4 4 0 0 1 8 0v4" />
		</svg>
	)
}

export function UnlockPage(props: UnlockPageProps) {
	const t = messages(props.lang)
	const problem =
		props.problem === 'wrong' ? t.unlockWrong : props.problem === 'too_many' ? t.unlockTooMany : undefined
	return (
		<Layout
			lang={props.lang}
			title={`${t.unlockTitle} · ${t.brand}`}
			nonce={props.nonce}
			head={<meta property="og:title" content={t.unlockTitle} />}
			languageLinks={props.languageLinks}
		>
			<section class="card unlock">
				<div class="file">
					<span class="badge" aria-hidden="true">
						<LockIcon />
					</span>
					<div>
						<h1>{t.unlockTitle}</h1>
						<p class="sub">{t.unlockMessage}</p>
					</div>
				</div>
				<form method="post" action={props.action} class="share">
					{props.back ? <input type="hidden" name="back" value={props.back} /> : null}
					<label for="password">{t.unlockLabel}</label>
					{problem ? (
						<p id="unlock-problem" class="problem" role="alert">
							{problem}
						</p>
					) : null}
					<div class="link">
						<input
							id="password"
							name="password"
							type="password"
							required
							minlength={4}
							maxlength={128}
							autocomplete="off"
							autofocus
							aria-invalid={problem ? 'true' : undefined}
							aria-describedby={problem ? 'unlock-problem' : undefined}
						/>
						<button class="btn primary" type="submit">
							{t.unlockButton}
						</button>
					</div>
				</form>
			</section>
		</Layout>
	)
}
