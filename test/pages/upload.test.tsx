import { describe, expect, it } from 'vitest'
import { pageCsp } from '../../src/pages/csp.ts'
import { typeWords, UploadPage, type UploadPageProps } from '../../src/pages/upload.tsx'
import { render } from './render.ts'

const props: UploadPageProps = {
	lang: 'en',
	nonce: 'n0nce',
	uploadsPath: '/drop/uploads',
	uploadsUrl: 'https://share.example.com/drop/uploads',
	maxFileSize: 200 * 1024 * 1024,
	allowedTypes: ['image/*'],
	allowedExtensions: ['.pdf'],
	overwrite: false,
	expiresAt: new Date('2026-12-03T10:00:00Z'),
	note: 'Scans <please>',
	multipartThreshold: 64 * 1024 * 1024,
}

describe('pageCsp connect-src', () => {
	it('lets a page connect only where it is told to', () => {
		const csp = pageCsp('abc', {
			connectSrc: ["'self'", 'https://b-1250000000.cos.ap-guangzhou.myqcloud.com'],
		})
		expect(csp).toContain("connect-src 'self' https://b-1250000000.cos.ap-guangzhou.myqcloud.com")
		expect(csp).toContain("default-src 'none'")
	})

	it('leaves every other page without connect-src (default-src none applies)', () => {
		expect(pageCsp('abc')).not.toContain('connect-src')
	})
})

describe('UploadPage', () => {
	it('shows the rules up front: size, types and extensions, overwrite, expiry', async () => {
		const html = await render(<UploadPage {...props} />)
		expect(html).toContain('200 MB')
		// Types as people name them, never a raw media-type list.
		expect(html).toContain('<dd>images, PDF</dd>')
		expect(html).toContain('Kept: yours is refused')
		expect(html).toContain('datetime="2026-12-03T10:00:00.000Z"')
	})

	it('escapes the note', async () => {
		const html = await render(<UploadPage {...props} />)
		expect(html).toContain('Scans &lt;please&gt;')
	})

	it('runs its script with the nonce and carries no inline handlers', async () => {
		const html = await render(<UploadPage {...props} />)
		expect(html).toContain('<script nonce="n0nce">')
		expect(html.slice(0, html.indexOf('<script'))).not.toMatch(/\son[a-z]+=/i)
	})

	it('tells visitors without JavaScript how to upload with curl', async () => {
		const html = await render(<UploadPage {...props} lang="zh" />)
		expect(html).toContain('curl -T 文件 https://share.example.com/drop/uploads/')
	})

	it('names accepted types in words, in each language', () => {
		expect(
			typeWords(['image/*', 'video/*', 'application/pdf', '.zip', 'application/x-7z-compressed'], 'en'),
		).toBe('images, videos, PDF, ZIP, 7Z')
		expect(typeWords(['image/*', '.pdf', 'application/pdf'], 'zh')).toBe('图片、PDF')
	})

	it('heads the note as the link owner’s, not a sender’s, and counts files in their plural', async () => {
		const html = await render(<UploadPage {...props} note="Scans" maxFiles={1} />)
		expect(html).toContain('<strong>Note from the owner of this link</strong>Scans')
		expect(html).toContain('<dd>1 file</dd>')
		expect(await render(<UploadPage {...props} maxFiles={5} />)).toContain('<dd>5 files</dd>')
	})

	it('has a quota message for the script to show when the link is full', async () => {
		expect(await render(<UploadPage {...props} />)).toContain(
			'<p id="quota-full" class="problem" role="status" hidden="">This link accepts no more files.</p>',
		)
	})

	it('says a full link takes no more files, and starts its script with the picker off', async () => {
		const html = await render(<UploadPage {...props} maxFiles={1} full />)
		expect(html).toContain(
			'<p id="quota-full" class="problem" role="status">This link accepts no more files.</p>',
		)
		expect(html).toContain('&quot;full&quot;:true')
	})
})
