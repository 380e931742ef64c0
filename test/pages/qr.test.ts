import { encode } from 'uqr'
import { describe, expect, it } from 'vitest'
import { QR_MEMO_LIMIT, qrSvg, rememberedQrCount, rememberedQrSvg } from '../../src/pages/qr.ts'

/** Reads the dark modules back out of the path qrSvg draws. */
function modulesOf(svg: string, size: number): boolean[][] {
	const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false))
	const path = /<path fill="#000" d="([^"]*)"/.exec(svg)?.[1] ?? ''
	for (const [, x, y, width] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
		for (let i = 0; i < Number(width); i++) {
			const row = grid[Number(y)]
			if (row) row[Number(x) + i] = true
		}
	}
	return grid
}

describe('qrSvg', () => {
	const url = 'https://share.example.com/abc123'

	it('draws exactly the modules of the QR code of the URL', () => {
		const { data, size } = encode(url, { ecc: 'M', border: 4 })
		expect(modulesOf(qrSvg(url), size)).toEqual(data)
	})

	it('is one well-formed SVG element with a white quiet-zone tile', () => {
		const svg = qrSvg(url)
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"[^>]*>/)
		expect(svg).toMatch(/<rect width="(\d+)" height="\1" fill="#fff"\/>/)
		expect(svg.endsWith('</svg>')).toBe(true)
		expect(svg.match(/</g)).toHaveLength(4)
	})

	it('gives the same markup for the same URL', () => {
		expect(qrSvg(url)).toBe(qrSvg(url))
	})

	it('never writes the payload into the markup', () => {
		const hostile = 'https://x.example/"><script>alert(1)</script>&amp;'
		const svg = qrSvg(hostile)
		expect(svg).not.toContain('script')
		expect(svg).not.toContain('x.example')
		expect(svg).toMatch(/^[\w\s<>="/:.#\-MhvzM]+$/)
	})
})

describe('rememberedQrSvg', () => {
	it('gives exactly the markup qrSvg makes for the same text', () => {
		const url = 'https://share.example.com/remembered'
		expect(rememberedQrSvg(url)).toBe(qrSvg(url))
		expect(rememberedQrSvg(url)).toBe(qrSvg(url))
	})

	it('gives two shares their own codes', () => {
		const a = rememberedQrSvg('https://share.example.com/share-a')
		const b = rememberedQrSvg('https://share.example.com/share-b')
		expect(a).not.toBe(b)
		expect(a).toBe(qrSvg('https://share.example.com/share-a'))
		expect(b).toBe(qrSvg('https://share.example.com/share-b'))
	})

	it('remembers at most its limit of codes', () => {
		for (let i = 0; i < QR_MEMO_LIMIT + 5; i++) rememberedQrSvg(`https://share.example.com/many-${i}`)
		expect(rememberedQrCount()).toBe(QR_MEMO_LIMIT)
		expect(rememberedQrSvg('https://share.example.com/many-0')).toBe(
			qrSvg('https://share.example.com/many-0'),
		)
	})
})
