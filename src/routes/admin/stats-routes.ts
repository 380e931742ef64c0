// The routes of /api/stats, /api/shares/:id/stats and /api/webhooks/failures as the OpenAPI
// document states them. The query's rules that tie fields together (from before to, the
// longest range per interval) are the handler's; the schemas name each field.
import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { ADMIN_ERRORS, bearerSecurity, errorResponses } from './openapi.ts'

const tags = ['Stats']

const count = z.int().min(0)

const totals = {
	downloads: count.meta({ description: 'Downloads started (limited shares: every spend).' }),
	views: count.meta({ description: 'Pages and listings shown to a browser.' }),
	bots: count.meta({ description: 'Requests from link-preview bots and crawlers.' }),
	visitors: count.meta({ description: 'Approximate: distinct salted daily hashes of network and agent.' }),
}

const rangeQuery = {
	from: z
		.string()
		.optional()
		.meta({ description: 'ISO 8601 start; default: 30 days before `to`.', example: '2026-11-01T00:00:00Z' }),
	to: z.string().optional().meta({ description: 'ISO 8601 end; default: now.' }),
}

const shareStatsSchema = z
	.strictObject({
		id: z.string(),
		...totals,
		series: z
			.array(
				z.strictObject({
					t: z.string().meta({ description: 'ISO 8601 start of the hour or day.' }),
					downloads: count,
					views: count,
				}),
			)
			.meta({ description: 'Every hour or day of the range, empty ones as zeros.' }),
		countries: z.array(
			z.strictObject({
				code: z.string().nullable().meta({ description: 'ISO 3166-1 alpha-2; null when unknown.' }),
				downloads: count,
			}),
		),
		referrers: z.array(
			z.strictObject({
				host: z.string().nullable().meta({ description: 'The referring host; null for none.' }),
				downloads: count,
			}),
		),
		agents: z.array(
			z.strictObject({
				family: z
					.string()
					.meta({ description: 'browser, curl, wget, aria2, a download manager, a bot name…' }),
				downloads: count,
			}),
		),
		files: z
			.array(z.strictObject({ path: z.string(), downloads: count }))
			.optional()
			.meta({ description: 'Folder shares: downloads per file path inside the prefix.' }),
	})
	.meta({ id: 'ShareStats' })

const allStatsSchema = z
	.strictObject({
		totals: z.strictObject(totals),
		top: z.array(z.strictObject({ id: z.string(), downloads: count })),
	})
	.meta({ id: 'Stats' })

const failureSchema = z
	.strictObject({
		id: z.string().meta({ description: 'The webhook-id every try of this event carried.' }),
		type: z.string(),
		shareId: z.string(),
		attempts: count,
		lastStatus: z
			.int()
			.nullable()
			.meta({ description: "The receiver's last HTTP status; null if none came." }),
		lastError: z.string().nullable(),
		lastAttemptAt: z.iso.datetime(),
		failedAt: z.iso.datetime(),
		payload: z.unknown().meta({ description: 'The body that was sent: { type, timestamp, data }.' }),
	})
	.meta({ id: 'WebhookFailure' })

const QUERY_ERRORS = {
	400: 'invalid_query: a date, the interval or the limit is not valid; `field` names it.',
	...ADMIN_ERRORS,
} as const

export const shareStatsRoute = createRoute({
	method: 'get',
	path: '/shares/{id}/stats',
	tags,
	summary: "One share's figures",
	description:
		'Downloads, views, bots and visitors over a range, as a series and by country, referrer, agent and (folders) file. Figures lag the requests by a few seconds. A deleted share keeps its figures.',
	security: bearerSecurity,
	request: {
		params: z.object({ id: z.string() }),
		query: z.object({
			...rangeQuery,
			interval: z
				.string()
				.optional()
				.meta({ description: '"hour" (ranges up to 31 days) or "day" (the default).' }),
		}),
	},
	responses: {
		200: { description: 'The figures.', content: { 'application/json': { schema: shareStatsSchema } } },
		...errorResponses({ ...QUERY_ERRORS, 404: 'share_not_found: no share, and no figures, by this id.' }),
	},
})

export const allStatsRoute = createRoute({
	method: 'get',
	path: '/stats',
	tags,
	summary: "Every share's totals",
	description:
		'Totals over a range and the shares with the most downloads. With `ids`, `top` lists exactly those shares (zeros included), in that order: one query for a page of shares.',
	security: bearerSecurity,
	request: {
		query: z.object({
			...rangeQuery,
			limit: z.string().optional().meta({ description: 'How many top shares, 1–1000 (default 10).' }),
			ids: z
				.string()
				.optional()
				.meta({ description: 'Comma-separated share ids (at most 200): their downloads in `top`.' }),
		}),
	},
	responses: {
		200: {
			description: 'Totals and top shares.',
			content: { 'application/json': { schema: allStatsSchema } },
		},
		...errorResponses(QUERY_ERRORS),
	},
})

export const failuresRoute = createRoute({
	method: 'get',
	path: '/webhooks/failures',
	tags: ['Webhooks'],
	summary: 'Webhooks that failed every try',
	description: 'Dead-lettered deliveries, newest first, with the body that was sent.',
	security: bearerSecurity,
	request: {
		query: z.object({ limit: z.string().optional().meta({ description: '1–1000 (default 100).' }) }),
	},
	responses: {
		200: {
			description: 'The failures.',
			content: { 'application/json': { schema: z.strictObject({ failures: z.array(failureSchema) }) } },
		},
		...errorResponses(QUERY_ERRORS),
	},
})
