import { describe, expect, it } from 'vitest'
import { ErrorPage } from '../../src/pages/error.tsx'
import { render } from './render.ts'

const nonce = 'bm9uY2Utbm9uY2Utbm9uY2U='

describe('ErrorPage', () => {
	it('starts with the HTML doctype, so browsers render in standards mode', async () => {
		const html = await render(<ErrorPage lang="en" status={404} nonce={nonce} />)
		expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true)
	})

	it.each([
		['en', 404, 'Link not found', 'There is nothing at this address'],
		['en', 410, 'This link has expired', 'Ask the sender for a new link'],
		['en', 503, 'Temporarily unavailable', 'cannot reach the file storage'],
		['zh', 404, '链接不存在', '这个地址什么也没有'],
		['zh', 410, '链接已过期', '请向发送者索取新的链接'],
		['zh', 502, '存储没有响应', '文件存储没有及时响应'],
	] as const)('in %s, %i says "%s"', async (lang, status, title, message) => {
		const html = await render(<ErrorPage lang={lang} status={status} nonce={nonce} />)
		expect(html).toContain(`<title>${title} · coslink</title>`)
		expect(html).toContain(`<h1>${title}</h1>`)
		expect(html).toContain(message)
	})

	it.each([
		['en', 410, 'download_limit_reached', 'All downloads used'],
		['zh', 410, 'download_limit_reached', '下载次数已用完'],
		['en', 413, 'zip_too_large', 'Folder too large to zip'],
		['zh', 409, 'upload_quota_reached', '已达到上传上限'],
		['en', 404, 'object_not_found', 'File no longer available'],
	] as const)('in %s, %i with code %s says "%s", not the status title', async (lang, status, code, title) => {
		const html = await render(<ErrorPage lang={lang} status={status} code={code} nonce={nonce} />)
		expect(html).toContain(`<h1>${title}</h1>`)
	})

	it('uses the status title for a code without words of its own', async () => {
		const html = await render(<ErrorPage lang="en" status={410} code="share_expired" nonce={nonce} />)
		expect(html).toContain('<h1>This link has expired</h1>')
	})

	it.each([
		[429, 'Too many attempts'],
		[416, 'Range not available'],
	] as const)('has its own title for %i', async (status, title) => {
		const html = await render(<ErrorPage lang="en" status={status} nonce={nonce} />)
		expect(html).toContain(`<h1>${title}</h1>`)
	})

	it('marks the Chinese page as zh-CN', async () => {
		const html = await render(<ErrorPage lang="zh" status={404} nonce={nonce} />)
		expect(html).toContain('<html lang="zh-CN">')
	})

	it('falls back to a generic title for a status without its own', async () => {
		const html = await render(<ErrorPage lang="en" status={418} nonce={nonce} />)
		expect(html).toContain('<h1>Something went wrong</h1>')
	})

	it('shows the request id, escaped', async () => {
		const html = await render(<ErrorPage lang="en" status={500} nonce={nonce} requestId={'req-1<b>"'} />)
		expect(html).toContain('<code>req-1&lt;b&gt;&quot;</code>')
	})

	it('emits the stylesheet raw, quotes intact, under the nonce', async () => {
		const html = await render(<ErrorPage lang="en" status={404} nonce={nonce} />)
		expect(html).toContain(`<style nonce="${nonce}">`)
		expect(html).toContain('"Segoe UI"')
		expect(html).toContain('"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC"')
		expect(html).not.toContain('&quot;Segoe')
	})

	it('has no script and no inline style attribute', async () => {
		const html = await render(<ErrorPage lang="en" status={404} nonce={nonce} />)
		expect(html).not.toContain('<script')
		expect(html).not.toMatch(/\sstyle="/)
	})

	it('links the same address in both languages when given the links', async () => {
		const html = await render(
			<ErrorPage
				lang="zh"
				status={404}
				nonce={nonce}
				languageLinks={{ en: '/x?lang=en', zh: '/x?lang=zh' }}
			/>,
		)
		expect(html).toContain('href="/x?lang=en"')
		expect(html).toMatch(/<a href="\/x\?lang=zh"[^>]*aria-current="true"/)
	})
})
