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

	it('gives the size once, in human units, with the type in words', async () => {
		const html = await page()
		// Once on the page (the head's link card has it too).
		expect(html.slice(html.indexOf('<body>')).match(/1\.5 MB/g)).toHaveLength(1)
		expect(html).toContain('<p class="sub">1.5 MB · PDF document</p>')
		expect(await page({ lang: 'zh' })).toContain('<p class="sub">1.5 MB · PDF 文档</p>')
		expect(await page({ size: 460 })).toContain('<p class="sub">460 B · PDF document</p>')
	})

	it.each([
		['photo.JPG', 'image/jpeg', 'en', 'JPG image'],
		['clip.mp4', 'video/mp4', 'zh', 'MP4 视频'],
		['notes.txt', 'text/plain; charset=utf-8', 'en', 'Text file'],
		['notes.txt', 'text/plain; charset=utf-8', 'zh', '文本文件'],
		['bundle.zip', 'application/zip', 'en', 'ZIP archive'],
		['key.gpg', undefined, 'en', 'GPG file'],
		['README', undefined, 'zh', '文件'],
	] as const)(
		'names %s (%s) in %s as "%s", never by its raw media type',
		async (fileName, contentType, lang, words) => {
			const html = await page({ fileName, contentType, lang })
			expect(html).toContain(` · ${words}</p>`)
			expect(html).not.toContain('charset=utf-8')
		},
	)

	it('shows the last-modified time in UTC for the script to put in the visitor’s zone', async () => {
		const html = await page()
		expect(html).toContain('<time datetime="2026-11-20T08:30:00.000Z">Nov 20, 2026, 08:30 UTC</time>')
		expect(await page({ lang: 'zh' })).toContain(
			'<time datetime="2026-11-20T08:30:00.000Z">2026年11月20日 08:30（UTC）</time>',
		)
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
		['zh', '永久有效', '此链接永久有效。'],
	] as const)('in %s, says a link without expiry does not expire', async (lang, short, long) => {
		const html = await page({ lang, expiresAt: null })
		expect(html).toContain(short)
		expect(html).toContain(long)
		expect(html).not.toContain('data-remaining-ms="')
	})

	it('has a download button and a copy field that works without script', async () => {
		const html = await page()
		// A plain link: were it refused, the browser shows the page that says why.
		expect(html).toMatch(/<a class="btn primary" href="\/abc123\/download" data-until-expiry="true">/)
		expect(html).not.toContain(' download=')
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
			'<meta property="og:description" content="1.5 MB · 永久有效"/>',
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
			['text', /<a class="btn secondary" href="\/abc123\/preview">Open the whole text<\/a>/],
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

	describe('text and PDF previews', () => {
		it('renders the start of a text file in the page, escaped, in a <pre> that follows the scheme', async () => {
			const html = await page({
				previewKind: 'text',
				previewText: { text: '<script>alert(1)</script>\n第二行 & more', truncated: false, bytes: 40 },
			})
			expect(html).toContain('<pre>&lt;script&gt;alert(1)&lt;/script&gt;\n第二行 &amp; more</pre>')
			expect(html).not.toContain('<object')
			expect(html).not.toContain('The first')
		})

		it('says how much of a longer text it shows, and links to the rest', async () => {
			const html = await page({
				previewKind: 'text',
				previewText: { text: 'a', truncated: true, bytes: 8192 },
			})
			expect(html).toContain('The first 8 kB are shown. <a href="/abc123/preview">Open the whole text</a>')
		})

		it('gives a PDF an "Open PDF" button, and its viewer box only for the script to show', async () => {
			const html = await page({ previewKind: 'pdf' })
			expect(html).toMatch(
				/<object data="\/abc123\/preview" type="application\/pdf"[^>]*data-pdf="true"[^>]*hidden=""/,
			)
			expect(html).toContain(
				'<a class="btn secondary" href="/abc123/preview" target="_blank" rel="noopener">Open PDF</a>',
			)
		})
	})

	describe('link cards', () => {
		it('shows an unrestricted image share’s own preview as og:image', async () => {
			const html = await page({ previewKind: 'image' })
			expect(html).toContain('<meta property="og:image" content="https://share.example.com/abc123/preview"/>')
			expect(html).toContain(
				'<meta name="twitter:image" content="https://share.example.com/abc123/preview"/>',
			)
		})

		it('shows the site’s card for anything else', async () => {
			const html = await page({ previewKind: 'pdf' })
			expect(html).toContain('<meta property="og:image" content="https://share.example.com/_/card.png"/>')
		})

		it.each([
			['protected', { protected: true }, 'A protected link from coslink'],
			[
				'limited',
				{ consumeUrl: '/_/consume/abc123', remainingDownloads: 3, previewKind: 'none' },
				'A limited link from coslink',
			],
		] as const)('says of a %s share only that it is one, from this site', async (_kind, patch, title) => {
			const html = await page({ ...patch, note: 'secret note' })
			// What a card is made of: the meta tags (the tab's <title> is the page's own).
			const head = (html.match(/<meta [^>]*>/g) ?? []).join('\n')
			expect(head).toContain(`<meta property="og:title" content="${title}"/>`)
			expect(head).toContain('<meta property="og:image" content="https://share.example.com/_/card.png"/>')
			expect(head).not.toContain('quarterly report')
			expect(head).not.toContain('1.5 MB')
			expect(head).not.toContain('secret note')
		})
	})

	describe('a limited share', () => {
		const limited = (patch: Partial<DownloadPageProps> = {}) =>
			page({ consumeUrl: '/_/consume/abc123', remainingDownloads: 3, previewKind: 'none', ...patch })

		it('spends by a form the script counts down, under a notice that says what is left', async () => {
			const html = await limited()
			expect(html).toContain(
				'<form class="actions" method="post" action="/_/consume/abc123" data-spends="true">',
			)
			expect(html).toMatch(/<strong data-downloads-left="3" data-words="[^"]+">3 downloads left<\/strong>/)
			expect(html).toContain('id="share-link"')
		})

		it('offers no copy field or QR code on its last download', async () => {
			const html = await limited({ remainingDownloads: 1 })
			expect(html).toContain('1 download left')
			expect(html).not.toContain('id="share-link"')
			expect(html).not.toContain('class="qr"')
			expect(html).not.toContain('Forwarding this link')
		})

		it('turns its button off when none is left', async () => {
			const html = await limited({ remainingDownloads: 0 })
			expect(html).toContain('All downloads of this link are used.')
			expect(html).toMatch(/<button class="btn primary" type="submit" data-until-expiry="true" disabled="">/)
		})
	})

	it('has an expired message for the script to show at the end of the countdown', async () => {
		expect(await page()).toContain(
			'<p class="problem" role="status" data-expired-message="true" hidden="">This link has expired. Ask the sender for a new one.</p>',
		)
	})
})
