// The local stack's launcher (scripts/stack.ts) and the emulator's CLI: secrets never on a
// command line, the user's shell never shadowing the local settings, and a child that dies
// early explaining why.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL_BUCKET, LOCAL_REGION, localSecrets, startStack } from '../../scripts/stack.ts'
import { presignObjectUrl } from '../../src/cos/presign.ts'

const DASH_KEY = '-dashfirstsecretkey0000000000000'
const folders: string[] = []

async function tempFolder(): Promise<string> {
	const folder = await mkdtemp(join(tmpdir(), 'coslink-local-stack-'))
	folders.push(folder)
	return folder
}

afterEach(async () => {
	for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true })
})

function runCli(args: string[], env: Record<string, string>) {
	return spawn(process.execPath, ['test/emulator/cli.ts', '--port', '0', '--quiet', ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
}

describe('the emulator CLI', () => {
	it('takes a key that starts with "-" from its environment', async () => {
		const root = await tempFolder()
		const child = runCli(['--root', root, '--bucket', LOCAL_BUCKET, '--region', LOCAL_REGION, '--seed'], {
			COS_SECRET_ID: 'AKIDdashtest',
			COS_SECRET_KEY: DASH_KEY,
		})
		try {
			const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
			const { url } = JSON.parse(line) as { url: string }
			const signed = await presignObjectUrl({
				credentials: { secretId: 'AKIDdashtest', secretKey: DASH_KEY },
				target: { bucket: LOCAL_BUCKET, region: LOCAL_REGION, endpoint: url },
				method: 'GET',
				key: 'docs/report.pdf',
				ttl: 60,
			})
			const res = await fetch(signed.url)
			await res.body?.cancel()
			expect(res.status).toBe(200)
		} finally {
			child.kill('SIGTERM')
			await once(child, 'exit')
		}
	})

	it.each(['--secret-key', '--secret-id', '--token'])(
		'refuses %s as an argument and names the variable to use',
		async (option) => {
			const child = runCli(['--bucket', LOCAL_BUCKET, '--region', LOCAL_REGION, option, 'value'], {})
			let stderr = ''
			child.stderr.on('data', (chunk: Buffer) => {
				stderr += chunk.toString('utf8')
			})
			const [code] = (await once(child, 'exit')) as [number]
			expect(code).toBe(2)
			expect(stderr).toContain(
				`${option} is not accepted: set COS_SECRET_ID, COS_SECRET_KEY and COS_SECURITY_TOKEN`,
			)
		},
	)
})

describe('local settings', () => {
	it('reuses valid settings from local.env and replaces invalid ones', async () => {
		const stateDir = await tempFolder()
		await writeFile(
			join(stateDir, 'local.env'),
			`COS_SECRET_ID=AKIDkeptsecretid000000\nCOS_SECRET_KEY=${DASH_KEY}\nADMIN_TOKEN=has a space in it 0123\nLINK_SECRET=short\n`,
		)
		const secrets = await localSecrets(stateDir)
		expect(secrets.COS_SECRET_ID).toBe('AKIDkeptsecretid000000')
		expect(secrets.COS_SECRET_KEY).toBe(DASH_KEY)
		expect(secrets.ADMIN_TOKEN).toMatch(/^[A-Za-z0-9_-]{16,}$/)
		expect(secrets.LINK_SECRET).toMatch(/^[A-Za-z0-9_-]{16,}$/)
		expect(await readFile(join(stateDir, 'local.env'), 'utf8')).toContain(
			`ADMIN_TOKEN=${secrets.ADMIN_TOKEN}\n`,
		)
	})
})

describe('startStack', () => {
	it("fails with the emulator's own error when it exits before it is ready", async () => {
		const stateDir = await tempFolder()
		await expect(startStack({ stateDir, bigObjectBytes: 1.5, seedShares: false })).rejects.toThrow(
			/the COS emulator exited with code 2 before it was ready; its last output:\n.*--big-size must be a number of bytes/,
		)
	})

	it('runs on its own settings whatever coslink settings the shell exports, with a key starting with "-"', async () => {
		const stateDir = await tempFolder()
		await writeFile(join(stateDir, 'local.env'), `COS_SECRET_KEY=${DASH_KEY}\n`)
		const shell = {
			COS_SECRET_ID: 'AKIDfromtheusersshell000000',
			COS_SECRET_KEY: 'secret-key-from-the-users-shell',
			COS_SECURITY_TOKEN: 'token-from-the-users-shell',
			COS_ENDPOINT: 'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com',
			ADMIN_TOKEN: 'admin-token-from-the-users-shell',
			LINK_SECRET: 'link-secret-from-the-users-shell',
			SIGN_TTL: '1',
		}
		const saved = Object.fromEntries(Object.keys(shell).map((name) => [name, process.env[name]]))
		Object.assign(process.env, shell)
		let stack: Awaited<ReturnType<typeof startStack>> | undefined
		try {
			stack = await startStack({ stateDir })
		} finally {
			for (const [name, value] of Object.entries(saved))
				if (value === undefined) delete process.env[name]
				else process.env[name] = value
		}
		try {
			expect(stack.secretKey).toBe(DASH_KEY)
			const hop = await fetch(`${stack.workerUrl}/q3-report`, { redirect: 'manual' })
			const location = new URL(hop.headers.get('location') ?? '')
			expect(location.origin).toBe(stack.emulatorUrl)
			expect(location.searchParams.get('q-ak')).toBe(stack.secretId)
			const object = await fetch(location)
			await object.body?.cancel()
			expect(object.status).toBe(200)
		} finally {
			await stack.stop()
		}
	})
})
