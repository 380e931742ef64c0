// Builds the admin console's browser files into dist/assets/, which Workers Static Assets
// serves at /_/admin/assets/ without running the worker. Run by wrangler itself before
// `wrangler dev` and `wrangler deploy` (wrangler.toml [build]) and by the tests' global setup.
// The HTML comes from the worker (src/routes/console/), never from here.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'
import { CONSOLE_STYLES } from '../client/console/styles.ts'
import { STYLESHEET } from '../src/pages/style.ts'

const root = join(import.meta.dirname, '..')
const out = join(root, 'dist', 'assets')
const assets = join(out, '_', 'admin', 'assets')

// Names are stable (the worker's shell links them without a manifest): browsers revalidate
// each load with the ETag Static Assets sends, and get a 304 while nothing changed.
const HEADERS = `/_/admin/assets/*
  Cache-Control: no-cache
  X-Content-Type-Options: nosniff
  Cross-Origin-Resource-Policy: same-origin
  Referrer-Policy: no-referrer
`

/**
 * Writes `bytes` to `path` unless it already holds them, through a temporary file and a
 * rename: every `wrangler dev` runs this build, and the tests' stacks start while others
 * serve these very files, so a file is never missing or half-written, and an unchanged one
 * is not touched at all (nothing for wrangler's asset watcher to see).
 */
async function publish(path: string, bytes: Uint8Array | string): Promise<void> {
	const next = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes)
	const current = await readFile(path).catch(() => undefined)
	if (current?.equals(next)) return
	const temporary = `${path}.${process.pid}.tmp`
	await writeFile(temporary, next)
	await rename(temporary, path)
}

export async function buildConsole(options: { minify?: boolean } = {}): Promise<{ bytes: number }> {
	await mkdir(assets, { recursive: true })
	const result = await build({
		entryPoints: [join(root, 'client', 'console', 'main.tsx')],
		bundle: true,
		format: 'esm',
		target: 'es2022',
		minify: options.minify ?? true,
		jsx: 'automatic',
		jsxImportSource: 'hono/jsx/dom',
		legalComments: 'none',
		outfile: join(assets, 'console.js'),
		write: false,
		logLevel: 'warning',
	})
	let bytes = 0
	for (const file of result.outputFiles) {
		bytes += file.contents.byteLength
		await publish(file.path, file.contents)
	}
	await publish(join(assets, 'console.css'), STYLESHEET + CONSOLE_STYLES)
	await publish(join(out, '_headers'), HEADERS)
	return { bytes }
}

if (process.argv[1] && dirname(process.argv[1]) === import.meta.dirname) {
	const { bytes } = await buildConsole()
	process.stdout.write(`console built: ${(bytes / 1024).toFixed(1)} KiB of JS in dist/assets/\n`)
}
