// Runs the emulator on its own, for `wrangler dev` and manual testing:
//   COS_SECRET_ID=X COS_SECRET_KEY=Y npx node test/emulator/cli.ts --port 9100 \
//     --root ./.wrangler/cos --bucket examplebucket-1250000000 --region ap-guangzhou \
//     [--seed [--big-size BYTES]] [--host H] [--cors '*'|ORIGINS] [--quiet]
// The key comes only from COS_SECRET_ID, COS_SECRET_KEY and COS_SECURITY_TOKEN, never from
// arguments: arguments show in `ps`, and a key starting with '-' would parse as an option.
// Options fall back to COS_BUCKET, COS_REGION, COS_EMULATOR_PORT, COS_EMULATOR_ROOT and
// COS_EMULATOR_BIG_SIZE. Prints one JSON line on stdout once listening; request logs go to
// stderr so stdout stays parseable.
// Without --root the objects live in a temp dir that is removed on exit.
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from './server.ts'

const SECRET_OPTIONS = ['--secret-id', '--secret-key', '--token']
const secretOption = process.argv.find((arg) => SECRET_OPTIONS.includes(arg.split('=')[0] ?? ''))
if (secretOption !== undefined) {
	process.stderr.write(
		`cos emulator: ${secretOption.split('=')[0]} is not accepted: set COS_SECRET_ID, COS_SECRET_KEY and COS_SECURITY_TOKEN in the environment instead\n`,
	)
	process.exit(2)
}

const { values } = parseArgs({
	options: {
		port: { type: 'string' },
		host: { type: 'string' },
		root: { type: 'string' },
		bucket: { type: 'string' },
		region: { type: 'string' },
		seed: { type: 'boolean', default: false },
		'big-size': { type: 'string' },
		quiet: { type: 'boolean', default: false },
		// The bucket's CORS rule: '*' or comma-separated origins that may call it from a browser.
		cors: { type: 'string' },
	},
	strict: true,
})

const env = process.env

function fail(message: string): never {
	process.stderr.write(`cos emulator: ${message}\n`)
	process.exit(2)
}

function required(value: string | undefined, what: string): string {
	return value === undefined || value === '' ? fail(`${what} is required`) : value
}

const portText = values.port ?? env.COS_EMULATOR_PORT ?? '0'
const port = Number(portText)
if (!/^\d+$/.test(portText) || port > 65535) fail(`--port must be 0-65535 (got "${portText}")`)
const bigSizeText = values['big-size'] ?? env.COS_EMULATOR_BIG_SIZE
if (bigSizeText !== undefined && !/^\d+$/.test(bigSizeText))
	fail(`--big-size must be a number of bytes (got "${bigSizeText}")`)
const token = env.COS_SECURITY_TOKEN
const rootArg = values.root ?? env.COS_EMULATOR_ROOT
const root = rootArg === undefined ? undefined : resolve(rootArg)
if (root !== undefined) await mkdir(root, { recursive: true })

const emulator = await startEmulator({
	port,
	host: values.host ?? '127.0.0.1',
	...(root === undefined ? {} : { root }),
	bucket: required(values.bucket ?? env.COS_BUCKET, '--bucket (or COS_BUCKET)'),
	region: required(values.region ?? env.COS_REGION, '--region (or COS_REGION)'),
	secretId: required(env.COS_SECRET_ID, 'COS_SECRET_ID'),
	secretKey: required(env.COS_SECRET_KEY, 'COS_SECRET_KEY'),
	...(token ? { securityToken: token } : {}),
	seed: values.seed && (bigSizeText === undefined ? true : { bigSize: Number(bigSizeText) }),
	...(values.cors ? { corsOrigins: values.cors === '*' ? '*' : values.cors.split(',') } : {}),
	// A long-running server must not keep every request in memory.
	record: false,
	...(values.quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
})

process.stdout.write(
	`${JSON.stringify({
		ready: true,
		url: emulator.url,
		port: emulator.port,
		root: emulator.root,
		bucket: emulator.bucket,
		region: emulator.region,
		seeded: emulator.seeded,
	})}\n`,
)

let stopping = false
async function stop(): Promise<void> {
	if (stopping) return
	stopping = true
	await emulator.close()
	process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
