// The listing page of a limited folder share: POST forms to /_/consume instead of links,
// what they spend, and the tickets they lead to (a file, a zip).
import { describe, expect, it } from 'vitest'
import { type FakeObject, fakeCos } from './folder-cos.ts'
import { adminRequest, BUCKET_HOST, createShare, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION } from './page-helpers.ts'

resetBetweenTests()

const BUCKET: Record<string, FakeObject> = {
	'docs/readme.txt': { body: 'read me' },
	'docs/a+b c.txt': { body: 'plus and space' },
	'docs/照片/📷 one.jpg': { body: 'jpeg bytes' },
	'docs/照片/deeper/two.txt': { body: 'two' },
	'docs/empty/': { body: '' },
}

const PAGE = { headers: { ...CHROME_NAVIGATION, 'accept-language': 'en' } }

async function downloads(id: string): Promise<number> {
	return ((await (await adminRequest(`/${id}`)).json()) as { downloads: number }).downloads
}

/** The page's own form POST: urlencoded fields, as a browser sends them from the page. */
function submit(id: string, fields: Record<string, string>) {
	return get(`/_/consume/${id}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin: 'null',
			'sec-fetch-site': 'same-origin',
		},
		body: new URLSearchParams(fields).toString(),
		redirect: 'manual',
	})
}

/** The fields of every form on a page, in order, as a browser would read them. */
function formFields(html: string): Record<string, string>[] {
	return (html.match(/<form\b[\s\S]*?<\/form>/g) ?? []).map((form) => {
		const fields: Record<string, string> = {}
		for (const input of form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"\/>/g))
			fields[input[1] ?? ''] = (input[2] ?? '').replaceAll('&quot;', '"').replaceAll('&amp;', '&')
		return fields
	})
}

function zipNames(data: Uint8Array): string[] {
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
	const names: string[] = []
	for (let i = 0; i + 46 < data.length; i++) {
		if (view.getUint32(i, true) !== 0x02014b50) continue
		const length = view.getUint16(i + 28, true)
		names.push(new TextDecoder().decode(data.subarray(i + 46, i + 46 + length)))
	}
	return names
}

describe('the listing page of a limited folder share', () => {
	it('has a consume form per file and for the zips, and no link to a file or a zip', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-page', maxDownloads: 3 })
		fakeCos(BUCKET)
		const res = await get('/lf-page/', PAGE)
		expect(res.status).toBe(200)
		const html = await res.text()
		expect(formFields(html)).toEqual([{ path: '', zip: '1' }, { path: 'a+b c.txt' }, { path: 'readme.txt' }])
		expect(html.match(/action="\/_\/consume\/lf-page"/g)).toHaveLength(3)
		expect(html).toContain('name="recursive" value="1"')
		expect(html).not.toContain('href="/lf-page/a+b%20c.txt"')
		expect(html).not.toContain('href="/lf-page/readme.txt"')
		expect(html).not.toContain('/_/zip/')
		// Folders stay links: a level is free to look at.
		expect(html).toContain('href="/lf-page/%E7%85%A7%E7%89%87/"')
		expect(html).toMatch(/>3 downloads left<\/strong>/)
		expect(await downloads('lf-page')).toBe(0)
	})

	it('names files and levels below the root by their path from the share root', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-sub', maxDownloads: 3 })
		fakeCos(BUCKET)
		const html = await (await get('/lf-sub/%E7%85%A7%E7%89%87/', PAGE)).text()
		expect(formFields(html)).toEqual([{ path: '照片/', zip: '1' }, { path: '照片/📷 one.jpg' }])
	})

	it('counts what was spent: the notice says what is left', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-left', maxDownloads: 2 })
		fakeCos(BUCKET)
		await submit('lf-left', { path: 'readme.txt' })
		const html = await (await get('/lf-left/', PAGE)).text()
		expect(html).toMatch(/>1 download left<\/strong>/)
	})

	it('says how long the link lives after its first download, in Chinese too', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-after', expiresAfterFirstDownload: 86_400 })
		fakeCos(BUCKET)
		const html = await (
			await get('/lf-after/', { headers: { ...CHROME_NAVIGATION, 'accept-language': 'zh-CN' } })
		).text()
		expect(html).toContain('分享者限制了此链接的下载次数。')
		expect(html).toContain('此链接在首次下载 1 天后失效。')
		expect(formFields(html)).toHaveLength(3)
	})

	it('offers no zip on an empty level', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-empty', maxDownloads: 3 })
		fakeCos(BUCKET)
		const html = await (await get('/lf-empty/empty/', PAGE)).text()
		expect(html).toContain('This folder is empty.')
		expect(formFields(html)).toEqual([])
		expect(html).not.toContain('Download this folder (zip)')
	})

	it('lets the forms end at the bucket when files are redirected there', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-csp', maxDownloads: 3 })
		fakeCos(BUCKET)
		const csp = (await get('/lf-csp/', PAGE)).headers.get('content-security-policy') ?? ''
		expect(csp).toContain(`form-action 'self' https://${BUCKET_HOST};`)
	})

	it('keeps form-action to its own origin when every file is streamed', async () => {
		await createShare({
			type: 'folder',
			prefix: 'docs/',
			id: 'lf-csp-s',
			maxDownloads: 3,
			delivery: 'stream',
		})
		fakeCos(BUCKET)
		const csp = (await get('/lf-csp-s/', PAGE)).headers.get('content-security-policy') ?? ''
		expect(csp).toContain("form-action 'self';")
	})
})

describe('the listing page of an unlimited folder share', () => {
	it('keeps plain links and no forms', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-plain' })
		fakeCos(BUCKET)
		const res = await get('/lf-plain/', PAGE)
		const html = await res.text()
		expect(formFields(html)).toEqual([])
		expect(html).toContain('href="/lf-plain/readme.txt" data-until-expiry="true"')
		expect(html).not.toContain('download=')
		expect(html).toContain('href="/_/zip/lf-plain/"')
		expect(html).toContain('href="/_/zip/lf-plain/?recursive=1"')
		expect(html).not.toContain('downloads left')
		expect(res.headers.get('content-security-policy')).toContain("form-action 'self';")
	})

	it('offers no zip on an empty level', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-plain-empty' })
		fakeCos(BUCKET)
		const html = await (await get('/lf-plain-empty/empty/', PAGE)).text()
		expect(html).not.toContain('/_/zip/')
	})
})

describe('posting a form of the page', () => {
	it('spends exactly one download and 303s to a ticket that serves that file', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-post', maxDownloads: 3, delivery: 'stream' })
		fakeCos(BUCKET)
		const [, file] = formFields(await (await get('/lf-post/%E7%85%A7%E7%89%87/', PAGE)).text())
		const res = await submit('lf-post', file ?? {})
		expect(res.status).toBe(303)
		const location = res.headers.get('location') ?? ''
		expect(location).toMatch(/^\/_\/t\/t\.lf-post\./)
		expect(await downloads('lf-post')).toBe(1)
		const ticket = await get(location)
		expect(ticket.status).toBe(200)
		expect(new TextDecoder().decode(await ticket.arrayBuffer())).toBe('jpeg bytes')
		expect(ticket.headers.get('content-disposition')).toContain("filename*=UTF-8''%F0%9F%93%B7%20one.jpg")
		// Reading the ticket again counts nothing more.
		await (await get(location)).arrayBuffer()
		expect(await downloads('lf-post')).toBe(1)
	})

	it('sends a redirect-delivered file on to its signed URL at the bucket', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-post-r', maxDownloads: 3 })
		const res = await submit('lf-post-r', { path: 'a+b c.txt' })
		expect(res.status).toBe(303)
		const ticket = await get(res.headers.get('location') ?? '')
		expect(ticket.status).toBe(302)
		const cos = new URL(ticket.headers.get('location') ?? '')
		expect(cos.host).toBe(BUCKET_HOST)
		expect(cos.pathname).toBe('/docs/a%2Bb%20c.txt')
		expect(await downloads('lf-post-r')).toBe(1)
	})

	it('spends one download for a zip, whose ticket serves the zip of the level', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-zip', maxDownloads: 3 })
		fakeCos(BUCKET)
		const [zip] = formFields(await (await get('/lf-zip/', PAGE)).text())
		expect(zip).toEqual({ path: '', zip: '1' })
		const res = await submit('lf-zip', zip ?? {})
		expect(res.status).toBe(303)
		expect(await downloads('lf-zip')).toBe(1)
		const ticket = await get(res.headers.get('location') ?? '')
		expect(ticket.status).toBe(200)
		expect(ticket.headers.get('content-type')).toBe('application/zip')
		expect(zipNames(new Uint8Array(await ticket.arrayBuffer()))).toEqual(['a+b c.txt', 'readme.txt'])
		expect(await downloads('lf-zip')).toBe(1)
	})

	it('zips the sub-folders too when the form is sent by the recursive button', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-rzip', maxDownloads: 3 })
		fakeCos(BUCKET)
		const res = await submit('lf-rzip', { path: '照片/', zip: '1', recursive: '1' })
		expect(res.status).toBe(303)
		const ticket = await get(res.headers.get('location') ?? '')
		expect(zipNames(new Uint8Array(await ticket.arrayBuffer()))).toEqual(['📷 one.jpg', 'deeper/two.txt'])
		expect(await downloads('lf-rzip')).toBe(1)
	})

	it('answers 410 once none remain, and spends nothing on a path outside the share', async () => {
		await createShare({ type: 'folder', prefix: 'docs/', id: 'lf-spent', maxDownloads: 1 })
		expect((await submit('lf-spent', { path: '../secret.txt' })).status).toBe(404)
		expect(await downloads('lf-spent')).toBe(0)
		expect((await submit('lf-spent', { path: 'readme.txt' })).status).toBe(303)
		const spent = await submit('lf-spent', { path: 'readme.txt' })
		expect(spent.status).toBe(410)
		expect(await downloads('lf-spent')).toBe(1)
	})
})
