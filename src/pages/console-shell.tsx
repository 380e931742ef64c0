// The admin console's shell: the document the console's browser app starts in, once signed in.
// A contract with that app (README "Admin console"): the CSRF token in
// <meta name="coslink-csrf">, the app's own stylesheet and module script from
// /_/admin/assets/, and <div id="console"> with the language, how the session was signed in
// and the base URL of share links. No inline script or style at all, so its CSP needs no
// nonce; a real sign-out form, so signing out works before (or without) the script.
import { raw } from 'hono/html'
import { type Lang, LOCALE, messages } from './i18n/index.ts'
import { Logo, PageMeta } from './layout.tsx'

export const CONSOLE_STYLESHEET = '/_/admin/assets/console.css'
export const CONSOLE_SCRIPT = '/_/admin/assets/console.js'
export const LOGOUT_ACTION = '/_/admin/logout'

export interface ConsoleShellProps {
	lang: Lang
	/** The session's CSRF token: state-changing requests send it as `x-csrf-token`. */
	csrf: string
	/** How the session was signed in. */
	via: 'token' | 'access'
	/** Where share links live: PUBLIC_BASE_URL, else the request's origin. */
	base: string
}

export function ConsoleShell(props: ConsoleShellProps) {
	const t = messages(props.lang)
	return (
		<>
			{raw('<!doctype html>')}
			<html lang={LOCALE[props.lang]}>
				<head>
					<PageMeta />
					<meta name="coslink-csrf" content={props.csrf} />
					<title>{`${t.consoleTitle} · ${t.brand}`}</title>
					<link rel="stylesheet" href={CONSOLE_STYLESHEET} />
					<script type="module" src={CONSOLE_SCRIPT}></script>
				</head>
				<body>
					<header class="console-top">
						<a class="brand" href="/_/admin">
							<Logo />
							{t.brand}
						</a>
						<form method="post" action={LOGOUT_ACTION}>
							<input type="hidden" name="csrf" value={props.csrf} />
							<button type="submit" class="btn secondary signout">
								{t.consoleSignOut}
							</button>
						</form>
					</header>
					<div id="console" data-lang={props.lang} data-via={props.via} data-base={props.base}></div>
					<noscript>
						<p>{t.consoleNoScript}</p>
					</noscript>
				</body>
			</html>
		</>
	)
}
