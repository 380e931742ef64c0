// Every kind of page in Chromium, as a phone (390 px) and a desktop (1280 px) show it, light
// and dark, in English and Chinese: nothing scrolls sideways, a file name gets at least
// 150 px on a phone, a text preview reads at 4.5:1 or better, no link with a `download`
// attribute (which turns an error into a silent failed download), no serious accessibility
// violation. Then the behaviours: times in the browser's own zone, the countdown turning
// the button off, a limited page counting down after a download, `?pwd=` filling the code,
// the PDF box giving way to a button where there is no viewer. Screenshots of every page
// kind go to artifacts/: look at them.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations } from './axe.ts'
import { screenshot, useBrowser, useSharedPage } from './browser.ts'
import { type PageServer, startPageServer } from './page-server.ts'

const b = useBrowser()
let server: PageServer

beforeAll(async () => {
	server = await startPageServer()
})

afterAll(async () => {
	await server?.close()
})

const KINDS = {
	'download-image': '/s/demo',
	'download-text': '/s/demo?kind=text',
	'download-pdf': '/s/demo?kind=pdf',
	'download-limited': '/s/demo?limited=2',
	folder: '/s/folder/',
	'folder-limited': '/s/folder/?limited=3',
	'folder-empty': '/s/folder/?empty',
	'unlock-code': '/s/unlock?pwd=4x3psk',
	'unlock-password': '/s/unlock?secret=password&wrong',
	upload: '/s/upload',
	error: '/error/zip_too_large?action=folder',
	'error-retry': '/error/too_many_attempts?action=retry',
} as const

const LANGS = ['en', 'zh'] as const
const SCHEMES = ['light', 'dark'] as const
const WIDTHS = [390, 1280] as const
const MATRIX = Object.entries(KINDS).flatMap(([kind, path]) =>
	LANGS.flatMap((lang) =>
		SCHEMES.flatMap((scheme) => WIDTHS.map((width) => ({ kind, path, lang, scheme, width }))),
	),
)

const withLang = (path: string, lang: string) => `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`

/** WCAG contrast of an element's text against the first opaque background behind it. */
function contrastOf(page: Page, selector: string): Promise<number> {
	return page.locator(selector).evaluate((element) => {
		const parse = (value: string) => {
			const [r = 0, g = 0, b = 0, a = 1] = (value.match(/[\d.]+/g) ?? []).map(Number)
			return { rgb: [r, g, b], a }
		}
		const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
			const channel = (c: number) => {
				const v = c / 255
				return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
			}
			return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
		}
		const fg = parse(getComputedStyle(element).color).rgb
		let node: Element | null = element
		let bg = [255, 255, 255]
		while (node) {
			const color = parse(getComputedStyle(node).backgroundColor)
			if (color.a > 0.99) {
				bg = color.rgb
				break
			}
			node = node.parentElement
		}
		const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x)
		return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05)
	})
}

describe('every page kind', () => {
	// The fixture pages keep no state: one page looks at all of them, and a page stays loaded
	// while the scheme and the width change around it (a quarter of the loads and axe
	// injections). Reduced motion, so that no button is caught in its colour transition.
	useSharedPage(b)
	it.each(MATRIX)('$kind in $lang, $scheme, $width px', async ({ kind, path, lang, scheme, width }) => {
		const page = b.page
		await page.setViewportSize({ width, height: 900 })
		await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
		const url = `${server.origin}${withLang(path, lang)}`
		if (page.url() !== url) {
			await page.goto(url)
			await page.waitForLoadState('load')
		}
		const { scrollWidth, clientWidth } = await page.evaluate(() => ({
			scrollWidth: document.documentElement.scrollWidth,
			clientWidth: document.documentElement.clientWidth,
		}))
		expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
		expect(await page.locator('a[download]').count()).toBe(0)
		if (kind.startsWith('folder') && kind !== 'folder-empty') {
			const widths = await page
				.locator('.entries .name')
				.evaluateAll((names) => names.map((name) => name.getBoundingClientRect().width))
			expect(widths.length).toBeGreaterThan(0)
			for (const w of widths) expect(w).toBeGreaterThanOrEqual(150)
		}
		if (kind === 'download-text') {
			expect(await contrastOf(page, '.preview .text pre')).toBeGreaterThanOrEqual(4.5)
			expect(await page.locator('.preview .text pre').textContent()).toContain('<draft>')
		}
		expect(await axeViolations(page)).toEqual([])
		await screenshot(page, `kind-${kind}-${lang}-${scheme}-${width}`)
	})
})

describe('times in the visitor’s zone', () => {
	it.each([
		['Asia/Shanghai', 'zh', '2026年12月10日 14:39'],
		['Asia/Shanghai', 'en', 'Dec 10, 2026, 14:39'],
		['America/New_York', 'en', 'Dec 10, 2026, 01:39'],
		['UTC', 'zh', '2026年12月10日 06:39'],
	] as const)('in %s, %s shows the expiry as "%s"', async (timezoneId, lang, shown) => {
		const context = await b.browser.newContext({ timezoneId, locale: lang === 'zh' ? 'zh-CN' : 'en-US' })
		try {
			const page = await context.newPage()
			await page.goto(`${server.origin}/s/demo?lang=${lang}&expires=2026-12-10T06:39:00Z`)
			const expiry = page.locator('dl.details time[datetime="2026-12-10T06:39:00.000Z"]')
			await expect.poll(() => expiry.textContent()).toBe(shown)
			// The server's UTC words stay as the title.
			expect(await expiry.getAttribute('title')).toContain('UTC')
			const folder = await context.newPage()
			await folder.goto(`${server.origin}/s/folder/?lang=${lang}`)
			await expect.poll(() => folder.locator('.entries time').first().textContent()).not.toContain('UTC')
		} finally {
			await context.close()
		}
	})

	it('keeps the UTC time, marked as such, without JavaScript', async () => {
		const context = await b.browser.newContext({ javaScriptEnabled: false, timezoneId: 'Asia/Shanghai' })
		try {
			const page = await context.newPage()
			await page.goto(`${server.origin}/s/demo?lang=zh&expires=2026-12-10T06:39:00Z`)
			expect(await page.locator('dl.details time').last().textContent()).toBe('2026年12月10日 06:39（UTC）')
		} finally {
			await context.close()
		}
	})
})

describe('buttons that never fail silently', () => {
	it('turns the download button off when the countdown reaches zero, and says why', async () => {
		const page = b.page
		await page.goto(`${server.origin}/s/demo?expires=in:2500`)
		const button = page.locator('.actions .primary')
		expect(await button.getAttribute('href')).toBe('/s/demo/download')
		await expect.poll(() => button.getAttribute('aria-disabled'), { timeout: 10_000 }).toBe('true')
		expect(await button.getAttribute('href')).toBeNull()
		expect(await page.locator('[data-expired-message]').isVisible()).toBe(true)
		expect(await page.locator('.expiry').textContent()).toBe('Expired')
		await screenshot(page, 'behaviour-expired-en-light-1280')
	})

	it('counts a limited page down after its download, and turns the button off at none left', async () => {
		const page = b.page
		await page.setViewportSize({ width: 390, height: 900 })
		await page.goto(`${server.origin}/s/demo?limited=1`)
		const left = page.locator('[data-downloads-left]')
		expect(await left.textContent()).toBe('1 download left')
		// One download left: nothing invites passing the link on.
		expect(await page.locator('#share-link').count()).toBe(0)
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('form button').click()])
		expect(download.suggestedFilename()).toBe('report.bin')
		await expect.poll(() => left.textContent()).toBe('All downloads of this link are used.')
		expect(await page.locator('form button').isDisabled()).toBe(true)
		await screenshot(page, 'behaviour-spent-en-light-390')
	})

	it('counts a limited folder down across its forms', async () => {
		const page = b.page
		await page.goto(`${server.origin}/s/folder/?limited=2`)
		const left = page.locator('[data-downloads-left]')
		expect(await left.textContent()).toBe('2 downloads left')
		await Promise.all([page.waitForEvent('download'), page.locator('.entries form button').first().click()])
		await expect.poll(() => left.textContent()).toBe('1 download left')
		await Promise.all([page.waitForEvent('download'), page.locator('.entries form button').nth(1).click()])
		await expect.poll(() => left.textContent()).toBe('All downloads of this link are used.')
		for (const button of await page.locator('form[data-spends] button').all())
			expect(await button.isDisabled()).toBe(true)
	})

	it('gives a PDF without a viewer a clear button instead of an empty box', async () => {
		const page = b.page
		await page.goto(`${server.origin}/s/demo?kind=pdf`)
		const viewer = await page.evaluate(() => navigator.pdfViewerEnabled)
		const object = page.locator('object[data-pdf]')
		expect(await object.isVisible()).toBe(viewer)
		const button = page.getByRole('link', { name: 'Open PDF' })
		expect(await button.isVisible()).toBe(true)
		const box = await page.locator('.preview').boundingBox()
		if (!viewer) expect(box?.height ?? 0).toBeLessThan(150)
	})
})

describe('the unlock page', () => {
	it('fills the code in from ?pwd=, unmasked and without autocomplete', async () => {
		const page = b.page
		await page.goto(`${server.origin}/s/unlock?pwd=4X3PSK`)
		const field = page.locator('#password')
		expect(await field.inputValue()).toBe('4X3PSK')
		expect(await field.getAttribute('type')).toBe('text')
		expect(await field.getAttribute('autocomplete')).toBe('off')
		expect(await page.getByLabel('Extraction code').count()).toBe(1)
	})

	it('keeps a password masked and fills nothing in', async () => {
		const page = b.page
		await page.goto(`${server.origin}/s/unlock?secret=password&pwd=guess`)
		const field = page.locator('#password')
		expect(await field.getAttribute('type')).toBe('password')
		expect(await field.inputValue()).toBe('')
	})
})
