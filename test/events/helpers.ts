import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { ShareEvent } from '../../src/events/kinds.ts'
import { MIGRATIONS } from '../../src/events/schema.ts'

/** The example secret of the Standard Webhooks spec (24 bytes). */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** The STATS schema, applied as tests and wrangler apply it (the worker finds it applied). */
export function migrateStats(): Promise<void> {
	return applyD1Migrations(env.STATS, MIGRATIONS)
}

let counter = 0

/** A download event of `shareId` (fields overridable), with a fresh id. */
export function event(shareId: string, fields: Partial<ShareEvent> = {}): ShareEvent {
	counter++
	return {
		id: `test-${shareId}-${counter}-${crypto.randomUUID()}`,
		kind: 'download',
		at: Date.now(),
		shareId,
		shareType: 'file',
		agent: 'curl',
		webhook: true,
		...fields,
	}
}

interface Figures {
	downloads: number
	views: number
	bots: number
	visitors: number
}

/** A share's figures straight from the rollups (every unit and time). */
export async function figuresOf(shareId: string): Promise<Figures> {
	const row = await env.STATS.prepare(
		`SELECT COALESCE(SUM(downloads), 0) AS downloads, COALESCE(SUM(views), 0) AS views, COALESCE(SUM(bots), 0) AS bots,
			COALESCE(SUM(visitors), 0) + (SELECT COUNT(*) FROM visitors WHERE share_id = ?1) AS visitors
		FROM rollups WHERE share_id = ?1 AND dim = ''`,
	)
		.bind(shareId)
		.first<Figures>()
	return row ?? { downloads: 0, views: 0, bots: 0, visitors: 0 }
}
