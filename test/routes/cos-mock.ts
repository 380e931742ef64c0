// COS mocked for the route tests by spying on fetch: every request the worker sends is
// recorded, and a test-supplied function answers it.
import { vi } from 'vitest'

export interface Outbound {
	url: string
	method: string
	headers: Headers
	cache: string | undefined
	body: BodyInit | null | undefined
}

/** Answers one request; `n` is its 1-based position among those recorded. */
export type CosAnswer = (req: Outbound, n: number) => Response | Promise<Response>

/**
 * Spies on fetch, emptying `outbound` first and recording each request into it. Every
 * Response is built inside the mock (by `answer`), as workerd requires.
 */
export function spyOnCos(outbound: Outbound[], answer: CosAnswer) {
	outbound.length = 0
	return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
		const req: Outbound = {
			url: String(input instanceof Request ? input.url : input),
			method: init?.method ?? 'GET',
			headers: new Headers(init?.headers),
			cache: init?.cache,
			body: init?.body,
		}
		outbound.push(req)
		return answer(req, outbound.length)
	})
}
