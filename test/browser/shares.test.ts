// In a real browser: what a person sees when they open a share link. Headless Chromium
// (resolve-chromium.ts) in front of the local stack — the worker under `wrangler dev` and the COS
// emulator that checks every signature with Tencent's SDK. One stack and one browser for
// the file, a fresh browser context per test.
import { readFile } from 'node:fs/promises'
import type { Download, Page, Request, Response } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { readStoredObject, sha256, useE2eStack } from '../e2e/helpers.ts'
import { navigate, screenshot, useBrowser } from './browser.ts'

const e2e = useE2eStack('browser', { seedShares: false, bigObjectBytes: 64 * 1024 })
const b = useBrowser()

const UNICODE_KEY = 'unicode/季度报告 Q3.txt'
const UNICODE_NAME = '季度报告 最终版.txt'

/** The text a person reads on the page (as rendered, hence innerText), whitespace runs collapsed. */
async function visibleText(page: Page): Promise<string> {
	// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
	return (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim()
}

/** The response Chromium received for exactly this URL (a redirect hop or the final answer). */
function responseFor(url: string): Response {
	const found = b.events.responses.find((response) => response.url() === url)
	if (!found)
		throw new Error(`no response for ${url}; saw ${b.events.responses.map((r) => r.url()).join(', ')}`)
	return found
}

async function downloadedBytes(download: Download): Promise<Buffer> {
	return readFile(await download.path())
}

/** Asserts the friendly error page: its status, heading and message, and nothing else. */
async function expectErrorPage(
	response: Response | null,
	status: number,
	heading: string,
	message: string,
	consoleFrom = 0,
): Promise<void> {
	expect(response?.status()).toBe(status)
	const headers = (await response?.allHeaders()) ?? {}
	expect(headers['content-type']).toMatch(/^text\/html/)
	expect(headers['cache-control']).toBe('private, no-store')
	expect(headers['content-security-policy']).toMatch(/default-src 'none'/)
	const page = b.page
	await expect.poll(() => page.title()).toBe(`${heading} · coslink`)
	const h1 = page.getByRole('heading', { level: 1 })
	expect(await h1.textContent()).toBe(heading)
	expect(await h1.isVisible()).toBe(true)
	// Inside the viewport, where a person looks, not scrolled off or hidden behind anything.
	const box = await h1.boundingBox()
	const viewport = page.viewportSize()
	expect(box).not.toBeNull()
	expect(viewport).not.toBeNull()
	if (box && viewport) {
		expect(box.y).toBeGreaterThanOrEqual(0)
		expect(box.y + box.height).toBeLessThanOrEqual(viewport.height)
		expect(box.width).toBeGreaterThan(0)
	}
	const text = await visibleText(page)
	// A plain title, then the sentence: no bare status number as a headline.
	expect(text).toContain(`${heading} ${message}`)
	expect(text).not.toContain(`${status} ${heading}`)
	expect(text).toMatch(/Request ID: [0-9a-f-]{36}/)
	// No JSON, no stack trace, no internals.
	expect(text).not.toMatch(/[{}]|"error"|share_not_found|share_expired|Error\b|\bat \S+ \(|\.tsx?:\d+/)
	expect(() => JSON.parse(text)).toThrow()
	// The page's own CSP allows its inline style: the card is styled, nothing was refused.
	expect(await page.evaluate(() => document.compatMode)).toBe('CSS1Compat')
	expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('16px')
	const radius = await page.locator('.card').evaluate((card) => getComputedStyle(card).borderRadius)
	expect(radius).toBe('16px')
	// Chromium logs every non-2xx document load; anything else would be the page's fault.
	const expectedLog = `error: Failed to load resource: the server responded with a status of ${status} `
	const errors = b.events.console.slice(consoleFrom).filter((line) => line.startsWith('error:'))
	expect(errors.filter((line) => !line.startsWith(expectedLog))).toEqual([])
}

describe('error pages', () => {
	it('an unknown link shows "Link not found" with 404: a page, no JSON, no stack trace', async () => {
		const url = `${e2e.stack.workerUrl}/no-such-share`
		const outcome = await navigate(b.page, url)
		expect(outcome.kind).toBe('rendered')
		if (outcome.kind !== 'rendered') return
		await expectErrorPage(
			outcome.response,
			404,
			'Link not found',
			'There is no share at this address. The link may be incomplete, or the sender cancelled it.',
		)
		await screenshot(b.page, '404-link-not-found')
		expect(b.events.downloads).toEqual([])
	})

	it('an expired link shows "Link expired" with 410', async () => {
		const share = await e2e.stack.createShare({
			key: 'docs/report.pdf',
			id: 'br-expired',
			expiresAt: new Date(Date.now() - 60_000).toISOString(),
		})
		expect(share.status).toBe('expired')
		const outcome = await navigate(b.page, share.url)
		expect(outcome.kind).toBe('rendered')
		if (outcome.kind !== 'rendered') return
		await expectErrorPage(
			outcome.response,
			410,
			'Link expired',
			'This link has expired. Ask the sender for a new one.',
		)
		await screenshot(b.page, '410-expired')
		expect(b.events.downloads).toEqual([])
	})

	it('a revoked link: the image it showed becomes the "Link not found" page on reload', async () => {
		const share = await e2e.stack.createShare({
			key: 'images/logo.png',
			id: 'br-revoked',
			delivery: 'stream',
			disposition: 'inline',
		})
		const before = await navigate(b.page, share.url)
		expect(before.kind).toBe('rendered')
		expect(await b.page.evaluate(() => document.images[0]?.naturalWidth ?? 0)).toBeGreaterThan(0)

		expect(await e2e.stack.deleteShare(share.id)).toBe(204)
		const consoleFrom = b.events.console.length
		const after = await b.page.reload()
		await expectErrorPage(
			after,
			404,
			'Link not found',
			'There is no share at this address. The link may be incomplete, or the sender cancelled it.',
			consoleFrom,
		)
		expect(b.page.url()).toBe(share.url)
		await screenshot(b.page, '404-revoked')
		expect(b.events.downloads).toEqual([])
	})
})

describe('inline content', () => {
	it('a streamed PNG shown inline renders as an image, and nothing is downloaded', async () => {
		const share = await e2e.stack.createShare({
			key: 'images/logo.png',
			id: 'br-logo',
			delivery: 'stream',
			disposition: 'inline',
		})
		const outcome = await navigate(b.page, share.url)
		expect(outcome.kind).toBe('rendered')
		if (outcome.kind !== 'rendered') return
		expect(outcome.response?.status()).toBe(200)
		const headers = (await outcome.response?.allHeaders()) ?? {}
		expect(headers['content-type']).toBe('image/png')
		expect(headers['content-disposition']).toBe('inline; filename="logo.png"')
		expect(headers['content-security-policy']).toMatch(/^sandbox\b/)
		// Chromium's image document: one <img> holding the decoded 16×16 gradient.
		const image = await b.page.evaluate(() => ({
			count: document.images.length,
			width: document.images[0]?.naturalWidth ?? 0,
			height: document.images[0]?.naturalHeight ?? 0,
			complete: document.images[0]?.complete ?? false,
		}))
		expect(image).toEqual({ count: 1, width: 16, height: 16, complete: true })
		const { bytes } = await readStoredObject(e2e.stack.emulatorRoot, 'images/logo.png')
		expect(sha256(await (outcome.response as Response).body())).toBe(sha256(bytes))
		await screenshot(b.page, 'inline-logo')
		expect(b.events.downloads).toEqual([])
	})
})

describe('hostile content never runs on the worker origin', () => {
	it.each([
		{ id: 'br-html', key: 'page.html', contentType: 'text/html', label: 'text/html' },
		{ id: 'br-svg', key: 'image.svg', contentType: 'image/svg+xml', label: 'image/svg+xml' },
		{ id: 'br-svg-origin', key: 'image.svg', contentType: undefined, label: "the origin's own type" },
	])(
		'$key streamed "inline" as $label is downloaded as octet-stream, its script never runs',
		async ({ id, key, contentType }) => {
			const share = await e2e.stack.createShare({
				key,
				id,
				delivery: 'stream',
				disposition: 'inline',
				...(contentType === undefined ? {} : { contentType }),
			})
			const outcome = await navigate(b.page, share.url)
			if (outcome.kind === 'rendered') {
				const type = (await outcome.response?.allHeaders())?.['content-type']
				throw new Error(`Chromium rendered ${key} (${type}) instead of downloading it`)
			}
			// Either way Chromium reports it, the document was never committed.
			if (outcome.gotoError !== undefined)
				expect(outcome.gotoError).toMatch(/Download is starting|ERR_ABORTED/)
			expect(b.page.url()).toBe('about:blank')
			expect(await b.page.content()).not.toContain('alert')

			const headers = await responseFor(share.url).allHeaders()
			expect(headers['content-type']).toBe('application/octet-stream')
			expect(headers['content-disposition']).toBe(`attachment; filename="${key}"`)
			expect(headers['content-security-policy']).toMatch(/^sandbox\b/)
			expect(headers['x-content-type-options']).toBe('nosniff')

			expect(outcome.download.suggestedFilename()).toBe(key)
			const { bytes } = await readStoredObject(e2e.stack.emulatorRoot, key)
			expect(bytes.toString('utf8')).toContain('<script>alert(document.domain)</script>')
			const saved = await downloadedBytes(outcome.download)
			expect(saved.equals(bytes)).toBe(true)
			expect(b.events.dialogs).toEqual([])
			expect(b.events.pageErrors).toEqual([])
		},
	)
})

describe('downloads', () => {
	it('a redirect share follows the 302 to the emulator and saves report.pdf, byte for byte', async () => {
		const share = await e2e.stack.createShare({
			key: 'docs/report.pdf',
			id: 'br-report',
			delivery: 'redirect',
		})
		const outcome = await navigate(b.page, share.url)
		expect(outcome.kind).toBe('download')
		if (outcome.kind !== 'download') return

		const hop = responseFor(share.url)
		expect(hop.status()).toBe(302)
		const hopHeaders = await hop.allHeaders()
		expect(hopHeaders['referrer-policy']).toBe('no-referrer')
		expect(hopHeaders['cache-control']).toBe('private, no-store')
		const location = hopHeaders.location ?? ''
		expect(location.startsWith(`${e2e.stack.emulatorUrl}/docs/report.pdf?`)).toBe(true)

		// The emulator answered the signed URL with the disposition the worker signed into it.
		const final = responseFor(location)
		expect(final.status()).toBe(200)
		expect(final.request().redirectedFrom()?.url()).toBe(share.url)
		const finalHeaders = await final.allHeaders()
		expect(finalHeaders['content-disposition']).toBe('attachment; filename="report.pdf"')
		expect(finalHeaders['content-type']).toBe('application/pdf')

		expect(outcome.download.url()).toBe(location)
		expect(outcome.download.suggestedFilename()).toBe('report.pdf')
		const { bytes } = await readStoredObject(e2e.stack.emulatorRoot, 'docs/report.pdf')
		expect(sha256(await downloadedBytes(outcome.download))).toBe(sha256(bytes))
	})

	it('a unicode filename reaches the browser intact through filename*', async () => {
		const share = await e2e.stack.createShare({
			key: UNICODE_KEY,
			id: 'br-unicode',
			delivery: 'stream',
			filename: UNICODE_NAME,
		})
		const outcome = await navigate(b.page, share.url)
		expect(outcome.kind).toBe('download')
		if (outcome.kind !== 'download') return
		const disposition = (await responseFor(share.url).allHeaders())['content-disposition']
		expect(disposition).toBe(
			`attachment; filename="____ ___.txt"; filename*=UTF-8''${encodeURIComponent(UNICODE_NAME)}`,
		)
		expect(outcome.download.suggestedFilename()).toBe(UNICODE_NAME)
		const { bytes } = await readStoredObject(e2e.stack.emulatorRoot, UNICODE_KEY)
		expect((await downloadedBytes(outcome.download)).equals(bytes)).toBe(true)
	})

	it("the 302's Referrer-Policy keeps the linking page out of the signed request to storage", async () => {
		const share = await e2e.stack.createShare({
			key: 'docs/report.pdf',
			id: 'br-referrer',
			delivery: 'redirect',
		})
		// A page elsewhere that links to the share and asks for its full URL to be sent along
		// (Chromium's own default would send its origin): only the 302's header can stop it.
		const pageUrl = 'http://links.example/shared-with-you?token=visible-to-the-worker'
		await b.page.route(pageUrl, (route) =>
			route.fulfill({
				status: 200,
				headers: { 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'unsafe-url' },
				body: `<!doctype html><title>links</title><a id="go" href="${share.url}">the report</a>`,
			}),
		)
		const requests: Request[] = []
		b.page.on('request', (request) => requests.push(request))
		await b.page.goto(pageUrl)
		const download = b.page.waitForEvent('download', { timeout: 15_000 })
		await b.page.click('#go')
		const saved = await download

		const toWorker = requests.find((request) => request.url() === share.url)
		const toStorage = requests.find((request) => request.url().startsWith(`${e2e.stack.emulatorUrl}/`))
		expect(toWorker).toBeDefined()
		expect(toStorage).toBeDefined()
		if (!toWorker || !toStorage) return
		expect(toStorage.redirectedFrom()).toBe(toWorker)
		// The worker is sent the linking page (the page's own policy at work)…
		expect((await toWorker.allHeaders()).referer).toBe(pageUrl)
		// …storage is not: the 302 said no-referrer.
		expect((await toStorage.allHeaders()).referer).toBeUndefined()
		expect(saved.url()).toBe(toStorage.url())
		expect(saved.suggestedFilename()).toBe('report.pdf')
	})
})
