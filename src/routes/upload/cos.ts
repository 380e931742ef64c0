// Sending an upload's requests to COS and turning its answers into the errors a visitor
// sees: FileAlreadyExists is a 409 upload_exists, never a 502.
import type { Context } from 'hono'
import type { CosRequest } from '../../cos/multipart.ts'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { log } from '../../log.ts'
import { requestId } from '../../request-id.ts'

const MAX_ERROR_BODY = 16_384

export const uploadExists = () => new AppError('upload_exists')

/** COS's `<Code>` from an error body (read to a bounded length). */
export async function readCosText(response: Response, limit = MAX_ERROR_BODY): Promise<string> {
	if (!response.body) return ''
	const reader = response.body.getReader()
	const decoder = new TextDecoder()
	let text = ''
	while (text.length < limit) {
		const { done, value } = await reader.read()
		if (done) return text + decoder.decode()
		text += decoder.decode(value, { stream: true })
	}
	await reader.cancel()
	return text
}

export function cosCodeOf(text: string): string | undefined {
	return /<Code>([\w.-]{1,64})<\/Code>/.exec(text)?.[1]
}

/** A COS error as the visitor's error, with one warn line for the operator. */
export function cosFailure(c: Context<AppEnv>, status: number, code: string | undefined): AppError {
	if (code === 'FileAlreadyExists') return uploadExists()
	log('warn', 'upload_origin_error', { status, cosCode: code ?? 'none', requestId: requestId(c) })
	if (code === 'SignatureDoesNotMatch' || code === 'RequestTimeout' || code === 'IncompleteBody')
		return new AppError('size_mismatch')
	return new AppError('origin_error', 'The storage service refused the upload.')
}

/** Sends a signed request the worker builds itself (never cached at the edge). */
export async function sendCos(
	c: Context<AppEnv>,
	request: CosRequest,
	body?: BodyInit | null,
): Promise<Response> {
	try {
		return await fetch(request.url, {
			method: request.method,
			headers: request.headers,
			body: body ?? request.body ?? null,
			cache: 'no-store',
		})
	} catch (error) {
		log('warn', 'origin_unreachable', {
			type: error instanceof Error ? error.name : 'unknown',
			requestId: requestId(c),
		})
		throw new AppError('origin_error', 'The storage service could not be reached.')
	}
}

/** Sends, and throws the visitor's error unless COS answered 2xx; the body is drained. */
export async function sendCosOk(c: Context<AppEnv>, request: CosRequest): Promise<string> {
	const response = await sendCos(c, request)
	const text = await readCosText(response, 1_000_000)
	if (!response.ok) throw cosFailure(c, response.status, cosCodeOf(text))
	return text
}
