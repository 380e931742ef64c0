// COS mocked for the page and preview routes: a HEAD describes the object, a GET sends it.
import { type Outbound, spyOnCos } from './cos-mock.ts'

export interface StoredObject {
	body: string
	type?: string
	lastModified?: string
	/** Answer every request with this status and a COS error body instead. */
	status?: number
}

export const CHROME_NAVIGATION = {
	accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
	'sec-fetch-mode': 'navigate',
	'user-agent':
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36',
}

/** Mocks COS holding one object; returns the requests it records. */
export function mockCos(object: StoredObject) {
	const outbound: Outbound[] = []
	spyOnCos(outbound, (req) => {
		if (object.status !== undefined)
			return new Response(req.method === 'HEAD' ? null : '<Error><Code>NoSuchKey</Code></Error>', {
				status: object.status,
				headers: { 'content-type': 'application/xml' },
			})
		const headers: Record<string, string> = {
			'content-length': String(new TextEncoder().encode(object.body).length),
			etag: '"e1"',
			'accept-ranges': 'bytes',
			'last-modified': object.lastModified ?? 'Wed, 01 Jan 2025 00:00:00 GMT',
		}
		if (object.type) headers['content-type'] = object.type
		const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.get('range') ?? '')
		if (range && req.method === 'GET') {
			const start = Number(range[1])
			const end = range[2] ? Number(range[2]) : object.body.length - 1
			const part = object.body.slice(start, end + 1)
			return new Response(part, {
				status: 206,
				headers: {
					...headers,
					'content-length': String(part.length),
					'content-range': `bytes ${start}-${end}/${object.body.length}`,
				},
			})
		}
		return new Response(req.method === 'HEAD' ? null : object.body, { status: 200, headers })
	})
	return outbound
}
