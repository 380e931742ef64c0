// `npm start`: the whole product offline — COS emulator, worker, demo shares, and a local
// webhook receiver that prints every delivery — until Ctrl-C.
import { DEMO_SHARES, type Stack, startStack } from './stack.ts'
import {
	describeDelivery,
	newWebhookSecret,
	type Receiver,
	startWebhookReceiver,
} from './webhook-receiver.ts'

const verbose = process.argv.includes('--verbose')
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
		log: verbose ? (line) => process.stdout.write(`${line}\n`) : undefined,
		vars: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: webhookSecret, WEBHOOK_EVENTS },
	})
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
