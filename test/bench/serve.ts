// Serving a worker over real HTTP for the load benchmarks: one Miniflare (one workerd
// process) per worker, listening on 127.0.0.1 at a free port, so a client in this process
// reaches it through the loopback like any HTTP client, and so each worker's process can be
// measured on its own (procfs.ts).
import { Miniflare, type MiniflareOptions } from 'miniflare'
import { childProcesses } from './procfs.ts'
import { compatibilityDate, compatibilityFlags } from './workerd.ts'

type WorkerConfig = MiniflareOptions['workers'][number]['config']
type Bindings = NonNullable<WorkerConfig['env']>

export interface HttpWorkerOptions {
	name: string
	/** One self-contained ES module (worker-bundle.ts). */
	script: string
	/** Text bindings: vars and secrets alike. */
	vars?: Readonly<Record<string, string>>
	/** KV namespace bindings, each a fresh namespace in Miniflare's temp dir. */
	kvNamespaces?: readonly string[]
	/** Durable Object bindings: binding name → the class the script exports (SQLite storage). */
	durableObjects?: Readonly<Record<string, string>>
	/** Also listen on a socket straight into the worker, skipping Miniflare's entry worker. */
	directSocket?: boolean
	/** Queue producer bindings: binding name → queue name. */
	queueProducers?: Readonly<Record<string, string>>
	/** Queues this worker consumes, with wrangler.toml's consumer settings. */
	queueConsumers?: readonly QueueConsumer[]
	/** D1 database bindings, each a fresh database in Miniflare's temp dir. */
	d1Databases?: readonly string[]
	/**
	 * A dev registry shared with other workers: a queue this worker produces to may then be
	 * consumed by a worker in another workerd (the broker forwards to it).
	 */
	devRegistryPath?: string
}

/** A `[[queues.consumers]]` entry, in Miniflare's words. */
export interface QueueConsumer {
	name: string
	maxBatchSize?: number
	maxBatchTimeout?: number
	maxRetries?: number
	deadLetterQueue?: string
}

export interface HttpWorker {
	name: string
	/** http://127.0.0.1:<port>/ */
	url: URL
	/** The worker's own socket (directSocket), or undefined. */
	directUrl: URL | undefined
	/** The workerd process serving it. */
	pid: number
	mf: Miniflare
	dispose(): Promise<void>
}

/** Starts a worker in its own workerd and waits until it listens. */
export async function serveWorker(options: HttpWorkerOptions): Promise<HttpWorker> {
	const env: Bindings = {}
	for (const [name, value] of Object.entries(options.vars ?? {})) env[name] = { type: 'text', value }
	for (const name of options.kvNamespaces ?? []) env[name] = { type: 'kv' }
	for (const name of options.d1Databases ?? []) env[name] = { type: 'd1' }
	for (const [name, queue] of Object.entries(options.queueProducers ?? {}))
		env[name] = { type: 'queue', name: queue }
	const triggers = (options.queueConsumers ?? []).map((consumer) => ({ type: 'queue' as const, ...consumer }))
	const exports: NonNullable<WorkerConfig['exports']> = {}
	for (const [name, exportName] of Object.entries(options.durableObjects ?? {})) {
		env[name] = { type: 'durable-object', worker: options.name, exportName }
		exports[exportName] = { type: 'durable-object', storage: 'sqlite' }
	}
	const before = childProcesses('workerd')
	const mf = new Miniflare({
		host: '127.0.0.1',
		port: 0,
		enableDevRegistry: options.devRegistryPath !== undefined,
		...(options.devRegistryPath === undefined ? {} : { unsafeDevRegistryPath: options.devRegistryPath }),
		telemetry: { enabled: false },
		workers: [
			{
				config: {
					name: options.name,
					compatibilityDate: compatibilityDate(),
					compatibilityFlags: compatibilityFlags(),
					manifest: {
						mainModule: 'worker.mjs',
						modulesRoot: '/',
						modules: { 'worker.mjs': { type: 'esm', contents: options.script } },
					},
					env,
					exports,
					...(triggers.length > 0 ? { triggers } : {}),
				},
				...(options.directSocket ? { dev: { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] } } : {}),
			},
		],
	})
	try {
		const url = await mf.ready
		const directUrl = options.directSocket ? await mf.unsafeGetDirectURL(options.name) : undefined
		const started = [...childProcesses('workerd')].filter((pid) => !before.has(pid))
		const pid = started[0]
		if (pid === undefined || started.length !== 1)
			throw new Error(`expected one new workerd process for ${options.name}, found ${started.length}`)
		return { name: options.name, url, directUrl, pid, mf, dispose: () => mf.dispose() }
	} catch (error) {
		await mf.dispose()
		throw error
	}
}
