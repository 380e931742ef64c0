// The download page as the route sends it, rendered once per set of inputs and remembered
// as a template: only the CSP nonce and the countdown change from one view to the next, so
// a view fills those two into the remembered markup instead of rendering the whole JSX tree
// again (that was most of a view's CPU). The key is every input of the render (the props,
// serialized), so a remembered page can never be another share's, another language's or an
// older revision's: whatever changes the page changes the key.
import { escapeToBuffer } from 'hono/utils/html'
import { BoundedMap } from '../bounded-map.ts'
import { type Countdown, countdownAt, DownloadPage, type DownloadPageProps } from './download.tsx'
import { rememberedQrSvg } from './qr.ts'

/**
 * What the route knows about the page. The QR code is worked out here (from `shareUrl`),
 * the nonce and the time come with each view.
 */
export type DownloadPageInput = Omit<DownloadPageProps, 'qrSvg' | 'countdown' | 'nonce' | 'now'>

/** What changes with every view: this response's CSP nonce, and the time the countdown starts from. */
export interface PageView {
	nonce: string
	now: Date
}

type Slot = 'nonce' | 'ms' | 'text'

/** The page around its per-view slots: parts[0] slots[0] parts[1] … slots[n-1] parts[n]. */
interface Template {
	parts: string[]
	slots: Slot[]
}

// A page is ~16 K characters (32 KB as the two-byte string any Chinese or "·" makes it) and its
// key a few hundred (a text preview's up to 8 K more): at most ~3 MB. null: this input's page
// did not survive the check in templateOf; it is rendered afresh each time.
export const PAGE_MEMO_LIMIT = 64
const templates = new BoundedMap<string, Template | null>(PAGE_MEMO_LIMIT)

/** How many pages are remembered (tests). */
export function rememberedPageCount(): number {
	return templates.size
}

/** Forgets every remembered page (tests). */
export function forgetRememberedPages(): void {
	templates.clear()
}

// JSON writes NaN and ±Infinity as null and -0 as 0, and an invalid Date as null too (the
// same as "no expiry"); each of them renders differently: keep them apart. A field holds one
// type, so a number's or a Date's stand-in string cannot meet a real string there.
function keyPart(this: unknown, name: string, value: unknown): unknown {
	const original: unknown = (this as Record<string, unknown>)[name]
	if (original instanceof Date && Number.isNaN(original.getTime())) return 'Invalid Date'
	if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
		return Object.is(value, -0) ? '-0' : String(value)
	return value
}

/** Every input of the render, serialized: two inputs that render differently never share a key. */
export function pageKey(input: DownloadPageInput): string {
	return JSON.stringify(input, keyPart)
}

// Place-holders for the slots while rendering a template: random per isolate, so no file name
// or note can spell one (and were one to, the check in templateOf keeps that page unremembered).
let placeHolders: Record<Slot, string> | undefined

/** The place-holders this isolate renders templates with (tests). */
export function placeHoldersOf(): Record<Slot, string> {
	if (!placeHolders) {
		// Made on first use: workerd refuses random values at module scope.
		const tag = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) =>
			byte.toString(16).padStart(2, '0'),
		).join('')
		placeHolders = { nonce: `coslinkN${tag}`, ms: `coslinkM${tag}`, text: `coslinkT${tag}` }
	}
	return placeHolders
}

function renderProps(props: DownloadPageProps): string {
	const html: unknown = (<DownloadPage {...props} />).toString()
	// Every part of the page is synchronous; a promise here would be a component gone async.
	if (typeof html !== 'string') throw new TypeError('the download page did not render synchronously')
	return html
}

/** Text as hono/jsx writes it in an element or an attribute value. */
function escaped(text: string): string {
	const buffer = ['']
	escapeToBuffer(text, buffer)
	return buffer[0] ?? ''
}

function fill(template: Template, values: Record<Slot, string>): string {
	const out: string[] = [template.parts[0] ?? '']
	for (let i = 0; i < template.slots.length; i++) {
		const slot = template.slots[i]
		out.push(slot === undefined ? '' : values[slot], template.parts[i + 1] ?? '')
	}
	return out.join('')
}

/**
 * The page with place-holders in its slots, cut at them; null unless filling it with this
 * view's values gives exactly the page rendered directly for it.
 */
function templateOf(
	props: DownloadPageProps,
	values: Record<Slot, string>,
	rendered: string,
): Template | null {
	const marks = placeHoldersOf()
	const html = renderProps({ ...props, nonce: marks.nonce, countdown: { ms: marks.ms, text: marks.text } })
	const slotOf = new Map<string, Slot>([
		[marks.nonce, 'nonce'],
		[marks.ms, 'ms'],
		[marks.text, 'text'],
	])
	const pieces = html.split(new RegExp(`(${marks.nonce}|${marks.ms}|${marks.text})`))
	const template: Template = { parts: [], slots: [] }
	for (const [index, piece] of pieces.entries()) {
		const slot = slotOf.get(piece)
		if (index % 2 === 0) template.parts.push(piece)
		else if (slot) template.slots.push(slot)
		else return null
	}
	return fill(template, values) === rendered ? template : null
}

/** The download page for one view: remembered markup, this view's nonce and countdown. */
export function renderDownloadPage(input: DownloadPageInput, view: PageView): string {
	const countdown: Countdown | undefined = countdownAt(input.expiresAt, view.now, input.lang)
	const values: Record<Slot, string> = {
		nonce: escaped(view.nonce),
		ms: escaped(countdown?.ms ?? ''),
		text: escaped(countdown?.text ?? ''),
	}
	const key = pageKey(input)
	const template = templates.get(key)
	if (template) return fill(template, values)
	const props: DownloadPageProps = {
		...input,
		...view,
		countdown,
		qrSvg: rememberedQrSvg(input.shareUrl),
	}
	const rendered = renderProps(props)
	if (template === undefined) templates.set(key, templateOf(props, values, rendered))
	return rendered
}
