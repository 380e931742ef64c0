import { describe, expect, it } from 'vitest'
import { ERRORS, type ErrorCode } from '../../src/errors.ts'
import { ErrorPage } from '../../src/pages/error.tsx'
import { LANGS } from '../../src/pages/i18n/index.ts'
import { render } from './render.ts'

const nonce = 'bm9uY2Utbm9uY2Utbm9uY2U='

describe('ErrorPage', () => {
	it('starts with the HTML doctype, so browsers render in standards mode', async () => {
		const html = await render(<ErrorPage lang="en" code="share_not_found" nonce={nonce} />)
		expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true)
	})

	it.each([
		['en', 'share_not_found', 404, 'Link not found', 'There is no share at this address'],
		['en', 'share_expired', 410, 'Link expired', 'Ask the sender for a new one'],
		['en', 'credentials_expired', 503, 'Temporarily unavailable', 'storage credentials have expired'],
		['zh', 'share_not_found', 404, '链接不存在', '找不到这个分享'],
		['zh', 'share_expired', 410, '链接已过期', '请联系分享者重新分享'],
		['zh', 'origin_error', 502, '存储没有响应', '文件存储暂时没有正常响应'],
	] as const)('in %s, %s is a %i that says "%s"', async (lang, code, status, title, message) => {
		expect(ERRORS[code].status).toBe(status)
		const html = await render(<ErrorPage lang={lang} code={code} nonce={nonce} />)
		expect(html).toContain(`<title>${title} · coslink</title>`)
		// A plain title, never a bare status number as a headline.
		expect(html).not.toContain('class="status"')
		expect(html).not.toContain(`>${status}<`)
		expect(html).toContain(`<h1>${title}</h1>`)
		expect(html).toContain(message)
	})

	it.each([
		['en', 'download_limit_reached', 'All downloads used'],
		['zh', 'download_limit_reached', '下载次数已用完'],
		['en', 'zip_too_large', 'Folder too large to zip'],
		['zh', 'upload_quota_reached', '已达到上传上限'],
		['en', 'object_not_found', 'File no longer available'],
	] as const)('in %s, %s says "%s", not the status title', async (lang, code, title) => {
		const html = await render(<ErrorPage lang={lang} code={code} nonce={nonce} />)
		expect(html).toContain(`<h1>${title}</h1>`)
	})

	it('uses the status title for a code without words of its own', async () => {
		const html = await render(<ErrorPage lang="en" code="share_expired" nonce={nonce} />)
		expect(html).toContain('<h1>Link expired</h1>')
	})

	it.each([
		['too_many_attempts', 'Too many attempts'],
		['length_required', 'File size not given'],
	] as const)('has a title for %s', async (code, title) => {
		const html = await render(<ErrorPage lang="en" code={code} nonce={nonce} />)
		expect(html).toContain(`<h1>${title}</h1>`)
	})

	const everyPage = LANGS.flatMap((lang) =>
		(Object.keys(ERRORS) as ErrorCode[]).map((code) => [lang, code] as const),
	)
	it.each(everyPage)('in %s, %s has a title and says the catalogue’s sentence', async (lang, code) => {
		const html = await render(<ErrorPage lang={lang} code={code} nonce={nonce} />)
		expect(html).toMatch(/<h1>[^<]+<\/h1>/)
		// One sentence of why. The page escapes what it prints; the sentences have nothing to escape.
		expect(html).toContain(`<p class="why">${ERRORS[code][lang]}</p>`)
		// No action was given, so none is offered.
		expect(html).not.toContain('class="btn')
	})

	it.each([
		['en', { kind: 'folder', href: '/s/a/' }, 'Back to the folder'],
		['zh', { kind: 'folder', href: '/s/a/' }, '返回文件夹'],
		['en', { kind: 'share', href: '/s' }, 'Open the share link'],
		['zh', { kind: 'share', href: '/s' }, '打开分享链接'],
		['en', { kind: 'retry', href: '/s/x' }, 'Try again'],
		['en', { kind: 'retry', href: '/s/x', retryAfter: 30 }, 'Try again in 30 seconds'],
		['en', { kind: 'retry', href: '/s/x', retryAfter: 90 }, 'Try again in 1 minute 30 seconds'],
		['zh', { kind: 'retry', href: '/s/x', retryAfter: 30 }, '30 秒后重试'],
	] as const)('in %s, offers one action: %o as "%s"', async (lang, action, label) => {
		const html = await render(<ErrorPage lang={lang} code="zip_too_large" nonce={nonce} action={action} />)
		expect(html).toContain(`<a class="btn primary" href="${action.href}">${label}</a>`)
		expect(html.match(/class="btn/g)).toHaveLength(1)
	})

	it('marks the Chinese page as zh-CN', async () => {
		const html = await render(<ErrorPage lang="zh" code="share_not_found" nonce={nonce} />)
		expect(html).toContain('<html lang="zh-CN">')
	})

	it('shows the request id, escaped', async () => {
		const html = await render(
			<ErrorPage lang="en" code="internal_error" nonce={nonce} requestId={'req-1<b>"'} />,
		)
		expect(html).toContain('<code>req-1&lt;b&gt;&quot;</code>')
	})

	it('emits the stylesheet raw, quotes intact, under the nonce', async () => {
		const html = await render(<ErrorPage lang="en" code="share_not_found" nonce={nonce} />)
		expect(html).toContain(`<style nonce="${nonce}">`)
		expect(html).toContain('"Segoe UI"')
		expect(html).toContain('"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC"')
		expect(html).not.toContain('&quot;Segoe')
	})

	it('has no script and no inline style attribute', async () => {
		const html = await render(<ErrorPage lang="en" code="share_not_found" nonce={nonce} />)
		expect(html).not.toContain('<script')
		expect(html).not.toMatch(/\sstyle="/)
	})

	it('links the same address in both languages when given the links', async () => {
		const html = await render(
			<ErrorPage
				lang="zh"
				code="share_not_found"
				nonce={nonce}
				languageLinks={{ en: '/x?lang=en', zh: '/x?lang=zh' }}
			/>,
		)
		expect(html).toContain('href="/x?lang=en"')
		expect(html).toMatch(/<a href="\/x\?lang=zh"[^>]*aria-current="true"/)
	})
})
