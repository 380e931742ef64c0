// The webhook receiver of the benchmarks, run as a child process (app-bench.ts starts it) so
// that it has its own event loop, as an operator's receiver would: it answers every POST with
// 204 at once and counts them; GET /count answers {"deliveries":n}. Prints one JSON line
// ({"url":…}) when it listens, and serves until stdin closes or SIGTERM.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

let deliveries = 0
const server = createServer((request, response) => {
	if (request.method === 'GET' && request.url === '/count') {
		response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ deliveries }))
		return
	}
	request.resume()
	request.on('end', () => {
		deliveries++
		response.writeHead(204).end()
	})
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
	const { port } = server.address() as AddressInfo
	process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/webhooks` })}\n`)
})
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
