// `npm start`: the whole product offline — COS emulator, worker, demo shares — until Ctrl-C.
import { DEMO_SHARES, type Stack, startStack } from './stack.ts'

const verbose = process.argv.includes('--verbose')
const started = Date.now()
process.stdout.write('Starting the COS emulator and the worker (wrangler dev)…\n')

let stack: Stack
try {
	stack = await startStack({ log: verbose ? (line) => process.stdout.write(`${line}\n`) : undefined })
} catch (error) {
	// The message carries what a child printed before it died; a stack trace adds nothing.
	process.stderr.write(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`)
	process.exit(1)
}

const width = Math.max(...DEMO_SHARES.map((s) => s.id.length)) + stack.workerUrl.length + 2
const links = DEMO_SHARES.map((s) => `  ${`${stack.workerUrl}/${s.id}`.padEnd(width)} ${s.what}`).join('\n')
process.stdout.write(`
coslink is running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  worker        ${stack.workerUrl}
  COS emulator  ${stack.emulatorUrl}  (bucket objects in ${stack.emulatorRoot})
  health        ${stack.workerUrl}/_/health

Demo links:
${links}

Create a share of your own:
  curl -s ${stack.workerUrl}/api/shares \\
    -H 'Authorization: Bearer ${stack.adminToken}' \\
    -H 'Content-Type: application/json' \\
    -d '{"key":"folder/readme.md","id":"my-readme","expiresIn":600}'

Settings and state: ${stack.stateDir} (never your .dev.vars). Ctrl-C stops everything.
`)

let stopping = false
async function shutdown() {
	if (stopping) return
	stopping = true
	process.stdout.write('\nStopping…\n')
	await stack.stop()
	process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
