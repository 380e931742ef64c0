// The worker's own HEAD and DELETE of one object (docs 7745, 7743), signed in the
// Authorization header (a signature in a URL lands in Workers traces).
import { type CosCall, signedCosRequest } from './multipart.ts'

export class CosStatusError extends Error {
	override readonly name = 'CosStatusError'
	readonly status: number
	constructor(method: string, status: number) {
		super(`COS answered ${status} to a ${method}`)
		this.status = status
	}
}

/** Signs and sends `method` for the call's key; the answer's body is discarded. */
async function send(call: CosCall, method: 'HEAD' | 'DELETE', fetcher: typeof fetch): Promise<Response> {
	const request = await signedCosRequest(call, method, {})
	const res = await fetcher(request.url, {
		method,
		headers: request.headers,
		cache: 'no-store',
		redirect: 'manual',
		signal: AbortSignal.timeout(20_000),
	})
	await res.body?.cancel()
	return res
}

/** The object's size, or null when COS says there is none; throws on anything else. */
export async function objectSize(call: CosCall, fetcher: typeof fetch = fetch): Promise<number | null> {
	const res = await send(call, 'HEAD', fetcher)
	if (res.status === 404) return null
	if (!res.ok) throw new CosStatusError('HEAD', res.status)
	return Number(res.headers.get('content-length') ?? '0')
}

/**
 * Deletes one object; resolves once COS says it is gone, throws on anything else. COS
 * answers 204 whether or not the object was there; a 404 is taken as gone too.
 */
export async function deleteObject(call: CosCall, fetcher: typeof fetch = fetch): Promise<void> {
	const res = await send(call, 'DELETE', fetcher)
	if (!res.ok && res.status !== 404) throw new CosStatusError('DELETE', res.status)
}
