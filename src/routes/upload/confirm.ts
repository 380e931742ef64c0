// POST /:id/uploads/confirm { key }: after a pre-signed PUT, the client (the upload page does
// it after each file) asks the worker to count the file. A signed HEAD at COS proves it is
// there; the reservation is then committed with the size COS reports. Idempotent.
import { Hono } from 'hono'
import { z } from 'zod'
import { signedCosRequest } from '../../cos/multipart.ts'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { commitUpload } from '../../shares/store.ts'
import { cosFailure, sendCos } from './cos.ts'
import { readJson } from './json.ts'
import { callFor, resolveUploadShare } from './live.ts'

export const confirmRoutes = new Hono<AppEnv>()

const notReserved = () =>
	new AppError(404, 'upload_not_found', 'No upload of that key was started on this link.')

confirmRoutes.post('/:id/uploads/confirm', async (c) => {
	const live = resolveUploadShare(c)
	const { key } = await readJson(c, z.strictObject({ key: z.string().min(1).max(1024) }))
	if (!key.startsWith(live.record.prefix)) throw notReserved()
	const head = await sendCos(c, await signedCosRequest(callFor(live, key), 'HEAD', {}))
	await head.body?.cancel()
	if (head.status === 404)
		throw new AppError(409, 'object_not_found', 'The file is not in storage (yet): send it first.')
	if (!head.ok) throw cosFailure(c, head.status, undefined)
	const size = Number(head.headers.get('content-length') ?? '0')
	if (!(await commitUpload(c.env, live.record.id, key, size))) throw notReserved()
	return c.json({ key, size, confirmed: true })
})
