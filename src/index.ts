// coslink: short, revocable share links for Tencent Cloud COS objects.
import { Hono } from 'hono'
import type { AppEnv } from './env.ts'
import { AppError } from './errors.ts'
import { consumeEvents } from './events/consumer.ts'
import { errorResponse, onError } from './respond.tsx'
import { api } from './routes/admin/api.ts'
import { consoleRoutes } from './routes/console/routes.ts'
import { withCacheStatus } from './routes/deliver/cache-status.ts'
import { warmRedirect } from './routes/deliver/warm-redirect.ts'
import { shareRoutes } from './routes/shares.ts'
import { system } from './routes/system/routes.ts'

const app = new Hono<AppEnv>()

// No global middleware: every response gets its security headers where it is built
// (routes/secure.ts for the system and admin sub-apps, routes/console/guard.ts for the
// console, the share routes and the error renderer themselves), which keeps the 302 hot path
// free of an extra async layer.
// System routes first, then the console (/_/admin): nothing a user names can shadow them
// (slugs cannot start with '_').
app.route('/', system)
app.route('/', consoleRoutes)
app.route('/', api)
app.route('/', shareRoutes)

app.notFound((c) => errorResponse(c, new AppError('not_found')))
app.onError(onError)

// A warm, memoized redirect is answered before the router: the benchmarked hot path. Set
// on the app itself so app.request (the tests) takes the same way as a deployed worker.
const route = app.fetch
type Route = typeof route
const routed = async (...args: Parameters<Route>) => withCacheStatus(args[0], await route(...args))
app.fetch = (...args: Parameters<Route>) =>
	warmRedirect(args[0], args[1], Date.now(), args[2]) ?? routed(...args)

// The EVENTS queue (and its dead-letter queue) is consumed by this same worker.
export default Object.assign(app, { queue: consumeEvents })
export { ConsoleState } from './console/state.ts'
export { ShareState } from './shares/state.ts'
