// Shared by the browser suites: one headless Chromium per test file, a fresh context and
// page per test, and everything the page said or tried to do (console messages, dialogs,
// uncaught errors, downloads) recorded for the test to assert. The browser comes from
// CHROMIUM_PATH, the system, or the Chromium that `npm ci` installs (resolve-chromium.ts).
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
	type Browser,
	type BrowserContext,
	type CDPSession,
	chromium,
	type Download,
	type Page,
	type Response,
} from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { listProcesses, type ProcessInfo } from '../node/processes.ts'
import { axeSource } from './axe.ts'
import { resolveChromium } from './resolve-chromium.ts'

export { resolveChromium } from './resolve-chromium.ts'

/**
 * @deprecated The launcher resolves the browser itself (resolveChromium()); this is only the
 * CHROMIUM_PATH setting, or the first system path it tries.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The project's own flags, whichever browser runs (never @sparticuz/chromium's `args`). */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-quic',
	'--no-first-run',
	'--disable-component-update',
	'--disable-sync',
]

/** Screenshots: test artifacts, git-ignored, kept after the run to be looked at. */
export const SCREENSHOT_DIR = join(import.meta.dirname, 'artifacts')

/** What one page did while a test drove it. */
export interface PageEvents {
	/** "type: text" of every console message. */
	console: string[]
	/** "type: message" of every alert/confirm/prompt/beforeunload; each is dismissed at once. */
	dialogs: string[]
	/** Uncaught exceptions in the page. */
	pageErrors: string[]
	/** Every download the page started. */
	downloads: Download[]
	/** Every response the page received, in order (redirect hops included). */
	responses: Response[]
}

export interface BrowserSession {
	browser: Browser
	context: BrowserContext
	page: Page
	events: PageEvents
	/** Set by useSharedPage() while its describe block runs. */
	shared?: { context: BrowserContext; page: Page; events: PageEvents } | undefined
}

function newEvents(): PageEvents {
	return { console: [], dialogs: [], pageErrors: [], downloads: [], responses: [] }
}

/** Records what `page` does into `events`; dialogs are dismissed at once. */
function watch(page: Page, events: PageEvents): void {
	page.on('console', (message) => events.console.push(`${message.type()}: ${message.text()}`))
	page.on('dialog', (dialog) => {
		events.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
		void dialog.dismiss().catch(() => undefined)
	})
	page.on('pageerror', (error) => events.pageErrors.push(error.message))
	page.on('download', (download) => events.downloads.push(download))
	page.on('response', (response) => events.responses.push(response))
}

// ---------------------------------------------------------------------------------------
// Processes: Chromium's own children leave the launch environment behind but stay in the
// browser's session; its crashpad handlers start sessions of their own but keep the
// environment. A marker variable plus the marked processes' sessions finds them all.

const MARKER_VARIABLE = 'COSLINK_BROWSER_TEST'

/** The browser's processes: the marked ones and everything in their sessions. */
async function browserProcesses(marker: string): Promise<ProcessInfo[]> {
	const needle = `${MARKER_VARIABLE}=${marker}`
	const all = await listProcesses({ environ: true })
	const marked = (proc: ProcessInfo) => proc.environ.split('\0').includes(needle)
	const sessions = new Set(all.filter((proc) => marked(proc) && proc.sid !== process.pid).map((p) => p.sid))
	return all.filter((proc) => marked(proc) || (sessions.has(proc.sid) && proc.pid !== process.pid))
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

async function waitForExit(marker: string, timeoutMs: number): Promise<ProcessInfo[]> {
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const alive = await browserProcesses(marker)
		if (alive.length === 0 || Date.now() > deadline) return alive
		await sleep(100)
	}
}

// ---------------------------------------------------------------------------------------
// The hooks

/**
 * One Chromium per test file, launched before its tests and closed (and checked for stray
 * processes) after them; a fresh context and page per test. A dialog or an uncaught page
 * error fails the test that caused it, whatever the test itself asserted.
 */
export function useBrowser(): BrowserSession {
	const marker = randomUUID()
	const session = {} as BrowserSession

	beforeAll(async () => {
		const { executablePath, source, version } = await resolveChromium()
		console.log(`browser: ${version} (${source}: ${executablePath})`)
		session.browser = await chromium.launch({
			executablePath,
			args: CHROMIUM_ARGS,
			env: { ...process.env, [MARKER_VARIABLE]: marker },
			timeout: 30_000,
		})
	})

	afterAll(async () => {
		await session.browser?.close()
		const leftovers = await waitForExit(marker, 10_000)
		if (leftovers.length > 0) {
			// Ours by construction: marked at launch, or in the session of a marked process.
			for (const { pid } of leftovers) {
				try {
					process.kill(pid, 'SIGKILL')
				} catch {
					// already gone
				}
			}
			throw new Error(
				`Chromium left processes running: ${leftovers.map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`).join('; ')}`,
			)
		}
	})

	beforeEach(async () => {
		if (session.shared) {
			Object.assign(session, session.shared)
			// Each test sees only what happened during it.
			for (const list of Object.values(session.events)) list.length = 0
			return
		}
		session.context = await session.browser.newContext({ acceptDownloads: true, locale: 'en-US' })
		session.page = await session.context.newPage()
		session.events = newEvents()
		watch(session.page, session.events)
	})

	afterEach(async ({ task }) => {
		const events = session.events
		try {
			if (task.result?.state === 'fail')
				console.error(
					[
						`page url: ${session.page?.url()}`,
						`responses: ${events.responses.map((r) => `${r.status()} ${r.url()}`).join(', ')}`,
						`console: ${events.console.join(' | ')}`,
					].join('\n'),
				)
			if (events.dialogs.length > 0)
				throw new Error(`the page opened a dialog (a script ran): ${events.dialogs.join('; ')}`)
			if (events.pageErrors.length > 0) throw new Error(`the page threw: ${events.pageErrors.join('; ')}`)
		} finally {
			if (!session.shared) await session.context?.close()
		}
	})

	return session
}

/**
 * One context and page for every test of the calling describe block, instead of a fresh
 * pair per test: for a matrix of looks at pages that keep no state, where a new context (a
 * new renderer, axe compiled again) costs more than the look itself. Page errors and dialogs
 * still fail the test they happened in. Call it inside a describe(), after useBrowser().
 */
export function useSharedPage(session: BrowserSession): void {
	beforeAll(async () => {
		const context = await session.browser.newContext({ acceptDownloads: true, locale: 'en-US' })
		// axe-core with every document, sent to the browser once instead of with every scan
		// (500 KB over the protocol each time). Init scripts run outside the page's CSP and
		// only define the axe global, which no page under test reads.
		await context.addInitScript({ content: await axeSource() })
		const page = await context.newPage()
		const events = newEvents()
		watch(page, events)
		session.shared = { context, page, events }
	})
	afterAll(async () => {
		const shared = session.shared
		session.shared = undefined
		await shared?.context.close()
	})
}

// ---------------------------------------------------------------------------------------
// Navigation

/** How a navigation ended: a rendered document, or a download (with goto's error, if any). */
export type Outcome =
	| { kind: 'rendered'; response: Response | null }
	| { kind: 'download'; download: Download; gotoError: string | undefined }

/**
 * Navigates and reports whether the browser rendered the answer or saved it. Chromium
 * either aborts the navigation (net::ERR_ABORTED, or Playwright's "Download is starting")
 * or, depending on timing, lets goto settle; both are handled. A document that renders is
 * reported at once instead of waiting for a download that will never come.
 */
export async function navigate(page: Page, url: string, timeoutMs = 15_000): Promise<Outcome> {
	const download = page.waitForEvent('download', { timeout: timeoutMs })
	const navigation = page.goto(url, { timeout: timeoutMs }).then(
		(response) => ({ response, error: undefined }),
		(error: unknown) => ({ response: null, error: error instanceof Error ? error.message : String(error) }),
	)
	const first = await Promise.race([
		download.then((value) => ({ download: value })),
		navigation.then((value) => ({ navigation: value })),
	])
	if ('download' in first) {
		const settled = await navigation
		return { kind: 'download', download: first.download, gotoError: settled.error }
	}
	if (first.navigation.error === undefined) {
		download.catch(() => undefined)
		return { kind: 'rendered', response: first.navigation.response }
	}
	// goto failed: a download is the only acceptable reason.
	const gotoError = first.navigation.error
	const started = await download.catch((error: unknown) => {
		throw new Error(`navigating to ${url} failed (${gotoError}) and no download started`, { cause: error })
	})
	return { kind: 'download', download: started, gotoError }
}

const devtools = new WeakMap<Page, Promise<CDPSession>>()

/**
 * A full-page screenshot under SCREENSHOT_DIR; returns (and prints) its path. Taken as
 * Playwright's fullPage takes it in Chromium (the layout's content size, captured beyond
 * the viewport), but with Chromium's fast PNG encoder (`optimizeForSpeed`): the suites take
 * some 200, and the default encoder cost twice the CPU (about 80 against 40 ms for a
 * 1280 × 900 page) for files a quarter smaller.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
	await mkdir(SCREENSHOT_DIR, { recursive: true })
	const path = join(SCREENSHOT_DIR, `${name}.png`)
	let session = devtools.get(page)
	if (!session) {
		session = page.context().newCDPSession(page)
		devtools.set(page, session)
	}
	const cdp = await session
	// As Playwright does: web fonts finish loading before the picture is taken.
	await page.evaluate(() => document.fonts.ready.then(() => true)).catch(() => false)
	const { cssContentSize } = await cdp.send('Page.getLayoutMetrics')
	const { data } = await cdp.send('Page.captureScreenshot', {
		format: 'png',
		optimizeForSpeed: true,
		captureBeyondViewport: true,
		clip: {
			x: 0,
			y: 0,
			width: Math.ceil(cssContentSize.width),
			height: Math.ceil(cssContentSize.height),
			scale: 1,
		},
	})
	await writeFile(path, Buffer.from(data, 'base64'))
	console.log(`screenshot: ${path}`)
	return path
}
