// The `coslink` command line: commander parses, each command calls the admin API, and every
// failure ends as one line on stderr with an exit code per class (errors.ts).
import { Command, CommanderError, Option } from 'commander'
import { parseCount, parseRevision } from './args.ts'
import {
	type EditFlags,
	editBody,
	fileShareBody,
	folderShareBody,
	type RequestFlags,
	type ShareFlags,
	sentShareBody,
	uploadLinkBody,
} from './bodies.ts'
import { Api, apiError } from './client.ts'
import { loadSettings, normalizeUrl, saveSettings } from './config.ts'
import { CliError, EXIT } from './errors.ts'
import {
	type ListAnswer,
	printCreated,
	printJson,
	printShare,
	printTable,
	type ShareAnswer,
} from './output.ts'
import { silentProgress, terminalProgress } from './progress.ts'
import { ask, confirm, readSecret } from './prompt.ts'
import { localFiles, sendFiles } from './send.ts'

interface Common {
	json?: boolean
	debug?: boolean
	url?: string
	qr?: boolean
}

/** What each command does with what commander parsed: swapped for fakes in the unit tests. */
export interface Handlers {
	share(key: string, flags: ShareFlags & Common): Promise<void>
	folder(prefix: string, flags: ShareFlags & Common): Promise<void>
	request(prefix: string, flags: RequestFlags & Common): Promise<void>
	send(files: string[], flags: ShareFlags & Common): Promise<void>
	ls(flags: ListFlags & Common): Promise<void>
	show(id: string, flags: Common): Promise<void>
	stats(id: string, flags: Common): Promise<void>
	edit(id: string, flags: EditFlags & Common & { ifMatch?: string }): Promise<void>
	rm(ids: string[], flags: Common & { yes?: boolean; ifMatch?: string }): Promise<void>
	login(flags: Common): Promise<void>
}

export interface ListFlags {
	type?: 'file' | 'folder' | 'upload'
	status?: 'active' | 'scheduled' | 'expired' | 'exhausted'
	search?: string
	limit?: string
	cursor?: string
	all?: boolean
}

/** Sent files are deleted with their share: it always expires unless told otherwise. */
const DEFAULT_SEND_EXPIRY = '7d'

const EXPIRES_HELP =
	'when it expires: 30m, 12h, 7d, a date (2026-12-31: the end of that day here) or an ISO time'

function common(command: Command): Command {
	return command
		.option('--json', 'print the API answer as JSON (for scripts)')
		.option('--url <url>', 'the server (default: COSLINK_URL, or what `coslink login` saved)')
		.option('--debug', 'on failure, print the stack trace too')
}

function shareOptions(
	command: Command,
	{ filename = true, expiresDefault }: { filename?: boolean; expiresDefault?: string } = {},
) {
	command
		.option('--id <id>', 'a slug of your choice (default: 13 random characters)')
		.option('--expires <when>', `${EXPIRES_HELP}${expiresDefault ? ` (default ${expiresDefault})` : ''}`)
		.option(
			'--password',
			'protect it with a password: read from COSLINK_PASSWORD, stdin, or asked without echo',
		)
		.option('--code', 'protect it with a generated 6-character extraction code (printed once)')
		.option('--max-downloads <n>', 'downloads it grants in all')
		.option('--once', 'a one-time link (--max-downloads 1)')
		.option('--page', 'browsers get a download page instead of the file')
		.option('--stream', 'the worker streams the bytes instead of redirecting to COS')
		.option('--note <text>', 'a note, shown on the download page')
		.option('--qr', 'print a QR code of the link')
	if (filename) command.option('--filename <name>', 'the name a download is saved under')
	return common(command)
}

export function buildProgram(handlers: Handlers): Command {
	const program = new Command('coslink')
		.description('Share, send, list and revoke COS share links through a coslink worker.')
		.version('0.1.0')
		.exitOverride()
		.configureOutput({
			// One line: what was wrong, and where the usage is.
			outputError: (text, write) => write(`coslink: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
		})
	shareOptions(program.command('share').argument('<key>', 'the object key in the bucket'))
		.description('share one object; prints its link')
		.action((key: string, flags: ShareFlags & Common) => handlers.share(key, flags))
	shareOptions(program.command('folder').argument('<prefix>', 'the folder, such as photos/2026/'), {
		filename: false,
	})
		.description('share every object under a prefix (browse, download, zip)')
		.action((prefix: string, flags: ShareFlags & Common) => handlers.folder(prefix, flags))
	shareOptions(program.command('request').argument('<prefix>', 'where uploads land, such as inbox/'), {
		filename: false,
		expiresDefault: '7d',
	})
		.description('make an upload link: people upload files into the prefix')
		.option('--max-file-size <size>', 'largest file, such as 100M or 2G (binary units; default 1G)')
		.option('--types <list>', 'accepted media types, such as image/*,application/pdf')
		.option('--extensions <list>', 'accepted extensions, such as .pdf,.docx')
		.option('--max-files <n>', 'files it accepts in all')
		.option('--max-total <size>', 'bytes it accepts in all, such as 10G')
		.action((prefix: string, flags: RequestFlags & Common) => handlers.request(prefix, flags))
	shareOptions(program.command('send').argument('<files...>', 'one or more files'), { expiresDefault: '7d' })
		.description(
			'upload files into the bucket through the worker and share them (they are deleted with the share)',
		)
		.action((files: string[], flags: ShareFlags & Common) => handlers.send(files, flags))
	common(
		program
			.command('ls')
			.description('list shares')
			.addOption(new Option('--type <type>', 'only this kind').choices(['file', 'folder', 'upload']))
			.addOption(
				new Option('--status <status>', 'only this status').choices([
					'active',
					'scheduled',
					'expired',
					'exhausted',
				]),
			)
			.option('--search <text>', 'text in the id, key, prefix or note')
			.option('--limit <n>', 'shares per page (default 100)')
			.option('--cursor <cursor>', 'go on from a previous page')
			.option('--all', 'every page'),
	).action((flags: ListFlags & Common) => handlers.ls(flags))
	common(program.command('show').argument('<id>').description('show one share')).action(
		(id: string, flags: Common) => handlers.show(id, flags),
	)
	common(program.command('stats').argument('<id>').description("show a share's statistics")).action(
		(id: string, flags: Common) => handlers.stats(id, flags),
	)
	common(
		program
			.command('edit')
			.argument('<id>')
			.description('change a share; "none" clears a field (--expires never, --max-downloads none)')
			.option('--expires <when>', `${EXPIRES_HELP}, or never`)
			.option('--password', 'set a new password (read as for share)')
			.option('--no-password', 'remove the password')
			.option('--code', 'set a new generated extraction code (printed once)')
			.option('--max-downloads <n>', 'downloads it grants in all, or none')
			.option('--once', 'a one-time link')
			.option('--page', 'browsers get a download page')
			.option('--no-page', 'browsers get the file itself')
			.option('--stream', 'stream through the worker')
			.option('--redirect', 'redirect to COS')
			.option('--filename <name>', 'the download name, or none')
			.option('--note <text>', 'the note ("" clears it)')
			.option('--if-match <revision>', 'only if the share is still at this revision'),
	).action((id: string, flags: EditFlags & Common & { ifMatch?: string }) => handlers.edit(id, flags))
	common(
		program
			.command('rm')
			.argument('<ids...>')
			.description('delete shares (asks first unless --yes)')
			.option('-y, --yes', 'do not ask')
			.option('--if-match <revision>', 'only if the share is still at this revision (one id)'),
	).action((ids: string[], flags: Common & { yes?: boolean; ifMatch?: string }) => handlers.rm(ids, flags))
	program
		.command('login')
		.description('save the server URL and admin token (checked first) in your config directory')
		.option('--url <url>', 'the server, such as https://share.example.com')
		.option('--debug', 'on failure, print the stack trace too')
		.action((flags: Common) => handlers.login(flags))
	return program
}

async function apiFor(flags: Common): Promise<Api> {
	return new Api(await loadSettings({ url: flags.url }))
}

async function passwordFor(flags: { password?: boolean }): Promise<string | undefined> {
	return flags.password ? readSecret('Password: ', 'COSLINK_PASSWORD') : undefined
}

async function create(body: Record<string, unknown>, flags: Common): Promise<void> {
	const api = await apiFor(flags)
	const { body: share } = await api.request<ShareAnswer>('POST', '/api/shares', 'creating the share', {
		json: body,
	})
	if (flags.json) printJson(share)
	else printCreated(share, { qr: flags.qr })
}

const path = (id: string) => `/api/shares/${encodeURIComponent(id)}`

/** The real commands. */
export const handlers: Handlers = {
	async share(key, flags) {
		await create(fileShareBody(key, flags, Date.now(), await passwordFor(flags)), flags)
	},
	async folder(prefix, flags) {
		await create(folderShareBody(prefix, flags, Date.now(), await passwordFor(flags)), flags)
	},
	async request(prefix, flags) {
		await create(uploadLinkBody(prefix, flags, Date.now(), await passwordFor(flags)), flags)
	},
	async send(paths, flags) {
		const files = await localFiles(paths)
		const password = await passwordFor(flags)
		const shareFlags = { ...flags, expires: flags.expires ?? DEFAULT_SEND_EXPIRY }
		// The options are checked before a byte is sent: a bad one must not cost an upload.
		sentShareBody(
			files.map((file) => ({ key: file.name, prefix: '' })),
			shareFlags,
			Date.now(),
			password,
		)
		const api = await apiFor(flags)
		const progress = process.stderr.isTTY && !flags.json ? terminalProgress() : silentProgress
		const sent = await sendFiles(api, files, progress)
		await create(sentShareBody(sent, shareFlags, Date.now(), password), flags)
	},
	async ls(flags) {
		const api = await apiFor(flags)
		const query = new URLSearchParams()
		if (flags.type) query.set('type', flags.type)
		if (flags.status) query.set('status', flags.status)
		if (flags.search) query.set('q', flags.search)
		query.set('limit', String(flags.limit === undefined ? 100 : parseCount(flags.limit, '--limit')))
		let cursor = flags.cursor ?? null
		const shares: ShareAnswer[] = []
		do {
			if (cursor) query.set('cursor', cursor)
			const { body } = await api.request<ListAnswer>('GET', `/api/shares?${query}`, 'listing shares')
			shares.push(...body.shares)
			cursor = body.cursor
		} while (flags.all && cursor)
		if (flags.json) printJson({ shares, cursor })
		else {
			printTable(shares)
			if (cursor) process.stderr.write(`More: coslink ls --cursor ${cursor} (or --all)\n`)
		}
	},
	async show(id, flags) {
		const api = await apiFor(flags)
		const { body } = await api.request<ShareAnswer>('GET', path(id), `reading share ${id}`)
		if (flags.json) printJson(body)
		else printShare(body)
	},
	async stats(id, flags) {
		const api = await apiFor(flags)
		const stats = await api.request<Record<string, unknown>>(
			'GET',
			`${path(id)}/stats`,
			`reading statistics of ${id}`,
			{
				allow: [404],
			},
		)
		if (stats.status === 404) {
			const share = await api.request<unknown>('GET', path(id), `reading share ${id}`, { allow: [404] })
			if (share.status === 404) throw apiError(`reading share ${id}`, 404, share.body)
			throw new CliError(
				`statistics are not available on this server: it answers 404 to GET /api/shares/${id}/stats (update the worker)`,
				EXIT.notFound,
			)
		}
		if (flags.json) printJson(stats.body)
		else printShare(stats.body as ShareAnswer)
	},
	async edit(id, flags) {
		const body = editBody(flags, Date.now(), await passwordFor({ password: flags.password === true }))
		const api = await apiFor(flags)
		const headers: Record<string, string> = flags.ifMatch ? { 'if-match': parseRevision(flags.ifMatch) } : {}
		const { body: share } = await api.request<ShareAnswer>('PATCH', path(id), `changing share ${id}`, {
			json: body,
			headers,
		})
		if (flags.json) printJson(share)
		else {
			if (share.extractionCode)
				process.stdout.write(`Extraction code: ${share.extractionCode}  (shown this once)\n`)
			printShare(share)
		}
	},
	async rm(ids, flags) {
		if (flags.ifMatch && ids.length > 1)
			throw new CliError('--if-match names one revision: remove one share at a time', EXIT.usage)
		const headers: Record<string, string> = flags.ifMatch ? { 'if-match': parseRevision(flags.ifMatch) } : {}
		if (!flags.yes) {
			if (!process.stdin.isTTY) throw new CliError('not on a terminal: confirm with --yes', EXIT.usage)
			if (
				!(await confirm(
					`Delete ${ids.length === 1 ? `share ${ids[0]}` : `${ids.length} shares (${ids.join(', ')})`}?`,
				))
			)
				throw new CliError('nothing deleted', EXIT.usage)
		}
		const api = await apiFor(flags)
		let failure: CliError | undefined
		const deleted: string[] = []
		for (const id of ids) {
			try {
				await api.request('DELETE', path(id), `deleting share ${id}`, { headers })
				deleted.push(id)
				if (!flags.json) process.stderr.write(`Deleted ${id}\n`)
			} catch (error) {
				if (!(error instanceof CliError)) throw error
				process.stderr.write(`coslink: ${error.message}\n`)
				failure ??= error
			}
		}
		if (flags.json) printJson({ deleted })
		if (failure) throw new CliError(failure.message, failure.exitCode, { cause: 'reported' })
	},
	async login(flags) {
		const url = normalizeUrl(
			flags.url ?? process.env.COSLINK_URL ?? (process.stdin.isTTY ? await ask('Server URL: ') : ''),
		)
		const token = await readSecret('Admin token: ', 'COSLINK_TOKEN')
		// Health answers any token: listing one share proves this one.
		const api = new Api({ url, token })
		await api.request('GET', '/api/shares?limit=1', 'checking the token')
		const saved = await saveSettings({ url, token })
		process.stderr.write(`Logged in to ${url}; saved to ${saved} (readable by you alone).\n`)
	},
}

/** Runs the command line and exits with the code of its outcome. */
export async function run(argv: string[], commands: Handlers = handlers): Promise<void> {
	const debug = argv.includes('--debug')
	try {
		await buildProgram(commands).parseAsync(argv)
	} catch (error) {
		if (error instanceof CommanderError) {
			// Help and version are exits with 0; anything else commander refused is usage.
			process.exitCode = error.exitCode === 0 ? 0 : EXIT.usage
			return
		}
		if (error instanceof CliError) {
			if (error.cause !== 'reported') process.stderr.write(`coslink: ${error.message}\n`)
			if (debug) process.stderr.write(`${error.stack}\n`)
			process.exitCode = error.exitCode
			return
		}
		const message = error instanceof Error ? error.message : String(error)
		process.stderr.write(`coslink: ${message}${debug ? '' : ' (run with --debug for details)'}\n`)
		if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`)
		process.exitCode = EXIT.other
	}
}
