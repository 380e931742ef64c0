import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { LongFilesFirst } from './test/setup/long-files-first.ts'

// The workers project's settings. Secrets go to Miniflare as bindings, so wrangler, which
// only looks for them in .dev.vars, .env and process.env, would warn that they are missing.
const TEST_BINDINGS = {
	COS_SECRET_ID: 'AKIDtestsecretid0000000000000000000',
	COS_SECRET_KEY: 'testsecretkey0000000000000000000',
	ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
	LINK_SECRET: 'test-link-secret-0123456789abcdef',
	COS_BUCKET: 'examplebucket-1250000000',
	COS_REGION: 'ap-guangzhou',
}

// Drop exactly that warning, and only while every secret it names is one given above: a
// secret added to wrangler.toml without a test binding still warns, as does anything else.
const warn = console.warn.bind(console)
console.warn = (...args: unknown[]) => {
	const names = /Missing required secrets: ([\w, ]+)\./.exec(typeof args[0] === 'string' ? args[0] : '')?.[1]
	if (names?.split(', ').every((name) => name in TEST_BINDINGS)) return
	warn(...args)
}

// One run, two projects: code under test inside workerd (the real runtime and its
// WebCrypto, real Miniflare KV), and Node-side suites that need Node (Tencent's SDK, the
// COS emulator, real HTTP clients, a browser).
export default defineConfig({
	test: {
		globalSetup: ['./test/setup/build-console.ts'],
		// A sequencer is the run's, not a project's: it puts the node project's longest files first.
		sequence: { sequencer: LongFilesFirst },
		// Two files at a time (the default here is one on a 2-core machine): the node project's
		// files mostly wait on child processes and a browser. Measured: node 435 s -> 285 s; three
		// were slower (367 s) and timed a browser test out.
		maxWorkers: 2,
		projects: [
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: './wrangler.toml' },
						miniflare: {
							// Every test mocks COS by spying on fetch; anything that still reaches the
							// network is a bug in the test, so it fails loudly instead of timing out.
							outboundService: (request: Request) => {
								throw new Error(`unmocked outbound request: ${request.method} ${new URL(request.url).origin}`)
							},
							bindings: TEST_BINDINGS,
							// wrangler.toml's consumers, with a batch sent after 50 ms instead of 2 and 5 s:
							// the same queues, retries and dead-letter queue, without a test waiting on a
							// timer that only trades latency for fewer consumer invocations in production.
							queueConsumers: {
								'coslink-events': {
									maxBatchSize: 100,
									maxBatchTimeout: 0.05,
									maxRetries: 8,
									deadLetterQueue: 'coslink-events-dlq',
								},
								'coslink-events-dlq': { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 5 },
							},
						},
					}),
				],
				test: {
					name: 'workers',
					include: ['test/{cos,shares,routes,http,pages,events,console}/**/*.test.{ts,tsx}'],
					// One workerd runtime per pool worker, reused across files (about a second saved per
					// file). Storage and module state then outlive a file: suites clean up what they rely on.
					isolate: false,
					// npm test runs this project beside the node project's stacks and browsers: a hook
					// that empties KV may wait for a core.
					hookTimeout: 30_000,
				},
			},
			{
				test: {
					name: 'node',
					environment: 'node',
					// One stack for the e2e and browser files whose options fit it (see useE2eStack).
					globalSetup: ['./test/setup/e2e-stack.ts'],
					include: ['test/node/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
					// A file runs in a worker process that earlier files used, not a fresh one: no new
					// Node with Vitest, Playwright and the project's modules per file. Every file cleans
					// up what it starts (stacks, browsers, env it sets). Measured alone: the node project's
					// Vitest processes used 58 s of CPU instead of 72 s.
					isolate: false,
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
		],
	},
})
