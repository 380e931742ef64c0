// Sends a file from the browser into the bucket the way `coslink send` does: POST /api/uploads
// picks the key and signs the upload; the bytes go straight to COS (the bucket needs a CORS
// rule for this origin), one PUT up to 64 MiB, signed parts above.
import { api } from './api.ts'
import type { SendStart } from './types.ts'

export interface Sent {
	key: string
	name: string
	prefix: string
}

class StorageError extends Error {}

/** One PUT with progress; resolves with the answer's ETag. */
function put(url: string, headers: Record<string, string>, blob: Blob, onBytes: (n: number) => void) {
	return new Promise<string>((resolve, reject) => {
		const xhr = new XMLHttpRequest()
		xhr.open('PUT', url)
		// The browser sets Content-Length itself and refuses to be told.
		for (const [name, value] of Object.entries(headers))
			if (name !== 'content-length') xhr.setRequestHeader(name, value)
		xhr.upload.addEventListener('progress', (event) => onBytes(event.loaded))
		xhr.addEventListener('load', () => {
			if (xhr.status >= 200 && xhr.status < 300) return resolve(xhr.getResponseHeader('etag') ?? '')
			const code = /<Code>([\w.-]+)<\/Code>/.exec(xhr.responseText)?.[1]
			reject(new StorageError(`COS answered ${xhr.status}${code ? ` ${code}` : ''}`))
		})
		// A refused preflight looks like this: no status, no body.
		xhr.addEventListener('error', () => reject(new StorageError('cors')))
		xhr.send(blob)
	})
}

export async function sendFile(file: File, onProgress: (bytes: number) => void): Promise<Sent> {
	const { body: start } = await api<SendStart>('POST', '/api/uploads', {
		json: { name: file.name, size: file.size, ...(file.type ? { type: file.type } : {}) },
	})
	if ('url' in start) {
		await put(start.url, start.headers, file, onProgress)
		return start
	}
	const parts: { partNumber: number; etag: string }[] = []
	try {
		for (let first = 1; first <= start.partCount; first += 100) {
			const partNumbers = Array.from(
				{ length: Math.min(100, start.partCount - first + 1) },
				(_, n) => first + n,
			)
			const { body } = await api<{ parts: { partNumber: number; size: number; url: string }[] }>(
				'POST',
				'/api/uploads/parts',
				{ json: { token: start.token, partNumbers } },
			)
			for (const part of body.parts) {
				const offset = (part.partNumber - 1) * start.partSize
				const etag = await put(part.url, {}, file.slice(offset, offset + part.size), (n) =>
					onProgress(offset + n),
				)
				parts.push({ partNumber: part.partNumber, etag })
			}
		}
		await api('POST', '/api/uploads/complete', { json: { token: start.token, parts } })
		return start
	} catch (error) {
		await api('POST', '/api/uploads/abort', { json: { token: start.token } }).catch(() => undefined)
		throw error
	}
}

export function isCorsFailure(error: unknown): boolean {
	return error instanceof StorageError && error.message === 'cors'
}
