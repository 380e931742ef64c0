// An axe-core accessibility scan inside a page. The source is evaluated through the
// DevTools protocol, not added as a <script>, so the page's strict CSP stays as it is.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

export interface AxeViolation {
	id: string
	impact: string | null
	help: string
	targets: string[]
}

let source: Promise<string> | undefined

/** axe-core's source, read once. */
export function axeSource(): Promise<string> {
	source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
	return source
}

/** Violations of the given impacts (serious and critical by default), as plain data. */
export async function axeViolations(
	page: Page,
	impacts: readonly string[] = ['serious', 'critical'],
): Promise<AxeViolation[]> {
	// A page whose context loads axe with every document (useSharedPage) already has it.
	if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(await axeSource())
	const violations = await page.evaluate(async () => {
		interface Result {
			id: string
			impact?: string | null
			help: string
			nodes: { target: unknown[] }[]
		}
		interface Axe {
			run(context: Document, options: { resultTypes: string[] }): Promise<{ violations: Result[] }>
		}
		const axe = (globalThis as unknown as { axe: Axe }).axe
		// Every rule still runs; only violations get their nodes' selectors built, which is
		// most of what a scan costs on a page that passes.
		const { violations } = await axe.run(document, { resultTypes: ['violations'] })
		return violations.map((v) => ({
			id: v.id,
			impact: v.impact ?? null,
			help: v.help,
			targets: v.nodes.map((node) => node.target.join(' ')),
		}))
	})
	return violations.filter((v) => v.impact !== null && impacts.includes(v.impact))
}
