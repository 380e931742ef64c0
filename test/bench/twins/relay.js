// Bare relay twin of the stream benchmark: hands the origin's response back untouched, the
// ceiling of any worker that proxies a download on this machine. ORIGIN is a text binding
// set by stream.ts. The query is kept: the COS emulator wants its pre-signed URL whole.
export default {
	fetch(request, env) {
		const url = new URL(request.url)
		return fetch(env.ORIGIN + url.pathname + url.search)
	},
}
