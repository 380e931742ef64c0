// The frame of every page: doctype, language, the raw stylesheet, header, card, footer.

import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { LANGS, type Lang, LOCALE, messages } from './i18n/index.ts'
import { PAGE_SCRIPT } from './script.ts'
import { STYLESHEET } from './style.ts'

export interface LayoutProps {
	lang: Lang
	title: string
	/** This response's CSP nonce (pageCsp(nonce) must be its Content-Security-Policy). */
	nonce: string
	/** Extra `<head>` elements: description and link-card meta tags. */
	head?: Child
	/** Include the page script (countdown, copy button). */
	script?: boolean
	/** Where the footer's language links go, e.g. the same path with `?lang=…`. */
	languageLinks?: Record<Lang, string> | undefined
	children: Child
}

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', zh: '中文' }

export function Logo() {
	return raw(
		'<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="8" fill="var(--accent)"/>' +
			'<path d="M13.5 18.5l5-5M12 15l-2 2a3.5 3.5 0 0 0 5 5l2-2M20 17l2-2a3.5 3.5 0 0 0-5-5l-2 2" fill="none" stroke="var(--on-accent)" stroke-width="2.2" stroke-linecap="round"/></svg>',
	)
}

/** What every page's head starts with: no indexing, no Referer (a signed URL could leak), both schemes. */
export function PageMeta() {
	return (
		<>
			<meta charset="utf-8" />
			<meta name="viewport" content="width=device-width, initial-scale=1" />
			<meta name="robots" content="noindex, nofollow" />
			<meta name="referrer" content="no-referrer" />
			<meta name="color-scheme" content="light dark" />
		</>
	)
}

export function Layout(props: LayoutProps) {
	const t = messages(props.lang)
	return (
		<>
			{raw('<!DOCTYPE html>')}
			<html lang={LOCALE[props.lang]}>
				<head>
					<PageMeta />
					<title>{props.title}</title>
					{props.head}
					<style nonce={props.nonce}>{raw(STYLESHEET)}</style>
				</head>
				<body>
					<header class="wrap top">
						<span class="brand">
							<Logo />
							{t.brand}
						</span>
					</header>
					<main class="wrap">{props.children}</main>
					<footer class="wrap">
						<div>{t.footer}</div>
						{props.languageLinks ? (
							<nav aria-label={t.language}>
								{LANGS.map((lang) => (
									<a
										href={props.languageLinks?.[lang]}
										lang={LOCALE[lang]}
										hreflang={LOCALE[lang]}
										aria-current={lang === props.lang ? 'true' : undefined}
									>
										{LANGUAGE_NAMES[lang]}
									</a>
								))}
							</nav>
						) : null}
					</footer>
					{props.script ? <script nonce={props.nonce}>{raw(PAGE_SCRIPT)}</script> : null}
				</body>
			</html>
		</>
	)
}
