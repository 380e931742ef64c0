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
import { FolderPage, type FolderPageFile } from '../../src/pages/folder.tsx'
import type { Lang } from '../../src/pages/i18n/index.ts'
import { qrSvg } from '../../src/pages/qr.ts'
import { UnlockPage } from '../../src/pages/unlock.tsx'
import { UploadPage } from '../../src/pages/upload.tsx'

export const FIXTURE_BYTES = Buffer.from('coslink fixture file\n'.repeat(5000))

/** The start of a text file as the page reads it: long lines, Chinese, markup to escape. */
export const FIXTURE_TEXT =
	'Meeting notes — 会议记录 <draft>\n\n' +
	'1. The quarterly numbers are in; see the attached sheet for every region and every month of the year so far.\n' +
	'2. 下周一之前把预算表发给财务部。\n' +
	'3. A very_long_identifier_without_any_spaces_that_must_wrap_somewhere_sensible_on_a_phone_screen.\n'

/** A tiny valid PDF (one empty page). */
export const FIXTURE_PDF = Buffer.from(
	'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
		'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)

/** Folder entries a phone has to fit: a long name without spaces, CJK, emoji. */
export const FIXTURE_FILES: Omit<FolderPageFile, 'href' | 'path'>[] = [
	{ name: 'photo.png', size: 1_572_864, lastModified: new Date('2026-11-20T08:30:00Z') },
	{ name: '📷 假期照片 2026.jpg', size: 3_400_000, lastModified: new Date('2026-11-21T10:00:00Z') },
	{
		name: `${'quarterly_financial_report_for_the_board_meeting_'.repeat(3)}final-v2.pdf`,
		size: 240_000,
		lastModified: new Date('2026-11-22T12:00:00Z'),
	},
	{ name: 'notes.txt', size: 1000, lastModified: undefined },
	{ name: 'archive.zip', size: 5 * 1024 ** 3, lastModified: new Date('2026-11-23T23:59:00Z') },
]

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
				action:
					url.searchParams.get('action') === 'folder'
						? { kind: 'folder', href: '/s/folder/' }
						: url.searchParams.get('action') === 'retry'
							? { kind: 'retry', href: url.pathname, retryAfter: 30 }
							: undefined,
				languageLinks: languageLinks(url),
			}),
		)
	}
	if (url.pathname === '/s/demo') {
		const now = new Date()
		const expires = url.searchParams.get('expires')
		const shareUrl = `${origin}/s/demo`
		const kind = (url.searchParams.get('kind') as PreviewKind | null) ?? 'image'
		const limited = url.searchParams.get('limited')
		// expires: none, an ISO instant, in:<ms> from now, or two days and a bit by default.
		const expiresAt =
			expires === 'none'
				? null
				: expires?.startsWith('in:')
					? new Date(now.getTime() + Number(expires.slice(3)))
					: expires
						? new Date(expires)
						: new Date(now.getTime() + 2 * DAY + 3 * 3_600_000 + 120_000)
		return sendPage(
			res,
			200,
			nonce,
			DownloadPage({
				lang,
				nonce,
				fileName:
					url.searchParams.get('name') ??
					{ text: '会议记录 notes.txt', pdf: 'Q3 季度报告 — final.pdf' }[kind as string] ??
					'Q3 季度报告 — final.png',
				size: 1_572_864,
				lastModified: new Date(now.getTime() - 3 * DAY),
				note: url.searchParams.get('note') ?? 'Numbers for the board meeting. 董事会用的数据。',
				contentType:
					{ image: 'image/png', text: 'text/plain', pdf: 'application/pdf' }[kind as string] ?? 'image/png',
				expiresAt,
				now,
				shareUrl,
				downloadUrl: '/s/demo/download',
				consumeUrl: limited === null ? undefined : '/s/demo/consume',
				remainingDownloads: limited === null ? undefined : Number(limited),
				previewKind: limited === null ? kind : 'none',
				previewUrl: kind === 'pdf' ? '/s/demo/preview.pdf' : '/s/demo/preview',
				previewText: kind === 'text' ? { text: FIXTURE_TEXT, truncated: true, bytes: 8192 } : undefined,
				qrSvg: qrSvg(shareUrl),
				languageLinks: languageLinks(url),
			}),
		)
	}
	if (url.pathname === '/s/demo/preview.pdf') {
		res.writeHead(200, { 'content-type': 'application/pdf', 'x-content-type-options': 'nosniff' })
		return void res.end(FIXTURE_PDF)
	}
	if (url.pathname === '/s/demo/consume' && req.method === 'POST') {
		// A limited link's form: what a ticket ends in, the file as an attachment.
		req.resume()
		res.writeHead(200, {
			'content-type': 'application/octet-stream',
			'content-disposition': 'attachment; filename="report.bin"',
			'content-length': String(FIXTURE_BYTES.length),
		})
		return void res.end(FIXTURE_BYTES)
	}
	if (url.pathname === '/s/folder/') {
		const limited = url.searchParams.get('limited')
		const empty = url.searchParams.has('empty')
		const files = empty
			? []
			: FIXTURE_FILES.map((file) => ({
					...file,
					href: `/s/folder/${encodeURIComponent(file.name)}`,
					path: file.name,
				}))
		return sendPage(
			res,
			200,
			nonce,
			FolderPage({
				lang,
				nonce,
				rootName: 'Trip 2026',
				crumbs: [
					{ name: 'Trip 2026', href: '/s/folder/' },
					{ name: '照片 Photos', href: '/s/folder/' },
				],
				path: '照片 Photos/',
				folders: empty
					? []
					: [
							{ name: 'raw', href: '/s/folder/raw/' },
							{ name: `${'a-very-long-folder-name-'.repeat(3)}end`, href: '/s/folder/long/' },
						],
				files,
				zipUrl: '/s/folder/zip',
				recursiveZipUrl: '/s/folder/zip?recursive=1',
				nextUrl: empty ? undefined : '/s/folder/?cursor=next',
				limits:
					limited === null
						? undefined
						: {
								consumeUrl: '/s/demo/consume',
								remainingDownloads: Number(limited),
								expiresAfterFirstDownload: undefined,
								expiresAt: new Date('2026-12-10T06:39:00Z'),
							},
				note: 'Pictures from the trip. 旅行照片。',
				expiresAt: new Date(url.searchParams.get('expires') ?? '2026-12-10T06:39:00Z'),
				now: new Date(),
				shareUrl: `${origin}/s/folder/`,
				languageLinks: languageLinks(url),
			}),
		)
	}
	if (url.pathname === '/s/unlock') {
		const secret = url.searchParams.get('secret') === 'password' ? 'password' : 'code'
		return sendPage(
			res,
			401,
			nonce,
			UnlockPage({
				lang,
				nonce,
				action: '/s/unlock',
				shareKind: url.searchParams.get('kind') === 'folder' ? 'folder' : 'file',
				secret,
				prefill: url.searchParams.get('pwd') ?? undefined,
				problem: url.searchParams.has('wrong') ? 'wrong' : undefined,
				shareUrl: `${origin}/s/unlock`,
				languageLinks: languageLinks(url),
			}),
		)
	}
	if (url.pathname === '/s/upload') {
		return sendPage(
			res,
			200,
			nonce,
			UploadPage({
				lang,
				nonce,
				uploadsPath: '/s/upload/uploads',
				uploadsUrl: `${origin}/s/upload/uploads`,
				maxFileSize: 200 * 1024 * 1024,
				allowedTypes: ['image/*', 'application/pdf'],
				allowedExtensions: ['.zip'],
				overwrite: false,
				maxFiles: 20,
				maxTotalBytes: 1024 ** 3,
				expiresAt: new Date('2026-12-10T06:39:00Z'),
				note: 'Send me the scans, please. 请把扫描件发给我。',
				shareUrl: `${origin}/s/upload`,
				multipartThreshold: 64 * 1024 * 1024,
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
