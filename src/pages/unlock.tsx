// The unlock page of a protected share: one field that posts to /_/unlock/:id (the secret
// never travels in a URL the worker makes), in the download page's look. It says what kind
// of share is behind it (a file, a folder, an upload link) and nothing more: no name, size or
// file list, so a link preview or a guess at the address learns nothing either.
import { type Lang, messages } from './i18n/index.ts'
import { Layout } from './layout.tsx'
import { CardMeta, restrictedCard, StrokeIcon, siteCardImage } from './parts.tsx'

export interface UnlockPageProps {
	lang: Lang
	nonce: string
	/** Where the form posts: /_/unlock/<id>. */
	action: string
	/** What is behind the lock, by kind only. */
	shareKind?: 'file' | 'folder' | 'upload' | undefined
	/**
	 * An extraction code (typed unmasked, in any case) or a password (masked, exact).
	 * Undefined: a password.
	 */
	secret?: 'password' | 'code' | undefined
	/** A code from the link (`?pwd=`), filled in for the visitor to send. Codes only. */
	prefill?: string | undefined
	/** Why the last attempt failed, if it did. */
	problem?: 'wrong' | 'too_many' | undefined
	/** The address inside the share to return to once unlocked. */
	back?: string | undefined
	/** Absolute URL of the share, for its link card (which names nothing of it). */
	shareUrl?: string | undefined
	languageLinks?: Record<Lang, string> | undefined
}

function LockIcon() {
	return (
		<StrokeIcon>
			<rect x="4" y="11" width="16" height="10" rx="2" />
			<path d="M8 11V7a4 4 0 0 1 8 0v4" />
		</StrokeIcon>
	)
}

/** A typed code is at most this long: six characters, with room for spaces around them. */
const CODE_FIELD_MAX = 32

export function UnlockPage(props: UnlockPageProps) {
	const t = messages(props.lang)
	const code = props.secret === 'code'
	const problem =
		props.problem === 'wrong'
			? code
				? t.unlockWrongCode
				: t.unlockWrongPassword
			: props.problem === 'too_many'
				? t.unlockTooMany
				: undefined
	const title = code ? t.unlockCodeTitle : t.unlockPasswordTitle
	const what =
		props.shareKind === 'folder'
			? t.unlockWhatFolder
			: props.shareKind === 'upload'
				? t.unlockWhatUpload
				: t.unlockWhatFile
	const prefill = code && props.prefill ? props.prefill.slice(0, CODE_FIELD_MAX) : undefined
	return (
		<Layout
			lang={props.lang}
			title={`${title} · ${t.brand}`}
			nonce={props.nonce}
			head={
				props.shareUrl ? (
					<CardMeta
						{...restrictedCard(props.lang, props.shareUrl, 'protected')}
						image={siteCardImage(props.shareUrl)}
						imageAlt={t.brand}
					/>
				) : (
					<meta property="og:title" content={t.cardProtectedTitle} />
				)
			}
			languageLinks={props.languageLinks}
		>
			<section class="card unlock">
				<div class="file">
					<span class="badge" aria-hidden="true">
						<LockIcon />
					</span>
					<div>
						<h1>{title}</h1>
						<p class="sub">
							{what} {code ? t.unlockCodeHint : t.unlockPasswordHint}
						</p>
					</div>
				</div>
				<form method="post" action={props.action} class="share">
					{props.back ? <input type="hidden" name="back" value={props.back} /> : null}
					<label for="password">{code ? t.unlockCodeLabel : t.unlockPasswordLabel}</label>
					{problem ? (
						<p id="unlock-problem" class="problem" role="alert">
							{problem}
						</p>
					) : null}
					<div class="link">
						{code ? (
							<input
								id="password"
								name="password"
								type="text"
								required
								maxlength={CODE_FIELD_MAX}
								value={prefill}
								autocomplete="off"
								autocapitalize="none"
								spellcheck={false}
								class="code"
								autofocus
								aria-invalid={problem ? 'true' : undefined}
								aria-describedby={problem ? 'unlock-problem' : undefined}
							/>
						) : (
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
						)}
						<button class="btn primary" type="submit">
							{props.shareKind === 'upload' ? t.unlockButtonUpload : t.unlockButton}
						</button>
					</div>
				</form>
			</section>
		</Layout>
	)
}
