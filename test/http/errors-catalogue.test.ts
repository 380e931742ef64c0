import { describe, expect, it } from 'vitest'
import { AppError, ERRORS, type ErrorCode, publicCode } from '../../src/errors.ts'
import { adminRequest, request } from '../routes/helpers.ts'

const CODES = Object.keys(ERRORS) as ErrorCode[]
const HAN = /\p{Script=Han}/u

interface ErrorJson {
	error: { code: string; message: string; detail?: string; field?: string; requestId: string }
}

describe('the error catalogue', () => {
	it.each(CODES)('gives %s an error status and a sentence in each language', (code) => {
		const { status, en, zh } = ERRORS[code]
		expect(Number.isInteger(status)).toBe(true)
		expect(status).toBeGreaterThanOrEqual(400)
		expect(status).toBeLessThanOrEqual(599)
		expect(en.trim()).not.toBe('')
		expect(en).toMatch(/[.!?]$/)
		expect(zh.trim()).not.toBe('')
		expect(zh).toMatch(HAN)
		expect(zh).toMatch(/。$/)
	})

	it('gives every code its own words', () => {
		expect(new Set(CODES.map((code) => ERRORS[code].en)).size).toBe(CODES.length)
		expect(new Set(CODES.map((code) => ERRORS[code].zh)).size).toBe(CODES.length)
	})

	it('sends every entry as a code of the catalogue, and a shared code only with another status', () => {
		for (const code of CODES) {
			const sent = publicCode(code)
			expect(CODES).toContain(sent)
			if (sent === code) continue
			expect(publicCode(sent)).toBe(sent)
			expect(ERRORS[sent].status).not.toBe(ERRORS[code].status)
		}
		expect(publicCode('invalid_record_admin')).toBe('invalid_record')
		expect(publicCode('object_not_uploaded')).toBe('object_not_found')
	})

	it('takes the status from the catalogue, and keeps the detail apart from the message', () => {
		const error = new AppError('invalid_body', 'password: must be a string', { field: 'password' })
		expect(error.status).toBe(400)
		expect(error.code).toBe('invalid_body')
		expect(error.detail).toBe('password: must be a string')
		expect(error.details).toEqual({ field: 'password' })
		expect(new AppError('upload_exists').status).toBe(409)
		expect(new AppError('upload_exists').detail).toBeUndefined()
	})
})

describe('a JSON error', () => {
	it('carries the Chinese sentence for an Accept-Language in Chinese, and the detail in English', async () => {
		const res = await adminRequest('/no-such-share', { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } })
		expect(res.status).toBe(404)
		expect(res.headers.get('vary')).toContain('Accept-Language')
		const { error } = (await res.json()) as ErrorJson
		expect(error).toEqual({
			code: 'share_not_found',
			message: ERRORS.share_not_found.zh,
			detail: 'There is no share "no-such-share".',
			requestId: expect.stringMatching(/^[\w-]+$/),
		})
	})

	it('lets ?lang= choose the language, and speaks English by default', async () => {
		const zh = await request('https://share.example.com/no-such-share?lang=zh', {
			headers: { 'accept-language': 'en-US' },
		})
		expect(((await zh.json()) as ErrorJson).error.message).toBe(ERRORS.share_not_found.zh)
		const en = await request('https://share.example.com/no-such-share')
		expect(((await en.json()) as ErrorJson).error.message).toBe(ERRORS.share_not_found.en)
	})

	it('says the same words for a code wherever it is thrown, and what differs in detail and field', async () => {
		const notJson = await adminRequest('', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'accept-language': 'zh' },
			body: '{',
		})
		const badField = await adminRequest('', {
			method: 'POST',
			headers: { 'accept-language': 'zh' },
			json: { key: 'a.txt', expiresIn: 'soon' },
		})
		const first = ((await notJson.json()) as ErrorJson).error
		const second = ((await badField.json()) as ErrorJson).error
		expect([notJson.status, badField.status]).toEqual([400, 400])
		expect(first).toMatchObject({ code: 'invalid_body', message: ERRORS.invalid_body.zh })
		expect(second).toMatchObject({
			code: 'invalid_body',
			message: ERRORS.invalid_body.zh,
			field: 'expiresIn',
		})
		expect(first.detail).toBe('The body is not valid JSON.')
		expect(second.detail).toMatch(/^expiresIn: /)
		expect(first.field).toBeUndefined()
	})
})
