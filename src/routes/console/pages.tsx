// The two documents /_/admin answers with: the sign-in page, and once signed in the console's
// shell (the browser app's contract: pages/console-shell.tsx). Their language: `?lang=` (or the
// sign-in form's `lang`), else Accept-Language, as every page of the worker.
import type { Context } from 'hono'
import { csrfToken } from '../../console/session.ts'
import { bucketBaseUrl } from '../../cos/endpoint.ts'
import type { AppEnv, Config } from '../../env.ts'
import { pickLanguage } from '../../http/negotiate.ts'
import { ConsoleLoginPage } from '../../pages/console-login.tsx'
import { ConsoleShell } from '../../pages/console-shell.tsx'
import { consoleCsp, newNonce, pageCsp } from '../../pages/csp.ts'
import type { Lang } from '../../pages/i18n/index.ts'
import { languageLinks } from '../../respond.tsx'
import type { ConsoleSession } from './session.ts'

export const CONSOLE_PATH = '/_/admin'

/** A language chosen by name (`en`, `zh`), else undefined. */
export function chosenLang(value: string | undefined): Lang | undefined {
	const lang = value?.trim().toLowerCase()
	return lang === 'en' || lang === 'zh' ? lang : undefined
}

/** The language of a console response: the one chosen, else Accept-Language's. */
export function consoleLang(c: Context<AppEnv>, chosen: Lang | undefined): Lang {
	return pickLanguage(c.req.header('accept-language'), chosen)
}

/** `?lang=xx` for a chosen language, else nothing: it follows the visitor through the forms. */
export function langSuffix(chosen: Lang | undefined): string {
	return chosen ? `?lang=${chosen}` : ''
}

export type LoginProblem = 'wrong' | 'too_many'

export function loginPage(
	c: Context<AppEnv>,
	config: Config,
	chosen: Lang | undefined,
	status: 200 | 401 | 429 = 200,
	problem?: LoginProblem,
): Response | Promise<Response> {
	const nonce = newNonce()
	return c.html(
		<ConsoleLoginPage
			lang={consoleLang(c, chosen)}
			nonce={nonce}
			action={`${CONSOLE_PATH}/login${langSuffix(chosen)}`}
			chosenLang={chosen}
			problem={problem}
			access={config.access !== undefined}
			languageLinks={languageLinks(new URL(CONSOLE_PATH, c.req.url))}
		/>,
		status,
		{ 'Content-Security-Policy': pageCsp(nonce) },
	)
}

export async function shellPage(
	c: Context<AppEnv>,
	config: Config,
	session: ConsoleSession,
	chosen: Lang | undefined,
): Promise<Response> {
	const csrf = await csrfToken(config.adminToken, session.sid)
	return c.html(
		<ConsoleShell
			lang={consoleLang(c, chosen)}
			csrf={csrf}
			via={session.via}
			base={config.publicBaseUrl ?? new URL(c.req.url).origin}
		/>,
		200,
		{ 'Content-Security-Policy': consoleCsp(bucketBaseUrl(config.target).origin) },
	)
}
