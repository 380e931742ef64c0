// Builds the console's browser files once before any project runs: the workers project reads
// wrangler.toml's [assets] directory, and the browser suites load the bundle from it.
import { buildConsole } from '../../scripts/build-console.ts'

export default async function setup(): Promise<void> {
	await buildConsole()
}
