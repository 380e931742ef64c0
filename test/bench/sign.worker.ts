// Worker entry of the sign benchmark: GET /?variant=warm|cold&n=N signs N URLs in a
// loop and answers { elapsedMs, sample }. elapsedMs is the worker's own clock around the
// loop; sign.ts checks that the clock advances and otherwise times the request itself.
import { isSignVariant, signBatch } from './sign-batch.ts'

export interface SignBatchReply {
	/** performance.now() after the batch minus before it. */
	elapsedMs: number
	/** The last URL signed ('' for an empty batch). */
	sample: string
}

export default {
	async fetch(request: Request): Promise<Response> {
		const params = new URL(request.url).searchParams
		const variant = params.get('variant')
		const n = Number(params.get('n'))
		if (!isSignVariant(variant) || !Number.isSafeInteger(n) || n < 0)
			return new Response('expected ?variant=warm|cold&n=<count>', { status: 400 })
		const start = performance.now()
		const sample = await signBatch(variant, n)
		const reply: SignBatchReply = { elapsedMs: performance.now() - start, sample }
		return Response.json(reply)
	},
}
