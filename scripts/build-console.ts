// Builds the admin console's browser files into dist/assets/, which Workers Static Assets
// serves at /_/admin/assets/ without running the worker. Run by wrangler itself before
// `wrangler dev` and `wrangler deploy` (wrangler.toml [build]) and by the tests' global setup.
// The HTML comes from the worker (src/routes/console/), never from here.
import { mkdir, rm, writeFile } from 'node:fs/promises'
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

export async function buildConsole(options: { minify?: boolean } = {}): Promise<{ bytes: number }> {
	await rm(out, { recursive: true, force: true })
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
		write: true,
		metafile: true,
		logLevel: 'warning',
	})
	await writeFile(join(assets, 'console.css'), STYLESHEET + CONSOLE_STYLES)
	await writeFile(join(out, '_headers'), HEADERS)
	const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
	return { bytes }
}

if (process.argv[1] && dirname(process.argv[1]) === import.meta.dirname) {
	const { bytes } = await buildConsole()
	process.stdout.write(`console built: ${(bytes / 1024).toFixed(1)} KiB of JS in dist/assets/\n`)
}
