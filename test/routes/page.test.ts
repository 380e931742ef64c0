import { describe, expect, it, vi } from 'vitest'
import { OBJECT_INFO_TTL_MS } from '../../src/routes/deliver/object-info.ts'
import { adminRequest, BUCKET_HOST, createShare, envWith, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION, mockCos } from './page-helpers.ts'

resetBetweenTests()

const PDF = {
	body: '%PDF-1.7 twelve',
	type: 'application/pdf',
	lastModified: 'Wed, 01 Jan 2025 08:30:00 GMT',
}

let serial = 0
/** Storage lives as long as the test file: each table row gets its own share. */
const fresh = (prefix: string) => `${prefix}-${++serial}`

async function pageShare(id: string, extra: Record<string, unknown> = {}) {
	return createShare({ key: 'reports/2026/Q3 report.pdf', id, page: true, ...extra })
}

describe('GET /:id of a page share: page or bytes', () => {
	const clients: [string, Record<string, string>, string, 'page' | 'bytes'][] = [
		['a browser navigation', CHROME_NAVIGATION, 'GET', 'page'],
		['an Accept that prefers HTML', { accept: 'text/html' }, 'GET', 'page'],
		['Sec-Fetch-Mode: navigate alone', { 'sec-fetch-mode': 'navigate' }, 'GET', 'page'],
		['curl', { accept: '*/*', 'user-agent': 'curl/8.11.1' }, 'GET', 'bytes'],
		['wget', { accept: '*/*', 'user-agent': 'Wget/1.25.0' }, 'GET', 'bytes'],
		['aria2', { 'user-agent': 'aria2/1.37.0' }, 'GET', 'bytes'],
		['a bare */*', { accept: '*/*' }, 'GET', 'bytes'],
		['a fetch() from a script', { accept: '*/*', 'sec-fetch-mode': 'cors' }, 'GET', 'bytes'],
		['a HEAD from a browser', CHROME_NAVIGATION, 'HEAD', 'bytes'],
		[
			'Slackbot',
			{ 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
			'GET',
			'page',
		],
		['WhatsApp', { 'user-agent': 'WhatsApp/2.23.20.0 A' }, 'GET', 'page'],
	]
	it.each(clients)('answers %s with the %s', async (_name, headers, method, expected) => {
		const id = fresh('neg')
		await pageShare(id)
		mockCos(PDF)
		const res = await get(`/${id}`, { method, headers })
		if (expected === 'page') {
			expect(res.status).toBe(200)
			expect(res.headers.get('content-type')).toMatch(/^text\/html/)
			expect(await res.text()).toContain('Q3 report.pdf')
		} else {
			expect(res.status).toBe(302)
			expect(res.headers.get('location')).toContain(BUCKET_HOST)
		}
	})

	it('always answers /:id/download with the file, even to a browser navigation', async () => {
		await pageShare('neg-download')
		mockCos(PDF)
		const res = await get('/neg-download/download', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(302)
	})

	it('answers a browser navigation to a share without page with the file', async () => {
		await createShare({ key: 'reports/a.pdf', id: 'neg-nopage' })
		mockCos(PDF)
		const res = await get('/neg-nopage', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(302)
	})

	it('streams the bytes of a stream share to curl, as before', async () => {
		await pageShare('neg-stream', { delivery: 'stream' })
		mockCos(PDF)
		const res = await get('/neg-stream', { headers: { 'user-agent': 'curl/8.11.1', accept: '*/*' } })
		expect(res.status).toBe(200)
		expect(await res.text()).toBe(PDF.body)
	})
})

describe('link-preview bots', () => {
	it('get the page of a share without page, and COS is only asked for a HEAD', async () => {
		await createShare({ key: 'reports/a.pdf', id: 'bot-nopage', delivery: 'stream' })
		const outbound = mockCos(PDF)
		const res = await get('/bot-nopage', {
			headers: { 'user-agent': 'Discordbot/2.0; +https://discordapp.com' },
		})
		expect(res.status).toBe(200)
		expect(await res.text()).toContain('<meta property="og:title" content="a.pdf"/>')
		expect(outbound.map((req) => req.method)).toEqual(['HEAD'])
	})

	it('get the page’s headers for a HEAD too, never the bytes', async () => {
		await createShare({ key: 'reports/a.pdf', id: 'bot-head', delivery: 'stream' })
		const outbound = mockCos(PDF)
		const res = await get('/bot-head', {
			method: 'HEAD',
			headers: { 'user-agent': 'facebookexternalhit/1.1' },
		})
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toMatch(/^text\/html/)
		expect(outbound.map((req) => req.method)).toEqual(['HEAD'])
	})
})

describe('Vary', () => {
	it('names every negotiated header on the page', async () => {
		await pageShare('vary-page')
		mockCos(PDF)
		const res = await get('/vary-page', { headers: CHROME_NAVIGATION })
		expect(res.headers.get('vary')).toBe('Accept, Accept-Language, User-Agent, Sec-Fetch-Mode')
	})

	it('names what chose the bytes on a page share', async () => {
		await pageShare('vary-bytes')
		mockCos(PDF)
		const res = await get('/vary-bytes', { headers: { 'user-agent': 'curl/8.11.1' } })
		expect(res.headers.get('vary')).toBe('Accept, User-Agent, Sec-Fetch-Mode')
	})

	it('names the User-Agent on the bytes of any other share', async () => {
		await createShare({ key: 'reports/a.pdf', id: 'vary-plain' })
		const res = await get('/vary-plain')
		expect(res.headers.get('vary')).toBe('User-Agent')
	})

	it('is absent from /:id/download, which never varies', async () => {
		await pageShare('vary-download')
		const res = await get('/vary-download/download')
		expect(res.headers.get('vary')).toBeNull()
	})
})

describe('the page response', () => {
	it('carries the nonce CSP, no-store, noindex, no-referrer and the security headers', async () => {
		await pageShare('hdr-page')
		mockCos(PDF)
		const res = await get('/hdr-page', { headers: CHROME_NAVIGATION })
		const html = await res.text()
		const nonce = /<script nonce="([^"]+)"/.exec(html)?.[1]
		expect(nonce).toBeDefined()
		expect(res.headers.get('content-security-policy')).toContain(`script-src 'nonce-${nonce}'`)
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
		expect(res.headers.get('cache-control')).toBe('private, no-store')
		expect(res.headers.get('x-robots-tag')).toContain('noindex')
		expect(res.headers.get('referrer-policy')).toBe('no-referrer')
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('x-frame-options')).toBe('DENY')
	})

	it('uses a fresh nonce for every response', async () => {
		await pageShare('hdr-nonce')
		mockCos(PDF)
		const first = await get('/hdr-nonce', { headers: CHROME_NAVIGATION })
		const second = await get('/hdr-nonce', { headers: CHROME_NAVIGATION })
		expect(first.headers.get('content-security-policy')).not.toBe(
			second.headers.get('content-security-policy'),
		)
	})

	it('puts each response’s own nonce in its page and its CSP, the rest of the page unchanged', async () => {
		await pageShare('hdr-same', { expiresIn: 86400 })
		mockCos(PDF)
		const pages = []
		for (let i = 0; i < 3; i++) {
			const res = await get('/hdr-same', { headers: CHROME_NAVIGATION })
			const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1] ?? ''
			const html = await res.text()
			expect(html.match(/nonce="[^"]+"/g)).toEqual([`nonce="${nonce}"`, `nonce="${nonce}"`])
			pages.push(html.replaceAll(nonce, 'NONCE').replace(/data-remaining-ms="\d+"/, ''))
		}
		expect(new Set(pages).size).toBe(1)
	})

	it('shows an edited note on the very next view, in each language', async () => {
		await pageShare('hdr-edit', { note: 'First draft.' })
		mockCos(PDF)
		for (const lang of ['en', 'zh'])
			expect(await (await get(`/hdr-edit?lang=${lang}`, { headers: CHROME_NAVIGATION })).text()).toContain(
				'First draft.',
			)
		await adminRequest('/hdr-edit', { method: 'PATCH', json: { note: 'Final numbers.' } })
		for (const lang of ['en', 'zh']) {
			const html = await (await get(`/hdr-edit?lang=${lang}`, { headers: CHROME_NAVIGATION })).text()
			expect(html).toContain('Final numbers.')
			expect(html).not.toContain('First draft.')
		}
	})

	it('never shows one share’s page for another with the same file', async () => {
		await pageShare('hdr-one', { note: 'For Ann.' })
		await pageShare('hdr-two', { note: 'For Bo.' })
		mockCos(PDF)
		const one = await (await get('/hdr-one', { headers: CHROME_NAVIGATION })).text()
		const two = await (await get('/hdr-two', { headers: CHROME_NAVIGATION })).text()
		expect(one).toContain('For Ann.')
		expect(two).toContain('For Bo.')
		expect(two).toContain('/hdr-two')
		expect(two).not.toContain('/hdr-one')
	})

	const languages: [string, Record<string, string>, string, string][] = [
		['no Accept-Language', {}, '', 'en'],
		['zh-CN', { 'accept-language': 'zh-CN,zh;q=0.9' }, '', 'zh-CN'],
		['zh-TW', { 'accept-language': 'zh-TW' }, '', 'zh-CN'],
		['French before English', { 'accept-language': 'fr-FR, en;q=0.5' }, '', 'en'],
		['zh overridden by ?lang=en', { 'accept-language': 'zh-CN' }, '?lang=en', 'en'],
		['en overridden by ?lang=zh', { 'accept-language': 'en-US' }, '?lang=zh', 'zh-CN'],
	]
	it.each(languages)('speaks the right language for %s', async (_name, headers, query, lang) => {
		const id = fresh('lang')
		await pageShare(id)
		mockCos(PDF)
		const res = await get(`/${id}${query}`, { headers: { ...CHROME_NAVIGATION, ...headers } })
		expect(await res.text()).toContain(`<html lang="${lang}">`)
	})
})

describe('what the page says', () => {
	it('gives the size, type and last-modified time from COS', async () => {
		await pageShare('data-cos')
		mockCos({ ...PDF, body: 'x'.repeat(1536) })
		const html = await (await get('/data-cos', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<p class="sub">1.5 kB · PDF document</p>')
		expect(html).toContain('application/pdf')
		expect(html).toContain('<time datetime="2025-01-01T08:30:00.000Z">')
	})

	it('prefers the share’s own type and file name', async () => {
		await pageShare('data-share', { filename: 'Quarter.txt', contentType: 'text/plain' })
		mockCos(PDF)
		const html = await (await get('/data-share', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<h1>Quarter.txt</h1>')
		expect(html).toContain(' · Text file</p>')
	})

	it('falls back to the type the name determines when COS stores none', async () => {
		await createShare({ key: 'photos/cat.png', id: 'data-name', page: true })
		mockCos({ body: 'png' })
		const html = await (await get('/data-name', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain(' · PNG image</p>')
	})

	it('gives the expiry as a <time> and the remaining time, rendered by the server', async () => {
		const expiresAt = new Date(Date.now() + 3 * 86400_000 + 5 * 3600_000 + 60_000).toISOString()
		await pageShare('data-expiry', { expiresAt })
		mockCos(PDF)
		const html = await (await get('/data-expiry', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain(`<time datetime="${expiresAt}">`)
		expect(html).toContain('3 days 5 hours left')
	})

	it('says the link does not expire when it does not', async () => {
		await pageShare('data-noexpiry')
		mockCos(PDF)
		const html = await (await get('/data-noexpiry', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('This link does not expire.')
	})

	it('shows the note', async () => {
		await pageShare('data-note', { note: 'Final numbers, v2' })
		mockCos(PDF)
		const html = await (await get('/data-note', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('Final numbers, v2')
	})

	it('links the download button to /:id/download and inlines a QR code', async () => {
		await pageShare('data-links')
		mockCos(PDF)
		const html = await (await get('/data-links', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('href="/data-links/download"')
		expect(html).toMatch(/<figure class="qr"><svg /)
	})

	it('gives the request origin as the share URL when PUBLIC_BASE_URL is unset', async () => {
		await pageShare('data-origin')
		mockCos(PDF)
		const html = await (await get('/data-origin', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<meta property="og:url" content="https://share.example.com/data-origin"/>')
	})

	it('gives PUBLIC_BASE_URL as the share URL when set', async () => {
		const testEnv = envWith({ PUBLIC_BASE_URL: 'https://links.example.org' })
		await pageShare('data-base')
		mockCos(PDF)
		const res = await get('/data-base', { headers: CHROME_NAVIGATION }, testEnv)
		const html = await res.text()
		expect(html).toContain('<meta property="og:url" content="https://links.example.org/data-base"/>')
		expect(html).toContain('value="https://links.example.org/data-base"')
	})

	it('describes size and expiry in the link card', async () => {
		await pageShare('data-card')
		mockCos({ ...PDF, body: 'x'.repeat(2048) })
		const html = await (await get('/data-card', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<meta property="og:description" content="2 kB · No expiry"/>')
		expect(html).toContain('<meta name="twitter:title" content="Q3 report.pdf"/>')
	})

	it('escapes a hostile file name and note everywhere', async () => {
		await pageShare('data-hostile', {
			filename: '"><script>alert(1)</script>.png',
			note: '<img src=x onerror=alert(2)>',
		})
		mockCos(PDF)
		const html = await (await get('/data-hostile', { headers: CHROME_NAVIGATION })).text()
		expect(html).not.toContain('<script>alert')
		expect(html).not.toContain('<img src=x')
		expect(html).toContain('<title>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.png')
		expect(html).toContain('content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.png"')
	})

	it('previews an image and offers no preview of HTML', async () => {
		await createShare({ key: 'p/cat.png', id: 'data-img', page: true })
		await createShare({ key: 'p/page.html', id: 'data-html', page: true })
		mockCos({ body: 'x' })
		const image = await (await get('/data-img', { headers: CHROME_NAVIGATION })).text()
		const html = await (await get('/data-html', { headers: CHROME_NAVIGATION })).text()
		expect(image).toContain('<img src="/data-img/preview"')
		expect(html).not.toContain('/preview')
	})
})

describe('the HEAD to COS', () => {
	it('is signed with an Authorization header for HEAD and bypasses the edge cache', async () => {
		await pageShare('head-signed')
		const outbound = mockCos(PDF)
		await get('/head-signed', { headers: CHROME_NAVIGATION })
		expect(outbound).toHaveLength(1)
		expect(outbound[0]?.method).toBe('HEAD')
		expect(outbound[0]?.url).toBe(`https://${BUCKET_HOST}/reports/2026/Q3%20report.pdf`)
		expect(outbound[0]?.cache).toBe('no-store')
		expect(outbound[0]?.headers.get('authorization')).toMatch(/^q-sign-algorithm=sha1&/)
	})

	it('is made once for many page views within its window', async () => {
		await pageShare('head-memo')
		const outbound = mockCos(PDF)
		for (let i = 0; i < 5; i++)
			expect((await get('/head-memo', { headers: CHROME_NAVIGATION })).status).toBe(200)
		expect(outbound).toHaveLength(1)
	})

	it('is made again once its window has passed', async () => {
		await pageShare('head-window')
		const outbound = mockCos(PDF)
		const start = Date.now()
		const clock = vi.spyOn(Date, 'now').mockReturnValue(start)
		await get('/head-window', { headers: CHROME_NAVIGATION })
		clock.mockReturnValue(start + OBJECT_INFO_TTL_MS + 1)
		await get('/head-window', { headers: CHROME_NAVIGATION })
		expect(outbound).toHaveLength(2)
	})

	it('is made again for a new revision of the share', async () => {
		await pageShare('head-revision')
		const outbound = mockCos(PDF)
		await get('/head-revision', { headers: CHROME_NAVIGATION })
		await adminRequest('/head-revision', { method: 'PATCH', json: { note: 'changed' } })
		await get('/head-revision', { headers: CHROME_NAVIGATION })
		expect(outbound).toHaveLength(2)
	})
})

describe('failures as friendly pages', () => {
	it('shows the 404 page, saying the file is gone, when COS no longer has the object', async () => {
		await pageShare('fail-404')
		mockCos({ ...PDF, status: 404 })
		const res = await get('/fail-404', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(404)
		expect(await res.text()).toContain('<h1>File no longer available</h1>')
	})

	it('shows the 502 page when COS fails', async () => {
		await pageShare('fail-502')
		mockCos({ ...PDF, status: 500 })
		const res = await get('/fail-502', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(502)
		expect(await res.text()).toContain('Storage not answering')
	})

	it.each([
		['en', 'This link has expired'],
		['zh', '链接已过期'],
	])('shows the 410 page of an expired page share in %s', async (lang, title) => {
		const now = Date.now()
		await pageShare(`fail-410-${lang}`, { expiresIn: 60 })
		vi.spyOn(Date, 'now').mockReturnValue(now + 120_000)
		const res = await get(`/fail-410-${lang}?lang=${lang}`, { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(410)
		expect(await res.text()).toContain(title)
	})

	it.each([
		['en', 'Link not found'],
		['zh', '链接不存在'],
	])('shows the 404 page of an unknown share in %s', async (lang, title) => {
		const res = await get(`/no-such-page?lang=${lang}`, { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(404)
		expect(await res.text()).toContain(title)
	})
})
