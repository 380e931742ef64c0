import { describe, expect, it } from 'vitest'
import {
	checkFile,
	keyTemplateProblem,
	partSizeFor,
	randomBase62,
	renderKey,
	sanitizeName,
} from '../../src/shares/upload-rules.ts'

const NOW = Date.UTC(2026, 10, 30, 12)
const fixed = () => 'AbCd1234'

describe('sanitizeName', () => {
	it.each([
		['report.pdf', 'report.pdf'],
		['a/b/c.txt', 'a_b_c.txt'],
		['..\\..\\etc\\passwd', '.._.._etc_passwd'],
		['..', 'file_'],
		['.', 'file_'],
		['', 'file'],
		['tab\there\u0000.txt', 'tabhere.txt'],
		['  spaced  ', 'spaced'],
		['e\u0301t\u00e9.txt', 'été.txt'],
		['\u202Egnp.exe', 'gnp.exe'],
	])('turns %j into %j', (raw, safe) => {
		expect(sanitizeName(raw)).toBe(safe)
	})

	it('never leaves a path separator or a dot-only segment', () => {
		for (const raw of ['../x', '/abs', 'a/../b', '....', 'x/./y', '\\\\server\\share'])
			expect(sanitizeName(raw)).not.toMatch(/[/\\]|^\.+$/)
	})

	it('cuts a name over 255 UTF-8 bytes and keeps its extension', () => {
		const name = sanitizeName(`${'文'.repeat(200)}.pdf`)
		expect(new TextEncoder().encode(name).byteLength).toBeLessThanOrEqual(255)
		expect(name.endsWith('.pdf')).toBe(true)
	})

	it('replaces a lone surrogate instead of refusing the name', () => {
		expect(sanitizeName('a\uD800b.txt')).toBe('a\uFFFDb.txt')
	})
})

describe('renderKey', () => {
	it('puts an upload at <prefix><yyyy-mm-dd>/<8 random base62>-<name> by default', () => {
		expect(renderKey('inbox/', undefined, 'report.pdf', NOW, fixed)).toBe(
			'inbox/2026-11-30/AbCd1234-report.pdf',
		)
	})

	it('fills every placeholder of a custom template', () => {
		expect(renderKey('in/', '{year}/{month}/{day}/{base}-{random}{ext}', 'a.b.pdf', NOW, fixed)).toBe(
			'in/2026/11/30/a.b-AbCd1234.pdf',
		)
	})

	it('makes 8 base62 characters, different each time', () => {
		const a = randomBase62()
		expect(a).toMatch(/^[0-9A-Za-z]{8}$/)
		expect(randomBase62()).not.toBe(a)
	})

	it('keeps a sanitized hostile name inside the prefix', () => {
		const key = renderKey('inbox/', '{name}', sanitizeName('../../secret'), NOW, fixed)
		expect(key.startsWith('inbox/')).toBe(true)
		expect(key.split('/')).not.toContain('..')
	})
})

describe('keyTemplateProblem', () => {
	it.each(['{date}/{random}-{name}', '{name}', 'uploads/{year}/{random}{ext}', '{base}.v1{ext}'])(
		'accepts %j',
		(template) => {
			expect(keyTemplateProblem(template)).toBeUndefined()
		},
	)

	it.each([
		['/{name}', 'start'],
		['{name}/', 'end'],
		['{who}/{name}', 'unknown placeholder {who}'],
		['{name', '"{"'],
		['a//{name}', 'empty'],
		['../{name}', '".."'],
		['{name}/static.txt', 'last segment'],
	])('refuses %j, saying why', (template, why) => {
		expect(keyTemplateProblem(template)).toContain(why)
	})
})

describe('checkFile', () => {
	const rules = {
		maxFileSize: 100,
		allowedTypes: ['image/*', 'application/pdf'],
		allowedExtensions: ['.png', '.pdf'],
	}

	it('accepts a file within every rule', () => {
		expect(checkFile(rules, { name: 'a.PNG', size: 100, type: 'image/png' })).toBeUndefined()
	})

	it('refuses a file one byte over the limit as file_too_large', () => {
		expect(checkFile(rules, { name: 'a.png', size: 101, type: 'image/png' })?.code).toBe('file_too_large')
	})

	it('refuses a type outside the list as type_not_allowed', () => {
		expect(checkFile(rules, { name: 'a.png', size: 1, type: 'text/html' })?.code).toBe('type_not_allowed')
	})

	it('matches a type pattern on the essence, ignoring parameters and case', () => {
		expect(checkFile(rules, { name: 'a.pdf', size: 1, type: 'Application/PDF; x=y' })).toBeUndefined()
	})

	it('refuses an extension outside the list as type_not_allowed', () => {
		expect(checkFile(rules, { name: 'a.png.exe', size: 1, type: 'image/png' })?.code).toBe('type_not_allowed')
	})

	it('refuses a name that is only the extension', () => {
		expect(
			checkFile({ maxFileSize: 9, allowedExtensions: ['.pdf'] }, { name: '.pdf', size: 1, type: '' })?.code,
		).toBe('type_not_allowed')
	})
})

describe('partSizeFor', () => {
	it('uses 16 MiB parts for files that fit 10,000 of them', () => {
		expect(partSizeFor(100 * 1024 ** 2)).toBe(16 * 1024 ** 2)
	})

	it('grows parts so that no upload needs more than 10,000', () => {
		const size = 48e12
		expect(Math.ceil(size / partSizeFor(size))).toBeLessThanOrEqual(10_000)
	})
})
