import { describe, expect, it } from 'vitest'
import { cleanFilename, contentDisposition } from '../../src/http/content-disposition.ts'

describe('contentDisposition', () => {
	it('gives a plain quoted filename for a safe ASCII name', () => {
		expect(contentDisposition('attachment', 'report.pdf')).toBe('attachment; filename="report.pdf"')
	})

	it('adds an RFC 8187 filename* and an ASCII fallback for a unicode name', () => {
		expect(contentDisposition('inline', 'Über café.txt')).toBe(
			`inline; filename="_ber caf_.txt"; filename*=UTF-8''%C3%9Cber%20caf%C3%A9.txt`,
		)
	})

	it('is the bare type without a filename', () => {
		expect(contentDisposition('attachment')).toBe('attachment')
		expect(contentDisposition('attachment', '\r\n')).toBe('attachment')
	})

	it.each([
		['a quote', 'a"b.txt'],
		['CR/LF', 'a\r\nSet-Cookie: x=1.txt'],
		['a semicolon', 'a; filename=evil.exe'],
		['an RTL override', 'invoice\u202Efdp.exe'],
		['a backslash', 'a\\b.txt'],
		['a percent sign', 'a%20b.txt'],
	])('stays one safe header value with %s', (_label, name) => {
		const value = contentDisposition('attachment', name)
		expect(value).not.toMatch(/[\r\n\u202e]/)
		// exactly one filename= and at most one filename*=
		expect(value.match(/filename=/g)).toHaveLength(1)
		const quoted = value.match(/filename="([^"]*)"/)
		expect(quoted?.[1]).not.toMatch(/["\\;%]/)
		expect(new Headers({ 'content-disposition': value }).get('content-disposition')).toBe(value)
	})

	it('bounds a 300-byte name and keeps its extension', () => {
		const name = cleanFilename(`${'长'.repeat(100)}.pdf`)
		expect(Array.from(name).length).toBeLessThanOrEqual(150)
		expect(name.endsWith('.pdf')).toBe(true)
		const long = cleanFilename(`${'a'.repeat(300)}.tar.gz`)
		expect(long.length).toBe(150)
		expect(long.endsWith('.gz')).toBe(true)
	})

	it('strips path components so a name cannot look like a path', () => {
		expect(cleanFilename('../../etc/passwd')).toBe('.._.._etc_passwd')
	})
})

describe('cleanFilename: format characters', () => {
	it.each([
		['a zero-width space', 'inv\u200Boice.pdf'],
		['a zero-width joiner', 'inv\u200Doice.pdf'],
		['a byte-order mark', '\uFEFFinvoice.pdf'],
		['a soft hyphen', 'in\u00ADvoice.pdf'],
		['a word joiner', 'invoice\u2060.pdf'],
	])('strips %s', (_label, name) => {
		expect(cleanFilename(name)).toBe('invoice.pdf')
	})
})
