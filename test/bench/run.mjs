// Benchmark runner: `npm run bench` runs every benchmark in turn, `npm run bench -- sign`
// only the named ones. Each benchmark is a module of this folder whose
// `run(): Promise<void>` measures and prints its own report. Benchmarks are not tests:
// they assert only that what they time is the real thing, never a speed.
//
// Add one by listing it below, e.g.
//   redirect: { module: './redirect.ts', about: 'GET /s/:id → 302 through the whole worker' },
//   stream:   { module: './stream.ts', about: 'proxied downloads streamed through the worker' },

/** @type {Record<string, { module: string, about: string }>} */
const BENCHMARKS = {
	sign: { module: './sign.ts', about: 'COS URL signer in workerd and Node vs Tencent’s Node SDK' },
	redirect: {
		module: './redirect.ts',
		about: 'GET /<id> → 302 through the whole worker, vs bare and Hono twins',
	},
	page: {
		module: './page.ts',
		about: 'the download page as a browser asks for it, vs a bare twin serving the same page',
	},
	events: {
		module: './events.ts',
		about: 'what recording a download costs the worker that served it (report + drain), CPU per event',
	},
	stream: {
		module: './stream.ts',
		about: 'downloads streamed through the worker vs a bare relay and direct',
	},
	zip: { module: './zip.ts', about: 'a 3 × 64 MiB folder as a streamed zip vs the same bytes as one file' },
	upload: {
		module: './upload.ts',
		about: 'uploads streamed through the worker vs a direct signed PUT, workerd peak memory',
	},
}

function usage() {
	const names = Object.entries(BENCHMARKS)
		.map(([name, { about }]) => `  ${name.padEnd(10)} ${about}`)
		.join('\n')
	return `usage: npm run bench [-- <name>...]\n\nbenchmarks (default: all):\n${names}`
}

async function main() {
	const args = process.argv.slice(2)
	if (args.some((arg) => arg === '-h' || arg === '--help' || arg === 'list')) {
		console.log(usage())
		return
	}
	const unknown = args.filter((arg) => !Object.hasOwn(BENCHMARKS, arg))
	if (unknown.length > 0) {
		console.error(`unknown benchmark: ${unknown.join(', ')}\n\n${usage()}`)
		process.exitCode = 2
		return
	}
	// The benchmarks are TypeScript run by Node's own type stripping: the project's Node 24
	// (node_modules/.bin/node, which npm scripts use) has it.
	if (!process.features.typescript) {
		console.error(
			`Node ${process.version} cannot run TypeScript; run \`npm run bench\` (the project's Node 24).`,
		)
		process.exitCode = 1
		return
	}
	const selected = args.length > 0 ? [...new Set(args)] : Object.keys(BENCHMARKS)
	for (const [index, name] of selected.entries()) {
		const { module, about } = BENCHMARKS[name]
		if (index > 0) console.log('')
		console.log(`## bench: ${name} (${about})\n`)
		const { run } = await import(module)
		await run()
	}
}

await main()
