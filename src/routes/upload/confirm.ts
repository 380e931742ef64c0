// POST /:id/uploads/confirm { key }: after a pre-signed PUT, the client (the upload page does
// it after each file) asks the worker to count the file. Only a key reserved or committed on
// this link is looked at; a signed HEAD at COS then proves it is there, and the reservation
// is committed with the size COS reports. Idempotent.
import { Hono } from 'hono'
import { z } from 'zod'
import { assertObjectKey } from '../../cos/key.ts'
import { signedCosRequest } from '../../cos/multipart.ts'
import type { AppEnv } from '../../env.ts'
import { AppError } from '../../errors.ts'
import { commitUpload, holdsUpload } from '../../shares/store.ts'
import { reportUpload, stableEventId } from '../report.ts'
import { cosFailure, sendCos } from './cos.ts'
import { readJson } from './json.ts'
import { callFor, resolveUploadShare } from './live.ts'

export const confirmRoutes = new Hono<AppEnv>()

const notReserved = () => new AppError('upload_not_found')

const confirmSchema = z.strictObject({
	key: z
		.string()
		.min(1)
		.max(1024)
		.refine((key) => key.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
})

/** A key this link could have issued: under its prefix, and one a COS URL can carry. */
function couldBeIssued(prefix: string, key: string): boolean {
	if (!key.startsWith(prefix)) return false
	try {
		assertObjectKey(key)
		return true
	} catch {
		return false
	}
}

confirmRoutes.post('/:id/uploads/confirm', async (c) => {
	const live = resolveUploadShare(c)
	const { key } = await readJson(c, confirmSchema)
	// Any key this link did not hand out gets the same 404 before COS is asked anything, so
	// the answer never tells whether some object exists under the prefix.
	if (!couldBeIssued(live.record.prefix, key) || !(await holdsUpload(c.env, live.record.id, key)))
		throw notReserved()
	const head = await sendCos(c, await signedCosRequest(callFor(live, key), 'HEAD', {}))
	await head.body?.cancel()
	if (head.status === 404) throw new AppError('object_not_uploaded')
	if (!head.ok) throw cosFailure(c, head.status, undefined)
	const size = Number(head.headers.get('content-length') ?? '0')
	if (!(await commitUpload(c.env, live.record.id, key, size))) throw notReserved()
	// Confirming again is harmless: the same object version is the same event (one webhook).
	const version = `${head.headers.get('etag') ?? ''} ${head.headers.get('last-modified') ?? ''}`
	const contentType = head.headers.get('content-type') ?? 'application/octet-stream'
	const name = key.slice(key.lastIndexOf('/') + 1)
	const id = await stableEventId(live.record.id, key, version)
	reportUpload(c, live.record, { key, name, size, contentType }, id)
	return c.json({ key, size, confirmed: true })
})
