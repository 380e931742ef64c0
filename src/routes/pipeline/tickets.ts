// A limited share's downloads, spent one at a time and carried by tickets:
//   POST /_/consume/:id    a page's download button: spends one download → 303 to its ticket
//                          (folders: the `path` form field names the file or, with `zip=1`
//                          and optionally `recursive=1`, the level to zip)
//   GET|HEAD /_/t/<ticket> the spent download, served for the ticket's life without counting
//                          again (resumes, Range, HEAD), and only while the share still grants
//                          what the ticket was made for (grant.ts)
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../../env.ts'
import { AppError, notFound } from '../../errors.ts'
import { NO_STORE, SECURITY_HEADERS } from '../../http/headers.ts'
import { keyUnder } from '../../http/share-path.ts'
import { grantVersion } from '../../shares/grant.ts'
import { isShareId } from '../../shares/id.ts'
import { isLimited } from '../../shares/limits.ts'
import { shareState } from '../../shares/rules.ts'
import type { ShareRecord } from '../../shares/schema.ts'
import { getShare, liveShare } from '../../shares/store.ts'
import { openTicket, type TicketTarget } from '../../shares/tokens.ts'
import { asFileShare, deliverFile } from '../deliver/file.ts'
import { zipResponse } from '../folder/zip.ts'
import { spendDownload } from './authorize.ts'
import { withConfig } from './config.ts'
import { checkSameOrigin, isUnlocked, passwordRequired } from './gate.tsx'
import { sharePathOf } from './intent.ts'
import { resolveLive } from './resolve.ts'

export const tickets = new Hono<AppEnv>()

/** A redirect-share ticket signs COS URLs this short: a resume asks the ticket again. */
const TICKET_SIGN_TTL = 30
const MAX_FORM_BYTES = 4096

tickets.use('/_/consume/*', withConfig)
tickets.use('/_/t/*', withConfig)
tickets.use(
	'/_/consume/*',
	bodyLimit({
		maxSize: MAX_FORM_BYTES,
		onError: () => {
			throw new AppError('body_too_large', `The request body is over ${MAX_FORM_BYTES} bytes.`)
		},
	}),
)

async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
	const type = c.req.header('content-type') ?? ''
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(type)) return {}
	const fields: Record<string, string> = {}
	for (const [name, value] of Object.entries(await c.req.parseBody()))
		if (typeof value === 'string') fields[name] = value
	return fields
}

/** What a download button asks for: the file share, or a file or zipped level of a folder. */
function targetOf(record: ShareRecord, fields: Record<string, string>): TicketTarget {
	if (record.type === 'file') return { kind: 'file' }
	if (record.type !== 'folder') throw notFound()
	const path = sharePathOf(fields.path ?? '')
	if (path === undefined || keyUnder(record.prefix, path) === undefined) throw notFound()
	if (fields.zip === '1') {
		if (!path.directory) throw notFound()
		return { kind: 'zip', path: path.relative, recursive: fields.recursive === '1' }
	}
	if (path.directory) throw notFound()
	return { kind: 'path', path: path.relative }
}

/** The address that serves `target` directly: for a share that counts nothing. */
function directPath(record: ShareRecord, target: TicketTarget): string {
	const id = encodeURIComponent(record.id)
	const encoded = target.kind === 'file' ? '' : target.path.split('/').map(encodeURIComponent).join('/')
	if (target.kind === 'file') return `/${id}/download`
	if (target.kind === 'path') return `/${id}/${encoded}`
	return `/_/zip/${id}/${encoded}${target.recursive ? '?recursive=1' : ''}`
}

tickets.post('/_/consume/:id', async (c) => {
	checkSameOrigin(c)
	const now = Date.now()
	const share = await resolveLive(c, c.req.param('id'), now)
	c.set('share', share)
	const { record } = share
	if (!(await isUnlocked(c, record, c.var.config, now))) passwordRequired(c)
	const target = targetOf(record, await formFields(c))
	if (!isLimited(record))
		return new Response(null, {
			status: 303,
			headers: { ...SECURITY_HEADERS, 'Cache-Control': NO_STORE, Location: directPath(record, target) },
		})
	return spendDownload(c, record, target, 303)
})

/**
 * The share a ticket names, if it still grants what the ticket was spent for. From KV (a
 * ticket never asks the share's object), or from the object for a strict share.
 */
async function ticketShare(c: Context<AppEnv>, now: number) {
	const claims = await openTicket(c.var.config.linkSecret ?? '', c.req.param('ticket') ?? '', now)
	if (!claims) throw new AppError('invalid_ticket')
	const cached = isShareId(claims.id) ? await getShare(c.env.SHARES, claims.id) : null
	const record = cached?.strict ? (await liveShare(c.env, claims.id, now))?.record : cached
	// A deleted or replaced share, or one whose key, prefix, password or limits changed,
	// takes its tickets with it.
	if (!record || record.id !== claims.id || claims.grant !== (await grantVersion(record))) throw notFound()
	// Its expiry as it is now (the ticket's own ends no later than the share's did when spent).
	if (shareState(record, now) === 'expired') throw new AppError('share_expired')
	return { record, claims }
}

tickets.get('/_/t/:ticket', async (c) => {
	const now = Date.now()
	if (c.var.config.linkSecret === undefined) throw notFound()
	const { record, claims } = await ticketShare(c, now)
	const { target } = claims
	const options = { notAfter: claims.expires, maxTtl: TICKET_SIGN_TTL, memoOwner: {} }
	if (record.type === 'file' && target.kind === 'file')
		return deliverFile(c, record, c.var.config, now, options)
	if (record.type !== 'folder' || target.kind === 'file') throw notFound()
	const path = sharePathOf(target.path)
	const key = path && keyUnder(record.prefix, path)
	if (path === undefined || key === undefined) throw notFound()
	if (target.kind === 'zip') return zipResponse(c, record, path, target.recursive, now)
	return deliverFile(c, asFileShare(record, key), c.var.config, now, options)
})
tickets.all('/_/t/:ticket', (c) => {
	c.header('Allow', 'GET, HEAD')
	throw new AppError('method_not_allowed', 'A download ticket can only be read (GET or HEAD).')
})
