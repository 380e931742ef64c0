// The soak's traffic: the shares it sets up, and what one virtual user does in one step —
// a download through each kind of share and delivery, a ticket download of a limited share,
// an unlock, an upload (streamed, or pre-signed and confirmed), a listing, a zip, or an
// admin write. Each step names the statuses it expects; anything else counts as an error.
import type { Answer, Client } from './client.ts'

export const PASSWORD = 'soak password'
/** Limited shares that never run out during a soak. */
const MANY = 1_000_000_000
const UPLOAD_BYTES = 16 * 1024
/** Upload names each virtual user cycles through (overwritten: the bucket stays small). */
const UPLOAD_NAMES = 4
/** Share ids the admin writes create, patch and delete over and over (a bounded set of objects). */
const ADMIN_IDS = 40

export const STREAM_KEY = 'soak/stream.bin'
export const STREAM_BYTES = 1024 * 1024
export const SMALL_KEY = 'soak/small.bin'
export const SMALL_BYTES = 64 * 1024

/** The shares every step uses, created before the soak starts. */
export const SHARES: Record<string, Record<string, unknown>> = {
	'soak-file': { key: 'docs/report.pdf' },
	'soak-stream': { key: STREAM_KEY, delivery: 'stream' },
	'soak-folder': { type: 'folder', prefix: 'demo-folder/' },
	'soak-limited': { key: SMALL_KEY, delivery: 'stream', maxDownloads: MANY },
	'soak-limited-folder': { type: 'folder', prefix: 'demo-folder/', maxDownloads: MANY },
	'soak-protected': { key: 'docs/report.pdf', password: PASSWORD },
	'soak-upload': {
		type: 'upload',
		prefix: 'soak-inbox/',
		expiresIn: 86_400,
		upload: { maxFileSize: 1024 * 1024, overwrite: true },
	},
}

/** Files of demo-folder/ (test/emulator/seed.ts), as the paths a folder share serves them under. */
const FOLDER_FILES = [
	'readme.txt',
	'100% done + more.txt',
	'报告 2026/季度 Q1.txt',
	'报告 2026/细节/data.csv',
]
const FOLDER_LEVELS = ['', 'many/', '报告 2026/']
const ZIP_LEVELS = ['报告 2026/', '']

const JSON_ACCEPT = { accept: 'application/json' }

/** Virtual user n's address: RFC 2544's benchmarking range, one /24 each (a header only, no traffic goes there). */
const clientIp = (vu: number) => `198.18.${vu}.1`

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/')

interface AdminSlot {
	id: string
	busy: boolean
	/** The revision of the live share, or undefined when there is none. */
	revision: number | undefined
}

export interface Context {
	client: Client
	adminToken: string
	/** This virtual user's number, and a counter of its steps. */
	vu: number
	step: number
	/** Shared by every virtual user. */
	adminSlots: AdminSlot[]
	random: () => number
}

type Step = (ctx: Context) => Promise<void>

const admin = (ctx: Context, json: boolean) => ({
	authorization: `Bearer ${ctx.adminToken}`,
	...(json ? { 'content-type': 'application/json' } : {}),
})

function pick<T>(ctx: Context, items: readonly T[]): T {
	return items[Math.floor(ctx.random() * items.length)] as T
}

function revisionOf(answer: Answer): number | undefined {
	const revision = Number(/^"(\d+)"$/.exec(answer.headers.get('etag') ?? '')?.[1])
	return Number.isInteger(revision) ? revision : undefined
}

/** A limited share's download: the spend answers a ticket, the ticket the bytes (or COS). */
async function ticketDownload(ctx: Context, scenario: string, path: string): Promise<void> {
	const spent = await ctx.client.worker(scenario, path, {}, [302])
	const ticket = spent?.headers.get('location')
	if (!ticket) return
	const delivered = await ctx.client.worker(scenario, ticket, {}, [200, 302])
	if (delivered?.status === 302) await ctx.client.follow(delivered)
}

async function adminWrite(ctx: Context): Promise<void> {
	const idle = ctx.adminSlots.filter((slot) => !slot.busy)
	if (idle.length === 0) return
	const slot = pick(ctx, idle)
	slot.busy = true
	try {
		const path = `/api/shares/${slot.id}`
		if (slot.revision === undefined) {
			const kind = ctx.random()
			const body =
				kind < 0.5
					? { id: slot.id, key: 'docs/report.pdf', note: `step ${ctx.step}` }
					: kind < 0.75
						? { id: slot.id, type: 'folder', prefix: 'demo-folder/', strict: true }
						: { id: slot.id, key: SMALL_KEY, maxDownloads: 10 }
			const created = await ctx.client.worker(
				'admin write',
				'/api/shares',
				{ method: 'POST', headers: admin(ctx, true), body: JSON.stringify(body) },
				[201],
			)
			slot.revision = created ? revisionOf(created) : await currentRevision(ctx, slot.id)
			return
		}
		const ifMatch = { 'if-match': `"${slot.revision}"` }
		if (ctx.random() < 0.7) {
			const patched = await ctx.client.worker(
				'admin write',
				path,
				{
					method: 'PATCH',
					headers: { ...admin(ctx, true), ...ifMatch },
					body: JSON.stringify({ note: `step ${ctx.step} of user ${ctx.vu}` }),
				},
				[200],
			)
			slot.revision = patched ? revisionOf(patched) : await currentRevision(ctx, slot.id)
			return
		}
		const deleted = await ctx.client.worker(
			'admin write',
			path,
			{ method: 'DELETE', headers: { ...admin(ctx, false), ...ifMatch } },
			[204],
		)
		slot.revision = deleted ? undefined : await currentRevision(ctx, slot.id)
	} finally {
		slot.busy = false
	}
}

/** After an unexpected answer: what the share's revision really is now. */
async function currentRevision(ctx: Context, id: string): Promise<number | undefined> {
	const answer = await ctx.client.worker(
		'admin read',
		`/api/shares/${id}`,
		{ headers: admin(ctx, false) },
		[200, 404],
	)
	return answer?.status === 200 ? revisionOf(answer) : undefined
}

/** The steps' names, in the order the report lists them. */
export const STEP_NAMES = [
	'file redirect',
	'file stream',
	'HEAD',
	'folder file',
	'folder listing',
	'folder zip',
	'ticket: file',
	'ticket: folder file',
	'unlock + download',
	'upload: streamed PUT',
	'upload: pre-signed PUT + confirm',
	'admin write',
	'admin read',
] as const

/** Every step, with its weight: how often a virtual user takes it. */
export const STEPS: [Step, number][] = [
	[
		async (ctx) => {
			await ctx.client.follow(await ctx.client.worker('file redirect', '/soak-file', {}, [302]))
		},
		14,
	],
	[
		async (ctx) => {
			const ranged = ctx.random() < 0.3
			await ctx.client.worker(
				'file stream',
				'/soak-stream',
				ranged ? { headers: { range: 'bytes=0-65535' } } : {},
				[ranged ? 206 : 200],
			)
		},
		10,
	],
	[
		async (ctx) => {
			const path = `/soak-folder/${encodePath(pick(ctx, FOLDER_FILES))}`
			await ctx.client.follow(await ctx.client.worker('folder file', path, {}, [302]))
		},
		10,
	],
	[
		async (ctx) => {
			const path = `/soak-folder/${encodePath(pick(ctx, FOLDER_LEVELS))}`
			await ctx.client.worker('folder listing', path, { headers: JSON_ACCEPT }, [200])
		},
		8,
	],
	[
		async (ctx) => {
			const path = `/_/zip/soak-folder/${encodePath(pick(ctx, ZIP_LEVELS))}`
			await ctx.client.worker('folder zip', path, {}, [200])
		},
		3,
	],
	[(ctx) => ticketDownload(ctx, 'ticket: file', '/soak-limited'), 8],
	[
		(ctx) =>
			ticketDownload(
				ctx,
				'ticket: folder file',
				`/soak-limited-folder/${encodePath(pick(ctx, FOLDER_FILES))}`,
			),
		5,
	],
	[
		async (ctx) => {
			const unlocked = await ctx.client.worker(
				'unlock + download',
				'/_/unlock/soak-protected',
				{
					method: 'POST',
					// Unlock attempts are counted per client network, and one in flight counts as failed
					// until it succeeds: each virtual user is a network of its own, with one at a time.
					headers: { 'content-type': 'application/json', 'cf-connecting-ip': clientIp(ctx.vu) },
					body: JSON.stringify({ password: PASSWORD }),
				},
				[200],
				true,
			)
			if (!unlocked) return
			const { token } = JSON.parse(unlocked.body.toString('utf8')) as { token: string }
			const headers = { authorization: `Bearer ${token}` }
			await ctx.client.follow(
				await ctx.client.worker('unlock + download', '/soak-protected', { headers }, [302]),
			)
		},
		2,
	],
	[
		async (ctx) => {
			const name = `vu${ctx.vu}-${ctx.step % UPLOAD_NAMES}.bin`
			const body = new Uint8Array(UPLOAD_BYTES).fill(ctx.step % 251)
			await ctx.client.worker(
				'upload: streamed PUT',
				`/soak-upload/uploads/${name}`,
				{ method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body },
				[201],
			)
		},
		6,
	],
	[
		async (ctx) => {
			const name = `vu${ctx.vu}-signed-${ctx.step % UPLOAD_NAMES}.bin`
			const started = await ctx.client.worker(
				'upload: pre-signed PUT + confirm',
				'/soak-upload/uploads',
				{
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ name, size: UPLOAD_BYTES, type: 'application/octet-stream' }),
				},
				[201],
				true,
			)
			if (!started) return
			const presigned = JSON.parse(started.body.toString('utf8')) as {
				key: string
				url: string
				headers: Record<string, string>
			}
			// fetch sets Content-Length itself (and refuses to be told it).
			const { 'content-length': _length, ...headers } = presigned.headers
			const put = await ctx.client.origin(
				presigned.url,
				{ method: 'PUT', headers, body: new Uint8Array(UPLOAD_BYTES).fill(ctx.step % 251) },
				[200],
			)
			if (!put) return
			await ctx.client.worker(
				'upload: pre-signed PUT + confirm',
				'/soak-upload/uploads/confirm',
				{
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ key: presigned.key }),
				},
				[200],
			)
		},
		5,
	],
	[adminWrite, 8],
	[
		async (ctx) => {
			const path = ctx.random() < 0.5 ? '/api/shares?limit=100' : '/api/shares/soak-limited'
			await ctx.client.worker('admin read', path, { headers: admin(ctx, false) }, [200])
		},
		4,
	],
	[
		async (ctx) => {
			const stream = ctx.random() < 0.5
			await ctx.client.worker('HEAD', stream ? '/soak-stream' : '/soak-file', { method: 'HEAD' }, [
				stream ? 200 : 302,
			])
		},
		3,
	],
]

export function adminSlots(): AdminSlot[] {
	return Array.from({ length: ADMIN_IDS }, (_, n) => ({
		id: `soak-admin-${n}`,
		busy: false,
		revision: undefined,
	}))
}

/** A step chosen by weight. */
export function pickStep(random: () => number): Step {
	const total = STEPS.reduce((sum, [, weight]) => sum + weight, 0)
	let roll = random() * total
	for (const [step, weight] of STEPS) {
		roll -= weight
		if (roll < 0) return step
	}
	return (STEPS[0] as [Step, number])[0]
}
