import { describe, expect, it } from 'vitest'
import { FolderPage, type FolderPageProps, formatSpan } from '../../src/pages/folder.tsx'
import { render } from './render.ts'

const LIMITS = {
	consumeUrl: '/_/consume/fold1',
	remainingDownloads: 2,
	expiresAfterFirstDownload: undefined,
	expiresAt: undefined,
}

function props(patch: Partial<FolderPageProps> = {}): FolderPageProps {
	return {
		lang: 'en',
		nonce: 'bm9uY2U=',
		rootName: 'docs',
		crumbs: [
			{ name: 'docs', href: '/fold1/' },
			{ name: '照片', href: '/fold1/%E7%85%A7%E7%89%87/' },
		],
		path: '照片/',
		folders: [{ name: 'deeper', href: '/fold1/%E7%85%A7%E7%89%87/deeper/' }],
		files: [
			{
				name: 'a "b" <c>.txt',
				href: '/fold1/%E7%85%A7%E7%89%87/a%20%22b%22%20%3Cc%3E.txt',
				path: '照片/a "b" <c>.txt',
				size: 2048,
				lastModified: new Date('2026-01-02T03:04:05Z'),
			},
			{
				name: 'two.txt',
				href: '/fold1/%E7%85%A7%E7%89%87/two.txt',
				path: '照片/two.txt',
				size: 3,
				lastModified: undefined,
			},
		],
		zipUrl: '/_/zip/fold1/%E7%85%A7%E7%89%87/',
		recursiveZipUrl: '/_/zip/fold1/%E7%85%A7%E7%89%87/?recursive=1',
		nextUrl: undefined,
		...patch,
	}
}

const page = (patch: Partial<FolderPageProps> = {}) => render(<FolderPage {...props(patch)} />)

/** Every <form>…</form> of the page. */
const formsOf = (html: string) => html.match(/<form\b[\s\S]*?<\/form>/g) ?? []

describe('FolderPage of an unlimited share', () => {
	it('links each file and both zips, with no forms', async () => {
		const html = await page()
		expect(formsOf(html)).toEqual([])
		// Plain links, no download attribute: a refused one shows the page that says why.
		expect(html).toContain('href="/fold1/%E7%85%A7%E7%89%87/two.txt" data-until-expiry="true"')
		expect(html).toContain(
			'<a class="btn primary" href="/_/zip/fold1/%E7%85%A7%E7%89%87/" data-until-expiry="true">',
		)
		expect(html).not.toContain('download=')
		expect(html).toContain('href="/_/zip/fold1/%E7%85%A7%E7%89%87/?recursive=1"')
		expect(html).not.toContain('class="limits"')
	})
})

describe('FolderPage of a limited share', () => {
	it('posts each file to /_/consume with its path from the share root, and links no file', async () => {
		const html = await page({ limits: LIMITS })
		const forms = formsOf(html)
		// The zip form, then one per file.
		expect(forms).toHaveLength(3)
		for (const form of forms) expect(form).toContain('method="post" action="/_/consume/fold1"')
		expect(forms[1]).toContain(
			'<input type="hidden" name="path" value="照片/a &quot;b&quot; &lt;c&gt;.txt"/>',
		)
		expect(forms[1]).toContain(
			'<button class="name" type="submit" data-until-expiry="true" aria-label="Download a &quot;b&quot; &lt;c&gt;.txt">',
		)
		expect(forms[2]).toContain('<input type="hidden" name="path" value="照片/two.txt"/>')
		expect(forms[2]).not.toContain('name="zip"')
		expect(html).not.toContain('/fold1/%E7%85%A7%E7%89%87/two.txt')
		expect(html).not.toContain('download=')
		expect(html).not.toContain('/_/zip/')
	})

	it('zips the level with zip=1, and with sub-folders only by the button that adds recursive=1', async () => {
		const [zip = ''] = formsOf(await page({ limits: LIMITS }))
		expect(zip).toContain(
			'<form class="actions zip" method="post" action="/_/consume/fold1" data-spends="true">',
		)
		expect(zip).toContain('<input type="hidden" name="path" value="照片/"/>')
		expect(zip).toContain('<input type="hidden" name="zip" value="1"/>')
		expect(zip).not.toMatch(/<input[^>]*name="recursive"/)
		expect(zip).toContain(
			'<button class="btn primary" type="submit" data-until-expiry="true">Download this folder (zip)</button>',
		)
		expect(zip).toContain(
			'<button class="btn secondary" type="submit" name="recursive" value="1" data-until-expiry="true">Download with sub-folders</button>',
		)
	})

	it('names the level at the root as the empty path', async () => {
		const [zip = ''] = formsOf(
			await page({ limits: LIMITS, path: '', crumbs: [{ name: 'docs', href: '/fold1/' }] }),
		)
		expect(zip).toContain('<input type="hidden" name="path" value=""/>')
	})

	it('says how many downloads are left, in each language', async () => {
		// The count carries what the page script needs to keep it true after a download.
		expect(await page({ limits: LIMITS })).toMatch(
			/<strong data-downloads-left="2" data-words="[^"]*">2 downloads left<\/strong>/,
		)
		expect(await page({ limits: { ...LIMITS, remainingDownloads: 1 } })).toMatch(/>1 download left<\/strong>/)
		const zh = await page({ lang: 'zh', limits: LIMITS })
		expect(zh).toMatch(/>还可下载 2 次<\/strong>/)
		expect(zh).toContain('每下载一个文件或压缩包计一次')
	})

	it('says the link stops working a while after its first download', async () => {
		const limits = { ...LIMITS, remainingDownloads: undefined, expiresAfterFirstDownload: 3600 }
		const html = await page({ limits })
		expect(html).toContain('<strong>The sender has limited the downloads of this link.</strong>')
		expect(html).toContain('This link stops working 1 hour after its first download.')
		expect(await page({ lang: 'zh', limits })).toContain('此链接在首次下载 1 小时后失效。')
	})

	it('gives the date once the clock has started', async () => {
		const html = await page({
			limits: { ...LIMITS, expiresAt: new Date('2026-12-03T10:05:00Z') },
		})
		expect(html).toMatch(
			/This link stops working on <time datetime="2026-12-03T10:05:00.000Z">Dec 3, 2026, 10:05 UTC<\/time>\./,
		)
	})
})

describe('FolderPage of an empty folder', () => {
	for (const limits of [undefined, LIMITS]) {
		it(`offers no zip ${limits ? 'form' : 'link'}`, async () => {
			const html = await page({ folders: [], files: [], limits })
			expect(html).toContain('This folder is empty.')
			expect(html).not.toContain('/_/zip/')
			expect(html).not.toContain('Download this folder (zip)')
			expect(html).not.toContain('Download with sub-folders')
			expect(formsOf(html)).toEqual([])
		})
	}
})

describe('formatSpan', () => {
	it.each([
		[1, '1 second', '1 秒'],
		[90, '1 minute 30 seconds', '1 分钟 30 秒'],
		[3600, '1 hour', '1 小时'],
		[3660, '1 hour 1 minute', '1 小时 1 分钟'],
		[3601, '1 hour', '1 小时'],
		[7 * 86_400 + 3600, '7 days 1 hour', '7 天 1 小时'],
	])('says %i seconds as "%s" / "%s"', (seconds, english, chinese) => {
		expect(formatSpan(seconds, 'en')).toBe(english)
		expect(formatSpan(seconds, 'zh')).toBe(chinese)
	})
})

describe('FolderPage on a phone and a desktop', () => {
	it('gives each entry a row whose name has the width, with size and date in a line of their own', async () => {
		const html = await page()
		expect(html).not.toContain('<table')
		expect(html).toMatch(
			/<span class="meta">2 kB · <time datetime="2026-01-02T03:04:05.000Z">Jan 2, 2026, 03:04 UTC<\/time><\/span>/,
		)
		expect(html).toContain('<span class="meta">3 B</span>')
	})

	it('lets long names break after separators and between words in camel case', async () => {
		const html = await page({
			files: [
				{
					name: 'annual_report-2026.finalVersion.pdf',
					href: '/x',
					path: 'x',
					size: 1,
					lastModified: undefined,
				},
			],
		})
		expect(html).toContain('annual_<wbr/>report-<wbr/>2026.<wbr/>final<wbr/>Version.<wbr/>pdf')
	})

	it('heads the page with the level’s name, what it holds, the note and the expiry, and no repeated name', async () => {
		const html = await page({
			note: 'Photos from the trip',
			expiresAt: new Date('2026-12-03T12:00:00Z'),
			now: new Date('2026-12-01T12:00:00Z'),
		})
		expect(html).toContain('<h1>照片</h1>')
		expect(html).toContain('<span>3 items · 2 kB</span>')
		expect(html).toContain('<strong>Note from the sender</strong>Photos from the trip')
		expect(html).toMatch(/data-remaining-ms="172800000"[^>]*>2 days left</)
		// The trail names the levels above; the current one is the heading, not said twice.
		expect(html).toContain('<ol class="crumbs"><li><a href="/fold1/">docs</a></li></ol>')
		const root = await page({ path: '', crumbs: [{ name: 'docs', href: '/fold1/' }] })
		expect(root).not.toContain('class="crumbs"')
	})

	it('says only the first items when more pages follow, with a way back to the first', async () => {
		const html = await page({ nextUrl: '/fold1/?cursor=abc', firstUrl: '/fold1/' })
		expect(html).toContain('The first 3 items')
		expect(html).toContain('<a class="btn secondary" href="/fold1/" rel="first">First page</a>')
		expect(html).toContain('<a class="btn secondary" href="/fold1/?cursor=abc" rel="next">Next page</a>')
	})

	it('gives each entry a type icon', async () => {
		const html = await page()
		expect(html.match(/<svg class="icon"/g)?.length).toBeGreaterThanOrEqual(4)
	})

	it.each([
		['an unlimited', {}, 'docs'],
		['a limited', { limits: LIMITS }, 'A limited link from coslink'],
		['a protected', { protected: true }, 'A protected link from coslink'],
	] as const)('carries a link card for %s share', async (_kind, patch, title) => {
		const html = await page({ ...patch, shareUrl: 'https://s.example/fold1', note: 'a secret note' })
		const meta = (html.match(/<meta [^>]*>/g) ?? []).join('\n')
		expect(meta).toContain(`<meta property="og:title" content="${title}"/>`)
		expect(meta).toContain('<meta property="og:image" content="https://s.example/_/card.png"/>')
		if (title !== 'docs') expect(meta).not.toContain('a secret note')
	})
})
