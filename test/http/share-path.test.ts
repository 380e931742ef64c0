import { describe, expect, it } from 'vitest'
import { decodeSegment, keyUnder, parseSharePath } from '../../src/http/share-path.ts'

describe('parseSharePath', () => {
	it('reads the share root as an empty directory path', () => {
		expect(parseSharePath('/docs/', 1)).toEqual({ segments: [], directory: true, relative: '' })
	})

	it('decodes each segment once and keeps a trailing slash as a directory', () => {
		expect(parseSharePath('/s/%E7%85%A7%E7%89%87/a%20b/', 1)).toEqual({
			segments: ['照片', 'a b'],
			directory: true,
			relative: '照片/a b/',
		})
	})

	it('names a file when the path does not end with a slash', () => {
		expect(parseSharePath('/s/a/100%25%20done.txt', 1)?.relative).toBe('a/100% done.txt')
	})

	it('keeps a plus sign as a plus', () => {
		expect(parseSharePath('/s/a+b.txt', 1)?.relative).toBe('a+b.txt')
	})

	it('skips the route segments before the path', () => {
		expect(parseSharePath('/_/zip/s/a/', 3)?.relative).toBe('a/')
	})

	it('has no path when nothing follows the id', () => {
		expect(parseSharePath('/s', 1)).toBeUndefined()
	})
})

describe('the traversal table: every segment below is refused', () => {
	const refused: [string, string][] = [
		['an empty segment', '/s/a//b'],
		['a dot', '/s/./b'],
		['a dot-dot', '/s/../b'],
		['an encoded dot-dot', '/s/%2e%2e/b'],
		['an uppercase encoded dot-dot', '/s/%2E%2E/b'],
		['a half-encoded dot-dot', '/s/.%2e/b'],
		['a double-encoded dot-dot', '/s/%252e%252e/b'],
		['a double-encoded slash', '/s/a%252fb'],
		['an overlong UTF-8 slash', '/s/..%c0%af/b'],
		['an encoded slash', '/s/..%2fdocs-private/x'],
		['an encoded backslash', '/s/..%5cdocs-private/x'],
		['a NUL', '/s/a%00.txt'],
		['a newline', '/s/a%0a.txt'],
		['a C1 control', '/s/a%c2%85.txt'],
		['broken UTF-8', '/s/a%ff.txt'],
		['a lone surrogate encoded as UTF-8', '/s/%ed%a0%80.txt'],
		['a stray percent', '/s/100%.txt'],
		['fullwidth dots', '/s/%EF%BC%8E%EF%BC%8E/b'],
		['a fullwidth dot', '/s/%EF%BC%8E/b'],
		['a two-dot leader', '/s/%E2%80%A5/b'],
		['a one-dot leader pair', '/s/%E2%80%A4%E2%80%A4/b'],
		['a segment over 255 bytes', `/s/${'%E7%85%A7'.repeat(86)}`],
	]
	for (const [what, pathname] of refused) {
		it(`refuses ${what}`, () => {
			expect(parseSharePath(pathname, 1)).toBeUndefined()
		})
	}

	it('accepts a segment of exactly 255 bytes', () => {
		expect(decodeSegment('a'.repeat(255))).toBe('a'.repeat(255))
	})

	it('accepts names with dots that are not dot segments', () => {
		expect(parseSharePath('/s/...txt/.hidden/a..b', 1)?.relative).toBe('...txt/.hidden/a..b')
	})
})

describe('keyUnder', () => {
	const path = (pathname: string) => {
		const parsed = parseSharePath(pathname, 1)
		if (!parsed) throw new Error(`refused: ${pathname}`)
		return parsed
	}

	it('joins the path under the prefix', () => {
		expect(keyUnder('docs/', path('/s/a/b.txt'))).toBe('docs/a/b.txt')
	})

	it('gives the prefix itself for the share root', () => {
		expect(keyUnder('docs/', path('/s/'))).toBe('docs/')
	})

	it('never reaches a sibling prefix that shares a name start', () => {
		const key = keyUnder('docs/', path('/s/-private/secret.txt'))
		expect(key).toBe('docs/-private/secret.txt')
		expect(key?.startsWith('docs-private/')).toBe(false)
	})

	it('refuses a key longer than COS allows', () => {
		expect(keyUnder('docs/', path(`/s/${'a/'.repeat(430)}x`))).toBeUndefined()
	})
})
