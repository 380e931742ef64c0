// Bare twin of the redirect benchmark: a plain module worker answering every request with
// the 302 coslink gave for the benchmark's warm share, Location and every other header
// byte for byte. REDIRECT_HEADERS is a text binding set by redirect.ts: a JSON array of
// [name, value] pairs, turned once per isolate into the plain object a hand-written worker
// would pass (workerd copies a record faster than an array of pairs: ~75 vs ~90 µs CPU a
// request here).
let headers

export default {
	fetch(_request, env) {
		headers ??= Object.fromEntries(JSON.parse(env.REDIRECT_HEADERS))
		return new Response(null, { status: 302, headers })
	},
}
