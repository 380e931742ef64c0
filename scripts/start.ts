// `npm start`: the whole product offline — COS emulator, worker, demo shares, and a local
// webhook receiver that prints every delivery — until Ctrl-C.
import { type DemoShare, type Stack, startStack } from './stack.ts'
import {
	describeDelivery,
	newWebhookSecret,
	type Receiver,
	startWebhookReceiver,
} from './webhook-receiver.ts'

const verbose = process.argv.includes('--verbose')

/**
 * The worker's port: `--port N` (or `--port=N`), else $PORT, else a free one. Pinned, the
 * links stay the same from one start to the next.
 */
function chosenPort(): number | undefined {
	const args = process.argv.slice(2)
	const index = args.findIndex((arg) => arg === '--port' || arg.startsWith('--port='))
	const text =
		index < 0 ? process.env.PORT : args[index]?.includes('=') ? args[index]?.split('=')[1] : args[index + 1]
	if (text === undefined || text === '') return undefined
	const port = Number(text)
	if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
		process.stderr.write(`npm start: the port must be a number from 1 to 65535 (got "${text}")\n`)
		process.exit(2)
	}
	return port
}
const port = chosenPort()
const started = Date.now()
process.stdout.write('Starting the COS emulator and the worker (wrangler dev)…\n')

// Deliveries print once the banner is out; share.created/deleted stay off here, since every
// start re-creates the demo shares (the receiver would open with two dozen of them).
let printing = false
const WEBHOOK_EVENTS = 'share.downloaded,upload.completed,share.exhausted'
const webhookSecret = newWebhookSecret()
let receiver: Receiver
let stack: Stack
try {
	receiver = await startWebhookReceiver({
		secret: webhookSecret,
		onDelivery: (delivery) => {
			if (printing) process.stdout.write(`${describeDelivery(delivery)}\n`)
		},
	})
	stack = await startStack({
		port,
		log: verbose ? (line) => process.stdout.write(`${line}\n`) : undefined,
		vars: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: webhookSecret, WEBHOOK_EVENTS },
	})
} catch (error) {
	// The message carries what a child printed before it died; a stack trace adds nothing.
	process.stderr.write(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`)
	process.exit(1)
}

const linkOf = (share: DemoShare) => share.link ?? `${stack.workerUrl}/${share.id}`
const width = Math.max(...stack.shares.map((share) => linkOf(share).length)) + 2
const links = stack.shares.map((share) => `  ${linkOf(share).padEnd(width)} ${share.what}`).join('\n')
process.stdout.write(`
coslink is running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  worker        ${stack.workerUrl}
  COS emulator  ${stack.emulatorUrl}  (bucket objects in ${stack.emulatorRoot})
  health        ${stack.workerUrl}/_/health
  admin console ${stack.workerUrl}/_/admin
  admin token   ${stack.adminToken}

Demo links:
${links}

Add a file of your own (it lands under inbox/, listed at ${stack.workerUrl}/inbox/):
  curl -T ./my-file.pdf ${stack.workerUrl}/drop-box/uploads/

Create a share of your own:
  curl -s ${stack.workerUrl}/api/shares \\
    -H 'Authorization: Bearer ${stack.adminToken}' \\
    -H 'Content-Type: application/json' \\
    -d '{"key":"folder/readme.md","id":"my-readme","expiresIn":600}'

What happened to a link (figures follow the requests within a few seconds):
  curl -s ${stack.workerUrl}/api/shares/q3-report/stats -H 'Authorization: Bearer ${stack.adminToken}'

Webhooks go to a local receiver (${receiver.url}), which checks each signature and prints
each delivery below (${WEBHOOK_EVENTS}).

Settings and state: ${stack.stateDir} (never your .dev.vars). Ctrl-C stops everything.
`)
printing = true

let stopping = false
async function shutdown() {
	if (stopping) return
	stopping = true
	process.stdout.write('\nStopping…\n')
	await stack.stop()
	await receiver.close()
	process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
