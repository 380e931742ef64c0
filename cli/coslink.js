#!/usr/bin/env node
// The `coslink` command. Plain JavaScript that any Node can parse, so a Node too old for the
// CLI (it is TypeScript, run by Node's type stripping) gets one clear line, not a stack trace.
const MINIMUM = [22, 18]
const [major, minor] = process.versions.node.split('.').map(Number)
const typescript = process.features?.typescript
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1]) || !typescript) {
	process.stderr.write(
		'coslink: needs Node.js ' +
			MINIMUM.join('.') +
			' or newer (this is ' +
			process.version +
			"). In a checkout, run it as `npx coslink`: npm puts the project's own Node 24 first on PATH.\n",
	)
	process.exit(1)
}
import('./main.ts').then(
	(cli) => cli.run(process.argv),
	(error) => {
		process.stderr.write(`coslink: could not start: ${error?.message}\n`)
		process.exit(1)
	},
)
