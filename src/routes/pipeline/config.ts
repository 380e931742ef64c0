// The worker's configuration on the context (c.var.config), parsed once per env object, for
// every share and admin route. A misconfigured worker fails here with the setting's name.
import { createMiddleware } from 'hono/factory'
import { type AppEnv, readConfig } from '../../env.ts'

export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
	c.set('config', readConfig(c.env))
	await next()
})
