// `coslink send`: each file goes into the bucket through the worker's POST /api/uploads
// (the worker picks the key and signs the request; the CLI never sees a COS key), straight
// to COS as a signed PUT, or in parts above the worker's multipart threshold.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { basename } from 'node:path'
import type { Api } from './client.ts'
import { CliError, EXIT } from './errors.ts'
import type { Progress } from './progress.ts'

interface PutStart {
	key: string
	folder: string
	prefix: string
	name: string
	method: 'PUT'
	url: string
	headers: Record<string, string>
}

interface MultipartStart {
	key: string
	folder: string
	prefix: string
	name: string
	uploadId: string
	partSize: number
	partCount: number
	token: string
}

export interface SentFile {
	path: string
	key: string
	name: string
	prefix: string
	folder: string
	size: number
}

export interface LocalFile {
	path: string
	name: string
	size: number
}

/** The files to send: regular files, with names distinct once in one folder. */
export async function localFiles(paths: string[]): Promise<LocalFile[]> {
	const files: LocalFile[] = []
	const names = new Set<string>()
	for (const path of paths) {
		const info = await stat(path).catch(() => undefined)
		if (!info?.isFile())
			throw new CliError(`${path}: not a file (send files; a folder's files by name)`, EXIT.usage)
		const name = basename(path)
		if (names.has(name)) throw new CliError(`two files are named "${name}": rename one`, EXIT.usage)
		names.add(name)
		files.push({ path, name, size: info.size })
	}
	return files
}

interface PutResult {
	status: number
	etag: string | undefined
	body: string
}

/** PUTs bytes [start, end] of a file to a signed URL with exactly these headers. */
function putBytes(
	url: string,
	headers: Record<string, string>,
	file: { path: string; start: number; end: number },
	onBytes: (n: number) => void,
): Promise<PutResult> {
	const target = new URL(url)
	const send = target.protocol === 'https:' ? httpsRequest : httpRequest
	return new Promise((resolve, reject) => {
		const req = send(target, { method: 'PUT', headers }, (res: IncomingMessage) => {
			const chunks: Buffer[] = []
			res.on('data', (chunk: Buffer) => chunks.push(chunk))
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					etag: typeof res.headers.etag === 'string' ? res.headers.etag : undefined,
					body: Buffer.concat(chunks).toString('utf8').slice(0, 2000),
				}),
			)
			res.on('error', reject)
		})
		req.on('error', reject)
		if (file.end < file.start) {
			req.end()
			return
		}
		const stream = createReadStream(file.path, { start: file.start, end: file.end })
		stream.on('data', (chunk) => onBytes(chunk.length))
		stream.on('error', (error) => req.destroy(error))
		stream.pipe(req)
	})
}

function storageError(name: string, result: PutResult): CliError {
	const code = /<Code>([\w.-]+)<\/Code>/.exec(result.body)?.[1]
	if (code === 'FileAlreadyExists')
		return new CliError(`uploading ${name} failed: a file of that name is already there`, EXIT.conflict)
	return new CliError(
		`uploading ${name} failed: the storage answered ${result.status}${code ? ` ${code}` : ''}; try again`,
		EXIT.other,
	)
}

async function sendMultipart(
	api: Api,
	file: LocalFile,
	start: MultipartStart,
	progress: Progress,
): Promise<void> {
	const parts: { partNumber: number; etag: string }[] = []
	try {
		for (let first = 1; first <= start.partCount; first += 100) {
			const numbers = Array.from({ length: Math.min(100, start.partCount - first + 1) }, (_, n) => first + n)
			const signed = await api.request<{ parts: { partNumber: number; size: number; url: string }[] }>(
				'POST',
				'/api/uploads/parts',
				`signing parts of ${file.name}`,
				{ json: { token: start.token, partNumbers: numbers } },
			)
			for (const part of signed.body.parts) {
				const offset = (part.partNumber - 1) * start.partSize
				const result = await putBytes(
					part.url,
					{ 'content-length': String(part.size) },
					{ path: file.path, start: offset, end: offset + part.size - 1 },
					(n) => progress.add(n),
				)
				if (result.status !== 200 || !result.etag) throw storageError(file.name, result)
				parts.push({ partNumber: part.partNumber, etag: result.etag })
			}
		}
		await api.request('POST', '/api/uploads/complete', `completing ${file.name}`, {
			json: { token: start.token, parts },
		})
	} catch (error) {
		// Best effort: COS drops the parts so far (a lifecycle rule catches what this misses).
		await api
			.request('POST', '/api/uploads/abort', `aborting ${file.name}`, { json: { token: start.token } })
			.catch(() => undefined)
		throw error
	}
}

/** Sends each file into one folder of its own under SEND_PREFIX. */
export async function sendFiles(api: Api, files: LocalFile[], progress: Progress): Promise<SentFile[]> {
	const sent: SentFile[] = []
	let folder: string | undefined
	for (const file of files) {
		progress.start(file.name, file.size)
		const answer = await api.request<PutStart | MultipartStart>(
			'POST',
			'/api/uploads',
			`starting ${file.name}`,
			{
				json: { name: file.name, size: file.size, ...(folder ? { folder } : {}) },
			},
		)
		const start = answer.body
		folder = start.folder
		if ('uploadId' in start) await sendMultipart(api, file, start, progress)
		else {
			const result = await putBytes(
				start.url,
				start.headers,
				{ path: file.path, start: 0, end: file.size - 1 },
				(n) => progress.add(n),
			)
			if (result.status !== 200) throw storageError(file.name, result)
		}
		progress.done()
		sent.push({
			path: file.path,
			key: start.key,
			name: start.name,
			prefix: start.prefix,
			folder: start.folder,
			size: file.size,
		})
	}
	return sent
}
