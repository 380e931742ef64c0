// Which Chromium the browser suites run, so `npm test` works on a machine where nobody
// installed a browser: CHROMIUM_PATH, else a system Chromium or Chrome, else the build
// that @sparticuz/chromium carries in its npm tarball (x86-64 Linux). Each candidate must
// answer `--version` before it is used; with none, one line says how to provide one.
//
// COSLINK_BROWSER=system|bundled limits the search to one kind (e.g. to prove the npm
// browser works on a machine that also has a system one).
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'bundled'

export interface ResolvedChromium {
	executablePath: string
	source: BrowserSource
	version: string
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']
const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/opt/google/chrome/chrome']

/** Project-owned and git-ignored (under node_modules), one folder per package version. */
const BUNDLED_CACHE = join(import.meta.dirname, '../../node_modules/.cache/coslink-chromium')

const HOW_TO =
	'No Chromium can run the browser tests: run `npm ci` on x86-64 Linux (it installs @sparticuz/chromium), install Chromium or Chrome, or set CHROMIUM_PATH=/path/to/chrome'

function executable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK)
		return true
	} catch {
		return false
	}
}

/** The browser's `--version` line, or undefined when it cannot start here. */
function versionOf(path: string): string | undefined {
	if (!executable(path)) return undefined
	const run = spawnSync(path, ['--headless', '--no-sandbox', '--version'], {
		encoding: 'utf8',
		timeout: 20_000,
	})
	const line = run.stdout?.trim().split('\n')[0]
	return run.status === 0 && line ? line : undefined
}

function systemCandidates(): string[] {
	const onPath = (process.env.PATH ?? '')
		.split(delimiter)
		.filter(Boolean)
		.flatMap((dir) => SYSTEM_NAMES.map((name) => join(dir, name)))
	return [...new Set([...SYSTEM_PATHS, ...onPath])]
}

interface SparticuzChromium {
	executablePath(input?: string): Promise<string>
}

/** Extracts the npm package's Chromium into the project cache (its TMPDIR) and returns it. */
async function bundledChromium(): Promise<string | undefined> {
	if (process.platform !== 'linux' || process.arch !== 'x64') return undefined
	let entry: string
	try {
		entry = createRequire(import.meta.url).resolve('@sparticuz/chromium')
	} catch {
		return undefined // not installed
	}
	// Its exports map hides package.json; the entry point is build/index.js.
	const manifest = JSON.parse(readFileSync(join(dirname(entry), '../package.json'), 'utf8')) as {
		version: string
	}
	const version = manifest.version
	const chromium = (await import('@sparticuz/chromium')).default as SparticuzChromium
	// The package extracts to $TMPDIR/chromium (its libraries beside it) and reuses whatever
	// it finds there without a version check: a folder per version keeps an upgrade from
	// running a stale binary. Browser suites start in parallel, so each extracts into a
	// folder of its own and the first to finish renames it into place.
	const dir = join(BUNDLED_CACHE, version)
	const binary = join(dir, 'chromium')
	if (existsSync(binary)) return binary
	const staging = `${dir}.partial-${process.pid}-${randomUUID()}`
	mkdirSync(staging, { recursive: true })
	const saved = process.env.TMPDIR
	process.env.TMPDIR = staging
	try {
		await chromium.executablePath()
	} finally {
		if (saved === undefined) delete process.env.TMPDIR
		else process.env.TMPDIR = saved
	}
	try {
		renameSync(staging, dir)
	} catch {
		rmSync(staging, { recursive: true, force: true }) // another suite got there first
	}
	return binary
}

async function resolve(): Promise<ResolvedChromium> {
	const only = process.env.COSLINK_BROWSER
	const tried: string[] = []
	const override = process.env.CHROMIUM_PATH
	if (override) {
		const version = versionOf(override)
		if (version) return { executablePath: override, source: 'CHROMIUM_PATH', version }
		throw new Error(`CHROMIUM_PATH=${override} does not run (${HOW_TO})`)
	}
	if (only !== 'bundled') {
		for (const path of systemCandidates()) {
			const version = versionOf(path)
			if (version) return { executablePath: path, source: 'system', version }
			if (executable(path)) tried.push(path)
		}
	}
	if (only !== 'system') {
		const path = await bundledChromium().catch((error: unknown) => {
			tried.push(`@sparticuz/chromium (${error instanceof Error ? error.message : String(error)})`)
			return undefined
		})
		const version = path ? versionOf(path) : undefined
		if (path && version) return { executablePath: path, source: 'bundled', version }
		if (path) tried.push(path)
	}
	throw new Error(`${HOW_TO}${tried.length > 0 ? `; tried ${tried.join(', ')}` : ''}`)
}

let resolved: Promise<ResolvedChromium> | undefined

/** The Chromium to launch, found once per process. */
export function resolveChromium(): Promise<ResolvedChromium> {
	resolved ??= resolve()
	return resolved
}
