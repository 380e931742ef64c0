// COS answered with an error: what the visitor sees, and one warn line for the operator.
import type { Context } from 'hono'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { OriginTimeoutError } from '../../http/proxy.ts'
import { log } from '../../log.ts'
import { requestId } from '../../request-id.ts'

const MAX_ERROR_BODY = 8192

async function cosErrorCode(response: Response): Promise<string | undefined> {
	if (!response.body) return undefined
	const reader = response.body.getReader()
	let text = ''
	const decoder = new TextDecoder()
	while (text.length < MAX_ERROR_BODY) {
		const { done, value } = await reader.read()
		if (done) break
		text += decoder.decode(value, { stream: true })
	}
	await reader.cancel()
	return /<Code>([\w.-]{1,64})<\/Code>/.exec(text)?.[1]
}

export async function originFailure(c: Context<AppEnv>, upstream: Response): Promise<never> {
	if (upstream.status === 404) {
		await upstream.body?.cancel()
		throw new AppError('object_not_found')
	}
	const cosCode = await cosErrorCode(upstream)
	log('warn', 'origin_error', {
		status: upstream.status,
		cosCode,
		cosRequestId: upstream.headers.get('x-cos-request-id') ?? undefined,
		requestId: requestId(c),
	})
	if (cosCode === 'DownloadForbidden')
		throw new AppError(
			'download_forbidden',
			'COS refuses to serve .apk and .ipa files from the default bucket domain. Bind a custom origin domain to the bucket and set COS_ENDPOINT to it.',
		)
	throw new AppError('origin_error', 'The storage service did not deliver the file.')
}

/** COS could not be reached at all (or not in time): a 502, and one warn line. */
export function originUnreachable(c: Context<AppEnv>, error: unknown): never {
	log('warn', 'origin_unreachable', {
		type: error instanceof Error ? error.name : 'unknown',
		requestId: requestId(c),
	})
	const detail =
		error instanceof OriginTimeoutError
			? 'The storage service did not answer in time.'
			: 'The storage service could not be reached.'
	throw new AppError('origin_error', detail)
}
