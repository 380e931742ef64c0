// HEAD Object (doc 7745): whether an object is in the bucket, and its size. The worker's
// own request, so signed in the Authorization header.
import { type CosCall, signedCosRequest } from './multipart.ts'

export class HeadError extends Error {
	override readonly name = 'HeadError'
	readonly status: number
	constructor(status: number) {
		super(`COS answered ${status} to a HEAD`)
		this.status = status
	}
}

/** The object's size, or null when COS says there is none; throws on anything else. */
export async function objectSize(call: CosCall, fetcher: typeof fetch = fetch): Promise<number | null> {
	const request = await signedCosRequest(call, 'HEAD', {})
	const res = await fetcher(request.url, {
		method: 'HEAD',
		headers: request.headers,
		cache: 'no-store',
		redirect: 'manual',
		signal: AbortSignal.timeout(20_000),
	})
	await res.body?.cancel()
	if (res.status === 404) return null
	if (!res.ok) throw new HeadError(res.status)
	return Number(res.headers.get('content-length') ?? '0')
}
