import { describe, expect, it } from 'vitest'
import { previewKind } from '../../src/pages/preview.ts'

describe('previewKind', () => {
	it.each([
		['image/png', 'image'],
		['image/jpeg', 'image'],
		['IMAGE/WEBP', 'image'],
		['image/avif', 'image'],
		['application/pdf', 'pdf'],
		['audio/mpeg', 'audio'],
		['audio/ogg; codecs=opus', 'audio'],
		['video/mp4', 'video'],
		['video/webm', 'video'],
		['text/plain; charset=utf-8', 'text'],
	] as const)('previews %s as %s', (type, kind) => {
		expect(previewKind(type)).toBe(kind)
	})

	it.each([
		'text/html',
		'application/xhtml+xml',
		'image/svg+xml',
		'text/xml',
		'application/xml',
		'text/javascript',
		'application/javascript',
		'text/css',
		'application/octet-stream',
		'application/zip',
		'',
		'garbage',
	])('never previews %j', (type) => {
		expect(previewKind(type)).toBe('none')
	})

	it('never previews a file of unknown type', () => {
		expect(previewKind(undefined)).toBe('none')
	})
})
