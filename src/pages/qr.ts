// A QR code as inline SVG: no image request, and the payload never appears in the markup
// (only the module pattern does), so no URL can break out of it.
import { encode } from 'uqr'
import { BoundedMap } from '../bounded-map.ts'

/**
 * Dark modules on an explicit white tile with a four-module quiet zone: scanners want dark
 * on light, so the tile stays white in dark mode too. Decorative to assistive tech — the
 * page shows the same link as text beside it.
 */
export function qrSvg(text: string): string {
	const { data, size } = encode(text, { ecc: 'M', border: 4 })
	let path = ''
	for (const [y, row] of data.entries()) {
		let x = 0
		while (x < size) {
			if (!row[x]) {
				x++
				continue
			}
			const start = x
			while (x < size && row[x]) x++
			path += `M${start} ${y}h${x - start}v1h${start - x}z`
		}
	}
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" aria-hidden="true" focusable="false">` +
		`<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
	)
}

// Encoding a QR code takes about 2 ms of CPU, more than the rest of a page; the code is a pure
// function of its text and a share's URL rarely changes: remember the last few hundred
// (about 5–10 KB each), least recently used forgotten first.
export const QR_MEMO_LIMIT = 256
const codes = new BoundedMap<string, string>(QR_MEMO_LIMIT)

/** qrSvg(text), remembered per text. */
export function rememberedQrSvg(text: string): string {
	return codes.getOrMake(text, qrSvg)
}

/** How many codes are remembered (tests). */
export function rememberedQrCount(): number {
	return codes.size
}
