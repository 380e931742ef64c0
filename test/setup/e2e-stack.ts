// The node project's one shared local stack (COS emulator + `wrangler dev`), started once
// before its test files and handed to them through `provide`; useE2eStack (test/e2e/helpers.ts)
// gives each file that fits it a handle on it. Stopped after the last file, and checked then
// for anything it started that is still running.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { resolveChromium } from '../browser/resolve-chromium.ts'
import { SHARED_STACK_OPTIONS, startE2eStack } from '../e2e/helpers.ts'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const logDir = await mkdtemp(join(tmpdir(), 'coslink-e2e-shared-'))
	const logFile = join(logDir, 'stack.log')
	await writeFile(logFile, '')
	let stack: Awaited<ReturnType<typeof startE2eStack>>
	try {
		// The browser too, once, while the stack starts: on a fresh clone the bundled Chromium
		// is unpacked on first use (~200 MB), which the browser files starting together would
		// each do for themselves. Without a usable browser the browser files fail, saying why.
		const [started] = await Promise.all([
			startE2eStack(SHARED_STACK_OPTIONS, logFile),
			resolveChromium().catch(() => undefined),
		])
		stack = started
	} catch (error) {
		await rm(logDir, { recursive: true, force: true })
		throw error
	}
	project.provide('e2eStack', {
		workerUrl: stack.workerUrl,
		emulatorUrl: stack.emulatorUrl,
		adminToken: stack.adminToken,
		secretId: stack.secretId,
		secretKey: stack.secretKey,
		stateDir: stack.stateDir,
		emulatorRoot: stack.emulatorRoot,
		shares: stack.shares,
		logFile,
	})
	return async () => {
		try {
			await stack.dispose()
		} finally {
			await rm(logDir, { recursive: true, force: true })
		}
	}
}
