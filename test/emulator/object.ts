// Object operations: GET/HEAD (doc 7753), PUT (doc 7749), DELETE (doc 7743).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { evaluatePreconditions } from './conditional.ts'
import { CosError } from './errors.ts'
import { type QueryParam, queryValue } from './query.ts'
import { parseRange } from './range.ts'
import { deleteObject, openObject, writeObject } from './store.ts'

export interface ObjectRequest {
	req: IncomingMessage
	res: ServerResponse
	method: string
	key: string
	query: readonly QueryParam[]
	root: string
	now: () => number
}

// response-* overrides, honoured only because the signature check already refused any
// request carrying one unsigned. Header names are lowercase throughout, so an override
// replaces a stored header instead of being sent next to it.
const RESPONSE_OVERRIDES: readonly [string, string][] = [
	['response-content-type', 'content-type'],
	['response-content-disposition', 'content-disposition'],
	['response-cache-control', 'cache-control'],
	['response-content-language', 'content-language'],
	['response-expires', 'expires'],
	['response-content-encoding', 'content-encoding'],
]

// Request headers a PUT stores and GET/HEAD send back, as COS keeps them as object metadata.
const STORED_HEADERS = [
	'cache-control',
	'content-disposition',
	'content-encoding',
	'content-language',
	'expires',
]

const noSuchKey = () => new CosError(404, 'NoSuchKey', 'The specified key does not exist.')

function requestHeader(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name]
	return Array.isArray(value) ? value.join(', ') : value
}

export async function getOrHeadObject(request: ObjectRequest): Promise<void> {
	const { req, res, method } = request
	const opened = await openObject(request.root, request.key)
	if (!opened) throw noSuchKey()
	const { handle } = opened
	let handleOwnedHere = true
	try {
		const { meta } = opened
		const lastModified = Date.parse(meta.lastModified)
		const validators: OutgoingHttpHeaders = {
			etag: meta.etag,
			'last-modified': new Date(lastModified).toUTCString(),
		}
		const precondition = evaluatePreconditions(req.headers, { etag: meta.etag, lastModified }, method)
		if (precondition === 'failed')
			throw new CosError(412, 'PreconditionFailed', 'The preconditions you specified did not hold.')
		if (precondition === 'not-modified') {
			res.writeHead(304, validators)
			res.end()
			return
		}

		const range = parseRange(requestHeader(req, 'range'), meta.size)
		if (range.kind === 'unsatisfiable')
			throw new CosError(416, 'InvalidRange', 'The requested range is not satisfiable.', {
				headers: { 'Content-Range': `bytes */${meta.size}` },
			})
		const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, meta.size - 1]
		const headers: OutgoingHttpHeaders = {
			...validators,
			'content-type': meta.contentType,
			...meta.headers,
			'accept-ranges': 'bytes',
			'content-length': end - start + 1,
		}
		if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${meta.size}`
		for (const [param, header] of RESPONSE_OVERRIDES) {
			const value = queryValue(request.query, param)
			if (value !== undefined) headers[header] = value
		}
		res.writeHead(range.kind === 'partial' ? 206 : 200, headers)
		if (method === 'HEAD' || end < start) {
			res.end()
			return
		}
		// The stream owns the handle from here and closes it, whatever happens to the client.
		const body = handle.createReadStream({ start, end, highWaterMark: 256 * 1024 })
		handleOwnedHere = false
		await pipeline(body, res).catch(() => {
			// The client went away mid-body; nothing is left to answer.
		})
	} finally {
		if (handleOwnedHere) await handle.close()
	}
}

export async function putObjectRequest(request: ObjectRequest): Promise<void> {
	const { req, res } = request
	const lengthHeader = requestHeader(req, 'content-length')
	if (lengthHeader !== undefined && !/^\d+$/.test(lengthHeader))
		throw new CosError(400, 'InvalidArgument', 'Content-Length is not a number.')
	const headers: Record<string, string> = {}
	for (const [name, value] of Object.entries(req.headers)) {
		// Some clients (Tencent's SDK among them) send empty headers they were not given.
		if (value === undefined || value === '') continue
		if (STORED_HEADERS.includes(name) || name.startsWith('x-cos-meta-'))
			headers[name] = Array.isArray(value) ? value.join(', ') : value
	}
	const meta = await writeObject(request.root, request.key, req, {
		contentType: requestHeader(req, 'content-type'),
		headers,
		lastModified: request.now(),
		forbidOverwrite: requestHeader(req, 'x-cos-forbid-overwrite')?.toLowerCase() === 'true',
		contentMd5: requestHeader(req, 'content-md5'),
		contentLength: lengthHeader === undefined ? undefined : Number(lengthHeader),
	})
	res.writeHead(200, { ETag: meta.etag, 'Content-Length': 0 })
	res.end()
}

export async function deleteObjectRequest(request: ObjectRequest): Promise<void> {
	// COS answers 204 whether or not the key existed.
	await deleteObject(request.root, request.key)
	request.res.writeHead(204)
	request.res.end()
}
