import { describe, expect, it } from 'vitest'
import { DownloadPage, type DownloadPageProps } from '../../src/pages/download.tsx'
import { qrSvg } from '../../src/pages/qr.ts'
import { render } from './render.ts'

const nonce = 'bm9uY2Utbm9uY2Utbm9uY2U='
const now = new Date('2026-12-01T09:00:00Z')
const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>.pdf'

function props(patch: Partial<DownloadPageProps> = {}): DownloadPageProps {
	return {
		lang: 'en',
		nonce,
		fileName: 'quarterly report.pdf',
		size: 1_572_864,
		contentType: 'application/pdf',
		lastModified: new Date('2026-11-20T08:30:00Z'),
		note: 'Here are the numbers.',
		expiresAt: new Date('2026-12-03T12:59:00Z'),
		now,
		shareUrl: 'https://share.example.com/abc123',
		downloadUrl: '/abc123/download',
		previewKind: 'pdf',
		previewUrl: '/abc123/preview',
		qrSvg: qrSvg('https://share.example.com/abc123'),
		...patch,
	}
}

const page = (patch: Partial<DownloadPageProps> = {}) => render(<DownloadPage {...props(patch)} />)

describe('DownloadPage', () => {
	it('starts with the doctype and the language of the page', async () => {
		expect((await page()).startsWith('<!DOCTYPE html><html lang="en">')).toBe(true)
		expect((await page({ lang: 'zh' })).startsWith('<!DOCTYPE html><html lang="zh-CN">')).toBe(true)
	})

	it('names the file in the title and the heading', async () => {
		const html = await page()
		expect(html).toContain('<title>quarterly report.pdf · coslink</title>')
		expect(html).toContain('<h1>quarterly report.pdf</h1>')
	})

	it('gives the size in human units and in exact bytes', async () => {
		const html = await page()
		expect(html).toContain('1.5 MB')
		expect(html).toContain('1,572,864 bytes')
		expect(await page({ lang: 'zh' })).toContain('1,572,864 字节')
	})

	it('gives a size under 1 KiB once, not as "460 bytes (460 bytes)"', async () => {
		const html = await page({ size: 460 })
		expect(html).toContain('460 bytes')
		expect(html).not.toContain('(460 bytes)')
	})

	it('shows the type and the last-modified time', async () => {
		const html = await page()
		expect(html).toContain('<dd>application/pdf</dd>')
		expect(html).toContain('<time datetime="2026-11-20T08:30:00.000Z">Nov 20, 2026, 08:30 UTC</time>')
	})

	it('gives the expiry as a machine-readable time and the remaining time, in English', async () => {
		const html = await page()
		expect(html).toContain('<time datetime="2026-12-03T12:59:00.000Z">')
		expect(html).toMatch(/data-remaining-ms="187140000"[^>]*>2 days 3 hours left</)
	})

	it('gives the remaining time in Chinese', async () => {
		expect(await page({ lang: 'zh' })).toContain('>剩余 2 天 3 小时<')
	})

	it.each([
		['en', 'No expiry', 'This link does not expire.'],
		['zh', '永不过期', '此链接永不过期。'],
	] as const)('in %s, says a link without expiry does not expire', async (lang, short, long) => {
		const html = await page({ lang, expiresAt: null })
		expect(html).toContain(short)
		expect(html).toContain(long)
		expect(html).not.toContain('data-remaining-ms="')
	})

	it('has a download button and a copy field that works without script', async () => {
		const html = await page()
		expect(html).toMatch(/<a class="btn primary" href="\/abc123\/download" download="quarterly report.pdf">/)
		expect(html).toContain(
			'<input id="share-link" type="url" readonly="" value="https://share.example.com/abc123"/>',
		)
		expect(html).toMatch(/<button[^>]*data-copy="share-link"[^>]*hidden=""/)
	})

	it('inlines the QR code as SVG and requests no image for it', async () => {
		const html = await page()
		expect(html).toContain(props().qrSvg)
		expect(html).not.toMatch(/<img[^>]*qr/i)
	})

	it('carries link-card tags: title, size and expiry, URL', async () => {
		const html = await page()
		expect(html).toContain('<meta property="og:title" content="quarterly report.pdf"/>')
		expect(html).toContain('<meta property="og:url" content="https://share.example.com/abc123"/>')
		expect(html).toContain(
			'<meta property="og:description" content="1.5 MB · expires Dec 3, 2026, 12:59 UTC"/>',
		)
		expect(html).toContain('<meta name="twitter:card" content="summary"/>')
		expect(html).toContain('<meta name="twitter:title" content="quarterly report.pdf"/>')
	})

	it('says "no expiry" in the link card of a link without one', async () => {
		expect(await page({ lang: 'zh', expiresAt: undefined })).toContain(
			'<meta property="og:description" content="1.5 MB · 永不过期"/>',
		)
	})

	describe('with a hostile file name and note', () => {
		const hostile = () => page({ fileName: HOSTILE, note: `</p>${HOSTILE}`, previewKind: 'image' })

		it('never lets them become markup', async () => {
			const html = await hostile()
			expect(html).not.toContain('<script>alert')
			expect(html).not.toContain('<img src=x')
			// outside quoted attribute values, where an escaped "onerror=" is only text
			const tags = html.replace(/"[^"]*"/g, '""').match(/<[^>]*>/g) ?? []
			expect(tags.filter((tag) => /\sonerror=/i.test(tag))).toEqual([])
		})

		it('escapes them in the title, the heading, the note, the meta tags and the image alt', async () => {
			const html = await hostile()
			const escaped = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;.pdf'
			expect(html).toContain(`<title>${escaped} · coslink</title>`)
			expect(html).toContain(`<h1>${escaped}</h1>`)
			expect(html).toContain(`&lt;/p&gt;${escaped}`)
			expect(html).toContain(`<meta property="og:title" content="${escaped}"/>`)
			expect(html).toContain(`<meta name="twitter:title" content="${escaped}"/>`)
			expect(html).toContain(`alt="${escaped}"`)
		})

		it('escapes a hostile share URL in the copy field, og:url, and keeps it out of the QR markup', async () => {
			const url = 'https://x.example/"><script>alert(3)</script>'
			const html = await page({ shareUrl: url, qrSvg: qrSvg(url) })
			expect(html).not.toContain('<script>alert(3)')
			expect(html).toContain('content="https://x.example/&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"')
			expect(qrSvg(url)).not.toContain('x.example')
		})
	})

	describe('preview', () => {
		it.each([
			['image', /<img src="\/abc123\/preview" alt="quarterly report.pdf"/],
			['video', /<video src="\/abc123\/preview" controls=""/],
			['audio', /<audio src="\/abc123\/preview" controls=""/],
			['pdf', /<object data="\/abc123\/preview" type="application\/pdf"/],
			['text', /<object data="\/abc123\/preview" type="text\/plain"/],
		] as const)('embeds a %s preview pointing at the preview URL', async (previewKind, element) => {
			expect(await page({ previewKind })).toMatch(element)
		})

		it('has no preview section for other types', async () => {
			const html = await page({ previewKind: 'none' })
			expect(html).not.toContain('/abc123/preview')
			expect(html).not.toContain('class="preview"')
		})
	})

	describe('script and styles', () => {
		it('puts the response nonce on its one script and its one stylesheet', async () => {
			const html = await page()
			expect(html.match(/<script/g)).toHaveLength(1)
			expect(html).toContain(`<script nonce="${nonce}">`)
			expect(html.match(/<style/g)).toHaveLength(1)
			expect(html).toContain(`<style nonce="${nonce}">`)
		})

		it('uses no inline style or event-handler attributes the CSP would block', async () => {
			const html = await page()
			expect(html).not.toMatch(/\sstyle="/)
			expect(html).not.toMatch(/\son[a-z]+="/)
		})

		it('sends the countdown words escaped inside an attribute', async () => {
			const html = await page({ lang: 'zh' })
			expect(html).toContain('data-words="{&quot;template&quot;:&quot;剩余 {time}&quot;')
		})
	})
})
