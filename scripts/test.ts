// `npm test`: both Vitest projects at once, in two processes. The workers project (code under
// test inside workerd) keeps a core busy; the node project (e2e stacks, the crash test,
// browsers) mostly waits on child processes. In one Vitest process they share one pool of
// two slots and run one after the other (Vitest orders projects by name); side by side they
// overlap (the README's Tests section has the figures).
// The node project streams its report; the workers project's report is printed whole when it
// ends, so the two never interleave. Arguments (`npm test -- test/cos`) run one plain Vitest
// instead, as `vitest run <args>` would.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { join } from 'node:path'

// Scratch space in memory when the machine has it: the stacks' SQLite state, the COS
// emulator's objects and Chromium's profiles are written and fsynced thousands of times and
// thrown away after the run. On this machine, with them on disk, the kernel spent 40 s more
// CPU per run (143 s against 101 s), on cores the run keeps busy anyway.
// A run has about 400 MB there at its peak (100 MiB uploads, stacks, browser profiles).
const SCRATCH_NEEDS = 2 * 1024 ** 3

function scratch(): string | undefined {
	if (process.env.TMPDIR || process.platform !== 'linux') return undefined
	try {
		// A container's /dev/shm is often 64 MB: too small, so the disk it is.
		const { bavail, bsize } = statfsSync('/dev/shm')
		if (bavail * bsize < SCRATCH_NEEDS) return undefined
		return mkdtempSync(join('/dev/shm', 'coslink-test-'))
	} catch {
		return undefined
	}
}
const tmp = scratch()
if (tmp) process.env.TMPDIR = tmp

// V8's compiled code for every Node process the run starts, kept between runs: wrangler alone
// is started a dozen times (twice a process each), and the CLI suite starts the CLI dozens of
// times. Measured: `wrangler --version` 2.0 s of CPU cold, 1.5 s from the cache.
process.env.NODE_COMPILE_CACHE ??= join(
	import.meta.dirname,
	'..',
	'node_modules',
	'.cache',
	'node-compile-cache',
)

const root = join(import.meta.dirname, '..')
const vitest = [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run']

interface Run {
	code: number
	seconds: number
	output: string
}

function run(args: string[], stream: boolean): Promise<Run> {
	return spawned(process.execPath, [...vitest, ...args], stream)
}

function spawned(command: string, args: string[], stream: boolean): Promise<Run> {
	const started = performance.now()
	const child = spawn(command, args, {
		cwd: root,
		stdio: ['ignore', stream ? 'inherit' : 'pipe', stream ? 'inherit' : 'pipe'],
		env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') },
	})
	const chunks: Buffer[] = []
	child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk))
	child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk))
	return new Promise((resolve, reject) => {
		child.once('error', reject)
		child.once('close', (code, signal) =>
			resolve({
				code: code ?? (signal ? 1 : 0),
				seconds: (performance.now() - started) / 1000,
				output: Buffer.concat(chunks).toString(),
			}),
		)
	})
}

const extra = process.argv.slice(2)
if (extra.length > 0) {
	process.exitCode = (await run(extra, true)).code
} else {
	// The node project is the long one: it starts at once, three files at a time (they mostly
	// wait). Beside it, one after the other: the static checks, then the workers project on
	// one slot (it is CPU-bound; a second would take the core the node project's browsers and
	// stacks need). Their reports are printed whole as each ends.
	const npm = process.env.npm_execpath
	const script = (name: string) =>
		npm
			? spawned(process.execPath, [npm, 'run', '--silent', name], false)
			: spawned('npm', ['run', name], false)
	const beside = (async () => {
		const results: [string, Run][] = []
		for (const [name, start] of [
			['typecheck', () => script('typecheck')],
			['lint', () => script('lint')],
			['workers project', () => run(['--project', 'workers', '--maxWorkers', '1'], false)],
		] as const) {
			const result = await start()
			process.stdout.write(`\n──── ${name} (beside the node project) ────\n${result.output}\n`)
			results.push([name, result])
		}
		return results
	})()
	const node = run(['--project', 'node', '--maxWorkers', '3'], true)
	const results = [...(await beside), ['node project', await node] as [string, Run]]
	const verdict = ([name, r]: [string, Run]) =>
		`${name} ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(0)} s`
	console.log(`\nnpm test: ${results.map(verdict).join('; ')}`)
	process.exitCode = results.find(([, r]) => r.code !== 0)?.[1].code ?? 0
}
if (tmp) rmSync(tmp, { recursive: true, force: true })
