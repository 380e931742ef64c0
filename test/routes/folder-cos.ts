// A small in-memory COS for folder tests: GET Bucket (prefix, delimiter, marker, max-keys,
// encoding-type=url) and GET Object, each answer built inside the fetch mock.
import { vi } from 'vitest'

export interface Outbound {
	url: URL
	method: string
	headers: Headers
}

export interface FakeObject {
	body: string
	etag?: string
	/** Answer this status instead of the object. */
	status?: number
	/** Serve a body that errors after its first bytes. */
	breaks?: boolean
}

const enc = (text: string) => encodeURIComponent(text)
const esc = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;')
const bytes = (text: string) => new TextEncoder().encode(text)

function compare(a: string, b: string): number {
	const x = bytes(a)
	const y = bytes(b)
	for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0)
	return x.length - y.length
}

export function listXml(objects: Record<string, FakeObject>, query: URLSearchParams): string {
	const prefix = query.get('prefix') ?? ''
	const marker = query.get('marker') ?? ''
	const maxKeys = Number(query.get('max-keys') ?? '1000')
	const keys = Object.keys(objects).sort(compare)
	const folders: string[] = []
	const files: string[] = []
	let truncated = false
	let last = ''
	for (const key of keys) {
		if (!key.startsWith(prefix) || (marker && compare(key, marker) <= 0)) continue
		const at = key.indexOf('/', prefix.length)
		const name = at === -1 ? key : key.slice(0, at + 1)
		if (name === last) continue
		if (marker && compare(name, marker) <= 0) continue
		if (folders.length + files.length === maxKeys) {
			truncated = true
			break
		}
		;(at === -1 ? files : folders).push(name)
		last = name
	}
	const contents = files
		.map((key) => {
			const object = objects[key] as FakeObject
			return `<Contents><Key>${enc(key)}</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>${esc(object.etag ?? '"e"')}</ETag><Size>${bytes(object.body).length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
		})
		.join('')
	return (
		`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>examplebucket-1250000000</Name><EncodingType>url</EncodingType>` +
		`<Prefix>${enc(prefix)}</Prefix><Marker>${enc(marker)}</Marker><MaxKeys>${maxKeys}</MaxKeys><Delimiter>%2F</Delimiter>` +
		`<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextMarker>${enc(last)}</NextMarker>` : ''}` +
		folders.map((f) => `<CommonPrefixes><Prefix>${enc(f)}</Prefix></CommonPrefixes>`).join('') +
		`${contents}</ListBucketResult>`
	)
}

export function fakeCos(objects: Record<string, FakeObject>) {
	const outbound: Outbound[] = []
	const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		const url = new URL(String(input instanceof Request ? input.url : input))
		const req = { url, method: init?.method ?? 'GET', headers: new Headers(init?.headers) }
		outbound.push(req)
		if (url.pathname === '/') {
			return new Response(listXml(objects, url.searchParams), {
				headers: { 'content-type': 'application/xml' },
			})
		}
		const key = decodeURIComponent(url.pathname.slice(1))
		const object = objects[key]
		if (!object) return new Response('<Error><Code>NoSuchKey</Code></Error>', { status: 404 })
		if (object.status) return new Response(null, { status: object.status })
		const data = bytes(object.body)
		const body = object.breaks
			? new ReadableStream<Uint8Array>({
					pull(controller) {
						controller.enqueue(data.slice(0, 1))
						controller.error(new Error('connection reset'))
					},
				})
			: data
		return new Response(req.method === 'HEAD' ? null : body, {
			headers: {
				'content-type': 'application/octet-stream',
				'content-length': String(data.length),
				etag: object.etag ?? '"e"',
				'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT',
				'accept-ranges': 'bytes',
			},
		})
	})
	return { outbound, spy }
}
