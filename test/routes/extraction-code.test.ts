// Extraction codes (提取码) against passwords: the record says which a share has; a code
// matches however people type it and comes unmasked, pre-filled from `?pwd=`; a password
// matches only exactly, stays masked and never goes into a URL.
import { describe, expect, it } from 'vitest'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION } from './page-helpers.ts'

resetBetweenTests()

function unlockForm(id: string, password: string, ip = '203.0.113.9', back?: string) {
	const fields = new URLSearchParams({ password })
	if (back) fields.set('back', back)
	return get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'cf-connecting-ip': ip,
			...CHROME_NAVIGATION,
		},
		body: fields.toString(),
	})
}

async function codeShare(id: string, body: Record<string, unknown> = {}) {
	const created = await createShare({ key: 'f.bin', id, extractionCode: true, page: true, ...body })
	return { created, code: String(created.extractionCode) }
}

const page = async (path: string) => (await get(path, { headers: CHROME_NAVIGATION })).text()

describe('the admin API', () => {
	it('stores that a share has a code, and answers the link with the code in it once', async () => {
		const { created, code } = await codeShare('xc-admin')
		expect(created.passwordKind).toBe('code')
		expect(created.urlWithCode).toBe(`${created.url}?pwd=${code}`)
		const read = (await (await adminRequest('/xc-admin')).json()) as Record<string, unknown>
		expect(read.passwordKind).toBe('code')
		expect(read).not.toHaveProperty('urlWithCode')
		expect(read).not.toHaveProperty('extractionCode')
	})

	it('never puts a password into a URL', async () => {
		const created = await createShare({ key: 'f.bin', id: 'xc-pw', password: 'Open Sesame' })
		expect(created).not.toHaveProperty('urlWithCode')
		expect(created).not.toHaveProperty('passwordKind')
		expect(JSON.stringify(created)).not.toContain('Open Sesame')
	})

	it('forgets the code kind when a password replaces it, and keeps it for a new code', async () => {
		await codeShare('xc-patch')
		const patched = await adminRequest('/xc-patch', { method: 'PATCH', json: { password: 'a password' } })
		const body = (await patched.json()) as Record<string, unknown>
		expect(body).not.toHaveProperty('passwordKind')
		expect(body).not.toHaveProperty('urlWithCode')
		const again = await adminRequest('/xc-patch', { method: 'PATCH', json: { extractionCode: true } })
		const code = (await again.json()) as Record<string, unknown>
		expect(code.passwordKind).toBe('code')
		expect(code.urlWithCode).toBe(`https://share.example.com/xc-patch?pwd=${code.extractionCode}`)
		const cleared = await adminRequest('/xc-patch', { method: 'PATCH', json: { password: null } })
		expect(await cleared.json()).not.toHaveProperty('passwordKind')
	})
})

describe('unlocking with a code', () => {
	it.each([
		['upper case', (code: string) => code.toUpperCase()],
		['spaces around', (code: string) => `  ${code} `],
		['spaces inside', (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`],
		['a line break pasted along', (code: string) => `${code}\n`],
	])('accepts it typed with %s', async (_how, typed) => {
		const { code } = await codeShare(`xc-${_how.replaceAll(' ', '-')}`)
		const res = await unlockForm(`xc-${_how.replaceAll(' ', '-')}`, typed(code))
		expect(res.status).toBe(303)
		expect(res.headers.get('set-cookie')).toContain('coslink_unlock_')
	})

	it('still refuses a wrong code', async () => {
		await codeShare('xc-wrong')
		const res = await unlockForm('xc-wrong', 'zzzzzz')
		expect(res.status).toBe(401)
		expect(await res.text()).toContain('That code is not right.')
	})

	it('matches a password exactly: another case is another password', async () => {
		await createShare({ key: 'f.bin', id: 'xc-exact', password: 'Open Sesame' })
		expect((await unlockForm('xc-exact', 'open sesame')).status).toBe(401)
		expect((await unlockForm('xc-exact', ' Open Sesame')).status).toBe(401)
		expect((await unlockForm('xc-exact', 'Open Sesame')).status).toBe(303)
	})
})

describe('the unlock page', () => {
	it('asks for a code in an unmasked field without autocomplete, filled in from ?pwd=', async () => {
		const { code } = await codeShare('xc-page')
		const html = await page(`/xc-page?pwd=${code.toUpperCase()}`)
		expect(html).toContain('<h1>Enter the extraction code</h1>')
		expect(html).toMatch(
			new RegExp(
				`<input id="password" name="password" type="text" required="" maxlength="32" value="${code.toUpperCase()}" autocomplete="off"`,
			),
		)
		// The code has done its work in the form: coming back, the address no longer carries it.
		expect(html).toContain('<input type="hidden" name="back" value="/xc-page"/>')
	})

	it('keeps a password masked and never fills one in from the address', async () => {
		await createShare({ key: 'f.bin', id: 'xc-pw-page', password: 'open sesame', page: true })
		const html = await page('/xc-pw-page?pwd=open%20sesame')
		expect(html).toContain('<h1>Enter the password</h1>')
		expect(html).toMatch(/<input id="password" name="password" type="password"/)
		expect(html).not.toContain('value="open sesame"')
	})

	it('speaks Chinese habits: 提取码 and 提取文件', async () => {
		await codeShare('xc-zh')
		const html = await page('/xc-zh?lang=zh')
		expect(html).toContain('<h1>请输入提取码</h1>')
		expect(html).toContain('>提取文件</button>')
	})

	it.each([
		[
			'file',
			{ key: 'secret-report.pdf', filename: 'Secret report.pdf' },
			'The sender shared a file with you.',
		],
		['folder', { type: 'folder', prefix: 'secret-folder/' }, 'The sender shared a folder with you.'],
	] as const)('says a %s is behind it, and nothing of its name or contents', async (kind, body, words) => {
		await createShare({
			id: `xc-${kind}`,
			password: 'open sesame',
			page: true,
			note: 'private note',
			...body,
		})
		const html = await page(`/xc-${kind}${kind === 'folder' ? '/' : ''}`)
		expect(html).toContain(words)
		expect(html).not.toMatch(/secret|private note/i)
		expect(html).toContain('<meta property="og:title" content="A protected link from coslink"/>')
	})
})
