// The local stack behind `npm start` and the end-to-end tests: the COS emulator, the
// worker under `wrangler dev` against it, and demo shares seeded through the admin API.
// Settings live in a generated env file under .wrangler/ and never touch .dev.vars.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const WRANGLER = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
const EMULATOR_CLI = join(PROJECT_ROOT, 'test', 'emulator', 'cli.ts')

export const LOCAL_BUCKET = 'examplebucket-1250000000'
export const LOCAL_REGION = 'ap-guangzhou'

export interface StackOptions {
	/** Folder for generated settings, KV state and emulator objects. Default .wrangler/coslink. */
	stateDir?: string
	/** Worker port; 0 or undefined picks a free one. */
	port?: number
	/** Extra worker vars (SIGN_TTL, DEFAULT_DELIVERY, …). */
	vars?: Record<string, string>
	/** Seed the demo shares. Default true. */
	seedShares?: boolean
	/** Size of the emulator's big/blob.bin. */
	bigObjectBytes?: number
	/** Where child output goes; default: discarded. */
	log?: (line: string) => void
}

export interface DemoShare {
	id: string
	what: string
	body: Record<string, unknown>
	/** Once seeded: the extraction code the admin API generated for it, if it asked for one. */
	code?: string
	/** Once seeded: the link to give out, when it is not the bare share URL (a code in `?pwd=`). */
	link?: string
}

export interface Stack {
	workerUrl: string
	emulatorUrl: string
	adminToken: string
	secretId: string
	secretKey: string
	stateDir: string
	emulatorRoot: string
	shares: DemoShare[]
	stop(): Promise<void>
	/** The pid of the running `wrangler dev` (the leader of its process group), if any. */
	workerPid(): number | undefined
	/**
	 * Starts the worker again on the same port, state folder, settings and emulator, after
	 * stopping the running one if it is still alive (a crash test kills it first). Resolves
	 * once it answers /_/health; seeds nothing.
	 */
	restartWorker(): Promise<void>
}

export const DEMO_SHARES: DemoShare[] = [
	// First: the download page is what a person who is sent a link sees.
	{
		id: 'welcome',
		what: 'download page in a browser (curl gets the PDF): note, expiry in 7 days, QR code, preview',
		body: {
			key: 'docs/report.pdf',
			filename: 'Q3 report.pdf',
			page: true,
			note: 'Final figures for Q3. 第三季度最终数据。',
			expiresIn: 7 * 86400,
		},
	},
	{
		id: 'protected',
		what: 'password-protected: the unlock page; the password is "open sesame"',
		body: { key: 'docs/report.pdf', filename: 'Q3 report.pdf', page: true, password: 'open sesame' },
	},
	{
		id: 'code',
		what: 'extraction code (提取码), filled in from ?pwd= in this link; any case, spaces ignored',
		body: { key: 'docs/report.pdf', filename: 'Q3 report.pdf', page: true, extractionCode: true },
	},
	{
		id: 'one-time',
		what: 'one-time link: the page button (or curl -L) spends the only download, then 410',
		body: { key: 'docs/report.pdf', filename: 'Q3 report.pdf', maxDownloads: 1 },
	},
	{
		id: 'logo-page',
		what: 'download page of a PNG, with an image preview',
		body: { key: 'images/logo.png', page: true, expiresIn: 86400 },
	},
	{
		id: 'notes-page',
		what: 'download page of a text file: its first lines shown in the page',
		body: { key: 'unicode/季度报告 Q3.txt', page: true },
	},
	{ id: 'q3-report', what: 'PDF, redirect to a fresh signed URL', body: { key: 'docs/report.pdf' } },
	{
		id: 'cached',
		what: 'PNG from the edge cache (Cache-Status says HIT from the second request on)',
		body: { key: 'images/logo.png', cache: { maxAge: 3600 } },
	},
	{
		id: 'q3-report-inline',
		what: 'PDF streamed through the worker, shown inline',
		body: { key: 'docs/report.pdf', delivery: 'stream', disposition: 'inline' },
	},
	{
		id: 'big-file',
		what: 'large binary, streamed (Range, resume)',
		body: { key: 'big/blob.bin', delivery: 'stream' },
	},
	{
		id: 'unicode-name',
		what: 'unicode file name, streamed',
		body: { key: 'unicode/季度报告 Q3.txt', delivery: 'stream' },
	},
	{ id: 'plus-space', what: "key with '+' and a space", body: { key: 'names/a+b c.txt' } },
	{
		id: 'logo',
		what: 'PNG shown inline',
		body: { key: 'images/logo.png', delivery: 'stream', disposition: 'inline' },
	},
	{
		id: 'drop-box',
		what: 'upload link into inbox/ (PDF, images, text; 200 MB each; a day to use it)',
		body: {
			type: 'upload',
			prefix: 'inbox/',
			expiresIn: 86400,
			upload: { maxFileSize: 200 * 1024 * 1024, allowedTypes: ['application/pdf', 'image/*', 'text/plain'] },
		},
	},
	{ id: 'one-hour', what: 'expires an hour after start', body: { key: 'docs/report.pdf', expiresIn: 3600 } },
	{
		id: 'demo-folder',
		what: 'folder: browse, download files, zip a level',
		body: {
			type: 'folder',
			prefix: 'demo-folder/',
			note: 'Everything for the 2026 report. 2026 年报告的全部材料。',
		},
	},
	{
		id: 'limited-folder',
		what: 'folder with 3 downloads in all: each file or zip spends one',
		body: { type: 'folder', prefix: 'demo-folder/', maxDownloads: 3 },
	},
	{
		id: 'inbox',
		what: 'folder of inbox/: what drop-box received (empty until something is uploaded)',
		body: { type: 'folder', prefix: 'inbox/' },
	},
]

function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer()
		server.once('error', reject)
		server.listen(0, '127.0.0.1', () => {
			const address = server.address()
			server.close(() =>
				typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
			)
		})
	})
}

function parseEnvFile(text: string): Record<string, string> {
	const out: Record<string, string> = {}
	for (const line of text.split('\n')) {
		const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
		if (match?.[1]) out[match[1]] = match[2] ?? ''
	}
	return out
}

/** Local secrets: made once per state folder, then reused so links and tokens stay stable. */
interface LocalSecrets {
	COS_SECRET_ID: string
	COS_SECRET_KEY: string
	ADMIN_TOKEN: string
	LINK_SECRET: string
}

// Every value is generated from this alphabet; a reused one outside it (hand-edited, or
// from an older version) is replaced rather than left to fail every start.
const SAFE_VALUE = /^[A-Za-z0-9_-]{16,}$/

const GENERATORS: Record<keyof LocalSecrets, () => string> = {
	COS_SECRET_ID: () => `AKIDlocal${randomBytes(12).toString('hex')}`,
	COS_SECRET_KEY: () => randomBytes(24).toString('base64url'),
	ADMIN_TOKEN: () => randomBytes(24).toString('base64url'),
	LINK_SECRET: () => randomBytes(32).toString('base64url'),
}

/** The local settings: reused when valid, so links and tokens stay stable across starts. */
export async function localSecrets(stateDir: string): Promise<LocalSecrets> {
	const file = join(stateDir, 'local.env')
	const existing = existsSync(file) ? parseEnvFile(await readFile(file, 'utf8')) : {}
	const secrets = {} as LocalSecrets
	for (const [name, generate] of Object.entries(GENERATORS) as [keyof LocalSecrets, () => string][]) {
		const reused = existing[name]
		secrets[name] = reused !== undefined && SAFE_VALUE.test(reused) ? reused : generate()
	}
	const header = '# Generated by `npm start` for the local stack only. Not your .dev.vars; safe to delete.\n'
	await writeFile(
		file,
		header +
			Object.entries(secrets)
				.map(([k, v]) => `${k}=${v}`)
				.join('\n') +
			'\n',
		{ mode: 0o600 },
	)
	return secrets
}

/**
 * The worker's own settings, and the emulator's fallbacks for them. `wrangler dev` lets
 * process.env override both its env file and its vars ("Using secrets defined in
 * process.env"), so one exported in the user's shell would silently replace the local one.
 */
const SETTING_NAMES = new Set([
	'ADMIN_TOKEN',
	'LINK_SECRET',
	'SIGN_TTL',
	'DEFAULT_DELIVERY',
	'PUBLIC_BASE_URL',
	'ORIGIN_TIMEOUT_MS',
	'WEBHOOK_URL',
	'WEBHOOK_SECRET',
	'WEBHOOK_EVENTS',
])

/** This process's environment without any coslink setting, plus what the child must see. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {}
	for (const [name, value] of Object.entries(process.env))
		if (!name.startsWith('COS_') && !SETTING_NAMES.has(name)) env[name] = value
	return { ...env, ...extra }
}

interface Child {
	process: ChildProcess
	name: string
	/** Its last lines of output, for the error when it exits before it is ready. */
	tail: string[]
}

const TAIL_LINES = 40

function startChild(
	command: string,
	args: string[],
	name: string,
	env: NodeJS.ProcessEnv,
	log?: (line: string) => void,
): Child {
	// Its own process group, so stopping it also stops what it started (wrangler → workerd).
	const child = spawn(command, args, {
		cwd: PROJECT_ROOT,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	const tail: string[] = []
	for (const stream of [child.stdout, child.stderr]) {
		if (!stream) continue
		createInterface({ input: stream }).on('line', (line) => {
			tail.push(line)
			if (tail.length > TAIL_LINES) tail.shift()
			log?.(`[${name}] ${line}`)
		})
	}
	return { process: child, name, tail }
}

/** An error saying how a child ended, with what it printed last. */
function exitedEarly(child: Child, code: number | null, signal: NodeJS.Signals | null): Error {
	const how = code === null ? `on ${signal}` : `with code ${code}`
	const output = child.tail.length > 0 ? `; its last output:\n${child.tail.join('\n')}` : ' (no output)'
	return new Error(`the ${child.name} exited ${how} before it was ready${output}`)
}

/** Resolves once the child has exited and its output streams are drained. */
function whenExited(child: Child): Promise<[number | null, NodeJS.Signals | null]> {
	return new Promise((done) => child.process.once('close', (code, signal) => done([code, signal])))
}

async function stopChild({ process: child }: Child): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
	const exited = new Promise<void>((done) => child.once('exit', () => done()))
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-(child.pid as number), sig)
		} catch {
			// already gone
		}
	}
	signal('SIGTERM')
	const timer = setTimeout(() => signal('SIGKILL'), 5000)
	await exited
	clearTimeout(timer)
}

function waitForLine(child: Child, match: (line: string) => boolean, timeoutMs: number): Promise<string> {
	return new Promise((resolveLine, reject) => {
		const { stdout } = child.process
		if (!stdout) return reject(new Error('no stdout'))
		const lines = createInterface({ input: stdout })
		const timer = setTimeout(() => reject(new Error(`timed out waiting for the ${child.name}`)), timeoutMs)
		void whenExited(child).then(([code, signal]) => {
			clearTimeout(timer)
			reject(exitedEarly(child, code, signal))
		})
		lines.on('line', (line) => {
			if (!match(line)) return
			clearTimeout(timer)
			resolveLine(line)
		})
	})
}

async function waitForHealth(url: string, child: Child, timeoutMs: number): Promise<void> {
	let exited: [number | null, NodeJS.Signals | null] | undefined
	void whenExited(child).then((result) => {
		exited = result
	})
	const deadline = Date.now() + timeoutMs
	while (Date.now() < deadline) {
		if (exited) throw exitedEarly(child, ...exited)
		try {
			const res = await fetch(`${url}/_/health`)
			await res.body?.cancel()
			if (res.status === 200) return
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250))
	}
	throw new Error(`the worker did not answer ${url}/_/health within ${timeoutMs / 1000} s`)
}

const PROBE_ID = 'coslink-start-check'

/**
 * Proves the worker signs with the local key: a throwaway redirect share whose signed URL
 * must name the local SecretId and be accepted by the emulator, which holds the local
 * SecretKey. Anything else means the worker runs on settings other than the local ones.
 */
export async function checkLocalSigning(
	workerUrl: string,
	emulatorUrl: string,
	secrets: Pick<LocalSecrets, 'ADMIN_TOKEN' | 'COS_SECRET_ID'>,
): Promise<void> {
	const headers = { authorization: `Bearer ${secrets.ADMIN_TOKEN}`, 'content-type': 'application/json' }
	const probe = `${workerUrl}/api/shares/${PROBE_ID}`
	const fail = (problem: string) => new Error(`the worker is not running on the local settings: ${problem}`)
	await fetch(probe, { method: 'DELETE', headers }).then((res) => res.body?.cancel())
	const created = await fetch(`${workerUrl}/api/shares`, {
		method: 'POST',
		headers,
		body: JSON.stringify({
			id: PROBE_ID,
			key: 'docs/report.pdf',
			delivery: 'redirect',
			expiresIn: 60,
			webhook: false,
		}),
	})
	await created.body?.cancel()
	if (created.status === 401) throw fail('it refused the local ADMIN_TOKEN')
	if (created.status !== 201) throw fail(`creating a probe share answered ${created.status}`)
	try {
		// HEADs: a download of the probe would be counted in the stats and sent as a webhook.
		const hop = await fetch(`${workerUrl}/${PROBE_ID}`, { method: 'HEAD', redirect: 'manual' })
		await hop.body?.cancel()
		const location = URL.parse(hop.headers.get('location') ?? '')
		if (hop.status !== 302 || !location) throw fail(`a redirect share answered ${hop.status}`)
		if (location.origin !== new URL(emulatorUrl).origin)
			throw fail(`it signs URLs for ${location.origin}, not the local emulator (COS_ENDPOINT)`)
		if (location.searchParams.get('q-ak') !== secrets.COS_SECRET_ID)
			throw fail('it signs with another COS_SECRET_ID than the local one')
		const object = await fetch(location, { method: 'HEAD' })
		await object.body?.cancel()
		if (object.status === 403) throw fail('the emulator refused its signature (another COS_SECRET_KEY)')
		if (object.status !== 200) throw fail(`the emulator answered its signed URL with ${object.status}`)
	} finally {
		await fetch(probe, { method: 'DELETE', headers }).then((res) => res.body?.cancel())
	}
}

/**
 * Creates (or migrates) the STATS database's schema: the worker does it on the first stats
 * query, so ask one. Every later start finds it in place under the state folder.
 */
export async function createStatsSchema(workerUrl: string, adminToken: string): Promise<void> {
	const res = await fetch(`${workerUrl}/api/stats`, { headers: { authorization: `Bearer ${adminToken}` } })
	const text = await res.text()
	if (res.status !== 200) throw new Error(`creating the stats schema failed: ${res.status} ${text}`)
}

/** Creates each share afresh; answers them with what the API generated (a code and its link). */
export async function seedDemoShares(
	workerUrl: string,
	adminToken: string,
	shares = DEMO_SHARES,
): Promise<DemoShare[]> {
	const seeded: DemoShare[] = []
	const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
	for (const share of shares) {
		// Re-created each start, so "one-hour" really has an hour left.
		await fetch(`${workerUrl}/api/shares/${share.id}`, { method: 'DELETE', headers })
		const res = await fetch(`${workerUrl}/api/shares`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ ...share.body, id: share.id }),
		})
		if (res.status !== 201) throw new Error(`seeding ${share.id} failed: ${res.status} ${await res.text()}`)
		const created = (await res.json()) as { extractionCode?: string; urlWithCode?: string }
		seeded.push(
			created.extractionCode === undefined
				? share
				: { ...share, code: created.extractionCode, link: created.urlWithCode },
		)
	}
	return seeded
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
	const stateDir = resolve(options.stateDir ?? join(PROJECT_ROOT, '.wrangler', 'coslink'))
	const emulatorRoot = join(stateDir, 'cos')
	await mkdir(emulatorRoot, { recursive: true })
	const secrets = await localSecrets(stateDir)
	const children: Child[] = []
	const stop = async () => {
		await Promise.all(children.map(stopChild))
	}
	try {
		// Secrets go to the emulator in its environment, never as arguments: arguments show in
		// `ps`, and a generated key starting with '-' would read as an option.
		const emulatorArgs = [
			EMULATOR_CLI,
			'--port',
			'0',
			'--root',
			emulatorRoot,
			'--bucket',
			LOCAL_BUCKET,
			'--region',
			LOCAL_REGION,
			'--seed',
			// A bucket CORS rule, as the README asks for direct uploads from the upload page.
			'--cors',
			'*',
			...(options.bigObjectBytes === undefined ? [] : ['--big-size', String(options.bigObjectBytes)]),
		]
		const emulatorEnv = childEnv({
			COS_SECRET_ID: secrets.COS_SECRET_ID,
			COS_SECRET_KEY: secrets.COS_SECRET_KEY,
		})
		const emulator = startChild(process.execPath, emulatorArgs, 'COS emulator', emulatorEnv, options.log)
		children.push(emulator)
		const ready = JSON.parse(
			await waitForLine(emulator, (line) => line.startsWith('{"ready":true'), 30_000),
		) as {
			url: string
		}
		const port = options.port || (await freePort())
		const vars: Record<string, string> = {
			COS_BUCKET: LOCAL_BUCKET,
			COS_REGION: LOCAL_REGION,
			COS_ENDPOINT: ready.url,
			...options.vars,
		}
		const workerArgs = async () => [
			WRANGLER,
			'dev',
			'--ip',
			'127.0.0.1',
			'--port',
			String(port),
			'--inspector-port',
			String(await freePort()),
			'--env-file',
			join(stateDir, 'local.env'),
			'--persist-to',
			join(stateDir, 'state'),
			'--show-interactive-dev-session=false',
			...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
		]
		const workerUrl = `http://127.0.0.1:${port}`
		let worker: Child | undefined
		const startWorker = async () => {
			worker = startChild(
				process.execPath,
				await workerArgs(),
				'worker (wrangler dev)',
				childEnv(),
				options.log,
			)
			children.push(worker)
			await waitForHealth(workerUrl, worker, 90_000)
		}
		await startWorker()
		await checkLocalSigning(workerUrl, ready.url, secrets)
		await createStatsSchema(workerUrl, secrets.ADMIN_TOKEN)
		const shares =
			options.seedShares === false ? [] : await seedDemoShares(workerUrl, secrets.ADMIN_TOKEN, DEMO_SHARES)
		return {
			workerUrl,
			emulatorUrl: ready.url,
			adminToken: secrets.ADMIN_TOKEN,
			secretId: secrets.COS_SECRET_ID,
			secretKey: secrets.COS_SECRET_KEY,
			stateDir,
			emulatorRoot,
			shares,
			stop,
			workerPid: () => {
				const running = worker?.process
				return running && running.exitCode === null && running.signalCode === null ? running.pid : undefined
			},
			restartWorker: async () => {
				if (worker) await stopChild(worker)
				await startWorker()
			},
		}
	} catch (error) {
		await stop()
		throw error
	}
}
