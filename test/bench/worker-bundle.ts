// Bundles whole workers for the HTTP benchmarks: the coslink worker (src/index.ts) as
// wrangler would bundle it for workerd, and the twins of test/bench/twins/ the same way, so
// every worker a benchmark compares is built by one esbuild with one set of options.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** Twin workers, test/bench/twins/<name>.js. */
export type TwinName = 'bare-page' | 'bare-redirect' | 'hono-redirect' | 'relay'

async function bundleEntry(entry: URL): Promise<string> {
	const result = await build({
		entryPoints: [fileURLToPath(entry)],
		bundle: true,
		format: 'esm',
		platform: 'neutral',
		// The export conditions and main fields wrangler resolves packages with for workerd.
		conditions: ['workerd', 'worker', 'browser'],
		mainFields: ['module', 'main'],
		target: 'es2024',
		// src/pages and src/respond.tsx use Hono's JSX runtime (tsconfig: jsxImportSource).
		jsx: 'automatic',
		jsxImportSource: 'hono/jsx',
		charset: 'utf8',
		// The runtime's own modules (cloudflare:workers for the Durable Object, node:zlib with
		// nodejs_compat) stay imports.
		external: ['cloudflare:*', 'node:*'],
		write: false,
		logLevel: 'silent',
	})
	const output = result.outputFiles[0]
	if (!output) throw new Error(`esbuild produced no output for ${entry.pathname}`)
	return output.text
}

/** The coslink worker, src/index.ts, as one ES module. */
export function bundleApp(): Promise<string> {
	return bundleEntry(new URL('../../src/index.ts', import.meta.url))
}

export function bundleTwin(name: TwinName): Promise<string> {
	return bundleEntry(new URL(`./twins/${name}.js`, import.meta.url))
}
