// The `coslink` CLI against the real local stack, run as a person runs it (a child process
// of cli/coslink.js): share, send a 5 MiB file and download it back byte for byte, ls, rm,
// login, a wrong token; every failure one line with its exit code.
import { execFile } from 'node:child_process'
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { PROJECT_ROOT } from '../../scripts/stack.ts'
import { listKeys } from '../emulator/store.ts'
import { bodyOf, deterministicBytes, readStoredObject, sha256, useE2eStack } from './helpers.ts'

const e2e = useE2eStack('cli')
const MiB = 1024 * 1024

interface Run {
	code: number
	stdout: string
	stderr: string
}

/** Runs the CLI on this Node, with only the settings given (none of the developer's own). */
function coslink(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = execFile(
			process.execPath,
			[join(PROJECT_ROOT, 'cli', 'coslink.js'), ...args],
			{
				cwd: e2e.work,
				env: {
					PATH: process.env.PATH ?? '',
					HOME: e2e.work,
					COSLINK_CONFIG: join(e2e.work, 'config.json'),
					COSLINK_URL: e2e.stack.workerUrl,
					COSLINK_TOKEN: e2e.stack.adminToken,
					...env,
				},
				timeout: 120_000,
				maxBuffer: 16 * MiB,
			},
			(error, stdout, stderr) => {
				const code = error ? error.code : 0
				if (typeof code !== 'number') return reject(error)
				resolve({ code, stdout, stderr })
			},
		)
		child.stdin?.end(stdin ?? '')
	})
}

describe('coslink share', () => {
	it('shares an object and prints a link that serves it', async () => {
		const run = await coslink([
			'share',
			'docs/report.pdf',
			'--id',
			'cli-share',
			'--expires',
			'1d',
			'--note',
			'from the CLI',
		])
		expect(run.code).toBe(0)
		const link = run.stdout.split('\n')[0] ?? ''
		expect(link).toBe(`${e2e.stack.workerUrl}/cli-share`)
		expect(run.stderr).toMatch(/^file share cli-share: expires \d{4}-\d{2}-\d{2} /)
		const res = await fetch(link)
		expect(res.status).toBe(200)
		const stored = await readStoredObject(e2e.stack.emulatorRoot, 'docs/report.pdf')
		expect(sha256(await bodyOf(res))).toBe(sha256(stored.bytes))
	})

	it('answers --json with the API answer, and prints the extraction code once', async () => {
		const run = await coslink(['share', 'docs/report.pdf', '--code', '--json'])
		expect(run.code).toBe(0)
		const share = JSON.parse(run.stdout) as { id: string; extractionCode: string; protected: boolean }
		expect(share).toMatchObject({ protected: true })
		expect(share.extractionCode).toMatch(/^\w{6}$/)
	})

	it('reads a password from COSLINK_PASSWORD, never from the command line', async () => {
		const run = await coslink(['share', 'docs/report.pdf', '--password', '--json'], {
			COSLINK_PASSWORD: 'open sesame',
		})
		expect(run.code).toBe(0)
		expect(JSON.parse(run.stdout)).toMatchObject({ protected: true })
	})

	it('exits 5 with one line for an id that is taken', async () => {
		const run = await coslink(['share', 'docs/report.pdf', '--id', 'cli-share'])
		expect(run.code).toBe(5)
		expect(run.stderr).toMatch(
			/^coslink: creating the share failed: 409 share_exists: .*pick another --id.*\n$/,
		)
		expect(run.stderr.split('\n')).toHaveLength(2)
	})

	it('exits 2 for an expiry it cannot read, before asking the server', async () => {
		const run = await coslink(['share', 'docs/report.pdf', '--expires', 'soonish'])
		expect(run.code).toBe(2)
		expect(run.stderr).toBe('coslink: --expires: "soonish" is not a duration such as 30m, 12h, 7d or 2w\n')
	})
})

describe('coslink send', () => {
	it('uploads a 5 MiB file through the worker and prints a link that serves the same bytes', async () => {
		const bytes = deterministicBytes(5 * MiB, 42)
		const file = join(e2e.work, 'five.bin')
		await writeFile(file, bytes)
		const run = await coslink(['send', file, '--id', 'cli-sent', '--expires', '2h'])
		expect(run.code, run.stderr).toBe(0)
		const link = run.stdout.split('\n')[0] ?? ''
		expect(link).toBe(`${e2e.stack.workerUrl}/cli-sent`)
		const res = await fetch(link)
		expect(res.status).toBe(200)
		const body = await bodyOf(res)
		expect(body.length).toBe(5 * MiB)
		expect(sha256(body)).toBe(sha256(bytes))
		const keys = (await listKeys(e2e.stack.emulatorRoot)).filter((key) => key.endsWith('/five.bin'))
		expect(keys).toHaveLength(1)
		expect(keys[0]).toMatch(/^send\/[0-9A-Za-z]{16}\/five\.bin$/)
	})

	it('sends several files as a folder share of their own', async () => {
		await writeFile(join(e2e.work, 'a.txt'), 'alpha')
		await writeFile(join(e2e.work, 'b.txt'), 'beta')
		const run = await coslink(['send', join(e2e.work, 'a.txt'), join(e2e.work, 'b.txt'), '--json'])
		expect(run.code, run.stderr).toBe(0)
		const share = JSON.parse(run.stdout) as { type: string; prefix: string; sent: boolean; url: string }
		expect(share).toMatchObject({ type: 'folder', sent: true })
		const res = await fetch(`${share.url}/b.txt`)
		expect(await res.text()).toBe('beta')
	})

	it('deletes the sent file from the bucket when the share is removed', async () => {
		const key = (await listKeys(e2e.stack.emulatorRoot)).find((k) => k.endsWith('/five.bin')) ?? ''
		const run = await coslink(['rm', 'cli-sent', '--yes'])
		expect(run.code).toBe(0)
		expect(run.stderr).toBe('Deleted cli-sent\n')
		await vi.waitFor(async () => expect(await listKeys(e2e.stack.emulatorRoot)).not.toContain(key), {
			timeout: 15_000,
			interval: 250,
		})
	})

	it('exits 2 for a path that is no file, sending nothing', async () => {
		const run = await coslink(['send', join(e2e.work, 'missing.bin')])
		expect(run.code).toBe(2)
		expect(run.stderr).toMatch(/^coslink: .*missing\.bin: not a file/)
	})
})

describe('coslink ls, show, edit, stats and rm', () => {
	it('lists shares in a table and as JSON, with filters', async () => {
		const table = await coslink(['ls', '--search', 'cli-share'])
		expect(table.code).toBe(0)
		expect(table.stdout).toMatch(/^ID\s+TYPE\s+STATUS\s+EXPIRES\s+WHAT\n/)
		expect(table.stdout).toContain('cli-share')
		expect(table.stdout).toContain('docs/report.pdf  — from the CLI')
		const json = await coslink(['ls', '--type', 'folder', '--json', '--all'])
		const { shares } = JSON.parse(json.stdout) as { shares: { type: string }[] }
		expect(shares.length).toBeGreaterThan(0)
		expect(shares.every((share) => share.type === 'folder')).toBe(true)
	})

	it('shows one share and edits it under a precondition', async () => {
		const show = await coslink(['show', 'cli-share', '--json'])
		const { revision } = JSON.parse(show.stdout) as { revision: number }
		const edited = await coslink([
			'edit',
			'cli-share',
			'--note',
			'edited',
			'--if-match',
			String(revision),
			'--json',
		])
		expect(edited.code).toBe(0)
		expect(JSON.parse(edited.stdout)).toMatchObject({ note: 'edited', revision: revision + 1 })
		const stale = await coslink(['edit', 'cli-share', '--note', 'stale', '--if-match', String(revision)])
		expect(stale.code).toBe(5)
		expect(stale.stderr).toMatch(/412 precondition_failed/)
	})

	it('says plainly when this server has no statistics, or shows them', async () => {
		const run = await coslink(['stats', 'cli-share'])
		if (run.code === 0) expect(run.stdout).not.toBe('')
		else {
			expect(run.code).toBe(4)
			expect(run.stderr).toMatch(/^coslink: statistics are not available on this server/)
		}
	})

	it('refuses to delete without --yes off a terminal, then deletes; a second time exits 4', async () => {
		const asked = await coslink(['rm', 'cli-share'])
		expect(asked.code).toBe(2)
		expect(asked.stderr).toBe('coslink: not on a terminal: confirm with --yes\n')
		expect((await coslink(['rm', 'cli-share', '-y'])).code).toBe(0)
		const again = await coslink(['rm', 'cli-share', '-y'])
		expect(again.code).toBe(4)
		expect(again.stderr).toMatch(/^coslink: deleting share cli-share failed: 404 share_not_found/)
		expect((await coslink(['show', 'cli-share'])).code).toBe(4)
	})
})

describe('credentials', () => {
	it('exits 3 with one line for a wrong token', async () => {
		const run = await coslink(['ls'], { COSLINK_TOKEN: 'not-the-token-at-all' })
		expect(run.code).toBe(3)
		expect(run.stderr).toBe(
			'coslink: listing shares failed: 401 unauthorized: Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>". (check the token: run `coslink login`, or set COSLINK_TOKEN)\n',
		)
	})

	it('logs in with a token read from stdin, checked first, saved for the user alone', async () => {
		const wrong = await coslink(
			['login', '--url', e2e.stack.workerUrl],
			{ COSLINK_TOKEN: '' },
			'wrong-token\n',
		)
		expect(wrong.code).toBe(3)
		const run = await coslink(
			['login', '--url', e2e.stack.workerUrl],
			{ COSLINK_TOKEN: '' },
			`${e2e.stack.adminToken}\n`,
		)
		expect(run.code, run.stderr).toBe(0)
		const config = join(e2e.work, 'config.json')
		expect((await stat(config)).mode & 0o777).toBe(0o600)
		const ls = await coslink(['ls', '--limit', '1'], { COSLINK_URL: '', COSLINK_TOKEN: '' })
		expect(ls.code, ls.stderr).toBe(0)
	})

	it('exits 1 with one line when the server cannot be reached', async () => {
		const run = await coslink(['ls'], { COSLINK_URL: 'http://127.0.0.1:9' })
		expect(run.code).toBe(1)
		expect(run.stderr).toMatch(
			/^coslink: listing shares failed: could not reach http:\/\/127\.0\.0\.1:9 .*\n$/,
		)
	})
})
