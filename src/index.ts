// coslink: short, revocable share links for Tencent Cloud COS objects.
import { Hono } from 'hono'
import type { AppEnv } from './env.ts'
import { AppError } from './errors.ts'
import { PAGE_CSP, SECURITY_HEADERS } from './http/headers.ts'
import { errorResponse, onError } from './respond.tsx'
import { admin } from './routes/admin.ts'
import { publicRoutes } from './routes/public.ts'
import { system } from './routes/system.ts'

const app = new Hono<AppEnv>()

app.use(async (c, next) => {
	const ray = c.req.header('cf-ray')
	c.set('requestId', ray && /^[\w-]{1,64}$/.test(ray) ? ray : crypto.randomUUID())
	await next()
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!c.res.headers.has(name)) c.res.headers.set(name, value)
	}
	if (
		!c.res.headers.has('Content-Security-Policy') &&
		c.res.headers.get('Content-Type')?.startsWith('text/html')
	)
		c.res.headers.set('Content-Security-Policy', PAGE_CSP)
})

// System routes first: nothing a user names can shadow them (slugs cannot start with '_').
app.route('/', system)
app.route('/api/shares', admin)
app.route('/', publicRoutes)

app.notFound((c) => errorResponse(c, new AppError(404, 'not_found', 'There is nothing at this address.')))
app.onError(onError)

export default app
