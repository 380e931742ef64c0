// What a page says beyond its own share: link cards for every kind of share (and the site's
// card picture), error pages with one thing to do next, and a text file read into its page.
import { describe, expect, it, vi } from 'vitest'
import { type FakeObject, fakeCos } from './folder-cos.ts'
import { createShare, envWith, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION, mockCos } from './page-helpers.ts'

resetBetweenTests()

const SLACKBOT = { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }
const BUCKET: Record<string, FakeObject> = {
	'docs/readme.txt': { body: 'read me' },
	'docs/sub/two.txt': { body: 'two' },
}

/** The meta tags of a page: what a link card is made of. */
const metaOf = (html: string) => (html.match(/<meta [^>]*>/g) ?? []).join('\n')

describe('the site’s card picture', () => {
	it('is a 1200×630 PNG at /_/card.png, cacheable', async () => {
		const res = await get('/_/card.png')
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('image/png')
		expect(res.headers.get('cache-control')).toContain('max-age=')
		const bytes = new Uint8Array(await res.arrayBuffer())
		expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
		const view = new DataView(bytes.buffer)
		expect([view.getUint32(16), view.getUint32(20)]).toEqual([1200, 630])
		expect(bytes.length).toBeLessThan(32 * 1024)
	})
})

describe('link cards for every kind of share', () => {
	it('gives a bot a folder share’s card, not its JSON listing', async () => {
		await createShare({ id: 'card-folder', type: 'folder', prefix: 'docs/', note: 'Trip photos' })
		fakeCos(BUCKET)
		const res = await get('/card-folder/', { headers: SLACKBOT })
		expect(res.headers.get('content-type')).toMatch(/^text\/html/)
		expect(res.headers.get('vary')).toContain('User-Agent')
		const meta = metaOf(await res.text())
		expect(meta).toContain('<meta property="og:title" content="docs"/>')
		expect(meta).toContain('<meta property="og:image" content="https://share.example.com/_/card.png"/>')
	})

	it('gives a bot an upload link’s card, not its rules as JSON', async () => {
		await createShare({
			id: 'card-upload',
			type: 'upload',
			prefix: 'inbox/',
			expiresIn: 3600,
			upload: { maxFileSize: 1024 },
		})
		const res = await get('/card-upload', { headers: SLACKBOT })
		expect(res.headers.get('content-type')).toMatch(/^text\/html/)
		const meta = metaOf(await res.text())
		expect(meta).toContain('<meta property="og:title" content="A link to send files"/>')
	})

	it('shows an unrestricted image share’s own preview as its picture', async () => {
		await createShare({ id: 'card-image', key: 'photos/cat.png', page: true })
		mockCos({ body: 'png', type: 'image/png' })
		const meta = metaOf(await (await get('/card-image', { headers: SLACKBOT })).text())
		expect(meta).toContain(
			'<meta property="og:image" content="https://share.example.com/card-image/preview"/>',
		)
		expect(meta).toContain('<meta property="og:title" content="cat.png"/>')
	})

	it.each([
		['limited', { maxDownloads: 3 }, 'A limited link from coslink'],
		['protected', { password: 'open sesame' }, 'A protected link from coslink'],
	] as const)('says of a %s share only that it is one, from this site', async (_kind, body, title) => {
		await createShare({ id: `card-${_kind}`, key: 'photos/cat.png', note: 'secret note', ...body })
		mockCos({ body: 'png', type: 'image/png' })
		const meta = metaOf(await (await get(`/card-${_kind}`, { headers: SLACKBOT })).text())
		expect(meta).toContain(`<meta property="og:title" content="${title}"/>`)
		expect(meta).toContain('<meta property="og:image" content="https://share.example.com/_/card.png"/>')
		expect(meta).not.toMatch(/cat\.png|secret note|preview/)
	})
})

describe('error pages say what to do next', () => {
	it('sends a visitor whose zip is too large back to the folder', async () => {
		await createShare({ id: 'act-zip', type: 'folder', prefix: 'docs/' })
		fakeCos(BUCKET)
		const res = await get(
			'/_/zip/act-zip/?recursive=1',
			{ headers: CHROME_NAVIGATION },
			envWith({ ZIP_MAX_FILES: '1' }),
		)
		const html = await res.text()
		expect(res.status).toBe(413)
		expect(html).toContain('<h1>Folder too large to zip</h1>')
		expect(html).toContain('<a class="btn primary" href="/act-zip/">Back to the folder</a>')
	})

	it('says a folder level that is not there is not in the folder, not that the share is gone', async () => {
		await createShare({ id: 'act-level', type: 'folder', prefix: 'docs/' })
		fakeCos(BUCKET)
		const res = await get('/act-level/nowhere/', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(404)
		const html = await res.text()
		expect(html).toContain('<h1>Not in this folder</h1>')
		expect(html).not.toContain('no share at this address')
		expect(html).toContain('<a class="btn primary" href="/act-level/">Back to the folder</a>')
		// The code clients branch on stays the one they knew.
		const json = await get('/act-level/nowhere/', { headers: { accept: 'application/json' } })
		expect(((await json.json()) as { error: { code: string } }).error.code).toBe('share_not_found')
	})

	it('says an upload link has expired in its own words, with the code clients knew', async () => {
		await createShare({
			id: 'act-upload',
			type: 'upload',
			prefix: 'inbox/',
			expiresIn: 60,
			upload: { maxFileSize: 1024 },
		})
		const later = Date.now() + 120_000
		vi.spyOn(Date, 'now').mockReturnValue(later)
		const res = await get('/act-upload', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(410)
		const html = await res.text()
		expect(html).toContain('<h1>Upload link expired</h1>')
		expect(html).toContain('takes no more files')
		const json = await get('/act-upload', { headers: { accept: 'application/json' } })
		expect(((await json.json()) as { error: { code: string } }).error.code).toBe('share_expired')
	})

	it('sends a visitor with a spent download address to the share link', async () => {
		const res = await get('/_/t/t.act-ticket.g.1.1.f.bad', { headers: CHROME_NAVIGATION })
		const html = await res.text()
		expect(res.status).toBe(404)
		expect(html).toContain('<a class="btn primary" href="/act-ticket">Open the share link</a>')
	})

	it('offers nothing to do on a share that is not there: the sentence says to ask the sender', async () => {
		const html = await (await get('/no-such-share-here', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<h1>Link not found</h1>')
		expect(html).not.toContain('class="btn primary"')
	})

	it('offers to try again when storage fails', async () => {
		await createShare({ id: 'act-502', key: 'f.pdf', page: true })
		mockCos({ body: '', status: 500 })
		const html = await (await get('/act-502', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<a class="btn primary" href="/act-502">Try again</a>')
	})
})

describe('a text file’s page', () => {
	it('reads the start of the file into the page, escaped', async () => {
		await createShare({ id: 'text-page', key: 'notes/a.txt', page: true })
		mockCos({ body: 'line one <b>bold?</b>\n第二行', type: 'text/plain; charset=utf-8' })
		const html = await (await get('/text-page', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain('<pre>line one &lt;b&gt;bold?&lt;/b&gt;\n第二行</pre>')
		expect(html).not.toContain('The first')
	})

	it('reads only the first 8 KiB of a long one, and says so', async () => {
		await createShare({ id: 'text-long', key: 'notes/long.txt', page: true })
		const outbound = mockCos({ body: 'x'.repeat(20_000), type: 'text/plain' })
		const html = await (await get('/text-long', { headers: CHROME_NAVIGATION })).text()
		expect(html).toContain(`<pre>${'x'.repeat(8192)}</pre>`)
		expect(html).toContain('The first 8 kB are shown.')
		expect(outbound.some((req) => req.headers.get('range') === 'bytes=0-8191')).toBe(true)
	})

	it('still shows the page, with a link to the text, when COS will not give it', async () => {
		await createShare({ id: 'text-fail', key: 'notes/a.txt', page: true, contentType: 'text/plain' })
		mockCos({ body: '', status: 403 })
		const res = await get('/text-fail', { headers: CHROME_NAVIGATION })
		// The HEAD fails too, so the page is an error; a GET alone failing is what matters here.
		expect([200, 502]).toContain(res.status)
	})
})
