import { beforeEach, describe, expect, it } from 'vitest'
import { DownloadPage } from '../../src/pages/download.tsx'
import {
	type DownloadPageInput,
	forgetRememberedPages,
	PAGE_MEMO_LIMIT,
	type PageView,
	pageKey,
	placeHoldersOf,
	rememberedPageCount,
	renderDownloadPage,
} from '../../src/pages/download-render.tsx'
import { qrSvg } from '../../src/pages/qr.ts'
import { render } from './render.ts'

const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>&amp;.pdf'
const NOW = new Date('2026-12-01T09:00:00Z')

function input(patch: Partial<DownloadPageInput> = {}): DownloadPageInput {
	return {
		lang: 'en',
		fileName: 'quarterly report.pdf',
		size: 1_572_864,
		contentType: 'application/pdf',
		lastModified: new Date('2026-11-20T08:30:00Z'),
		note: 'Here are the numbers.',
		expiresAt: new Date('2026-12-03T12:59:00Z'),
		shareUrl: 'https://share.example.com/abc123',
		downloadUrl: '/abc123/download',
		previewKind: 'pdf',
		previewUrl: '/abc123/preview',
		languageLinks: { en: '/abc123?lang=en', zh: '/abc123?lang=zh' },
		...patch,
	}
}

let views = 0
/** A view as a request makes it: a nonce of its own, a moment of its own. */
function view(minutesLater = 0): PageView {
	views++
	return {
		nonce: btoa(`nonce-${views}-${minutesLater}`.padEnd(16, '.')),
		now: new Date(NOW.getTime() + minutesLater * 60_000),
	}
}

/** The page rendered straight through hono/jsx, nothing remembered. */
function direct(page: DownloadPageInput, at: PageView): Promise<string> {
	return render(<DownloadPage {...page} {...at} qrSvg={qrSvg(page.shareUrl)} />)
}

beforeEach(() => forgetRememberedPages())

describe('renderDownloadPage', () => {
	const cases: [string, Partial<DownloadPageInput>][] = [
		['an English PDF page', {}],
		['a Chinese PDF page', { lang: 'zh' }],
		['a link that does not expire', { expiresAt: null }],
		['a link that has expired', { expiresAt: new Date('2026-11-30T00:00:00Z') }],
		['a limited link', { consumeUrl: '/_/consume/abc123', remainingDownloads: 3, previewKind: 'none' }],
		['a spent link', { consumeUrl: '/_/consume/abc123', remainingDownloads: 0, previewKind: 'none' }],
		['a protected link', { protected: true }],
		['an image', { fileName: 'photo.png', contentType: 'image/png', previewKind: 'image' }],
		[
			'a text preview',
			{
				fileName: 'notes.txt',
				contentType: 'text/plain',
				previewKind: 'text',
				previewText: { text: 'a < b & "c"\n', truncated: true, bytes: 8192 },
			},
		],
		['a hostile name and note', { fileName: HOSTILE, note: HOSTILE }],
		['no last-modified time and no note', { lastModified: undefined, note: undefined }],
		['no language links', { languageLinks: undefined }],
	]

	it.each(cases)('renders %s exactly as hono/jsx does, first view and later ones', async (_name, patch) => {
		const page = input(patch)
		for (const at of [view(), view(1), view(61), view(60 * 24)]) {
			expect(renderDownloadPage(page, at)).toBe(await direct(page, at))
		}
		expect(rememberedPageCount()).toBe(1)
	})

	it('gives every view its own nonce, in the stylesheet and the script', () => {
		const page = input()
		const first = view()
		const second = view()
		const a = renderDownloadPage(page, first)
		const b = renderDownloadPage(page, second)
		expect(a.match(/nonce="[^"]*"/g)).toEqual([`nonce="${first.nonce}"`, `nonce="${first.nonce}"`])
		expect(b.match(/nonce="[^"]*"/g)).toEqual([`nonce="${second.nonce}"`, `nonce="${second.nonce}"`])
		expect(b).not.toContain(first.nonce)
	})

	it('counts down from each view’s own time', () => {
		const page = input()
		expect(renderDownloadPage(page, view())).toContain('2 days 3 hours left')
		const later = renderDownloadPage(page, view(60 * 24 + 30))
		expect(later).toContain('1 day 3 hours left')
		expect(later).toContain(`data-remaining-ms="${(2 * 24 * 60 + 3 * 60 + 59 - 60 * 24 - 30) * 60_000}"`)
	})

	it('never gives one share another’s page: its own name, link and QR code', async () => {
		const a = input()
		const b = input({
			fileName: 'other.pdf',
			shareUrl: 'https://share.example.com/other1',
			downloadUrl: '/other1/download',
			previewUrl: '/other1/preview',
			languageLinks: { en: '/other1?lang=en', zh: '/other1?lang=zh' },
		})
		const at = view()
		const pageA = renderDownloadPage(a, at)
		const pageB = renderDownloadPage(b, at)
		expect(rememberedPageCount()).toBe(2)
		expect(pageB).toBe(await direct(b, at))
		expect(pageB).not.toContain('abc123')
		expect(pageB).toContain(qrSvg('https://share.example.com/other1'))
		expect(renderDownloadPage(a, at)).toBe(pageA)
	})

	it('never gives a share’s page to two shares that differ in nothing but their address', () => {
		const a = input()
		const b = input({ shareUrl: 'https://share.example.com/abc124' })
		expect(pageKey(a)).not.toBe(pageKey(b))
		const at = view()
		renderDownloadPage(a, at)
		expect(renderDownloadPage(b, at)).toContain('value="https://share.example.com/abc124"')
	})

	it('keeps each language’s page apart', async () => {
		const at = view()
		const english = renderDownloadPage(input({ lang: 'en' }), at)
		const chinese = renderDownloadPage(input({ lang: 'zh' }), at)
		expect(rememberedPageCount()).toBe(2)
		expect(english).toContain('<html lang="en">')
		expect(chinese).toContain('<html lang="zh-CN">')
		expect(renderDownloadPage(input({ lang: 'en' }), at)).toBe(english)
		expect(chinese).toBe(await direct(input({ lang: 'zh' }), at))
	})

	it('shows an edited share at once: a new note, size, expiry or count is a new page', async () => {
		const at = view()
		renderDownloadPage(input(), at)
		const edits: Partial<DownloadPageInput>[] = [
			{ note: 'Numbers corrected.' },
			{ size: 1_572_865 },
			{ expiresAt: new Date('2026-12-03T13:00:00Z') },
			{ lastModified: new Date('2026-11-21T08:30:00Z') },
			{ consumeUrl: '/_/consume/abc123', remainingDownloads: 2 },
			{ consumeUrl: '/_/consume/abc123', remainingDownloads: 1 },
		]
		for (const edit of edits) expect(renderDownloadPage(input(edit), at)).toBe(await direct(input(edit), at))
		expect(rememberedPageCount()).toBe(edits.length + 1)
	})

	it('tells apart sizes JSON would write alike', () => {
		const keys = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((size) =>
			pageKey(input({ size })),
		)
		expect(new Set(keys).size).toBe(keys.length)
	})

	it('never takes an invalid date for no date at all', async () => {
		expect(pageKey(input({ expiresAt: new Date(Number.NaN) }))).not.toBe(pageKey(input({ expiresAt: null })))
		renderDownloadPage(input({ expiresAt: null }), view())
		// As rendering it directly does: a page with an unwritable date is an error, never another page.
		expect(() => renderDownloadPage(input({ expiresAt: new Date(Number.NaN) }), view())).toThrow(RangeError)
		await expect(direct(input({ expiresAt: new Date(Number.NaN) }), view())).rejects.toThrow(RangeError)
	})

	it('remembers at most its limit of pages', () => {
		const at = view()
		for (let i = 0; i < PAGE_MEMO_LIMIT + 5; i++) renderDownloadPage(input({ note: `note ${i}` }), at)
		expect(rememberedPageCount()).toBe(PAGE_MEMO_LIMIT)
	})

	it('renders a page whose note spells a place-holder as written, every time', async () => {
		const marks = placeHoldersOf()
		const page = input({ note: `${marks.nonce} ${marks.text} ${marks.ms}`, fileName: `${marks.nonce}.pdf` })
		for (const at of [view(), view(5)]) {
			const html = renderDownloadPage(page, at)
			expect(html).toBe(await direct(page, at))
			expect(html).toContain(`<h1>${marks.nonce}.pdf</h1>`)
			expect(html.match(new RegExp(`nonce="${at.nonce}"`, 'g'))).toHaveLength(2)
		}
	})
})
