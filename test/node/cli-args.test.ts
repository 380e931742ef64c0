// The CLI's parsing, without a server: durations, dates, sizes, the bodies options make,
// what commander hands each command, and the exit code of each class of failure.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseDuration, parseSize, parseWhen } from '../../cli/args.ts'
import { editBody, fileShareBody, folderShareBody, sentShareBody, uploadLinkBody } from '../../cli/bodies.ts'
import { apiError } from '../../cli/client.ts'
import { configPath } from '../../cli/config.ts'
import { CliError, exitCodeFor } from '../../cli/errors.ts'
import { buildProgram, type Handlers, run } from '../../cli/main.ts'

const NOW = Date.UTC(2026, 11, 3, 10, 0, 0)

describe('durations', () => {
	it.each([
		['30m', 1800],
		['12h', 43200],
		['7d', 604800],
		['2w', 1209600],
		['90s', 90],
		['1d12h', 129600],
		[' 7D ', 604800],
	])('reads %s as %i seconds', (text, seconds) => {
		expect(parseDuration(text)).toBe(seconds)
	})

	it.each(['', '7', 'd', '7 days', '1.5h', '-1d', '0m', '7d3'])('refuses %j as a usage error', (text) => {
		expect(() => parseDuration(text)).toThrow(CliError)
		try {
			parseDuration(text)
		} catch (error) {
			expect((error as CliError).exitCode).toBe(2)
			expect((error as CliError).message).toMatch(/^--expires: /)
		}
	})
})

describe('when something expires', () => {
	it('is a duration from now', () => {
		expect(parseWhen('12h', NOW)).toBe('2026-12-03T22:00:00.000Z')
	})

	it('is the end of a date in the user’s time zone', () => {
		const end = new Date(parseWhen('2026-12-31', NOW))
		expect([end.getFullYear(), end.getMonth(), end.getDate()]).toEqual([2026, 11, 31])
		expect([end.getHours(), end.getMinutes(), end.getSeconds()]).toEqual([23, 59, 59])
	})

	it('takes an ISO date-time with its zone, as an instant', () => {
		expect(parseWhen('2026-12-31T08:00:00+08:00', NOW)).toBe('2026-12-31T00:00:00.000Z')
	})

	it.each(['2026-02-30', '2026-13-01', '2026-12-31T08:00:00', 'tomorrow'])('refuses %j', (text) => {
		expect(() => parseWhen(text, NOW)).toThrow(CliError)
	})
})

describe('sizes', () => {
	it.each([
		['100M', 100 * 1024 ** 2],
		['1.5G', 1.5 * 1024 ** 3],
		['512k', 512 * 1024],
		['100MiB', 100 * 1024 ** 2],
		['2GB', 2 * 1024 ** 3],
		['1T', 1024 ** 4],
		['4096', 4096],
	])('reads %s as %i bytes (binary units)', (text, bytes) => {
		expect(parseSize(text)).toBe(bytes)
	})

	it.each(['', 'M', '-1M', '0', '1X', 'ten'])('refuses %j', (text) => {
		expect(() => parseSize(text)).toThrow(CliError)
	})
})

describe('the bodies options make', () => {
	it('makes a file share with its limits, page, delivery and note', () => {
		expect(
			fileShareBody(
				'docs/a.pdf',
				{ id: 'q3', expires: '7d', once: true, page: true, stream: true, note: 'hi', filename: 'A.pdf' },
				NOW,
			),
		).toEqual({
			type: 'file',
			key: 'docs/a.pdf',
			id: 'q3',
			expiresAt: '2026-12-10T10:00:00.000Z',
			maxDownloads: 1,
			page: true,
			delivery: 'stream',
			note: 'hi',
			filename: 'A.pdf',
		})
	})

	it('sends the password it was given, and asks for an extraction code with --code', () => {
		expect(fileShareBody('a', { password: true }, NOW, 'open sesame')).toMatchObject({
			password: 'open sesame',
		})
		expect(fileShareBody('a', { code: true }, NOW)).toMatchObject({ extractionCode: true })
	})

	it.each([
		['--password with --code', { password: true, code: true }],
		['--once with --max-downloads', { once: true, maxDownloads: '3' }],
	])('refuses %s', (_label, flags) => {
		expect(() => fileShareBody('a', flags, NOW, 'pw')).toThrow(/do not go together/)
	})

	it('makes a folder share of a prefix, adding the trailing slash', () => {
		expect(folderShareBody('photos/2026', {}, NOW)).toEqual({ type: 'folder', prefix: 'photos/2026/' })
	})

	it('makes an upload link with a default expiry and size cap, and its rules', () => {
		expect(
			uploadLinkBody(
				'inbox',
				{ maxFileSize: '100M', types: 'image/*, application/pdf', extensions: 'pdf,.docx', maxFiles: '5' },
				NOW,
			),
		).toEqual({
			type: 'upload',
			prefix: 'inbox/',
			expiresAt: '2026-12-10T10:00:00.000Z',
			upload: {
				maxFileSize: 100 * 1024 ** 2,
				allowedTypes: ['image/*', 'application/pdf'],
				allowedExtensions: ['.pdf', '.docx'],
				maxFiles: 5,
			},
		})
		expect(() => uploadLinkBody('inbox', { once: true }, NOW)).toThrow(/counts files/)
	})

	it('shares one sent file as a file share and several as a folder share, both sent', () => {
		const one = [{ key: 'send/abc/a.txt', prefix: 'send/abc/' }]
		expect(sentShareBody(one, { expires: '1d' }, NOW)).toEqual({
			type: 'file',
			key: 'send/abc/a.txt',
			sent: true,
			expiresAt: '2026-12-04T10:00:00.000Z',
		})
		const two = [...one, { key: 'send/abc/b.txt', prefix: 'send/abc/' }]
		expect(sentShareBody(two, {}, NOW)).toEqual({ type: 'folder', prefix: 'send/abc/', sent: true })
	})

	it('edits only what was asked, and clears with none, never or --no-password', () => {
		expect(editBody({ expires: 'never', maxDownloads: 'none', password: false, note: '' }, NOW)).toEqual({
			expiresAt: null,
			maxDownloads: null,
			password: null,
			note: null,
		})
		expect(editBody({ page: false, redirect: true }, NOW)).toEqual({ page: false, delivery: 'redirect' })
		expect(() => editBody({}, NOW)).toThrow(/nothing to change/)
	})
})

/** Handlers that record what commander gave them. */
function recorder() {
	const calls: { command: string; args: unknown[] }[] = []
	const record =
		(command: string) =>
		async (...args: unknown[]) => {
			calls.push({ command, args })
		}
	const handlers = Object.fromEntries(
		['share', 'folder', 'request', 'send', 'ls', 'show', 'stats', 'edit', 'rm', 'login'].map((name) => [
			name,
			record(name),
		]),
	) as unknown as Handlers
	return { calls, handlers }
}

const argv = (...args: string[]) => ['node', 'coslink', ...args]

describe('the command line', () => {
	afterEach(() => {
		process.exitCode = undefined
		vi.restoreAllMocks()
	})

	it('hands share its key and options', async () => {
		const { calls, handlers } = recorder()
		await buildProgram(handlers).parseAsync(
			argv('share', 'docs/a.pdf', '--expires', '7d', '--once', '--password', '--json', '--url', 'http://x'),
		)
		expect(calls[0]?.command).toBe('share')
		expect(calls[0]?.args[0]).toBe('docs/a.pdf')
		expect(calls[0]?.args[1]).toMatchObject({
			expires: '7d',
			once: true,
			password: true,
			json: true,
			url: 'http://x',
		})
	})

	it('hands send every file, and rm every id', async () => {
		const { calls, handlers } = recorder()
		await buildProgram(handlers).parseAsync(argv('send', 'a.txt', 'b.txt', '--max-downloads', '3'))
		await buildProgram(handlers).parseAsync(argv('rm', 'x1', 'x2', '-y'))
		expect(calls[0]?.args.slice(0, 2)).toEqual([
			['a.txt', 'b.txt'],
			expect.objectContaining({ maxDownloads: '3' }),
		])
		expect(calls[1]?.args.slice(0, 2)).toEqual([['x1', 'x2'], expect.objectContaining({ yes: true })])
	})

	it('tells --password from --no-password in edit', async () => {
		const { calls, handlers } = recorder()
		await buildProgram(handlers).parseAsync(argv('edit', 'q3', '--no-password', '--if-match', '3'))
		expect(calls[0]?.args[1]).toMatchObject({ password: false, ifMatch: '3' })
	})

	it('hands ls its filters, and refuses a status it does not know with exit 2', async () => {
		const { calls, handlers } = recorder()
		await buildProgram(handlers).parseAsync(
			argv('ls', '--type', 'folder', '--status', 'exhausted', '--search', 'q3'),
		)
		expect(calls[0]?.args[0]).toMatchObject({ type: 'folder', status: 'exhausted', search: 'q3' })
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
		await run(argv('ls', '--status', 'gone'), handlers)
		expect(process.exitCode).toBe(2)
		expect(String(stderr.mock.calls[0]?.[0])).toMatch(/^coslink: .*'gone'.*\(see --help\)\n$/)
	})

	it('exits 2 for an unknown option and a missing argument, in one line each', async () => {
		const { handlers } = recorder()
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
		await run(argv('share', '--colour', 'red'), handlers)
		expect(process.exitCode).toBe(2)
		await run(argv('share'), handlers)
		expect(process.exitCode).toBe(2)
		expect(stderr.mock.calls.map((call) => String(call[0]).split('\n').length - 1)).toEqual([1, 1])
	})

	it('prints a failure as one line, without a stack unless --debug', async () => {
		const failing = {
			...recorder().handlers,
			show: async () => Promise.reject(new CliError('reading share x failed', 4)),
		}
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
		await run(argv('show', 'x'), failing)
		expect(process.exitCode).toBe(4)
		expect(stderr.mock.calls.map((call) => call[0])).toEqual(['coslink: reading share x failed\n'])
		stderr.mockClear()
		await run(argv('show', 'x', '--debug'), failing)
		expect(String(stderr.mock.calls[1]?.[0])).toMatch(/at /)
	})
})

describe('exit codes', () => {
	it.each([
		[400, 2],
		[413, 2],
		[415, 2],
		[401, 3],
		[403, 3],
		[404, 4],
		[410, 4],
		[409, 5],
		[412, 5],
		[429, 6],
		[500, 1],
		[502, 1],
	])('maps %i to %i', (status, code) => {
		expect(exitCodeFor(status)).toBe(code)
	})

	it('says what failed, the code, the specifics and what to do', () => {
		const error = apiError('creating the share', 409, {
			error: {
				code: 'share_exists',
				message: 'A share with this id already exists.',
				detail: 'A share with the id "q3" already exists.',
			},
		})
		expect(error.exitCode).toBe(5)
		expect(error.message).toBe(
			'creating the share failed: 409 share_exists: A share with the id "q3" already exists. (pick another --id, or remove the old share with `coslink rm`)',
		)
	})
})

describe('where the settings live', () => {
	it('follows XDG_CONFIG_HOME on Linux, and COSLINK_CONFIG anywhere', () => {
		expect(configPath({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/coslink/config.json')
		expect(configPath({ COSLINK_CONFIG: '/y.json' }, 'darwin')).toBe('/y.json')
		expect(configPath({ APPDATA: 'C:\\A' }, 'win32')).toMatch(/coslink[\\/]config\.json$/)
	})
})
