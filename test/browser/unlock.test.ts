// Protected and limited shares in Chromium against the local stack: the unlock page (a wrong
// code and its message, then the right one, then the file), a limited share's download
// button spending one download, and the unlock page in both languages and colour schemes.
// Screenshots go to artifacts/: look at them.
import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { readStoredObject, sha256, useE2eStack } from '../e2e/helpers.ts'
import { axeViolations } from './axe.ts'
import { screenshot, useBrowser } from './browser.ts'

const e2e = useE2eStack('unlock-page', { seedShares: false })
const b = useBrowser()

const KEY = 'docs/report.pdf'

async function create(body: Record<string, unknown>): Promise<void> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ key: KEY, filename: 'Q3 report.pdf', ...body }),
	})
	if (res.status !== 201) throw new Error(`creating a share failed: ${res.status} ${await res.text()}`)
	await res.body?.cancel()
}

async function downloads(id: string): Promise<number> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares/${id}`, {
		headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
	})
	return ((await res.json()) as { downloads: number }).downloads
}

beforeAll(async () => {
	await create({ id: 'locked', password: 'open sesame', page: true })
	await create({ id: 'locked-shots', password: 'open sesame', page: true })
	await create({ id: 'limited', maxDownloads: 2 })
})

describe('the unlock page', () => {
	it('shows a message for a wrong code, then unlocks with the right one and downloads the file', async () => {
		const page = b.page
		const first = await page.goto(e2e.stack.link('locked'))
		expect(first?.status()).toBe(401)
		await page.locator('#password').fill('wrong code')
		await page.locator('button[type=submit]').click()
		await page.waitForLoadState()
		expect(await page.locator('[role=alert]').textContent()).toContain('not right')
		await page.locator('#password').fill('open sesame')
		await page.locator('button[type=submit]').click()
		await page.waitForURL(e2e.stack.link('locked'))
		expect(await page.locator('h1').textContent()).toBe('Q3 report.pdf')
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.primary').click()])
		const bytes = await readFile(await download.path())
		const stored = await readStoredObject(e2e.stack.emulatorRoot, KEY)
		expect(sha256(bytes)).toBe(sha256(stored.bytes))
	})

	it.each(
		(['en', 'zh'] as const).flatMap((lang) =>
			(['light', 'dark'] as const).map((scheme) => ({ lang, scheme })),
		),
	)('in $lang, $scheme: accessible, with a wrong-code message', async ({ lang, scheme }) => {
		const page = b.page
		await page.setViewportSize({ width: 390, height: 800 })
		await page.emulateMedia({ colorScheme: scheme })
		await page.goto(`${e2e.stack.link('locked-shots')}?lang=${lang}`)
		await page.locator('#password').fill('wrong code')
		await page.locator('button[type=submit]').click()
		await page.waitForLoadState()
		expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en')
		expect(await page.locator('[role=alert]').count()).toBe(1)
		expect(await axeViolations(page)).toEqual([])
		await screenshot(page, `unlock-page-${lang}-${scheme}`)
	})
})

describe('a limited share', () => {
	it('spends one download from its page button, and the file arrives', async () => {
		const page = b.page
		await page.goto(e2e.stack.link('limited'))
		expect(await downloads('limited')).toBe(0)
		expect(await page.locator('form[action="/_/consume/limited"]').count()).toBe(1)
		await screenshot(page, 'limited-page-en-light')
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.locator('form[action="/_/consume/limited"] button').click(),
		])
		const bytes = await readFile(await download.path())
		const stored = await readStoredObject(e2e.stack.emulatorRoot, KEY)
		expect(sha256(bytes)).toBe(sha256(stored.bytes))
		expect(await downloads('limited')).toBe(1)
	})
})
