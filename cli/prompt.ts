// Asking a person: a line, a secret without echo, a yes or no. Secrets never come from the
// command line (shell history, `ps`): an environment variable, piped stdin, or the terminal.
import { createInterface } from 'node:readline'
import { CliError, EXIT } from './errors.ts'

/** All of stdin, when it is not a terminal (a pipe or a file). */
async function readStdin(): Promise<string> {
	const chunks: Buffer[] = []
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
	return Buffer.concat(chunks).toString('utf8')
}

/** One visible line from the terminal. */
export function ask(question: string): Promise<string> {
	const rl = createInterface({ input: process.stdin, output: process.stderr })
	return new Promise((resolve) =>
		rl.question(question, (answer) => {
			rl.close()
			resolve(answer.trim())
		}),
	)
}

/** A secret typed on the terminal, echoing nothing. */
function askHidden(question: string): Promise<string> {
	const stdin = process.stdin
	process.stderr.write(question)
	return new Promise((resolve, reject) => {
		let value = ''
		stdin.setRawMode(true)
		stdin.resume()
		stdin.setEncoding('utf8')
		const done = (error?: Error) => {
			stdin.setRawMode(false)
			stdin.pause()
			stdin.off('data', onData)
			process.stderr.write('\n')
			if (error) reject(error)
			else resolve(value)
		}
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n' || char === '\u0004') return done()
				if (char === '\u0003') return done(new CliError('cancelled', EXIT.usage))
				if (char === '\u007f' || char === '\b') value = value.slice(0, -1)
				else value += char
			}
		}
		stdin.on('data', onData)
	})
}

/**
 * A secret: from `envName` if set, else the first line of piped stdin, else asked on the
 * terminal without echo.
 */
export async function readSecret(question: string, envName: string): Promise<string> {
	const fromEnv = process.env[envName]
	if (fromEnv !== undefined && fromEnv !== '') return fromEnv
	if (!process.stdin.isTTY) {
		const line = (await readStdin()).split(/\r?\n/)[0] ?? ''
		if (line === '')
			throw new CliError(
				`no ${question.replace(/:\s*$/, '').toLowerCase()} on stdin, and ${envName} is not set`,
				EXIT.usage,
			)
		return line
	}
	const value = await askHidden(question)
	if (value === '') throw new CliError('nothing was typed', EXIT.usage)
	return value
}

/** Yes or no on the terminal; false on anything but y/yes. */
export async function confirm(question: string): Promise<boolean> {
	return /^(y|yes)$/i.test(await ask(`${question} [y/N] `))
}
