// DELETE Object (doc 7743): the worker's own request, signed in the Authorization header.
// COS answers 204 whether or not the object was there; a 404 is taken as gone too.
import { type CosCall, signedCosRequest } from './multipart.ts'

export class DeleteError extends Error {
	override readonly name = 'DeleteError'
	readonly status: number
	constructor(status: number) {
		super(`COS answered ${status} to a DELETE`)
		this.status = status
	}
}

/** Deletes one object; resolves once COS says it is gone, throws on anything else. */
export async function deleteObject(call: CosCall, fetcher: typeof fetch = fetch): Promise<void> {
	const request = await signedCosRequest(call, 'DELETE', {})
	const res = await fetcher(request.url, {
		method: 'DELETE',
		headers: request.headers,
		cache: 'no-store',
		redirect: 'manual',
		signal: AbortSignal.timeout(20_000),
	})
	await res.body?.cancel()
	if (!res.ok && res.status !== 404) throw new DeleteError(res.status)
}
