// Shared by the end-to-end suites: the real local stack (COS emulator + worker under
// `wrangler dev`) in a throwaway state folder, the admin API, and real clients (Node's
// fetch, the curl binary). Nothing here mocks anything.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { type Stack, type StackOptions, startStack } from '../../scripts/stack.ts'
import { pseudoRandomChunks } from '../emulator/samples.ts'
import { type ObjectMeta, openObject } from '../emulator/store.ts'
import { listProcesses, type ProcessInfo, processTree } from '../node/processes.ts'

// ---------------------------------------------------------------------------------------
// The stack

/** Fields every kind of share takes on create (the admin API's commonCreate). */
export interface CommonShareBody {
	id?: string
	delivery?: 'redirect' | 'stream'
	disposition?: 'attachment' | 'inline'
	expiresIn?: number
	expiresAt?: string
	notBefore?: string
	signTtl?: number
	note?: string
	password?: string
	/** Have the API generate an extraction code, answered once as `extractionCode`. */
	extractionCode?: true
	maxDownloads?: number
	expiresAfterFirstDownload?: number
	strict?: boolean
	page?: boolean
	/** false: the share sends no webhooks. */
	webhook?: boolean
}

export interface FileShareBody extends CommonShareBody {
	type?: 'file'
	key: string
	filename?: string
	contentType?: string
}

export interface FolderShareBody extends CommonShareBody {
	type: 'folder'
	prefix: string
}

export interface UploadShareBody extends CommonShareBody {
	type: 'upload'
	prefix: string
	upload: {
		maxFileSize: number
		allowedTypes?: string[]
		allowedExtensions?: string[]
		overwrite?: boolean
		maxFiles?: number
		maxTotalBytes?: number
		keyTemplate?: string
	}
}

export type ShareBody = FileShareBody | FolderShareBody | UploadShareBody

/** What POST /api/shares answers (the fields these tests read). */
export interface ShareView {
	id: string
	/** A file share's key (a folder or upload link has `prefix` instead). */
	key: string
	prefix?: string
	url: string
	delivery: 'redirect' | 'stream'
	status: 'active' | 'scheduled' | 'expired'
	expiresAt?: string
	filename?: string
	protected?: boolean
	/** The generated extraction code: in the create answer only, and only when asked for. */
	extractionCode?: string
	/** A restricted share's counts. */
	downloads?: number
	remainingDownloads?: number | null
}

export interface E2eStack extends Stack {
	/** Every line the emulator and wrangler printed, for debugging a failure. */
	logs: string[]
	createShare(body: ShareBody): Promise<ShareView>
	/** DELETE /api/shares/:id; returns the status. */
	deleteShare(id: string): Promise<number>
	/** The worker URL of a share. */
	link(id: string): string
	/** Stops the stack, checks nothing it started is still running, removes the state folder. */
	dispose(): Promise<void>
	/**
	 * SIGKILLs the worker's whole process tree at once (`wrangler dev`, its workerd and
	 * anything else below it or in its process group), as a crash would, and resolves with
	 * what it killed once every one of them is gone. The processes are found first; then
	 * `when` is awaited (the moment to kill, default at once), and `beforeKill` runs right
	 * before the first signal, so the kill lands within moments of `when` resolving.
	 */
	killWorker(beforeKill?: () => void, when?: () => Promise<void>): Promise<ProcessInfo[]>
}

/** What a suite may ask of its stack (useE2eStack's options). */
export type E2eStackOptions = Omit<StackOptions, 'stateDir' | 'log'>

/**
 * `logFile`: every line is also appended to it, for the test files that share this stack
 * (they run in other processes than the one that started it).
 */
export async function startE2eStack(options: E2eStackOptions = {}, logFile?: string): Promise<E2eStack> {
	const stateDir = await mkdtemp(join(tmpdir(), 'coslink-e2e-'))
	const logs: string[] = []
	const log = (line: string) => {
		logs.push(line)
		if (logFile) appendFileSync(logFile, `${line}\n`)
	}
	let stack: Stack
	try {
		stack = await startStack({ ...options, stateDir, log })
	} catch (error) {
		await rm(stateDir, { recursive: true, force: true })
		throw new Error(`the stack did not start:\n${logs.slice(-40).join('\n')}`, { cause: error })
	}
	// The emulator and wrangler name the state folder on their command lines; each leads a
	// process group of its own (wrangler's workerd children included).
	const groups = await processGroupsMentioning(stateDir)
	if (existsSync('/proc/self/stat') && groups.size !== 2) {
		await stack.stop()
		await rm(stateDir, { recursive: true, force: true })
		throw new Error(`expected the emulator and wrangler to lead 2 process groups, found ${groups.size}`)
	}
	return {
		...stack,
		logs,
		...adminClient(stack.workerUrl, stack.adminToken),
		async killWorker(beforeKill, when) {
			const leader = stack.workerPid()
			if (leader === undefined) throw new Error('the worker is not running')
			const processes = await listProcesses()
			const tree = processTree(leader, processes)
			const treePids = new Set(tree.map((proc) => proc.pid))
			const doomed = [...tree, ...processes.filter((proc) => proc.pgid === leader && !treePids.has(proc.pid))]
			await when?.()
			beforeKill?.()
			// Ours by construction: below the wrangler this stack started, or in its group.
			for (const { pid } of doomed) killQuietly(pid)
			// The list is from before `when`: anything the worker started meanwhile is in its
			// group (its orphans too, now that their parent is gone), and goes the same way.
			const known = new Set(doomed.map((proc) => proc.pid))
			for (const proc of await listProcesses())
				if (proc.pgid === leader && !known.has(proc.pid)) {
					killQuietly(proc.pid)
					doomed.push(proc)
				}
			const deadline = Date.now() + 10_000
			for (;;) {
				const pids = new Set(doomed.map((proc) => proc.pid))
				const alive = (await listProcesses()).filter((proc) => pids.has(proc.pid))
				if (alive.length === 0) return doomed
				if (Date.now() > deadline)
					throw new Error(
						`SIGKILL left processes running: ${alive.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`,
					)
				await sleep(50)
			}
		},
		async restartWorker() {
			await stack.restartWorker()
			// The new wrangler leads a group of its own: dispose() checks it too.
			for (const group of await processGroupsMentioning(stateDir)) groups.add(group)
		},
		async dispose() {
			try {
				await stack.stop()
				const leftovers = await waitForGroupsToExit(groups, 10_000)
				if (leftovers.length > 0) {
					// Ours by construction (their group was led by a child of this stack).
					for (const { pid } of leftovers) killQuietly(pid)
					throw new Error(
						`stop() left processes running: ${leftovers.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`,
					)
				}
			} finally {
				await rm(stateDir, { recursive: true, force: true })
			}
		},
	}
}

/** link, createShare and deleteShare of a stack's worker. */
function adminClient(
	workerUrl: string,
	adminToken: string,
): Pick<E2eStack, 'link' | 'createShare' | 'deleteShare'> {
	const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
	return {
		link: (id) => `${workerUrl}/${encodeURIComponent(id)}`,
		async createShare(body) {
			const res = await fetch(`${workerUrl}/api/shares`, {
				method: 'POST',
				headers: admin,
				body: JSON.stringify(body),
			})
			const text = await res.text()
			if (res.status !== 201) throw new Error(`creating a share failed: ${res.status} ${text}`)
			return JSON.parse(text) as ShareView
		},
		async deleteShare(id) {
			const res = await fetch(`${workerUrl}/api/shares/${encodeURIComponent(id)}`, {
				method: 'DELETE',
				headers: admin,
			})
			await res.body?.cancel()
			return res.status
		},
	}
}

// ---------------------------------------------------------------------------------------
// The shared stack

/**
 * The stack test/setup/e2e-stack.ts starts once for the node project, and the options it
 * starts with: the demo shares, and a small big/blob.bin. A suite whose options differ
 * (other vars, another size of big/blob.bin) or that asks for `ownStack` gets one of its own.
 */
export const SHARED_STACK_OPTIONS = { seedShares: true, bigObjectBytes: 64 * 1024 } satisfies E2eStackOptions

/** What the global setup hands every test file of the shared stack (plain data only). */
export type SharedStackInfo = Pick<
	Stack,
	| 'workerUrl'
	| 'emulatorUrl'
	| 'adminToken'
	| 'secretId'
	| 'secretKey'
	| 'stateDir'
	| 'emulatorRoot'
	| 'shares'
> & {
	/** Every line the emulator and wrangler printed so far, one a line. */
	logFile: string
}

declare module 'vitest' {
	export interface ProvidedContext {
		/** Set by test/setup/e2e-stack.ts, the node project's global setup. */
		e2eStack: SharedStackInfo
	}
}

/** Whether a suite asking for `options` can run on the shared stack. */
export function fitsSharedStack(options: E2eStackOptions): boolean {
	return (
		options.port === undefined &&
		options.vars === undefined &&
		(options.bigObjectBytes === undefined || options.bigObjectBytes === SHARED_STACK_OPTIONS.bigObjectBytes)
	)
}

/**
 * A test file's handle on the shared stack: `logs` holds the lines printed since the handle
 * was made; stopping, killing or restarting it is refused (the global setup stops it, and
 * checks nothing it started is left running), and `dispose` leaves it running.
 */
function sharedStackHandle(info: SharedStackInfo | undefined): E2eStack {
	if (!info) throw new Error('no shared stack: test/setup/e2e-stack.ts is the node project’s globalSetup')
	const readLines = () => readFileSync(info.logFile, 'utf8').split('\n').slice(0, -1)
	const from = readLines().length
	const refuse = (what: string) => () => {
		throw new Error(`${what}: this suite runs on the shared stack; give it { ownStack } in useE2eStack`)
	}
	const { logFile: _, ...data } = info
	return {
		...data,
		get logs() {
			return readLines().slice(from)
		},
		...adminClient(info.workerUrl, info.adminToken),
		stop: refuse('stop()'),
		workerPid: refuse('workerPid()'),
		restartWorker: refuse('restartWorker()'),
		killWorker: refuse('killWorker()'),
		dispose: async () => {},
	}
}

// ---------------------------------------------------------------------------------------
// Processes (Linux /proc; elsewhere the check is skipped)

async function processGroupsMentioning(text: string): Promise<Set<number>> {
	const processes = await listProcesses()
	const ownGroup = processes.find((proc) => proc.pid === process.pid)?.pgid
	const groups = new Set<number>()
	for (const proc of processes) if (proc.cmd.includes(text) && proc.pgid !== ownGroup) groups.add(proc.pgid)
	return groups
}

async function waitForGroupsToExit(groups: Set<number>, timeoutMs: number): Promise<ProcessInfo[]> {
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const alive = (await listProcesses()).filter((proc) => groups.has(proc.pgid))
		if (alive.length === 0 || Date.now() > deadline) return alive
		await sleep(100)
	}
}

function killQuietly(pid: number): void {
	try {
		process.kill(pid, 'SIGKILL')
	} catch {
		// already gone
	}
}

// ---------------------------------------------------------------------------------------
// Bytes

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** Deterministic bytes (the emulator's xorshift generator); a different seed, other bytes. */
export function deterministicBytes(size: number, seed: number): Buffer {
	return Buffer.concat([...pseudoRandomChunks(size, seed)])
}

/** An object's bytes and metadata, read from the emulator's own store. */
export async function readStoredObject(
	root: string,
	key: string,
): Promise<{ meta: ObjectMeta; bytes: Buffer }> {
	const opened = await openObject(root, key)
	if (!opened) throw new Error(`the emulator holds no object "${key}"`)
	try {
		return { meta: opened.meta, bytes: await opened.handle.readFile() }
	} finally {
		await opened.handle.close()
	}
}

export async function bodyOf(res: Response): Promise<Buffer> {
	return Buffer.from(await res.arrayBuffer())
}

// ---------------------------------------------------------------------------------------
// Time

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

export async function sleepUntil(epochMs: number): Promise<void> {
	const left = epochMs - Date.now()
	if (left > 0) await sleep(left)
}

/** q-key-time of a pre-signed URL as [start, end] Unix seconds. */
export function signedWindow(url: string): [number, number] {
	const keyTime = new URL(url).searchParams.get('q-key-time') ?? ''
	const match = /^(\d+);(\d+)$/.exec(keyTime)
	if (!match) throw new Error(`no q-key-time in ${url}`)
	return [Number(match[1]), Number(match[2])]
}

/**
 * A GET with an explicit Host header (fetch will not send one), for a signed URL asked of
 * another server than the one it names. The body is read whole.
 */
export function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { headers: { host } }, (res) => {
			const chunks: Buffer[] = []
			res.on('data', (chunk: Buffer) => chunks.push(chunk))
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
			)
			res.on('error', reject)
		})
		req.on('error', reject)
		req.end()
	})
}

// ---------------------------------------------------------------------------------------
// Headers

/** The RFC 8187 filename* of a Content-Disposition, decoded; undefined when absent. */
export function filenameStar(header: string | null): string | undefined {
	const match = /;\s*filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header ?? '')
	return match?.[1] === undefined ? undefined : decodeURIComponent(match[1])
}

/** The quoted (ASCII) filename= fallback of a Content-Disposition. */
export function filenameFallback(header: string | null): string | undefined {
	return /;\s*filename\s*=\s*"([^"]*)"/i.exec(header ?? '')?.[1]
}

// ---------------------------------------------------------------------------------------
// COS error bodies

const xml = new XMLParser({ parseTagValue: false })

export interface CosErrorBody {
	Code: string
	Message: string
}

export async function cosError(res: Response): Promise<CosErrorBody> {
	const text = await res.text()
	const parsed = xml.parse(text) as { Error?: CosErrorBody }
	if (!parsed.Error) throw new Error(`not a COS error body: ${text.slice(0, 200)}`)
	return parsed.Error
}

/** The same URL with one hex digit of q-signature changed. */
export function tamperSignature(url: string): string {
	return url.replace(
		/([?&]q-signature=)([0-9a-f])/,
		(_, prefix: string, digit: string) =>
			`${prefix}${digit === 'f' ? 'e' : (Number.parseInt(digit, 16) + 1).toString(16)}`,
	)
}

// ---------------------------------------------------------------------------------------
// curl

export interface CurlResult {
	/** curl's exit code: 0 for success (see `man curl`, EXIT CODES). */
	code: number
	stdout: Buffer
	stderr: string
}

/**
 * Runs the curl binary. Never throws for a non-zero exit: the exit code is part of what
 * the tests assert. Proxies from the environment are ignored; every run is time-boxed.
 */
export function curl(args: string[], options: { cwd?: string } = {}): Promise<CurlResult> {
	return new Promise((resolve, reject) => {
		execFile(
			'curl',
			['--silent', '--show-error', '--noproxy', '*', '--max-time', '30', ...args],
			{ cwd: options.cwd, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
			(error, stdout, stderr) => {
				const code = error ? error.code : 0
				if (typeof code !== 'number') return reject(error)
				resolve({ code, stdout, stderr: stderr.toString('utf8') })
			},
		)
	})
}

export interface HeaderBlock {
	status: number
	headers: Map<string, string>
}

/** curl's header output (-I, -i or -D): one block per response, redirects included. */
export function parseHeaderBlocks(text: string): HeaderBlock[] {
	const blocks: HeaderBlock[] = []
	for (const line of text.split(/\r?\n/)) {
		const status = /^HTTP\/[\d.]+\s+(\d{3})/.exec(line)
		if (status) {
			blocks.push({ status: Number(status[1]), headers: new Map() })
			continue
		}
		const colon = line.indexOf(':')
		const current = blocks.at(-1)
		if (current && colon > 0)
			current.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
	}
	return blocks
}

/** A fresh temp folder for curl to write into. */
export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `coslink-e2e-${prefix}-`))

/**
 * A stack and a scratch folder for a test file, its output printed when a test fails. The
 * shared stack (see SHARED_STACK_OPTIONS) when the options fit it: the file must then use
 * share ids, keys and prefixes of its own, and no state another file may change. Otherwise,
 * or with `ownStack` (why, e.g. "kills the worker"), a stack of its own: started before its
 * tests, stopped (and checked for stray processes) after them.
 */
export function useE2eStack(name: string, options: E2eStackOptions & { ownStack?: string } = {}) {
	const { ownStack, ...stackOptions } = options
	const context = {} as { stack: E2eStack; work: string }
	beforeAll(async () => {
		context.stack =
			ownStack === undefined && fitsSharedStack(stackOptions)
				? sharedStackHandle(inject('e2eStack'))
				: await startE2eStack(stackOptions)
		context.work = await tempDir(name)
	})
	afterAll(async () => {
		if (context.work) await rm(context.work, { recursive: true, force: true })
		await context.stack?.dispose()
	})
	afterEach(({ task }) => {
		if (task.result?.state === 'fail')
			console.error(`stack output (last lines):\n${context.stack.logs.slice(-60).join('\n')}`)
	})
	return context
}
