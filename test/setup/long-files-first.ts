// The node project's order: its longest files first, whatever Vitest remembers. Vitest runs
// the files it has timings for longest first, and the others largest first; a clean clone
// (CI) has no timings, and a short file with a long run (the page-kind matrix) would start
// late and leave one slot running alone at the end. The rest keep Vitest's own order.
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Longest first, as measured beside the workers project on a 2-core machine. */
const LONG_FILES = [
	'test/e2e/crash.test.ts',
	'test/browser/page-kinds.test.ts',
	'test/browser/console.test.ts',
	'test/e2e/stats.test.ts',
	'test/node/local-stack.test.ts',
	'test/e2e/delivery.test.ts',
]

function rank(spec: TestSpecification): number {
	const index = LONG_FILES.findIndex((file) => spec.moduleId.endsWith(`/${file}`))
	return index < 0 ? LONG_FILES.length : index
}

export class LongFilesFirst extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const sorted = await super.sort(files)
		// Array.prototype.sort is stable: files of equal rank keep Vitest's order.
		return sorted.sort((a, b) => rank(a) - rank(b))
	}
}
