// In a real browser: a folder share as a person uses it. Headless Chromium in front of the
// local stack (the worker under `wrangler dev`, the COS emulator with the seeded demo
// folder): open the share, go down a level, download a file, download the level as a zip.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { readStoredObject, sha256, useE2eStack } from '../e2e/helpers.ts'
import { axeViolations } from './axe.ts'
import { screenshot, useBrowser } from './browser.ts'

const run = promisify(execFile)
const e2e = useE2eStack('browser-folder', { seedShares: false, bigObjectBytes: 64 * 1024 })
const b = useBrowser()
const SHARE = 'folder-browser'

beforeAll(async () => {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ id: SHARE, type: 'folder', prefix: 'demo-folder/' }),
	})
	if (res.status !== 201) throw new Error(`creating the folder share failed: ${res.status}`)
})

const storedSha = async (key: string) => sha256((await readStoredObject(e2e.stack.emulatorRoot, key)).bytes)

async function openLevel() {
	const page = b.page
	const response = await page.goto(`${e2e.stack.workerUrl}/${SHARE}`)
	expect(response?.status()).toBe(200)
	expect(page.url()).toBe(`${e2e.stack.workerUrl}/${SHARE}/`)
	await page.getByRole('link', { name: 'Open folder 报告 2026' }).click()
	await page.waitForURL(`${e2e.stack.workerUrl}/${SHARE}/${encodeURIComponent('报告 2026')}/`)
	return page
}

describe('a folder share in the browser', () => {
	it('opens the share root and lists folders before files', async () => {
		const page = b.page
		await page.goto(`${e2e.stack.workerUrl}/${SHARE}/`)
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('demo-folder')
		const rows = await page.locator('.entries .name').allInnerTexts()
		expect(rows.map((row) => row.trim())).toEqual([
			'empty/',
			'many/',
			'报告 2026/',
			'100% done + more.txt',
			'readme.txt',
		])
	})

	it('goes down a level and shows the way back in the breadcrumbs', async () => {
		const page = await openLevel()
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('报告 2026')
		expect(await page.locator('.crumbs a').allInnerTexts()).toEqual(['demo-folder'])
		expect(await axeViolations(page)).toEqual([])
	})

	it('downloads a file with the bytes stored', async () => {
		const page = await openLevel()
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download 📷 photo.png' }).click(),
		])
		expect(download.suggestedFilename()).toBe('📷 photo.png')
		expect(sha256(await readFile(await download.path()))).toBe(
			await storedSha('demo-folder/报告 2026/📷 photo.png'),
		)
	})

	it('downloads the level as a zip that Python’s zipfile reads back', async () => {
		const page = await openLevel()
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download this folder (zip)' }).click(),
		])
		expect(download.suggestedFilename()).toBe('报告 2026.zip')
		const script =
			'import hashlib,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\n' +
			'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))\n'
		const { stdout } = await run('python3', ['-c', script, await download.path()])
		expect(JSON.parse(stdout)).toEqual({
			'季度 Q1.txt': await storedSha('demo-folder/报告 2026/季度 Q1.txt'),
			'📷 photo.png': await storedSha('demo-folder/报告 2026/📷 photo.png'),
		})
	})

	it.each([
		{ lang: 'en', scheme: 'light' },
		{ lang: 'en', scheme: 'dark' },
		{ lang: 'zh', scheme: 'light' },
		{ lang: 'zh', scheme: 'dark' },
	] as const)('renders in $lang, $scheme (screenshot)', async ({ lang, scheme }) => {
		const page = b.page
		await page.setViewportSize({ width: 1280, height: 800 })
		await page.emulateMedia({ colorScheme: scheme })
		await page.goto(`${e2e.stack.workerUrl}/${SHARE}/${encodeURIComponent('报告 2026')}/?lang=${lang}`)
		const zipLabel = lang === 'zh' ? '打包下载此文件夹' : 'Download this folder (zip)'
		expect(await page.getByRole('link', { name: zipLabel }).isVisible()).toBe(true)
		await screenshot(page, `folder-${lang}-${scheme}`)
	})
})
