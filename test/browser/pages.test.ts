// The pages in a real browser: standards mode, the stylesheet applied (font and size), both
// languages and colour schemes at a phone and a desktop width, no console errors, no request
// leaving the origin, no serious accessibility violation. Screenshots go to artifacts/.
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations } from './axe.ts'
import { screenshot, useBrowser } from './browser.ts'
import { FIXTURE_BYTES, type PageServer, startPageServer } from './page-server.ts'

const b = useBrowser()
let server: PageServer

beforeAll(async () => {
	server = await startPageServer()
})

afterAll(async () => {
	await server?.close()
})

const LANGS = ['en', 'zh'] as const
const SCHEMES = ['light', 'dark'] as const
const WIDTHS = [390, 1280] as const
const MATRIX = LANGS.flatMap((lang) =>
	SCHEMES.flatMap((scheme) => WIDTHS.map((width) => ({ lang, scheme, width }))),
)

/** Every request the page makes, to check none leaves the origin. */
function recordRequests(page: Page): string[] {
	const urls: string[] = []
	page.on('request', (request) => urls.push(request.url()))
	return urls
}

async function computedBody(page: Page) {
	return page.evaluate(() => {
		const style = getComputedStyle(document.body)
		return {
			compatMode: document.compatMode,
			fontSize: style.fontSize,
			fontFamily: style.fontFamily,
			lang: document.documentElement.lang,
			scrollWidth: document.documentElement.scrollWidth,
			clientWidth: document.documentElement.clientWidth,
		}
	})
}

/** The console errors that are not Chromium reporting the document's own error status. */
function consoleErrors(status?: number): string[] {
	const expected = `error: Failed to load resource: the server responded with a status of ${status} `
	return b.events.console.filter((line) => line.startsWith('error:') && !line.startsWith(expected))
}

async function expectWellFormed(page: Page, lang: string, width: number, requests: string[]) {
	const body = await computedBody(page)
	expect(body.compatMode).toBe('CSS1Compat')
	expect(body.fontSize).toBe('16px')
	expect(body.fontFamily).toContain('"PingFang SC"')
	expect(body.fontFamily).toContain('"Noto Sans CJK SC"')
	expect(body.lang).toBe(lang === 'zh' ? 'zh-CN' : 'en')
	expect(body.scrollWidth).toBeLessThanOrEqual(width)
	expect(requests.filter((url) => !url.startsWith(`${server.origin}/`))).toEqual([])
	expect(await axeViolations(page)).toEqual([])
}

describe('error page', () => {
	it.each(MATRIX)(
		'share_not_found (404) in $lang, $scheme, $width px: standards mode, styled, accessible',
		async ({ lang, scheme, width }) => {
			const page = b.page
			const requests = recordRequests(page)
			await page.setViewportSize({ width, height: 800 })
			await page.emulateMedia({ colorScheme: scheme })
			const response = await page.goto(`${server.origin}/error/share_not_found?lang=${lang}`)
			expect(response?.status()).toBe(404)
			await expectWellFormed(page, lang, width, requests)
			expect(await page.locator('h1').textContent()).toBe(lang === 'zh' ? '链接不存在' : 'Link not found')
			await screenshot(page, `error-404-${lang}-${scheme}-${width}`)
			expect(consoleErrors(404)).toEqual([])
		},
	)
})

describe('download page', () => {
	it.each(MATRIX)(
		'in $lang, $scheme, $width px: styled, accessible, no outside requests',
		async ({ lang, scheme, width }) => {
			const page = b.page
			const requests = recordRequests(page)
			await page.setViewportSize({ width, height: 900 })
			await page.emulateMedia({ colorScheme: scheme })
			const response = await page.goto(`${server.origin}/s/demo?lang=${lang}`)
			expect(response?.status()).toBe(200)
			await page.locator('.preview img').evaluate((img: HTMLImageElement) => img.decode())
			await expectWellFormed(page, lang, width, requests)
			await screenshot(page, `download-${lang}-${scheme}-${width}`)
			expect(consoleErrors()).toEqual([])
		},
	)

	it('renders the image preview', async () => {
		await b.page.goto(`${server.origin}/s/demo`)
		const width = await b.page.locator('.preview img').evaluate(async (img: HTMLImageElement) => {
			await img.decode()
			return img.naturalWidth
		})
		expect(width).toBe(480)
	})

	it('counts the remaining time down with the nonce-allowed script, and shows the copy button', async () => {
		await b.page.goto(`${server.origin}/s/demo`)
		await expect.poll(() => b.page.locator('button[data-copy]').isVisible()).toBe(true)
		expect(await b.page.locator('[data-remaining-ms]').textContent()).toMatch(/^2 days 3 hours left$/)
		expect(consoleErrors()).toEqual([])
	})

	it('copies the link to the clipboard', async () => {
		await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin })
		await b.page.goto(`${server.origin}/s/demo`)
		await b.page.locator('button[data-copy]').click()
		await expect.poll(() => b.page.locator('button[data-copy]').textContent()).toBe('Copied')
		expect(await b.page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.origin}/s/demo`)
	})

	it('downloads the file from the download button', async () => {
		await b.page.goto(`${server.origin}/s/demo`)
		const [download] = await Promise.all([
			b.page.waitForEvent('download'),
			b.page.locator('a.primary').click(),
		])
		expect(await readFile(await download.path())).toEqual(FIXTURE_BYTES)
	})

	it('says there is no expiry for a link without one', async () => {
		await b.page.goto(`${server.origin}/s/demo?lang=zh&expires=none`)
		expect(await b.page.locator('.expiry').textContent()).toBe('永久有效')
	})

	it('keeps a hostile file name as text', async () => {
		const name = '<img src=x onerror=alert(1)>.png'
		await b.page.goto(`${server.origin}/s/demo?name=${encodeURIComponent(name)}`)
		expect(await b.page.locator('h1').textContent()).toBe(name)
		expect(await b.page.title()).toBe(`${name} · coslink`)
	})
})

describe('download page without JavaScript', () => {
	it('still shows the remaining time and the link to copy, and hides the copy button', async () => {
		const context = await b.browser.newContext({ javaScriptEnabled: false })
		try {
			const page = await context.newPage()
			await page.goto(`${server.origin}/s/demo`)
			expect(await page.locator('.expiry').textContent()).toBe('2 days 3 hours left')
			expect(await page.locator('#share-link').inputValue()).toBe(`${server.origin}/s/demo`)
			expect(await page.locator('button[data-copy]').isVisible()).toBe(false)
			await screenshot(page, 'download-en-nojs')
		} finally {
			await context.close()
		}
	})
})
