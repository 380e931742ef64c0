// `npm ci` (postinstall): unpacks the Chromium that @sparticuz/chromium carries (about 4 s)
// into node_modules/.cache, so the first `npm test` does not. Installing never fails because
// of it: without the project's Node (a production install with --omit=dev runs the system's),
// without the package, on another platform, or on any error, the browser tests find or unpack
// their browser themselves (test/browser/resolve-chromium.ts). Plain JavaScript, so any Node
// can run it.
if (process.features?.typescript) {
	try {
		const { resolveChromium } = await import('../test/browser/resolve-chromium.ts')
		const { source, version } = await resolveChromium()
		console.log(`coslink: the browser tests will run ${version} (${source})`)
	} catch {
		// Nothing to do here: `npm test` says what is missing, and how to provide it.
	}
}
