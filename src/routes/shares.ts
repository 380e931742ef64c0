// Every route under a share's id, behind one pipeline: config → resolve → authorize, then
// each kind's routes, which only deliver. A route added to any kind's sub-app runs behind
// the same gate; nothing here can be reached without passing it.
import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'
import { fileRoutes } from './file/routes.ts'
import { folderRoutes } from './folder/routes.tsx'
import { authorize } from './pipeline/authorize.ts'
import { withConfig } from './pipeline/config.ts'
import { resolve } from './pipeline/resolve.ts'
import { tickets } from './pipeline/tickets.ts'
import { unlock } from './pipeline/unlock.ts'
import { uploadRoutes } from './upload/routes.ts'

const guarded = new Hono<AppEnv>()
guarded.use(withConfig, resolve, authorize)
guarded.route('/', folderRoutes)
guarded.route('/', uploadRoutes)
guarded.route('/', fileRoutes)

export const shareRoutes = new Hono<AppEnv>()
// Authorization's own routes (unlock, consume, tickets) come first: their paths start
// with /_/, which no share id can.
shareRoutes.route('/', unlock)
shareRoutes.route('/', tickets)
shareRoutes.route('/', guarded)
