import { describe, expect, it, vi } from 'vitest'
import { CODE_ALPHABET } from '../../src/shares/password.ts'
import { adminRequest, createShare, get, resetBetweenTests } from './helpers.ts'
import { CHROME_NAVIGATION, mockCos } from './page-helpers.ts'

resetBetweenTests()

const CURL = { 'user-agent': 'curl/8.5.0', accept: '*/*' }

function unlockJson(id: string, password: string, ip = '203.0.113.7') {
	return get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
		body: JSON.stringify({ password }),
	})
}

function unlockForm(id: string, password: string, ip = '203.0.113.7') {
	return get(`/_/unlock/${id}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'cf-connecting-ip': ip,
			...CHROME_NAVIGATION,
		},
		body: new URLSearchParams({ password }).toString(),
	})
}

async function tokenFor(id: string, password: string): Promise<string> {
	const res = await unlockJson(id, password)
	return ((await res.json()) as { token: string }).token
}

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

describe('protected shares in the admin API', () => {
	it('shows protected: true and never the password or its hash', async () => {
		const body = await createShare({ key: 'f.bin', id: 'pw-view', password: 'open sesame' })
		expect(body.protected).toBe(true)
		const text = JSON.stringify(await (await adminRequest('/pw-view')).json())
		expect(text).not.toContain('open sesame')
		expect(text).not.toContain('pbkdf2')
		expect(text).not.toContain('passwordHash')
	})

	it('returns a generated extraction code once, from the unambiguous alphabet', async () => {
		const body = await createShare({ key: 'f.bin', id: 'pw-code', extractionCode: true })
		const code = String(body.extractionCode)
		expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`))
		expect(await (await adminRequest('/pw-code')).json()).not.toHaveProperty('extractionCode')
		expect((await unlockJson('pw-code', code)).status).toBe(200)
	})

	it('removes protection with password: null', async () => {
		await createShare({ key: 'f.bin', id: 'pw-remove', password: 'open sesame' })
		const res = await adminRequest('/pw-remove', { method: 'PATCH', json: { password: null } })
		expect(((await res.json()) as { protected: boolean }).protected).toBe(false)
		expect((await get('/pw-remove', { headers: CURL })).status).toBe(302)
	})

	it('refuses a password shorter than 4 characters', async () => {
		const res = await adminRequest('', { method: 'POST', json: { key: 'f.bin', password: 'abc' } })
		expect(res.status).toBe(400)
	})
})

describe('a protected share', () => {
	it('answers an API client without a token 401 password_required', async () => {
		await createShare({ key: 'f.bin', id: 'pw-api', password: 'open sesame' })
		const res = await get('/pw-api', { headers: CURL })
		expect(res.status).toBe(401)
		expect(await errorCode(res)).toBe('password_required')
	})

	it('gives a browser the 401 unlock page, whose form posts the password', async () => {
		await createShare({ key: 'secret/plans.pdf', id: 'pw-page', password: 'open sesame' })
		const res = await get('/pw-page', { headers: CHROME_NAVIGATION })
		expect(res.status).toBe(401)
		const html = await res.text()
		expect(html).toContain('action="/_/unlock/pw-page"')
		expect(html).toContain('method="post"')
		expect(html).not.toContain('plans.pdf')
	})

	it('gives a link preview the unlock page, naming nothing of the file', async () => {
		await createShare({ key: 'secret/plans.pdf', id: 'pw-card', password: 'open sesame' })
		const res = await get('/pw-card', { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0' } })
		expect(res.status).toBe(401)
		expect(await res.text()).not.toContain('plans')
	})

	it('answers a wrong JSON password 401 wrong_password', async () => {
		await createShare({ key: 'f.bin', id: 'pw-wrong', password: 'open sesame' })
		const res = await unlockJson('pw-wrong', 'open barley')
		expect(res.status).toBe(401)
		expect(await errorCode(res)).toBe('wrong_password')
	})

	it('unlocks by JSON with a token and its expiry, which downloads as a Bearer token', async () => {
		await createShare({ key: 'f.bin', id: 'pw-json', password: 'open sesame' })
		const res = await unlockJson('pw-json', 'open sesame')
		expect(res.status).toBe(200)
		const body = (await res.json()) as { token: string; expiresAt: string }
		expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now())
		const download = await get('/pw-json', { headers: { ...CURL, authorization: `Bearer ${body.token}` } })
		expect(download.status).toBe(302)
	})

	it('unlocks by form with a 303 back to the share and an HttpOnly, Lax, Secure cookie', async () => {
		await createShare({ key: 'f.bin', id: 'pw-form', password: 'open sesame' })
		const res = await unlockForm('pw-form', 'open sesame')
		expect(res.status).toBe(303)
		expect(res.headers.get('location')).toBe('/pw-form')
		const cookie = res.headers.get('set-cookie') ?? ''
		expect(cookie).toMatch(/^coslink_unlock_pw-form=/)
		expect(cookie).toContain('HttpOnly')
		expect(cookie).toContain('SameSite=Lax')
		expect(cookie).toContain('Secure')
		expect(cookie).toContain('Path=/')
		const pair = cookie.split(';')[0] ?? ''
		expect((await get('/pw-form', { headers: { ...CURL, cookie: pair } })).status).toBe(302)
	})

	it('shows the unlock page again with a message after a wrong form password', async () => {
		await createShare({ key: 'f.bin', id: 'pw-form-wrong', password: 'open sesame' })
		const res = await unlockForm('pw-form-wrong', 'nope nope')
		expect(res.status).toBe(401)
		expect(await res.text()).toContain('role="alert"')
	})

	it('keeps a language chosen by link through the unlock form and back to the share', async () => {
		await createShare({ key: 'f.bin', id: 'pw-lang', password: 'open sesame' })
		const page = await (await get('/pw-lang?lang=zh', { headers: CHROME_NAVIGATION })).text()
		expect(page).toContain('action="/_/unlock/pw-lang?lang=zh"')
		const res = await get('/_/unlock/pw-lang?lang=zh', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'password=open+sesame',
		})
		expect(res.headers.get('location')).toBe('/pw-lang?lang=zh')
	})

	it('refuses a token made for another share', async () => {
		await createShare({ key: 'f.bin', id: 'pw-a', password: 'open sesame' })
		await createShare({ key: 'f.bin', id: 'pw-b', password: 'open sesame' })
		const token = await tokenFor('pw-a', 'open sesame')
		expect((await get('/pw-b', { headers: { ...CURL, authorization: `Bearer ${token}` } })).status).toBe(401)
	})

	it('refuses a token made for the password before a change', async () => {
		await createShare({ key: 'f.bin', id: 'pw-rotate', password: 'open sesame' })
		const token = await tokenFor('pw-rotate', 'open sesame')
		await adminRequest('/pw-rotate', { method: 'PATCH', json: { password: 'open sesame' } })
		expect((await get('/pw-rotate', { headers: { ...CURL, authorization: `Bearer ${token}` } })).status).toBe(
			401,
		)
	})

	it('refuses a tampered token', async () => {
		await createShare({ key: 'f.bin', id: 'pw-tamper', password: 'open sesame' })
		const token = await tokenFor('pw-tamper', 'open sesame')
		const parts = token.split('.')
		parts[4] = String(Number(parts[4]) + 86400)
		const res = await get('/pw-tamper', { headers: { ...CURL, authorization: `Bearer ${parts.join('.')}` } })
		expect(res.status).toBe(401)
	})

	it('refuses a tampered cookie', async () => {
		await createShare({ key: 'f.bin', id: 'pw-cookie', password: 'open sesame' })
		const token = await tokenFor('pw-cookie', 'open sesame')
		const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`
		const res = await get('/pw-cookie', {
			headers: { ...CURL, cookie: `coslink_unlock_pw-cookie=${forged}` },
		})
		expect(res.status).toBe(401)
	})

	it('refuses a token once it has expired', async () => {
		await createShare({ key: 'f.bin', id: 'pw-expired', password: 'open sesame' })
		const token = await tokenFor('pw-expired', 'open sesame')
		vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 25 * 3600_000)
		expect(
			(await get('/pw-expired', { headers: { ...CURL, authorization: `Bearer ${token}` } })).status,
		).toBe(401)
	})

	it('refuses its preview until unlocked', async () => {
		mockCos({ body: 'hello', type: 'text/plain' })
		await createShare({ key: 'a.txt', id: 'pw-preview', password: 'open sesame' })
		expect((await get('/pw-preview/preview')).status).toBe(401)
	})

	it('takes the unlocked browser from the page to a download', async () => {
		mockCos({ body: 'hello', type: 'text/plain' })
		await createShare({ key: 'a.txt', id: 'pw-flow', password: 'open sesame', page: true })
		const cookie = ((await unlockForm('pw-flow', 'open sesame')).headers.get('set-cookie') ?? '').split(
			';',
		)[0]
		const page = await get('/pw-flow', { headers: { ...CHROME_NAVIGATION, cookie: cookie ?? '' } })
		expect(page.status).toBe(200)
		expect(await page.text()).toContain('href="/pw-flow/download"')
	})
})

describe('unlock backoff', () => {
	async function failTimes(id: string, times: number, ip: string) {
		const statuses: number[] = []
		for (let i = 0; i < times; i++) statuses.push((await unlockJson(id, 'wrong guess', ip)).status)
		return statuses
	}

	it('answers 429 too_many_attempts with Retry-After after five wrong passwords', async () => {
		await createShare({ key: 'f.bin', id: 'bf-429', password: 'open sesame' })
		expect(await failTimes('bf-429', 5, '198.51.100.1')).toEqual([401, 401, 401, 401, 401])
		const res = await unlockJson('bf-429', 'open sesame', '198.51.100.1')
		expect(res.status).toBe(429)
		expect(await errorCode(res)).toBe('too_many_attempts')
		expect(res.headers.get('retry-after')).toBe('1')
	})

	it('doubles the wait with each further wrong password', async () => {
		const start = Date.now()
		vi.spyOn(Date, 'now').mockReturnValue(start)
		await createShare({ key: 'f.bin', id: 'bf-grow', password: 'open sesame' })
		await failTimes('bf-grow', 5, '198.51.100.2')
		vi.spyOn(Date, 'now').mockReturnValue(start + 1000)
		await failTimes('bf-grow', 1, '198.51.100.2')
		expect((await unlockJson('bf-grow', 'x', '198.51.100.2')).headers.get('retry-after')).toBe('2')
		vi.spyOn(Date, 'now').mockReturnValue(start + 3000)
		await failTimes('bf-grow', 1, '198.51.100.2')
		expect((await unlockJson('bf-grow', 'x', '198.51.100.2')).headers.get('retry-after')).toBe('4')
	})

	it('slows the whole /24 of an IPv4 address together', async () => {
		await createShare({ key: 'f.bin', id: 'bf-net', password: 'open sesame' })
		await failTimes('bf-net', 5, '198.51.100.3')
		expect((await unlockJson('bf-net', 'open sesame', '198.51.100.250')).status).toBe(429)
	})

	it('does not slow another network', async () => {
		await createShare({ key: 'f.bin', id: 'bf-other', password: 'open sesame' })
		await failTimes('bf-other', 5, '198.51.100.4')
		expect((await unlockJson('bf-other', 'open sesame', '192.0.2.4')).status).toBe(200)
	})

	it('slows the whole /64 of an IPv6 address together', async () => {
		await createShare({ key: 'f.bin', id: 'bf-v6', password: 'open sesame' })
		await failTimes('bf-v6', 5, '2001:db8:1:2::1')
		expect((await unlockJson('bf-v6', 'open sesame', '2001:db8:1:2:ffff::9')).status).toBe(429)
		expect((await unlockJson('bf-v6', 'open sesame', '2001:db8:1:3::1')).status).toBe(200)
	})

	it('shows the unlock page with 429 and Retry-After to a browser', async () => {
		await createShare({ key: 'f.bin', id: 'bf-page', password: 'open sesame' })
		await failTimes('bf-page', 5, '198.51.100.5')
		const res = await unlockForm('bf-page', 'open sesame', '198.51.100.5')
		expect(res.status).toBe(429)
		expect(res.headers.get('retry-after')).toBe('1')
		expect(await res.text()).toContain('role="alert"')
	})
})
