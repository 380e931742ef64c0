// Multipart uploads (docs 7746 initiate, 7750 upload part, 7742 complete, 7740 abort).
// Uploads in progress live under tmp/mp-<uploadId>/: upload.json (key, type, headers) and
// one file per part. Complete answers 200 at once and streams whitespace while it merges,
// then the result or an <Error> in the body, as COS does.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { CosError } from './errors.ts'
import type { ObjectRequest } from './object.ts'
import { queryValue } from './query.ts'
import { assertStorableKey, writeObject } from './store.ts'
import { el, xmlDocument } from './xml.ts'

/** COS: every part but the last is at least 1 MB. */
const MIN_PART_BYTES = 1024 * 1024
const MAX_COMPLETE_BODY = 4 * 1024 * 1024

interface UploadMeta {
	key: string
	contentType: string
	headers: Record<string, string>
}

const uploadDir = (root: string, uploadId: string) => join(root, 'tmp', `mp-${uploadId}`)

function header(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name]
	return Array.isArray(value) ? value.join(', ') : value
}

const noSuchUpload = () => new CosError(404, 'NoSuchUpload', 'The specified multipart upload does not exist.')

async function readUpload(root: string, uploadId: string, key: string): Promise<UploadMeta> {
	if (!/^[0-9a-f]{32,64}$/.test(uploadId)) throw noSuchUpload()
	let meta: UploadMeta
	try {
		meta = JSON.parse(await readFile(join(uploadDir(root, uploadId), 'upload.json'), 'utf8')) as UploadMeta
	} catch {
		throw noSuchUpload()
	}
	if (meta.key !== key) throw noSuchUpload()
	return meta
}

/** `POST /key?uploads`. */
export async function initiateMultipart(request: ObjectRequest): Promise<void> {
	assertStorableKey(request.key)
	const uploadId = `${Date.now().toString(16)}${randomBytes(16).toString('hex')}`
	const dir = uploadDir(request.root, uploadId)
	await mkdir(dir, { recursive: true })
	const headers: Record<string, string> = {}
	for (const [name, value] of Object.entries(request.req.headers))
		if (typeof value === 'string' && value !== '' && name.startsWith('x-cos-meta-')) headers[name] = value
	const meta: UploadMeta = {
		key: request.key,
		contentType: header(request.req, 'content-type') || 'application/octet-stream',
		headers,
	}
	await writeFile(join(dir, 'upload.json'), JSON.stringify(meta))
	request.req.resume()
	const body = xmlDocument(
		el('InitiateMultipartUploadResult', [
			el('Bucket', 'bucket'),
			el('Key', request.key),
			el('UploadId', uploadId),
		]),
	)
	request.res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) })
	request.res.end(body)
}

/** `PUT /key?partNumber=&uploadId=`. */
export async function uploadPart(request: ObjectRequest, uploadId: string): Promise<void> {
	const partNumber = Number(queryValue(request.query, 'partNumber'))
	if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000)
		throw new CosError(400, 'InvalidArgument', 'partNumber must be 1-10000.')
	await readUpload(request.root, uploadId, request.key)
	const length = header(request.req, 'content-length')
	const dir = uploadDir(request.root, uploadId)
	const tmp = join(dir, `part-${partNumber}.${randomBytes(4).toString('hex')}`)
	const md5 = createHash('md5')
	let size = 0
	const file = (await open(tmp, 'wx')).createWriteStream()
	await pipeline(
		request.req,
		async function* (source: AsyncIterable<Buffer>) {
			for await (const chunk of source) {
				md5.update(chunk)
				size += chunk.byteLength
				yield chunk
			}
		},
		file,
	)
	if (length !== undefined && Number(length) !== size) {
		await rm(tmp, { force: true })
		throw new CosError(
			400,
			'IncompleteBody',
			'You did not provide the number of bytes specified by the Content-Length HTTP header.',
		)
	}
	const etag = `"${md5.digest('hex')}"`
	// Last writer of a part number wins, as at COS.
	await rename(tmp, join(dir, `part-${partNumber}`))
	await writeFile(join(dir, `part-${partNumber}.etag`), etag)
	request.res.writeHead(200, { ETag: etag, 'Content-Length': 0 })
	request.res.end()
}

async function readBody(req: IncomingMessage): Promise<string> {
	let text = ''
	for await (const chunk of req) {
		text += String(chunk)
		if (text.length > MAX_COMPLETE_BODY)
			throw new CosError(400, 'EntityTooLarge', 'The part list is too long.')
	}
	return text
}

function parseParts(xml: string): { partNumber: number; etag: string }[] {
	const parts = [
		...xml.matchAll(/<Part>\s*<PartNumber>(\d+)<\/PartNumber>\s*<ETag>([^<]*)<\/ETag>\s*<\/Part>/g),
	].map((match) => ({
		partNumber: Number(match[1]),
		etag: (match[2] ?? '').replace(/&(#34|quot);/g, '"'),
	}))
	if (parts.length === 0) throw new CosError(400, 'MalformedXML', 'The XML you provided was not well-formed.')
	for (let i = 1; i < parts.length; i++)
		if ((parts[i]?.partNumber ?? 0) <= (parts[i - 1]?.partNumber ?? 0))
			throw new CosError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.')
	return parts
}

/** `POST /key?uploadId=`: the part list in, one object out. */
export async function completeMultipart(request: ObjectRequest, uploadId: string): Promise<void> {
	const { req, res, root } = request
	const meta = await readUpload(root, uploadId, request.key)
	const parts = parseParts(await readBody(req))
	const dir = uploadDir(root, uploadId)
	for (const [index, part] of parts.entries()) {
		let etag: string
		let size: number
		try {
			etag = await readFile(join(dir, `part-${part.partNumber}.etag`), 'utf8')
			size = (await stat(join(dir, `part-${part.partNumber}`))).size
		} catch {
			throw new CosError(400, 'InvalidPart', 'One or more of the specified parts could not be found.')
		}
		if (etag !== part.etag && `"${part.etag}"` !== etag)
			throw new CosError(400, 'InvalidPart', 'One or more of the specified parts could not be found.')
		if (index < parts.length - 1 && size < MIN_PART_BYTES)
			throw new CosError(
				400,
				'EntityTooSmall',
				'Your proposed upload is smaller than the minimum allowed size.',
			)
	}
	// From here COS has said 200: the outcome goes into the body.
	res.writeHead(200, { 'Content-Type': 'application/xml' })
	res.write('\n  ')
	async function* merged(): AsyncGenerator<Uint8Array> {
		for (const part of parts) yield* createReadStream(join(dir, `part-${part.partNumber}`))
	}
	try {
		const written = await writeObject(root, request.key, merged(), {
			contentType: meta.contentType,
			headers: meta.headers,
			lastModified: request.now(),
			forbidOverwrite: header(req, 'x-cos-forbid-overwrite')?.toLowerCase() === 'true',
		})
		await rm(dir, { recursive: true, force: true })
		res.end(
			xmlDocument(
				el('CompleteMultipartUploadResult', [
					el('Location', request.key),
					el('Bucket', 'bucket'),
					el('Key', request.key),
					el('ETag', `"${written.etag.slice(1, -1)}-${parts.length}"`),
				]),
			),
		)
	} catch (error) {
		const cos = error instanceof CosError ? error : new CosError(500, 'InternalError', String(error))
		res.end(xmlDocument(el('Error', [el('Code', cos.code), el('Message', cos.message)])))
	}
}

/** `DELETE /key?uploadId=`. */
export async function abortMultipart(request: ObjectRequest, uploadId: string): Promise<void> {
	await readUpload(request.root, uploadId, request.key)
	await rm(uploadDir(request.root, uploadId), { recursive: true, force: true })
	request.res.writeHead(204)
	request.res.end()
}

/** Uploads still in progress (tests: an aborted upload leaves none). */
export async function countMultipartUploads(root: string): Promise<number> {
	return (await readdir(join(root, 'tmp'))).filter((name) => name.startsWith('mp-')).length
}
