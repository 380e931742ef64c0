// The warm redirect, answered before the router runs: a file share this isolate already
// holds, already signed a 302 for within this second. Every rule the routes apply is
// applied here too, on the same record and clock, and anything this path does not know
// about goes the whole way through the app.
import { readConfig } from '../../env.ts'
import type { ProducerEnv, WaitUntil } from '../../events/producer.ts'
import { isUnfurler } from '../../http/negotiate.ts'
import { isShareId } from '../../shares/id.ts'
import { shareState } from '../../shares/rules.ts'
import type { FileShareRecord, ShareRecord } from '../../shares/schema.ts'
import { peekShare } from '../../shares/store.ts'
import { FILE_SHARE_VARY } from '../file/page.tsx'
import { isKnownUnlocked } from '../pipeline/gate.tsx'
import { reportDelivery } from '../report.ts'
import { memoizedRedirect } from './redirect.ts'

// Fields whose meaning the memoized 302 already carries (or that do not touch delivery), and
// a password, which is checked here against tokens already verified in this isolate. A
// share with any other field (a download page, the edge cache, limits, strict, or whatever
// later work adds) is answered by its routes, which know what the field asks.
const UNDERSTOOD = new Set<string>([
	'v',
	'id',
	'type',
	'key',
	'filename',
	'contentType',
	'delivery',
	'disposition',
	'notBefore',
	'expiresAt',
	'signTtl',
	'note',
	'bandwidthLimit',
	'webhook',
	'createdAt',
	'updatedAt',
	'revision',
	'passwordHash',
	'passwordVersion',
	'passwordKind',
	// Set with a password alone here: limits and strict are not understood, so never warm.
	'restricted',
])

const DOWNLOAD = '/download'

// Records are immutable once cached (a changed share is a new object): check each once.
const checked = new WeakMap<object, boolean>()

function plainFileShare(record: ShareRecord | null | undefined): record is FileShareRecord {
	if (record?.type !== 'file') return false
	let plain = checked.get(record)
	if (plain === undefined) {
		plain = Object.keys(record).every((field) => UNDERSTOOD.has(field))
		checked.set(record, plain)
	}
	return plain
}

/** The id in `/<id>` or `/<id>/download`, taken from the URL as sent (not decoded). */
function shareIdOf(url: string): { id: string; root: boolean } | undefined {
	const start = url.indexOf('/', url.indexOf('//') + 2)
	if (start < 0) return undefined
	const query = url.indexOf('?', start)
	let path = url.slice(start + 1, query < 0 ? url.length : query)
	const root = !path.endsWith(DOWNLOAD)
	if (!root) path = path.slice(0, -DOWNLOAD.length)
	return isShareId(path) ? { id: path, root } : undefined
}

/** The warm 302 for this request, or undefined to let the app answer it; `ctx` records the download. */
export function warmRedirect(
	request: Request,
	env: unknown,
	now = Date.now(),
	ctx?: WaitUntil,
): Response | undefined {
	const { method } = request
	if (method !== 'GET' && method !== 'HEAD') return undefined
	const kv = (env as { SHARES?: KVNamespace } | undefined)?.SHARES
	if (!kv) return undefined
	const target = shareIdOf(request.url)
	if (target === undefined) return undefined
	// A link-preview agent at the share's own address gets its link card, never the bytes.
	if (target.root && isUnfurler(request.headers.get('user-agent') ?? undefined)) return undefined
	const record = peekShare(kv, target.id, now)
	if (!plainFileShare(record) || shareState(record, now) !== 'active') return undefined
	let config: ReturnType<typeof readConfig>
	try {
		config = readConfig(env as object)
	} catch {
		return undefined
	}
	// A protected share: only a visitor whose unlock this isolate has verified; anyone else
	// is answered by the routes (the unlock page, a 401, or the token's first check).
	if (record.passwordHash !== undefined) {
		if (config.linkSecret === undefined) return undefined
		if (!isKnownUnlocked(request.headers, record, config.linkSecret, now)) return undefined
	}
	const response = memoizedRedirect(record, method, now, config)
	if (!response) return undefined
	// The share's own address answers bots differently, as the routed answer says too.
	if (target.root) response.headers.set('Vary', FILE_SHARE_VARY)
	reportDelivery(request, env as ProducerEnv, ctx, record, 'redirect', 302, { key: record.key })
	return response
}
