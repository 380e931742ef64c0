// A local stand-in for one COS bucket: answers GET/HEAD/PUT/DELETE Object and GET Bucket
// the way COS does, refusing every request whose signature Tencent's SDK does not agree with.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { verifyRequest } from './auth.ts'
import { CosError, errorBody, invalidArgument } from './errors.ts'
import { listBucketXml } from './list.ts'
import { abortMultipart, completeMultipart, initiateMultipart, uploadPart } from './multipart.ts'
import { deleteObjectRequest, getOrHeadObject, type ObjectRequest, putObjectRequest } from './object.ts'
import { MalformedQueryError, parseRawQuery, queryValue } from './query.ts'
import { type SeedOptions, seedSampleObjects } from './seed.ts'
import { ensureStore, listObjects } from './store.ts'

export { listKeys, putObject } from './store.ts'

export interface EmulatorOptions {
	/** Folder holding the objects. Default: a fresh temp dir, removed again by close(). */
	root?: string
	/** 0 (the default) picks a free port. */
	port?: number
	host?: string
	bucket: string
	region: string
	secretId: string
	secretKey: string
	/** When set, every request must carry this x-cos-security-token (a temporary key). */
	securityToken?: string
	/** Write the sample objects of seed.ts before listening (options: big/blob.bin's size). */
	seed?: boolean | SeedOptions
	/** One line per request, signature and token redacted. */
	log?: (line: string) => void
	/** The clock signatures are checked against, epoch milliseconds. Default Date.now. */
	now?: () => number
	/** Keep every request in `requests`. Default true; long benchmark runs turn it off. */
	record?: boolean
	/**
	 * The bucket's CORS rule: origins allowed to call it from a browser ('*' for any), with
	 * PUT/POST/GET/HEAD/DELETE, any request header and ETag exposed. Default: none (no CORS).
	 */
	corsOrigins?: readonly string[] | '*'
}

export interface RecordedRequest {
	method: string
	/** Raw path, still percent-encoded. */
	path: string
	/** Raw query string without '?', signature included. */
	query: string
	headers: Record<string, string>
}

export interface Emulator {
	url: string
	port: number
	root: string
	bucket: string
	region: string
	/** Keys written by `seed: true`. */
	seeded: string[]
	requests: RecordedRequest[]
	close(): Promise<void>
}

// COS request ids are base64 of an opaque ASCII id.
const newRequestId = () =>
	Buffer.from(`${Date.now().toString(16)}_${randomBytes(8).toString('hex')}`).toString('base64')

const SECRET_PARAMS = /((?:^|&)(?:q-signature|x-cos-security-token)=)[^&]*/gi
const redactQuery = (query: string) => query.replace(SECRET_PARAMS, '$1[redacted]')

const MIN_TRAFFIC_LIMIT = 819_200
const MAX_TRAFFIC_LIMIT = 838_860_800

function flattenHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {}
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
	}
	return headers
}

function splitTarget(target: string): { path: string; query: string } {
	// Absolute-form targets (through a proxy) carry the origin first.
	const relative = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/'
	const at = relative.indexOf('?')
	return at === -1
		? { path: relative, query: '' }
		: { path: relative.slice(0, at), query: relative.slice(at + 1) }
}

function checkTrafficLimit(value: string | undefined): void {
	if (value === undefined) return
	const limit = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN
	if (!(limit >= MIN_TRAFFIC_LIMIT && limit <= MAX_TRAFFIC_LIMIT))
		throw invalidArgument(`x-cos-traffic-limit must be ${MIN_TRAFFIC_LIMIT}-${MAX_TRAFFIC_LIMIT} bits/s.`)
}

/**
 * COS's CORS: a matching Origin gets the allow headers on every answer, and a preflight
 * (OPTIONS, unsigned) is answered here. True when the request was a preflight.
 */
function answerCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[] | '*' | undefined) {
	const origin = req.headers.origin
	const matches =
		origin !== undefined && allowed !== undefined && (allowed === '*' || allowed.includes(origin))
	if (req.method !== 'OPTIONS') {
		if (matches) {
			res.setHeader('Access-Control-Allow-Origin', origin)
			res.setHeader('Access-Control-Expose-Headers', 'ETag, x-cos-request-id')
			res.setHeader('Vary', 'Origin')
		}
		return false
	}
	if (!matches) {
		res.writeHead(403, { 'Content-Type': 'application/xml' })
		res.end(
			"<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>",
		)
		return true
	}
	res.writeHead(200, {
		'Access-Control-Allow-Origin': origin,
		'Access-Control-Allow-Methods': 'PUT, POST, GET, HEAD, DELETE',
		'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
		'Access-Control-Expose-Headers': 'ETag, x-cos-request-id',
		'Access-Control-Max-Age': '600',
		Vary: 'Origin',
		'Content-Length': 0,
	})
	res.end()
	return true
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
	const ownsRoot = options.root === undefined
	const root = options.root ?? (await mkdtemp(join(tmpdir(), 'coslink-cos-')))
	await ensureStore(root)
	const seeded = options.seed ? await seedSampleObjects(root, options.seed === true ? {} : options.seed) : []
	const now = options.now ?? Date.now
	const record = options.record ?? true
	const requests: RecordedRequest[] = []
	const auth = {
		secretId: options.secretId,
		secretKey: options.secretKey,
		securityToken: options.securityToken,
		now,
	}

	async function route(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		rawQuery: string,
	): Promise<void> {
		const method = req.method ?? 'GET'
		if (!path.startsWith('/')) throw new CosError(400, 'InvalidURI', 'Could not parse the specified URI.')
		let key: string
		let query: ReturnType<typeof parseRawQuery>
		try {
			// Like COS, a raw '+' in the path is a space: a client that forgets %2B fails here too.
			key = decodeURIComponent(path.slice(1).replaceAll('+', '%20'))
			query = parseRawQuery(rawQuery)
		} catch (error) {
			if (error instanceof URIError || error instanceof MalformedQueryError)
				throw new CosError(400, 'InvalidURI', 'Could not parse the specified URI.')
			throw error
		}

		verifyRequest({ method, key, query, headers: req.headers }, auth)
		const trafficHeader = req.headers['x-cos-traffic-limit']
		checkTrafficLimit(queryValue(query, 'x-cos-traffic-limit'))
		checkTrafficLimit(Array.isArray(trafficHeader) ? trafficHeader.join(',') : trafficHeader)

		if (key === '') {
			if (method === 'GET') {
				const xml = listBucketXml(await listObjects(root), { bucket: options.bucket, query })
				res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) })
				res.end(xml)
				return
			}
			if (method === 'HEAD') {
				res.writeHead(200, { 'x-cos-bucket-region': options.region })
				res.end()
				return
			}
		} else {
			const request: ObjectRequest = { req, res, method, key, query, root, now }
			const uploadId = queryValue(query, 'uploadId')
			if (method === 'POST' && query.some((param) => param.name === 'uploads'))
				return initiateMultipart(request)
			if (uploadId !== undefined) {
				if (method === 'PUT') return uploadPart(request, uploadId)
				if (method === 'POST') return completeMultipart(request, uploadId)
				if (method === 'DELETE') return abortMultipart(request, uploadId)
			}
			if (method === 'GET' || method === 'HEAD') return getOrHeadObject(request)
			if (method === 'PUT') return putObjectRequest(request)
			if (method === 'DELETE') return deleteObjectRequest(request)
		}
		throw new CosError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
	}

	function sendError(res: ServerResponse, method: string, path: string, error: CosError, requestId: string) {
		if (res.headersSent) {
			res.destroy()
			return
		}
		const body = errorBody(error, path, requestId, randomBytes(24).toString('base64'))
		res.writeHead(error.status, {
			...error.headers,
			'Content-Type': 'application/xml',
			'Content-Length': Buffer.byteLength(body),
		})
		res.end(method === 'HEAD' ? undefined : body)
	}

	const server = createServer((req, res) => {
		const started = performance.now()
		const method = req.method ?? 'GET'
		const { path, query } = splitTarget(req.url ?? '/')
		const requestId = newRequestId()
		res.setHeader('Server', 'tencent-cos')
		res.setHeader('x-cos-request-id', requestId)
		if (record) requests.push({ method, path, query, headers: flattenHeaders(req) })
		if (answerCors(req, res, options.corsOrigins)) return
		let errorCode = ''
		if (options.log) {
			const log = options.log
			res.on('close', () => {
				const target = query === '' ? path : `${path}?${redactQuery(query)}`
				const code = errorCode ? ` ${errorCode}` : ''
				const outcome = `${res.statusCode}${code}${res.writableFinished ? '' : ' (aborted)'}`
				log(`${method} ${target} -> ${outcome} ${Math.round(performance.now() - started)}ms`)
			})
		}
		route(req, res, path, query).catch((thrown: unknown) => {
			const error =
				thrown instanceof CosError
					? thrown
					: new CosError(500, 'InternalError', `We encountered an internal error: ${String(thrown)}`)
			errorCode = error.code
			sendError(res, method, path, error, requestId)
		})
	})

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject)
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
			server.off('error', reject)
			resolve()
		})
	})
	const address = server.address() as AddressInfo
	// A wildcard listener is reached through loopback.
	const reachable =
		address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address
	const host = address.family === 'IPv6' ? `[${reachable}]` : reachable

	return {
		url: `http://${host}:${address.port}`,
		port: address.port,
		root,
		bucket: options.bucket,
		region: options.region,
		seeded,
		requests,
		async close() {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()))
			server.closeAllConnections()
			await closed
			if (ownsRoot) await rm(root, { recursive: true, force: true })
		},
	}
}
