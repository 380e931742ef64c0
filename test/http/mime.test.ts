import { describe, expect, it } from 'vitest'
import { headerSafeMediaType, isPlayableMedia } from '../../src/http/mime.ts'

describe('headerSafeMediaType', () => {
	it('keeps a printable ASCII media type with its parameters', () => {
		expect(headerSafeMediaType('text/plain; charset=utf-8')).toBe('text/plain; charset=utf-8')
	})

	it.each([
		['a Latin-1 parameter', 'text/plain; name="\u00fcber"'],
		['a CJK parameter', 'text/plain; title=报告'],
		['a control character', 'text/plain; x=\u0001'],
	])('falls back to the bare type for %s', (_label, value) => {
		expect(headerSafeMediaType(value)).toBe('text/plain')
	})

	it.each([null, undefined, '', 'not a type', 'téxt/plain', 'text/plain\r\nx: y'])(
		'gives nothing for %j',
		(value) => {
			expect(headerSafeMediaType(value)).toBeUndefined()
		},
	)
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
