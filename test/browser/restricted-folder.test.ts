// In a real browser: folder shares with a password and with a download limit, as a visitor
// meets them. The unlock form brings them back to the level they opened; a limited folder's
// buttons spend one download each (by POST, through a ticket) and the page says what is left.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { readStoredObject, sha256, useE2eStack } from '../e2e/helpers.ts'
import { axeViolations } from './axe.ts'
import { screenshot, useBrowser } from './browser.ts'

const run = promisify(execFile)
const e2e = useE2eStack('browser-restricted-folder', { seedShares: false, bigObjectBytes: 64 * 1024 })
const b = useBrowser()
const LEVEL = encodeURIComponent('报告 2026')

async function create(body: Record<string, unknown>) {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ type: 'folder', prefix: 'demo-folder/', ...body }),
	})
	if (res.status !== 201) throw new Error(`creating ${String(body.id)} failed: ${res.status}`)
}

async function downloads(id: string): Promise<number> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares/${id}`, {
		headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
	})
	return ((await res.json()) as { downloads: number }).downloads
}

const storedSha = async (key: string) => sha256((await readStoredObject(e2e.stack.emulatorRoot, key)).bytes)

beforeAll(async () => {
	await create({ id: 'rf-locked', password: 'open sesame' })
	await create({ id: 'rf-limited', maxDownloads: 2 })
	for (const lang of ['en', 'zh'])
		for (const scheme of ['light', 'dark']) await create({ id: `rf-shot-${lang}-${scheme}`, maxDownloads: 3 })
})

describe('a protected folder in the browser', () => {
	it('asks for the password at the level opened, and returns there once unlocked', async () => {
		const page = b.page
		await page.setViewportSize({ width: 390, height: 844 })
		const response = await page.goto(`${e2e.stack.workerUrl}/rf-locked/${LEVEL}/`)
		expect(response?.status()).toBe(401)
		expect(await page.content()).not.toContain('photo.png')
		expect(await axeViolations(page)).toEqual([])
		await page.getByLabel(/password/i).fill('open sesame')
		// The form posts, then comes back to this same address: wait for the unlock's answer.
		await Promise.all([
			page.waitForResponse((res) => res.url().includes('/_/unlock/rf-locked') && res.status() === 303),
			page.keyboard.press('Enter'),
		])
		await page.getByRole('heading', { level: 1, name: '报告 2026' }).waitFor()
		expect(page.url()).toBe(`${e2e.stack.workerUrl}/rf-locked/${LEVEL}/`)
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download 📷 photo.png' }).click(),
		])
		expect(sha256(await readFile(await download.path()))).toBe(
			await storedSha('demo-folder/报告 2026/📷 photo.png'),
		)
	})
})

describe('a limited folder in the browser', () => {
	it('spends one download per button, says what is left, and ends on the spent page', async () => {
		const page = b.page
		await page.setViewportSize({ width: 390, height: 844 })
		await page.goto(`${e2e.stack.workerUrl}/rf-limited/${LEVEL}/?lang=en`)
		expect(await page.getByText('2 downloads left').isVisible()).toBe(true)
		expect(await downloads('rf-limited')).toBe(0)
		const [file] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Download 📷 photo.png' }).click(),
		])
		expect(sha256(await readFile(await file.path()))).toBe(
			await storedSha('demo-folder/报告 2026/📷 photo.png'),
		)
		expect(await downloads('rf-limited')).toBe(1)

		await page.goto(`${e2e.stack.workerUrl}/rf-limited/${LEVEL}/?lang=en`)
		expect(await page.getByText('1 download left').isVisible()).toBe(true)
		const [zip] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Download this folder (zip)' }).click(),
		])
		const script =
			'import json,sys,zipfile\nprint(json.dumps(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))\n'
		const { stdout } = await run('python3', ['-c', script, await zip.path()])
		expect(JSON.parse(stdout)).toEqual(['季度 Q1.txt', '📷 photo.png'])
		expect(await downloads('rf-limited')).toBe(2)

		const spent = await page.goto(`${e2e.stack.workerUrl}/rf-limited/${LEVEL}/?lang=en`)
		expect(spent?.status()).toBe(410)
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('All downloads used')
	})

	it.each([
		{ lang: 'en', scheme: 'light', width: 390 },
		{ lang: 'en', scheme: 'dark', width: 1280 },
		{ lang: 'zh', scheme: 'light', width: 1280 },
		{ lang: 'zh', scheme: 'dark', width: 390 },
	] as const)(
		'renders in $lang, $scheme at $width px with no horizontal scroll (screenshot)',
		async ({ lang, scheme, width }) => {
			const page = b.page
			await page.setViewportSize({ width, height: 844 })
			await page.emulateMedia({ colorScheme: scheme })
			await page.goto(`${e2e.stack.workerUrl}/rf-shot-${lang}-${scheme}/${LEVEL}/?lang=${lang}`)
			expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
			expect(await axeViolations(page)).toEqual([])
			await screenshot(page, `folder-limited-${lang}-${scheme}-${width}`)
			expect(await downloads(`rf-shot-${lang}-${scheme}`)).toBe(0)
		},
	)
})
