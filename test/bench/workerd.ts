// Running benchmark code in workerd: bundle an entry with esbuild, start it with Miniflare's
// API. Shared by every benchmark that needs the real Workers runtime.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const ROOT = new URL('../../', import.meta.url)

/** Bundles an entry (a path relative to test/bench) into one self-contained ES module. */
export async function bundle(entry: string): Promise<string> {
	const result = await build({
		entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
		bundle: true,
		format: 'esm',
		platform: 'neutral',
		target: 'es2024',
		charset: 'utf8',
		write: false,
		logLevel: 'silent',
	})
	const output = result.outputFiles[0]
	if (!output) throw new Error(`esbuild produced no output for ${entry}`)
	return output.text
}

/**
 * Loads a bundle (which imports nothing) as a module of this Node process. The worker's
 * TypeScript is bundled rather than imported: Node's type stripping refuses constructor
 * parameter properties, which src/cos uses.
 */
export async function importBundle<T>(code: string): Promise<T> {
	const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
	return (await import(url)) as T
}

/** The project's compatibility_date, from wrangler.toml, so the bench runs what deploys. */
export function compatibilityDate(): string {
	const toml = readFileSync(new URL('wrangler.toml', ROOT), 'utf8')
	const date = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(toml)?.[1]
	if (!date) throw new Error('no compatibility_date in wrangler.toml')
	return date
}

/** The project's compatibility_flags, from wrangler.toml (nodejs_compat: node:zlib's crc32). */
export function compatibilityFlags(): string[] {
	const toml = readFileSync(new URL('wrangler.toml', ROOT), 'utf8')
	const list = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? ''
	return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? '').filter(Boolean)
}

/** Starts workerd with one module worker. Call dispose() on the result when done. */
export function startWorker(name: string, script: string): Miniflare {
	return new Miniflare({
		enableDevRegistry: false,
		telemetry: { enabled: false },
		workers: [
			{
				config: {
					name,
					compatibilityDate: compatibilityDate(),
					compatibilityFlags: compatibilityFlags(),
					manifest: {
						mainModule: 'worker.mjs',
						modules: { 'worker.mjs': { type: 'esm', contents: script } },
					},
				},
			},
		],
	})
}

/** The version of an installed package, resolved from `from` (default: this folder). */
export function packageVersion(name: string, from: string = import.meta.url): string {
	const manifest: unknown = createRequire(from)(`${name}/package.json`)
	const version = (manifest as { version?: unknown }).version
	return typeof version === 'string' ? version : 'unknown'
}

export interface RuntimeVersions {
	node: string
	workerd: string
	miniflare: string
}

export function runtimeVersions(): RuntimeVersions {
	const require = createRequire(import.meta.url)
	return {
		node: process.version,
		// The workerd Miniflare itself resolves, not whichever copy is hoisted.
		workerd: packageVersion('workerd', require.resolve('miniflare')),
		miniflare: packageVersion('miniflare'),
	}
}
