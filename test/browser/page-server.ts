// A tiny HTTP server that renders the pages from fixture props, with the headers the worker
// sends, so the browser suite can look at them without the whole stack.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32, deflateSync } from 'node:zlib'
import { ERRORS, type ErrorCode } from '../../src/errors.ts'
import { SECURITY_HEADERS } from '../../src/http/headers.ts'
import { pickLanguage } from '../../src/http/negotiate.ts'
import { newNonce, pageCsp } from '../../src/pages/csp.ts'
import { DownloadPage, type PreviewKind } from '../../src/pages/download.tsx'
import { ErrorPage } from '../../src/pages/error.tsx'
import type { Lang } from '../../src/pages/i18n/index.ts'
import { qrSvg } from '../../src/pages/qr.ts'

export const FIXTURE_BYTES = Buffer.from('coslink fixture file\n'.repeat(5000))

/** A small RGB PNG with a diagonal gradient: something a preview can visibly show. */
export function fixturePng(width = 480, height = 270): Buffer {
	const rows: Buffer[] = []
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(1 + width * 3)
		for (let x = 0; x < width; x++) {
			row[1 + x * 3] = 40 + Math.round((180 * x) / width)
			row[2 + x * 3] = 90 + Math.round((100 * y) / height)
			row[3 + x * 3] = 200
		}
		rows.push(row)
	}
	const chunk = (type: string, data: Buffer) => {
		const head = Buffer.alloc(8)
		head.writeUInt32BE(data.length, 0)
		head.write(type, 4, 'ascii')
		const crc = Buffer.alloc(4)
		crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
		return Buffer.concat([head, data, crc])
	}
	const header = Buffer.alloc(13)
	header.writeUInt32BE(width, 0)
	header.writeUInt32BE(height, 4)
	header.set([8, 2, 0, 0, 0], 8)
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	])
}

const DAY = 86_400_000

function languageLinks(url: URL): Record<Lang, string> {
	const link = (lang: Lang) => {
		const target = new URL(url)
		target.searchParams.set('lang', lang)
		return `${target.pathname}${target.search}`
	}
	return { en: link('en'), zh: link('zh') }
}

/** What hono/jsx components return: an element that renders itself to a string. */
interface Rendered {
	toString(): string | Promise<string>
}

async function sendPage(
	res: ServerResponse,
	status: number,
	nonce: string,
	element: Rendered,
): Promise<void> {
	const html = await element.toString()
	res.writeHead(status, {
		...SECURITY_HEADERS,
		'content-type': 'text/html; charset=utf-8',
		'content-security-policy': pageCsp(nonce),
		'cache-control': 'private, no-store',
		vary: 'Accept, Accept-Language',
	})
	res.end(html)
}

/** A code of the catalogue: `/error/<code>` renders its page. */
function isErrorCode(value: string): value is ErrorCode {
	return Object.hasOwn(ERRORS, value)
}

async function handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
	const url = new URL(req.url ?? '/', origin)
	const lang = pickLanguage(req.headers['accept-language'], url.searchParams.get('lang'))
	const nonce = newNonce()
	const code = /^\/error\/(\w+)$/.exec(url.pathname)?.[1]
	if (code !== undefined && isErrorCode(code)) {
		return sendPage(
			res,
			ERRORS[code].status,
			nonce,
			ErrorPage({
				lang,
				code,
				nonce,
				requestId: 'b6f1c1de-5e1a-4c55-9d7c-2f1f0c8a9e01',
				languageLinks: languageLinks(url),
			}),
		)
	}
	if (url.pathname === '/s/demo') {
		const now = new Date()
		const expires = url.searchParams.get('expires')
		const shareUrl = `${origin}/s/demo`
		return sendPage(
			res,
			200,
			nonce,
			DownloadPage({
				lang,
				nonce,
				fileName: url.searchParams.get('name') ?? 'Q3 季度报告 — final.png',
				size: 1_572_864,
				contentType: 'image/png',
				lastModified: new Date(now.getTime() - 3 * DAY),
				note: url.searchParams.get('note') ?? 'Numbers for the board meeting. 董事会用的数据。',
				expiresAt: expires === 'none' ? null : new Date(now.getTime() + 2 * DAY + 3 * 3_600_000 + 120_000),
				now,
				shareUrl,
				downloadUrl: '/s/demo/download',
				previewKind: (url.searchParams.get('kind') as PreviewKind | null) ?? 'image',
				previewUrl: '/s/demo/preview',
				qrSvg: qrSvg(shareUrl),
				languageLinks: languageLinks(url),
			}),
		)
	}
	if (url.pathname === '/s/demo/preview') {
		res.writeHead(200, { 'content-type': 'image/png', 'x-content-type-options': 'nosniff' })
		return void res.end(fixturePng())
	}
	if (url.pathname === '/s/demo/download') {
		res.writeHead(200, {
			'content-type': 'application/octet-stream',
			'content-disposition': 'attachment; filename="report.bin"',
			'content-length': String(FIXTURE_BYTES.length),
		})
		return void res.end(FIXTURE_BYTES)
	}
	res.writeHead(404, { 'content-type': 'text/plain' })
	res.end('not found')
}

export interface PageServer {
	origin: string
	close(): Promise<void>
}

export async function startPageServer(): Promise<PageServer> {
	let origin = ''
	const server: Server = createServer((req, res) => {
		handle(req, res, origin).catch((error: unknown) => {
			res.writeHead(500, { 'content-type': 'text/plain' })
			res.end(error instanceof Error ? error.message : 'error')
		})
	})
	await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
	return {
		origin,
		close: () => new Promise<void>((done) => server.close(() => done())),
	}
}
