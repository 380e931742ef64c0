import { describe, expect, it } from 'vitest'
import { ERRORS } from '../../src/errors.ts'
import { request } from '../routes/helpers.ts'

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

const open = (path: string, headers: Record<string, string> = {}) =>
	request(`https://share.example.com${path}`, { headers: { accept: BROWSER, ...headers } })

describe('error pages through the renderer', () => {
	it('answers a browser in Chinese when Accept-Language prefers it', async () => {
		const res = await open('/no-such-share', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })
		expect(res.status).toBe(404)
		const html = await res.text()
		expect(html).toContain('<html lang="zh-CN">')
		expect(html).toContain('链接不存在')
		expect(html).toContain(ERRORS.share_not_found.zh)
	})

	it('answers in English by default', async () => {
		const html = await (await open('/no-such-share')).text()
		expect(html).toContain('<html lang="en">')
		expect(html).toContain('Link not found')
	})

	it('lets ?lang= override Accept-Language', async () => {
		const html = await (await open('/no-such-share?lang=en', { 'accept-language': 'zh-CN' })).text()
		expect(html).toContain('<html lang="en">')
	})

	it('varies by Accept and Accept-Language', async () => {
		const res = await open('/no-such-share')
		expect(res.headers.get('vary')).toContain('Accept')
		expect(res.headers.get('vary')).toContain('Accept-Language')
	})

	it('sends a nonce CSP whose nonce is the one on the stylesheet', async () => {
		const res = await open('/no-such-share')
		const csp = res.headers.get('content-security-policy') ?? ''
		const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1]
		expect(nonce).toBeDefined()
		expect(await res.text()).toContain(`<style nonce="${nonce}">`)
		expect(csp).not.toContain('unsafe-inline')
	})

	it('uses a new nonce for every response', async () => {
		const first = (await open('/no-such-share')).headers.get('content-security-policy')
		const second = (await open('/no-such-share')).headers.get('content-security-policy')
		expect(first).not.toBe(second)
	})

	it('keeps the request id on the page', async () => {
		const res = await open('/no-such-share')
		const html = await res.text()
		expect(html).toMatch(/Request ID: <code>[\w-]{8,}<\/code>/)
	})
})
