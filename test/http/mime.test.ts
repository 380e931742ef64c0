import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
	headerSafeMediaType,
	isInlineSafe,
	isPlayableMedia,
	normalizeMediaType,
	servedAs,
	storedMediaType,
} from '../../src/http/mime.ts'

const NORMALIZED = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(; charset=[a-z0-9!#$%&'*+.^_`|~-]+)?$/

describe('normalizeMediaType', () => {
	it.each([
		['application/pdf', 'application/pdf'],
		['Text/Plain', 'text/plain'],
		['  image/PNG\t', 'image/png'],
		['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
		['text/plain;charset=UTF-8', 'text/plain; charset=utf-8'],
		['TEXT/PLAIN ; CHARSET="UTF-8"', 'text/plain; charset=utf-8'],
		['text/plain; format=flowed; charset=iso-8859-1; delsp=yes', 'text/plain; charset=iso-8859-1'],
		['text/plain; name="report; final.txt"', 'text/plain'],
		['text/plain; name="\u00fcber"', 'text/plain'],
		['text/plain; name="a \\" quote"', 'text/plain'],
		['text/plain;', 'text/plain'],
		['text/plain;;charset=utf-8;', 'text/plain; charset=utf-8'],
		['video/mp4; codecs=avc1.42E01E', 'video/mp4'],
		['image/svg+xml', 'image/svg+xml'],
		[
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		],
	])('normalizes %j to %j', (value, expected) => {
		expect(normalizeMediaType(value)).toBe(expected)
	})

	it.each([
		['a comma after a parameter', 'text/plain;,text/html'],
		['a list of types', 'text/plain, text/html'],
		['a comma in a quoted value', 'text/plain; name="a,b"'],
		['a comma in the charset', 'text/plain; charset=utf-8,text/html'],
		['no subtype', 'text'],
		['an empty subtype', 'text/'],
		['an empty type', '/plain'],
		['two slashes', 'text/plain/html'],
		['a space inside the essence', 'text /plain'],
		['a non-token character in the subtype', 'text/pl@in'],
		['a non-ASCII type', 'téxt/plain'],
		['a CRLF', 'text/plain\r\nx: y'],
		['a control character in a parameter', 'text/plain; x=\u0001'],
		['a CJK parameter value', 'text/plain; title=报告'],
		['a parameter without a value', 'text/plain; charset'],
		['a parameter with an empty value', 'text/plain; charset='],
		['an unclosed quote', 'text/plain; charset="utf-8'],
		['a space around "="', 'text/plain; charset = utf-8'],
		['a charset that is no token', 'text/plain; charset="utf 8"'],
		['two charsets', 'text/plain; charset=utf-8; charset=iso-8859-1'],
		['nothing', ''],
		['only spaces', '   '],
		['not a type', 'not a type'],
		['null', null],
		['undefined', undefined],
	])('gives nothing for %s', (_label, value) => {
		expect(normalizeMediaType(value)).toBeUndefined()
	})

	it('is what headerSafeMediaType gives, for the callers that still use that name', () => {
		expect(headerSafeMediaType('text/plain;,text/html')).toBeUndefined()
		expect(headerSafeMediaType('Text/Plain; Charset=UTF-8')).toBe('text/plain; charset=utf-8')
	})

	// Strings built from the characters a media type is made of, so that many are near-misses.
	const mediaTypeLike = fc
		.array(
			fc.oneof(
				fc.constantFrom(
					'text',
					'plain',
					'html',
					'/',
					';',
					'=',
					',',
					' ',
					'\t',
					'"',
					'\\',
					'charset',
					'CHARSET',
					'utf-8',
					'UTF-8',
					'image/png',
					'+xml',
				),
				fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
				fc.string({ unit: 'binary', maxLength: 2 }),
			),
			{ maxLength: 12 },
		)
		.map((parts) => parts.join(''))
	// Type, subtype and parameters put together the way a header is, from parts that are
	// mostly tokens: many come out well-formed, many are one character off.
	const part = fc.oneof(
		fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,7}$/),
		fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}$/),
		fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }),
	)
	const parameter = fc
		.tuple(
			fc.constantFrom(';', '; ', ' ;', ';;', ';\t'),
			fc.oneof(fc.constantFrom('charset', 'Charset', 'name', 'q'), part),
			part,
			fc.boolean(),
		)
		.map(([separator, name, value, quoted]) => `${separator}${name}=${quoted ? `"${value}"` : value}`)
	const structured = fc
		.tuple(part, part, fc.array(parameter, { maxLength: 3 }))
		.map(([type, subtype, params]) => `${type}/${subtype}${params.join('')}`)
	const anything = fc.oneof(structured, mediaTypeLike, fc.string(), fc.string({ unit: 'binary' }))

	it('gives undefined or one lowercase type/subtype with at most a charset', () => {
		fc.assert(
			fc.property(anything, (value) => {
				const normalized = normalizeMediaType(value)
				if (normalized !== undefined) expect(normalized).toMatch(NORMALIZED)
			}),
			{ numRuns: 5000 },
		)
	})

	it('is idempotent', () => {
		fc.assert(
			fc.property(anything, (value) => {
				const normalized = normalizeMediaType(value)
				if (normalized !== undefined) expect(normalizeMediaType(normalized)).toBe(normalized)
			}),
			{ numRuns: 5000 },
		)
	})

	it('never lets a value with a comma through', () => {
		fc.assert(
			fc.property(anything, fc.string({ unit: 'grapheme-ascii' }), (before, after) => {
				expect(normalizeMediaType(`${before},${after}`)).toBeUndefined()
			}),
		)
	})
})

describe('storedMediaType', () => {
	it.each([
		'application/octet-stream',
		'Application/Octet-Stream',
		'binary/octet-stream',
		'binary/octet-stream; charset=x',
	])('reads COS’s %j as unknown', (value) => {
		expect(storedMediaType(value)).toBeUndefined()
	})

	it('normalizes any other type', () => {
		expect(storedMediaType('Image/PNG')).toBe('image/png')
		expect(storedMediaType('text/plain;,text/html')).toBeUndefined()
	})
})

describe('servedAs', () => {
	it.each([
		'text/html',
		'text/html; charset=utf-8',
		'application/xhtml+xml',
		'application/xml',
		'text/xml',
		'image/svg+xml',
		'text/javascript',
		'application/javascript',
		'application/ecmascript',
		'text/xsl',
		'video/vnd.example+xml',
		'audio/x-script',
		'font/svg',
		'text/plain;,text/html',
		'text/plain, text/html',
		'not a type',
	])('never sends %j inline, nor as itself', (type) => {
		expect(servedAs(type, 'inline')).toEqual({
			contentType: 'application/octet-stream',
			disposition: 'attachment',
		})
		expect(isInlineSafe(type)).toBe(false)
	})

	it('sends an inline-safe type inline, normalized', () => {
		expect(servedAs('Text/Plain; Charset=UTF-8; x=y', 'inline')).toEqual({
			contentType: 'text/plain; charset=utf-8',
			disposition: 'inline',
		})
		expect(servedAs('image/png', 'inline')).toEqual({ contentType: 'image/png', disposition: 'inline' })
	})

	it('keeps an archive or office type as an attachment of its own type', () => {
		const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
		expect(servedAs(docx, 'inline')).toEqual({ contentType: docx, disposition: 'attachment' })
		expect(servedAs('Application/ZIP', 'inline')).toEqual({
			contentType: 'application/zip',
			disposition: 'attachment',
		})
	})

	it('never sends an inline type whose normal form is active, whatever the input', () => {
		fc.assert(
			fc.property(
				fc.string(),
				fc.constantFrom('inline' as const, 'attachment' as const),
				(value, disposition) => {
					const served = servedAs(value, disposition)
					expect(served.contentType).toMatch(NORMALIZED)
					if (served.disposition === 'inline')
						expect(served.contentType).not.toMatch(/html|xml|svg|script|xsl|,/)
				},
			),
		)
	})
})

describe('isPlayableMedia', () => {
	it.each([
		['video/mp4', true],
		['audio/mpeg', true],
		['Video/WebM; codecs="vp9"', true],
		['image/png', false],
		['application/mp4', false],
	])('says %s is %s', (type, playable) => {
		expect(isPlayableMedia(type)).toBe(playable)
	})
})
