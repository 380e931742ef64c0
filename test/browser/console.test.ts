// The admin console in a real browser against the local stack: sign in with the token, make
// each kind of share through the form, open it, revoke it, upload a file and share it in one
// step, browse the bucket, edit, read stats, sign out — in English and Chinese, light and
// dark, 390 px and 1280 px, axe-clean.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { deterministicBytes, sha256, useE2eStack } from '../e2e/helpers.ts'
import { axeViolations } from './axe.ts'
import { navigate, screenshot, useBrowser, useSharedPage } from './browser.ts'

const e2e = useE2eStack('browser-console')
const b = useBrowser()

const consoleUrl = (lang = 'en') => `${e2e.stack.workerUrl}/_/admin?lang=${lang}`

async function signIn(page: Page, lang: 'en' | 'zh' = 'en'): Promise<void> {
	const outcome = await navigate(page, consoleUrl(lang))
	expect(outcome.kind).toBe('rendered')
	await page.getByLabel(lang === 'zh' ? '管理令牌' : 'Admin token').fill(e2e.stack.adminToken)
	await page.getByRole('button', { name: lang === 'zh' ? '登录' : 'Sign in' }).click()
	await page.getByRole('heading', { level: 1, name: lang === 'zh' ? '分享' : 'Shares' }).waitFor()
}

/** What a stranger's client gets from a link: status and body bytes. */
async function fetchLink(url: string): Promise<{ status: number; body: Buffer }> {
	const res = await fetch(url, { headers: { 'user-agent': 'curl/8.5.0' } })
	return { status: res.status, body: Buffer.from(await res.arrayBuffer()) }
}

async function createThroughForm(page: Page, fill: (page: Page) => Promise<void>): Promise<string> {
	await page.getByRole('link', { name: 'New link' }).first().click()
	await page.getByRole('heading', { level: 1, name: 'New link' }).waitFor()
	await fill(page)
	await page.getByRole('button', { name: 'Create link' }).click()
	const ready = page.getByRole('heading', { name: 'Your link is ready' })
	const refused = page.locator('.field-error').first()
	await ready.or(refused).waitFor()
	if (await refused.isVisible())
		throw new Error(`the form refused: ${await page.locator('.field-error').allTextContents()}`)
	return (await page.locator('#created-url').textContent()) ?? ''
}

describe('the admin console', () => {
	it('refuses a wrong token with a message and no cookie, then signs in with the right one', async () => {
		await navigate(b.page, consoleUrl())
		await b.page.getByLabel('Admin token').fill('not-the-token')
		await b.page.getByRole('button', { name: 'Sign in' }).click()
		await expect.poll(() => b.page.getByRole('alert').textContent()).toBeTruthy()
		expect(await b.context.cookies()).toEqual([])
		await b.page.getByLabel('Admin token').fill(e2e.stack.adminToken)
		await b.page.getByRole('button', { name: 'Sign in' }).click()
		await b.page.getByRole('heading', { level: 1, name: 'Shares' }).waitFor()
		const cookies = await b.context.cookies()
		expect(cookies).toHaveLength(1)
		expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
		// The demo shares are listed, each with its link.
		await b.page.locator('li.srow[data-id="q3-report"]').waitFor()
	})

	it('makes a file share with an extraction code: shown once with its ?pwd= link, which opens the file', async () => {
		await signIn(b.page)
		const url = await createThroughForm(b.page, async (page) => {
			await page.getByLabel('Object key').fill('docs/report.pdf')
			await page.getByRole('radio', { name: '1 day' }).check()
			await page.getByRole('radio', { name: 'Extraction code' }).check()
			await page.getByLabel('Note').fill('Made in the console')
		})
		expect(url).toMatch(new RegExp(`^${e2e.stack.workerUrl}/[0-9A-Za-z]{13}$`))
		await b.page.setViewportSize({ width: 390, height: 900 })
		await b.page.emulateMedia({ colorScheme: 'dark' })
		await screenshot(b.page, 'console-created-en-390-dark')
		const code = (await b.page.locator('#created-code').textContent()) ?? ''
		expect(code).toMatch(/^[0-9a-z]{6}$/i)
		expect((await fetchLink(url)).status).toBe(401)
		// The ?pwd= link, as a person receives it: the code is filled in, one click opens the page.
		await b.page.getByRole('button', { name: 'Copy', exact: true }).first().waitFor()
		await navigate(b.page, `${url}?pwd=${code}`)
		await b.page.getByRole('button', { name: 'Unlock' }).click()
		await b.page.getByText('report.pdf').first().waitFor()
		await b.page.getByText('Made in the console').waitFor()
	})

	it('makes a folder share and an upload link through the form, each working at once', async () => {
		await signIn(b.page)
		const folder = await createThroughForm(b.page, async (page) => {
			await page.getByRole('radio', { name: 'Folder' }).check()
			await page.getByLabel('Folder prefix').fill('demo-folder/')
			await page.getByRole('radio', { name: '7 days' }).check()
			await page.getByText('More options').click()
			await page.getByLabel('Short name').fill('console-folder')
		})
		expect(folder).toBe(`${e2e.stack.workerUrl}/console-folder`)
		const listing = await fetch(`${folder}/`, { headers: { accept: 'application/json' } })
		expect(listing.status).toBe(200)

		await b.page.getByRole('button', { name: 'Make another' }).click()
		const upload = await createThroughForm(b.page, async (page) => {
			await page.getByRole('radio', { name: 'Upload link' }).check()
			await page.getByLabel('Uploads land in').fill('console-inbox/')
			await page.getByLabel('Most files').fill('3')
		})
		const put = await fetch(`${upload}/uploads/hello.txt`, {
			method: 'PUT',
			body: 'hello from a visitor',
			headers: { 'content-type': 'text/plain' },
		})
		expect(put.status).toBe(201)
	})

	it('explains an invalid combination next to its field, from the API’s answer', async () => {
		await signIn(b.page)
		await b.page.getByRole('link', { name: 'New link' }).first().click()
		await b.page.getByRole('radio', { name: 'Upload link' }).check()
		await b.page.getByLabel('Uploads land in').fill('inbox/')
		await b.page.getByRole('radio', { name: 'Never' }).check()
		await b.page.getByRole('button', { name: 'Create link' }).click()
		await screenshot(b.page, 'console-field-error')
		const field = b.page.getByRole('radio', { name: 'Never' })
		await b.page.locator('#expiresAt-error').waitFor()
		expect(await b.page.locator('#expiresAt-error').textContent()).toMatch(/expir/i)
		expect(await field.isChecked()).toBe(true)
		// Nothing typed is lost.
		expect(await b.page.getByLabel('Uploads land in').inputValue()).toBe('inbox/')
	})

	it('revokes a share from the list after a confirmation: the link stops at once', async () => {
		const made = await e2e.stack.createShare({ key: 'docs/report.pdf', id: 'console-revoke' })
		expect((await fetchLink(made.url)).status).toBe(200)
		await signIn(b.page)
		await b.page.getByLabel('Search').fill('console-revoke')
		const row = b.page.locator('li.srow[data-id="console-revoke"]')
		// As a person would: the search has answered (one row left) before the click.
		await b.page.locator('ul.shares:not([aria-busy]) > li.srow').first().waitFor()
		await expect.poll(() => b.page.locator('li.srow').count()).toBe(1)
		await row.getByRole('button', { name: 'Revoke' }).click()
		const dialog = b.page.getByRole('dialog', { name: 'Revoke this link?' })
		await dialog.waitFor()
		await dialog.getByRole('button', { name: 'Revoke link' }).click()
		await row.locator('.status-revoked').waitFor()
		expect([404, 410]).toContain((await fetchLink(made.url)).status)
	})

	it('uploads a file from the browser into the bucket and shares it in one step', async () => {
		const bytes = deterministicBytes(300 * 1024 + 7, 21)
		const path = join(e2e.work, 'console upload.bin')
		await writeFile(path, bytes)
		await signIn(b.page)
		await b.page.getByRole('link', { name: 'New link' }).first().click()
		await b.page.getByRole('radio', { name: '1 hour' }).check()
		await b.page.getByLabel('Choose a file').setInputFiles(path)
		await b.page.getByRole('heading', { name: 'Your link is ready' }).waitFor({ timeout: 30_000 })
		const url = (await b.page.locator('#created-url').textContent()) ?? ''
		const res = await fetch(url)
		expect(res.status).toBe(200)
		expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes))
		const share = (await (
			await fetch(`${e2e.stack.workerUrl}/api/shares/${url.split('/').pop()}`, {
				headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
			})
		).json()) as { sent?: boolean; key: string }
		expect(share.sent).toBe(true)
	})

	it('browses the bucket and shares a file picked there', async () => {
		await signIn(b.page)
		await b.page.getByRole('link', { name: 'Bucket' }).click()
		await b.page.getByRole('link', { name: 'docs/', exact: true }).click()
		await b.page.getByRole('navigation', { name: 'Location' }).getByText('docs').waitFor()
		await b.page.getByRole('link', { name: 'Share: report.pdf' }).click()
		await b.page.getByRole('heading', { level: 1, name: 'New link' }).waitFor()
		expect(await b.page.getByLabel('Object key').inputValue()).toBe('docs/report.pdf')
	})

	it('edits a share with If-Match and shows its stats once downloads are counted', async () => {
		await e2e.stack.createShare({ key: 'docs/report.pdf', id: 'console-stats' })
		for (let i = 0; i < 3; i++) await fetchLink(e2e.stack.link('console-stats'))
		await signIn(b.page)
		await navigate(b.page, `${consoleUrl()}#/s/console-stats`)
		await b.page.getByRole('heading', { name: 'Edit' }).waitFor()
		await b.page.getByLabel('Note').fill('edited in the console')
		await b.page.getByLabel('Max downloads').fill('10')
		await b.page.getByRole('button', { name: 'Save changes' }).click()
		await b.page.getByText('Saved', { exact: true }).waitFor()
		const stored = (await (
			await fetch(`${e2e.stack.workerUrl}/api/shares/console-stats`, {
				headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
			})
		).json()) as { note: string; maxDownloads: number }
		expect(stored).toMatchObject({ note: 'edited in the console', maxDownloads: 10 })
		// Stats lag the requests by a few seconds.
		await expect
			.poll(
				async () => {
					await b.page.reload()
					return b.page.locator('[data-total="Downloads"]').textContent({ timeout: 5000 })
				},
				{ timeout: 30_000, interval: 1000 },
			)
			.toBe('3')
		expect(await b.page.locator('.chart svg rect.bar').count()).toBeGreaterThan(0)
		await b.page.setViewportSize({ width: 390, height: 900 })
		await b.page.emulateMedia({ colorScheme: 'dark' })
		await screenshot(b.page, 'console-stats-en-390-dark')
	})

	it('opens the view the address names when it changed while the app was starting', async () => {
		await signIn(b.page)
		// The address changes without an event just before the app listens for changes: what a
		// link followed during a slow start looks like once the hashchange event has been missed.
		await b.page.addInitScript(() => {
			const listen = window.addEventListener.bind(window)
			window.addEventListener = ((type: string, ...rest: [EventListener]) => {
				if (type === 'hashchange') history.replaceState(null, '', '#/new')
				return listen(type, ...rest)
			}) as typeof window.addEventListener
		})
		await navigate(b.page, consoleUrl())
		await b.page.locator('main h1#new-heading').waitFor()
		expect(new URL(b.page.url()).hash).toBe('#/new')
	})

	it('signs out for good: the old session cookie no longer opens the API', async () => {
		await signIn(b.page)
		const [cookie] = await b.context.cookies()
		expect(cookie).toBeDefined()
		await b.page.getByRole('button', { name: 'Sign out' }).click()
		await b.page.getByLabel('Admin token').waitFor()
		const replay = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
			headers: { cookie: `${cookie?.name}=${cookie?.value}`, 'sec-fetch-site': 'same-origin' },
		})
		expect(replay.status).toBe(401)
	})

	describe('every view', () => {
		// One signed-in page looks at every view in every look; each look is a test of its own.
		useSharedPage(b)
		beforeAll(async () => {
			if (b.shared) await signIn(b.shared.page)
		})
		const LOOKS = (['en', 'zh'] as const).flatMap((lang) =>
			(['light', 'dark'] as const).flatMap((scheme) => [390, 1280].map((width) => ({ lang, scheme, width }))),
		)
		it.each(LOOKS)(
			'looks right and passes axe in $lang, $scheme, at $width px',
			async ({ lang, scheme, width }) => {
				await b.page.setViewportSize({ width, height: 900 })
				await b.page.emulateMedia({ colorScheme: scheme })
				for (const [view, hash] of [
					['shares', '#/'],
					['new', '#/new'],
					['bucket', '#/bucket?prefix=docs%2F'],
					['share', '#/s/q3-report'],
				] as const) {
					await navigate(b.page, `${consoleUrl(lang)}${hash}`)
					await b.page.locator('main h1').first().waitFor()
					await b.page.locator('main p.muted[role=status]').waitFor({ state: 'detached' })
					// Every API answer is in (the app marks <main> aria-busy while any is pending).
					await b.page.locator('main#main:not([aria-busy])').waitFor()
					const overflow = await b.page.evaluate(
						() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
					)
					expect(overflow, `${view} ${lang} ${width} ${scheme} scrolls sideways`).toBeLessThanOrEqual(0)
					expect(await axeViolations(b.page), `${view} ${lang} ${width} ${scheme}`).toEqual([])
					await screenshot(b.page, `console-${view}-${lang}-${width}-${scheme}`)
				}
			},
		)

		it('shows the sign-in page in both languages, axe-clean', async () => {
			await b.page.context().clearCookies()
			for (const lang of ['en', 'zh'] as const) {
				await navigate(b.page, consoleUrl(lang))
				expect(await axeViolations(b.page), `login ${lang}`).toEqual([])
				await screenshot(b.page, `console-login-${lang}-1280-dark`)
			}
		})
	})
})
