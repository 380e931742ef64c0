// Command-line options → the admin API's JSON bodies. Pure: the clock and a password read
// elsewhere come in as arguments, so every rule here is unit-tested.
import { parseCount, parseList, parseSize, parseWhen } from './args.ts'
import { CliError, EXIT } from './errors.ts'

export interface ShareFlags {
	id?: string
	expires?: string
	password?: boolean
	code?: boolean
	maxDownloads?: string
	once?: boolean
	page?: boolean
	stream?: boolean
	filename?: string
	note?: string
}

export interface RequestFlags extends ShareFlags {
	maxFileSize?: string
	types?: string
	extensions?: string
	maxFiles?: string
	maxTotal?: string
}

export interface EditFlags extends Omit<ShareFlags, 'id' | 'stream'> {
	/** false: --no-password (remove it). */
	password?: boolean
	/** false: --no-page. */
	page?: boolean
	stream?: boolean
	redirect?: boolean
}

/** Clears an optional field in an edit. */
const NONE = /^(none|never|off)$/i

function conflict(a: string, b: string): CliError {
	return new CliError(`${a} and ${b} do not go together: choose one`, EXIT.usage)
}

/** The fields every kind of share takes. */
function common(flags: ShareFlags, nowMs: number, password: string | undefined): Record<string, unknown> {
	if (flags.password && flags.code) throw conflict('--password', '--code')
	if (flags.once && flags.maxDownloads !== undefined) throw conflict('--once', '--max-downloads')
	const body: Record<string, unknown> = {}
	if (flags.id !== undefined) body.id = flags.id
	if (flags.expires !== undefined && !NONE.test(flags.expires))
		body.expiresAt = parseWhen(flags.expires, nowMs)
	if (flags.password) {
		if (password === undefined) throw new CliError('--password: no password was given', EXIT.usage)
		body.password = password
	}
	if (flags.code) body.extractionCode = true
	if (flags.once) body.maxDownloads = 1
	if (flags.maxDownloads !== undefined) body.maxDownloads = parseCount(flags.maxDownloads, '--max-downloads')
	if (flags.page) body.page = true
	if (flags.stream) body.delivery = 'stream'
	if (flags.note !== undefined) body.note = flags.note
	return body
}

/** `coslink share <key>` */
export function fileShareBody(key: string, flags: ShareFlags, nowMs: number, password?: string) {
	return {
		type: 'file',
		key,
		...common(flags, nowMs, password),
		...(flags.filename === undefined ? {} : { filename: flags.filename }),
	}
}

/** A folder prefix always ends with "/": `photos` means `photos/`. */
export function asPrefix(text: string): string {
	return text.endsWith('/') ? text : `${text}/`
}

/** `coslink folder <prefix>` */
export function folderShareBody(prefix: string, flags: ShareFlags, nowMs: number, password?: string) {
	if (flags.filename !== undefined)
		throw new CliError('--filename: a folder share has no file name', EXIT.usage)
	return { type: 'folder', prefix: asPrefix(prefix), ...common(flags, nowMs, password) }
}

export const DEFAULT_MAX_FILE_SIZE = '1G'
export const DEFAULT_REQUEST_EXPIRY = '7d'

/** `coslink request <prefix>`: an upload link, which always has an expiry and a size cap. */
export function uploadLinkBody(prefix: string, flags: RequestFlags, nowMs: number, password?: string) {
	if (flags.once || flags.maxDownloads !== undefined)
		throw new CliError('an upload link counts files, not downloads: use --max-files', EXIT.usage)
	if (flags.expires !== undefined && NONE.test(flags.expires))
		throw new CliError('--expires: an upload link needs an expiry', EXIT.usage)
	const upload: Record<string, unknown> = {
		maxFileSize: parseSize(flags.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, '--max-file-size'),
	}
	if (flags.types !== undefined) upload.allowedTypes = parseList(flags.types)
	if (flags.extensions !== undefined)
		upload.allowedExtensions = parseList(flags.extensions).map((ext) =>
			ext.startsWith('.') ? ext : `.${ext}`,
		)
	if (flags.maxFiles !== undefined) upload.maxFiles = parseCount(flags.maxFiles, '--max-files')
	if (flags.maxTotal !== undefined) upload.maxTotalBytes = parseSize(flags.maxTotal, '--max-total')
	return {
		type: 'upload',
		prefix: asPrefix(prefix),
		...common({ ...flags, expires: flags.expires ?? DEFAULT_REQUEST_EXPIRY }, nowMs, password),
		upload,
	}
}

/** `coslink send`: a file share of one sent file, or a folder share of several; always sent. */
export function sentShareBody(
	sent: { key: string; prefix: string }[],
	flags: ShareFlags,
	nowMs: number,
	password?: string,
) {
	const first = sent[0]
	if (!first) throw new CliError('nothing was sent', EXIT.usage)
	const fields = common(flags, nowMs, password)
	if (sent.length === 1)
		return {
			type: 'file',
			key: first.key,
			sent: true,
			...fields,
			...(flags.filename === undefined ? {} : { filename: flags.filename }),
		}
	if (flags.filename !== undefined)
		throw new CliError('--filename: several files make a folder share', EXIT.usage)
	return { type: 'folder', prefix: first.prefix, sent: true, ...fields }
}

/** `coslink edit <id>`: only what was asked for; `none` clears a field. */
export function editBody(flags: EditFlags, nowMs: number, password?: string): Record<string, unknown> {
	if (flags.password && flags.code) throw conflict('--password', '--code')
	if (flags.once && flags.maxDownloads !== undefined) throw conflict('--once', '--max-downloads')
	if (flags.stream && flags.redirect) throw conflict('--stream', '--redirect')
	const body: Record<string, unknown> = {}
	if (flags.expires !== undefined)
		body.expiresAt = NONE.test(flags.expires) ? null : parseWhen(flags.expires, nowMs)
	if (flags.password === true) {
		if (password === undefined) throw new CliError('--password: no password was given', EXIT.usage)
		body.password = password
	}
	if (flags.password === false) body.password = null
	if (flags.code) body.extractionCode = true
	if (flags.once) body.maxDownloads = 1
	if (flags.maxDownloads !== undefined)
		body.maxDownloads = NONE.test(flags.maxDownloads)
			? null
			: parseCount(flags.maxDownloads, '--max-downloads')
	if (flags.page !== undefined) body.page = flags.page
	if (flags.stream) body.delivery = 'stream'
	if (flags.redirect) body.delivery = 'redirect'
	if (flags.filename !== undefined) body.filename = NONE.test(flags.filename) ? null : flags.filename
	if (flags.note !== undefined) body.note = flags.note === '' ? null : flags.note
	if (Object.keys(body).length === 0)
		throw new CliError('nothing to change: give at least one option (see coslink edit --help)', EXIT.usage)
	return body
}
