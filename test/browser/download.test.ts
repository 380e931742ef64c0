// The download page of a real share, in Chromium against the local stack (the worker under
// `wrangler dev`, the COS emulator checking every signature): both languages and colour
// schemes at a phone and a desktop width, the download button's bytes, an image preview,
// a video preview that seeks, no JavaScript, no request leaving the origin, no console
// error, no serious accessibility violation. Screenshots go to artifacts/: look at them.
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { readStoredObject, type ShareBody, sha256, useE2eStack } from '../e2e/helpers.ts'
import { type EncodedFrame, webmVideo } from '../emulator/samples.ts'
import { putObject } from '../emulator/store.ts'
import { axeViolations } from './axe.ts'
import { screenshot, useBrowser } from './browser.ts'

const e2e = useE2eStack('download-page', { seedShares: false })
const b = useBrowser()

type PageShareBody = ShareBody & { page: boolean }

const NOTE = 'Final figures for Q3 — 第三季度最终数据。'
const ids = { pdf: '', image: '', plain: '' }

beforeAll(async () => {
	const share = (body: PageShareBody) => e2e.stack.createShare(body)
	ids.pdf = (
		await share({
			key: 'docs/report.pdf',
			filename: 'Q3 report.pdf',
			page: true,
			note: NOTE,
			expiresIn: 2 * 86400 + 3 * 3600 + 120,
		})
	).id
	ids.image = (await share({ key: 'images/logo.png', page: true })).id
	ids.plain = (await share({ key: 'unicode/季度报告 Q3.txt', page: true, delivery: 'stream' })).id
})

/** Every request the page makes, to check none leaves the worker's origin. */
function recordRequests(page: Page): string[] {
	const urls: string[] = []
	page.on('request', (request) => urls.push(request.url()))
	return urls
}

/**
 * Network requests to anywhere but the worker. Chromium's own PDF viewer loads chrome:// and
 * chrome-extension:// resources from inside the browser, and data: URLs never leave it.
 */
function outsideOrigin(urls: string[]): string[] {
	const origin = new URL(e2e.stack.workerUrl).origin
	return urls.filter((url) => /^(https?|wss?):/.test(url) && new URL(url).origin !== origin)
}
const consoleErrors = () => b.events.console.filter((line) => line.startsWith('error:'))

const MATRIX = (['en', 'zh'] as const).flatMap((lang) =>
	(['light', 'dark'] as const).flatMap((scheme) => [390, 1280].map((width) => ({ lang, scheme, width }))),
)

describe('the download page of a PDF share', () => {
	it.each(MATRIX)(
		'in $lang, $scheme, $width px: the file, its expiry, the QR code; accessible, nothing from elsewhere',
		async ({ lang, scheme, width }) => {
			const page = b.page
			const requests = recordRequests(page)
			await page.setViewportSize({ width, height: 900 })
			await page.emulateMedia({ colorScheme: scheme })
			const response = await page.goto(`${e2e.stack.link(ids.pdf)}?lang=${lang}`)
			expect(response?.status()).toBe(200)
			expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en')
			expect(await page.locator('h1').textContent()).toBe('Q3 report.pdf')
			expect(await page.locator('.note').textContent()).toContain(NOTE)
			expect(await page.locator('[data-remaining-ms]').textContent()).toMatch(
				lang === 'zh' ? /^剩余 ?2 ?天 ?3 ?小时$|2 ?天 ?3 ?小时/ : /^2 days 3 hours left$/,
			)
			expect(await page.locator('.qr svg').count()).toBe(1)
			// Let Chromium's PDF viewer draw the preview before the screenshot.
			await page.waitForLoadState('networkidle')
			await page.waitForTimeout(500)
			const scroll = await page.evaluate(() => document.documentElement.scrollWidth)
			expect(scroll).toBeLessThanOrEqual(width)
			await screenshot(page, `download-page-pdf-${lang}-${scheme}-${width}`)
			expect(outsideOrigin(requests)).toEqual([])
			expect(await axeViolations(page)).toEqual([])
			expect(consoleErrors()).toEqual([])
		},
	)

	it('downloads exactly the stored object from its download button', async () => {
		const page = b.page
		await page.goto(e2e.stack.link(ids.pdf))
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.primary').click()])
		const bytes = await readFile(await download.path())
		const stored = await readStoredObject(e2e.stack.emulatorRoot, 'docs/report.pdf')
		expect(sha256(bytes)).toBe(sha256(stored.bytes))
		expect(download.suggestedFilename()).toBe('Q3 report.pdf')
	})

	it('still shows the remaining time with JavaScript disabled', async () => {
		const context = await b.browser.newContext({ javaScriptEnabled: false, locale: 'en-US' })
		try {
			const page = await context.newPage()
			await page.goto(e2e.stack.link(ids.pdf))
			expect(await page.locator('.expiry').textContent()).toBe('2 days 3 hours left')
			expect(await page.locator('time').last().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/)
			await screenshot(page, 'download-page-pdf-nojs')
		} finally {
			await context.close()
		}
	})

	it('gives curl the file, not the page', async () => {
		const res = await fetch(e2e.stack.link(ids.pdf), {
			redirect: 'manual',
			headers: { 'user-agent': 'curl/8' },
		})
		expect(res.status).toBe(302)
	})
})

describe('previews', () => {
	it('renders an image preview', async () => {
		const page = b.page
		const requests = recordRequests(page)
		await page.goto(e2e.stack.link(ids.image))
		const width = await page.locator('.preview img').evaluate(async (img: HTMLImageElement) => {
			await img.decode()
			return img.naturalWidth
		})
		expect(width).toBeGreaterThan(0)
		await screenshot(page, 'download-page-image')
		expect(outsideOrigin(requests)).toEqual([])
		expect(consoleErrors()).toEqual([])
	})

	it('shows a plain-text file’s start in the page itself, read from the stored object', async () => {
		const page = b.page
		const requests = recordRequests(page)
		await page.goto(`${e2e.stack.link(ids.plain)}?lang=zh`)
		const stored = (await readStoredObject(e2e.stack.emulatorRoot, 'unicode/季度报告 Q3.txt')).bytes.toString(
			'utf8',
		)
		expect(await page.locator('.preview .text pre').textContent()).toBe(stored)
		await screenshot(page, 'download-page-text-zh')
		expect(outsideOrigin(requests)).toEqual([])
		expect(consoleErrors()).toEqual([])
		expect(await axeViolations(page)).toEqual([])
	})
})

const VIDEO = { width: 320, height: 240, fps: 10, seconds: 20 }

/**
 * VP8 frames from Chromium's own WebCodecs encoder (no encoder exists in Node, and no video
 * binary lives in the repo): a colour that changes every frame and the frame number, so
 * the file is large enough that a late seek needs bytes not loaded yet.
 */
async function encodeFrames(page: Page): Promise<EncodedFrame[]> {
	// A page of the worker's origin: http://127.0.0.1 is a secure context, as WebCodecs needs.
	await page.goto(`${e2e.stack.workerUrl}/robots.txt`)
	const frames = await page.evaluate(async ({ width, height, fps, seconds }) => {
		const out: { timestamp: number; key: boolean; data: string }[] = []
		let failure: unknown
		const encoder = new VideoEncoder({
			output: (chunk) => {
				const bytes = new Uint8Array(chunk.byteLength)
				chunk.copyTo(bytes)
				let binary = ''
				for (const byte of bytes) binary += String.fromCharCode(byte)
				out.push({ timestamp: chunk.timestamp, key: chunk.type === 'key', data: btoa(binary) })
			},
			error: (error) => {
				failure = error
			},
		})
		encoder.configure({ codec: 'vp8', width, height, bitrate: 1_000_000, framerate: fps })
		const canvas = new OffscreenCanvas(width, height)
		const context = canvas.getContext('2d')
		if (!context) throw new Error('no 2d context')
		for (let i = 0; i < fps * seconds; i++) {
			context.fillStyle = `hsl(${(i * 17) % 360} 70% 45%)`
			context.fillRect(0, 0, width, height)
			for (let n = 0; n < 400; n++) {
				context.fillStyle = `hsl(${(n * 37 + i * 11) % 360} 80% ${30 + ((n * i) % 50)}%)`
				context.fillRect((n * 53 + i * 7) % width, (n * 29 + i * 3) % height, 6, 6)
			}
			context.fillStyle = '#fff'
			context.font = 'bold 64px sans-serif'
			context.fillText(String(i), 24, 150)
			const frame = new VideoFrame(canvas, { timestamp: (i * 1_000_000) / fps, duration: 1_000_000 / fps })
			encoder.encode(frame, { keyFrame: i % fps === 0 })
			frame.close()
		}
		await encoder.flush()
		if (failure) throw failure
		return out
	}, VIDEO)
	return frames.map((frame) => ({ ...frame, data: Buffer.from(frame.data, 'base64') }))
}

describe('a video preview', () => {
	it('plays from the page and seeks with Range requests answered 206', async () => {
		const page = b.page
		const video = webmVideo(VIDEO.width, VIDEO.height, await encodeFrames(page))
		await putObject(e2e.stack.emulatorRoot, 'media/clip.webm', video, 'video/webm')
		const share = await e2e.stack.createShare({ key: 'media/clip.webm', page: true } as PageShareBody)
		const requests = recordRequests(page)
		await page.goto(e2e.stack.link(share.id))
		const element = page.locator('.preview video')
		await expect
			.poll(() => element.evaluate((media: HTMLVideoElement) => media.readyState), { timeout: 10_000 })
			.toBeGreaterThanOrEqual(1)
		expect(await element.evaluate((media: HTMLVideoElement) => media.duration)).toBeCloseTo(VIDEO.seconds, 0)
		const before = b.events.responses.length
		await element.evaluate((media: HTMLVideoElement) => {
			media.currentTime = 17
		})
		await expect
			.poll(
				() =>
					element.evaluate(
						(media: HTMLVideoElement) => !media.seeking && media.readyState >= 2 && media.currentTime >= 17,
					),
				{ timeout: 15_000 },
			)
			.toBe(true)
		expect(await element.evaluate((media: HTMLVideoElement) => media.error)).toBeNull()
		await screenshot(page, 'download-page-video')
		const isPreview = (response: { url(): string }) => response.url().endsWith(`/${share.id}/preview`)
		const previews = b.events.responses.filter(isPreview)
		// The seek itself asked for bytes not loaded yet, and every answer was a 206.
		expect(b.events.responses.slice(before).filter(isPreview).length).toBeGreaterThan(0)
		expect(previews.map((response) => response.status())).toEqual(previews.map(() => 206))
		expect(outsideOrigin(requests)).toEqual([])
		expect(consoleErrors()).toEqual([])
	}, 60_000)
})
