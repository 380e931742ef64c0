// Draws the site's link-card picture (1200×630 PNG: the size Open Graph and Twitter cards
// use) and writes it as src/pages/card-png.ts, which the worker serves at /_/card.png. PNG,
// not SVG: the big platforms ignore SVG cards. No fonts or image libraries: the logo and
// the wordmark are shapes, each pixel shaded by its distance to them (so edges are smooth).
//
//   node scripts/card.ts          rewrite src/pages/card-png.ts
//   node scripts/card.ts --check  fail if it is not what this script draws
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'

const WIDTH = 1200
const HEIGHT = 630
const OUT = join(import.meta.dirname, '..', 'src', 'pages', 'card-png.ts')

type Rgb = [number, number, number]
const TOP: Rgb = [0x25, 0x5b, 0xe8]
const BOTTOM: Rgb = [0x1a, 0x3c, 0xa8]
const WHITE: Rgb = [255, 255, 255]
const ACCENT: Rgb = [0x1d, 0x4e, 0xd8]
const SOFT: Rgb = [0xc7, 0xd6, 0xfb]

/** 5×7 glyphs of the wordmark, rows top to bottom. */
const GLYPHS: Record<string, string[]> = {
	c: ['.....', '.....', '.###.', '#....', '#....', '#....', '.###.'],
	o: ['.....', '.....', '.###.', '#...#', '#...#', '#...#', '.###.'],
	s: ['.....', '.....', '.####', '#....', '.###.', '....#', '####.'],
	l: ['.##..', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
	i: ['..#..', '.....', '.##..', '..#..', '..#..', '..#..', '.###.'],
	n: ['.....', '.....', '####.', '#...#', '#...#', '#...#', '#...#'],
	k: ['#....', '#....', '#..#.', '#.#..', '##...', '#.#..', '#..#.'],
}

const clamp = (v: number) => Math.min(1, Math.max(0, v))
/** Coverage of a shape at signed distance d (negative inside), one pixel of soft edge. */
const cover = (d: number) => clamp(0.5 - d)

function roundedBox(px: number, py: number, cx: number, cy: number, hw: number, hh: number, r: number) {
	const qx = Math.abs(px - cx) - hw + r
	const qy = Math.abs(py - cy) - hh + r
	return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r
}

function segment(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
	const dx = bx - ax
	const dy = by - ay
	const t = clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))
	return Math.hypot(px - ax - t * dx, py - ay - t * dy)
}

// The logo: a rounded square with two links of a chain, as the pages' header draws it.
const LOGO = { x: 150, y: 195, size: 240 }
function logoDistance(px: number, py: number): { box: number; chain: number } {
	const s = LOGO.size / 32
	const x = (px - LOGO.x) / s
	const y = (py - LOGO.y) / s
	const box = roundedBox(x, y, 16, 16, 16, 16, 8) * s
	// Two links of a chain, crossing at the middle, each a rounded outline on a diagonal.
	const link = (ax: number, ay: number, bx: number, by: number) =>
		Math.abs(segment(x, y, ax, ay, bx, by) - 4) - 1.5
	const chain = Math.min(link(9.5, 22.5, 14.5, 17.5), link(17.5, 14.5, 22.5, 9.5))
	return { box, chain: chain * s }
}

// The wordmark: a 5×7 letter of square cells each.
const WORD = 'coslink'
const CELL = 16
const WORD_X = 440
const WORD_Y = 259
function wordDistance(px: number, py: number): number {
	const column = Math.floor((px - WORD_X) / CELL)
	const row = Math.floor((py - WORD_Y) / CELL)
	let best = Number.POSITIVE_INFINITY
	for (let r = row - 1; r <= row + 1; r++)
		for (let c = column - 1; c <= column + 1; c++) {
			if (r < 0 || r > 6 || c < 0) continue
			const letter = WORD[Math.floor(c / 6)]
			const glyph = letter === undefined ? undefined : GLYPHS[letter]
			if (glyph?.[r]?.[c % 6] !== '#') continue
			const cx = WORD_X + c * CELL + CELL / 2
			const cy = WORD_Y + r * CELL + CELL / 2
			best = Math.min(best, roundedBox(px, py, cx, cy, CELL / 2, CELL / 2, 0))
		}
	return best
}

// A rule under the wordmark, in the soft colour: the only ornament.
function ruleDistance(px: number, py: number): number {
	return roundedBox(px, py, WORD_X + 160, WORD_Y + 7 * CELL + 44, 160, 5, 5)
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
	a[0] + (b[0] - a[0]) * t,
	a[1] + (b[1] - a[1]) * t,
	a[2] + (b[2] - a[2]) * t,
]

function pixel(x: number, y: number): Rgb {
	const px = x + 0.5
	const py = y + 0.5
	let color = mix(TOP, BOTTOM, py / HEIGHT)
	const { box, chain } = logoDistance(px, py)
	color = mix(color, WHITE, cover(box))
	color = mix(color, ACCENT, cover(chain) * cover(box))
	color = mix(color, WHITE, cover(wordDistance(px, py)))
	color = mix(color, SOFT, cover(ruleDistance(px, py)))
	return color
}

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8)
	head.writeUInt32BE(data.length, 0)
	head.write(type, 4, 'ascii')
	const crc = Buffer.alloc(4)
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
	return Buffer.concat([head, data, crc])
}

export function drawCard(): Buffer {
	const raw = Buffer.alloc(HEIGHT * (1 + WIDTH * 3))
	for (let y = 0; y < HEIGHT; y++) {
		const row = y * (1 + WIDTH * 3)
		raw[row] = 0
		for (let x = 0; x < WIDTH; x++) {
			const [r, g, b] = pixel(x, y)
			raw[row + 1 + x * 3] = Math.round(r)
			raw[row + 2 + x * 3] = Math.round(g)
			raw[row + 3 + x * 3] = Math.round(b)
		}
	}
	const header = Buffer.alloc(13)
	header.writeUInt32BE(WIDTH, 0)
	header.writeUInt32BE(HEIGHT, 4)
	header.set([8, 2, 0, 0, 0], 8)
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0)),
	])
}

function moduleText(png: Buffer): string {
	const base64 = png.toString('base64')
	const lines = base64.match(/.{1,100}/g) ?? []
	return [
		'// Generated by scripts/card.ts (node scripts/card.ts): the site’s link-card picture, a',
		`// ${WIDTH}×${HEIGHT} PNG served at /_/card.png. Do not edit by hand.`,
		`export const CARD_PNG_WIDTH = ${WIDTH}`,
		`export const CARD_PNG_HEIGHT = ${HEIGHT}`,
		'export const CARD_PNG_BASE64 =',
		`${lines.map((line) => `\t'${line}'`).join(' +\n')}`,
		'',
	].join('\n')
}

const text = moduleText(drawCard())
if (process.argv.includes('--check')) {
	if (readFileSync(OUT, 'utf8') !== text) {
		console.error(`${OUT} is not what scripts/card.ts draws: run node scripts/card.ts`)
		process.exit(1)
	}
} else {
	writeFileSync(OUT, text)
	console.log(`wrote ${OUT} (${Buffer.from(text).length} bytes)`)
}
