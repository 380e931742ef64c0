// coslink: short, revocable share links for Tencent Cloud COS objects.
import { Hono } from 'hono'
import type { AppEnv } from './env.ts'
import { AppError } from './errors.ts'
import { errorResponse, onError } from './respond.tsx'
import { access } from './routes/access.ts'
import { admin } from './routes/admin.ts'
import { fileRoutes } from './routes/file.ts'
import { system } from './routes/system.ts'

const app = new Hono<AppEnv>()

// No global middleware: every response gets its security headers where it is built
// (routes/secure.ts for the system and admin sub-apps, the share routes and the error
// renderer themselves), which keeps the 302 hot path free of an extra async layer.
// System routes first: nothing a user names can shadow them (slugs cannot start with '_').
app.route('/', system)
app.route('/api/shares', admin)
app.route('/', access)
app.route('/', fileRoutes)

app.notFound((c) => errorResponse(c, new AppError(404, 'not_found', 'There is nothing at this address.')))
app.onError(onError)

export default app
export { ShareState } from './shares/state.ts'
