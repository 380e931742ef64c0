// GET|HEAD /_/zip/:id/<dir>/ of a folder share: streams one level (or all below it, with
// ?recursive=1) as a zip, each member fetched from COS when the archive reaches it.
import type { Context } from 'hono'
import { signObjectRequest } from '../../cos/presign.ts'
import type { AppEnv, Config } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { contentDisposition } from '../../http/content-disposition.ts'
import { NO_STORE, OBJECT_CSP, SECURITY_HEADERS } from '../../http/headers.ts'
import { keyUnder, parseSharePath, type SharePath } from '../../http/share-path.ts'
import { type ZipMember, ZipMemberError, zipLength, zipStream } from '../../http/zip.ts'
import type { FolderShareRecord } from '../../shares/schema.ts'
import { asFileShare } from '../deliver/file.ts'
import { servingOf, signingInput } from '../deliver/serving.ts'
import { reported } from '../report.ts'
import { decodeCursor } from './listing.ts'
import { lastName, listing } from './share.ts'

interface Collected {
	members: { key: string; name: string; size: number; lastModified: string; etag: string }[]
	bytes: number
}

function tooLarge(config: Config): never {
	throw new AppError(
		'zip_too_large',
		`A zip holds at most ${config.zipMaxFiles} files and ${config.zipMaxBytes} bytes.`,
	)
}

/** Every file of the level (and below, when recursive), within the configured limits. */
async function collect(
	config: Config,
	record: FolderShareRecord,
	root: SharePath,
	recursive: boolean,
	now: number,
): Promise<Collected> {
	const rootLevel = keyUnder(record.prefix, root)
	if (rootLevel === undefined) throw notFound()
	const collected: Collected = { members: [], bytes: 0 }
	const pending = [root.relative]
	while (pending.length > 0) {
		const relative = pending.shift() ?? ''
		const level = record.prefix + relative
		let marker: string | undefined
		do {
			const page = await listing({ config, record, level, relative, marker, limit: 1000, now })
			for (const file of page.files) {
				collected.members.push({
					key: record.prefix + file.path,
					name: file.path.slice(root.relative.length),
					size: file.size,
					lastModified: file.lastModified,
					etag: file.etag,
				})
				collected.bytes += file.size
				if (collected.members.length > config.zipMaxFiles || collected.bytes > config.zipMaxBytes)
					tooLarge(config)
			}
			if (recursive) for (const folder of page.folders) pending.push(folder.path)
			marker = page.cursor === null ? undefined : decodeCursor(level, page.cursor)
		} while (marker !== undefined)
	}
	return collected
}

function memberOf(
	config: Config,
	record: FolderShareRecord,
	entry: Collected['members'][number],
	now: number,
): ZipMember {
	const lastModified = new Date(entry.lastModified)
	return {
		name: entry.name,
		size: entry.size,
		lastModified: Number.isNaN(lastModified.getTime()) ? new Date(now) : lastModified,
		open: async () => {
			// Each member is signed when the archive reaches it, so a long zip never outlives
			// a signature; If-Match fails it if the object changed since it was listed.
			const serving = servingOf(asFileShare(record, entry.key), config, 'GET', Date.now())
			const signed = await signObjectRequest(signingInput(serving))
			const res = await fetch(signed.url, {
				headers: { ...signed.headers, 'if-match': entry.etag },
				cache: 'no-store',
				redirect: 'manual',
			})
			// Logged at error level by the archive (http/zip.ts), which then aborts.
			if (res.status !== 200 || !res.body) {
				await res.body?.cancel()
				throw new ZipMemberError(`COS answered ${res.status} for a member`, res.status)
			}
			return res.body
		},
	}
}

/** The zip of one level of a folder share (and all below it, when recursive). */
export async function zipResponse(
	c: Context<AppEnv>,
	record: FolderShareRecord,
	path: SharePath,
	recursive: boolean,
	now: number,
): Promise<Response> {
	if (!path.directory) throw notFound()
	const { config } = c.var
	const { members } = await collect(config, record, path, recursive, now)
	const zipped = members.map((entry) => memberOf(config, record, entry, now))
	const name = `${lastName(path.relative) || lastName(record.prefix) || record.id}.zip`
	const headers = new Headers(SECURITY_HEADERS)
	headers.set('Content-Type', 'application/zip')
	headers.set('Content-Disposition', contentDisposition('attachment', name))
	headers.set('Content-Security-Policy', OBJECT_CSP)
	// no-transform: an edge that recompresses would drop the Content-Length.
	headers.set('Cache-Control', `${NO_STORE}, no-transform`)
	if (c.req.method === 'HEAD') {
		headers.set('Content-Length', String(zipLength(zipped)))
		return new Response(null, { headers })
	}
	const { body, length } = zipStream(zipped)
	headers.set('Content-Length', String(length))
	return new Response(body, { headers })
}

/** GET|HEAD /_/zip/:id/<dir>/: behind the pipeline, so a limited folder's GET arrives here only through its ticket. */
export async function serveZip(c: Context<AppEnv>): Promise<Response> {
	const { record, now } = c.var.share
	if (record.type !== 'folder') throw notFound()
	const path = parseSharePath(new URL(c.req.url).pathname, 3)
	if (path === undefined) throw notFound()
	const response = await zipResponse(c, record, path, c.req.query('recursive') === '1', now)
	return reported(c, record, 'zip', response, {
		key: record.prefix + path.relative,
		path: path.relative || '/',
	})
}
