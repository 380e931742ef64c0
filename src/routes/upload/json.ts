// JSON bodies of the upload routes: small, application/json, validated with zod, and every
// problem a 400 naming the field.
import type { Context } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'

/** Upload requests are a few fields (complete: up to 10,000 part ETags). */
const MAX_BODY_BYTES = 1_048_576

export async function readJson<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
	if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? ''))
		throw new AppError('unsupported_media_type', 'Send the body as application/json.')
	const length = Number(c.req.header('content-length') ?? '0')
	if (length > MAX_BODY_BYTES)
		throw new AppError('body_too_large', `The request body is over ${MAX_BODY_BYTES} bytes.`)
	let raw: unknown
	try {
		const text = await c.req.text()
		if (text.length > MAX_BODY_BYTES) throw new RangeError('too long')
		raw = JSON.parse(text)
	} catch {
		throw new AppError('invalid_body', 'The body is not valid JSON.')
	}
	const result = schema.safeParse(raw)
	if (!result.success) {
		const issue = result.error.issues[0]
		const field = issue?.path.join('.') || 'body'
		throw new AppError('invalid_body', `${field}: ${issue?.message ?? 'is invalid'}`, { field })
	}
	return result.data
}
