// The signer workloads the sign benchmark times. This one file is bundled by esbuild and
// run both inside workerd (through sign.worker.ts) and in Node (sign.ts imports the same
// bundle), so the two runtimes execute byte-for-byte the same code.

import { type PresignInput, presignObjectUrl } from '../../src/cos/presign.ts'
import { clearSigningCaches } from '../../src/cos/sign.ts'
import { contentDisposition } from '../../src/http/content-disposition.ts'

/**
 * warm: cached CryptoKeys and SignKey, a new key each call (the real per-request cost);
 * cold: every cache cleared before each signature (a fresh isolate's first request).
 */
export type SignVariant = 'warm' | 'cold'

export const SIGN_VARIANTS: readonly SignVariant[] = ['warm', 'cold']

export function isSignVariant(value: unknown): value is SignVariant {
	return SIGN_VARIANTS.includes(value as SignVariant)
}

// Made-up credentials of the real shape: nothing is ever sent to COS.
export const BENCH_SECRET_ID = 'AKIDbenchmarkEXAMPLE0000000000000000'
export const BENCH_SECRET_KEY = 'benchmarkEXAMPLEsecretKEY000000000'
export const BENCH_BUCKET = 'examplebucket-1250000000'
export const BENCH_REGION = 'ap-guangzhou'
export const BENCH_TTL = 300

export function objectKey(i: number): string {
	return `docs/季度报告 ${i}.pdf`
}

export function fileName(i: number): string {
	return `季度报告 ${i}.pdf`
}

/** The response-content-disposition presignObjectUrl signs for fileName(i). */
export function dispositionFor(i: number): string {
	return contentDisposition('attachment', fileName(i))
}

function input(i: number): PresignInput {
	return {
		credentials: { secretId: BENCH_SECRET_ID, secretKey: BENCH_SECRET_KEY },
		target: { bucket: BENCH_BUCKET, region: BENCH_REGION },
		method: 'GET',
		key: objectKey(i),
		ttl: BENCH_TTL,
		response: { contentDisposition: dispositionFor(i) },
	}
}

// Keys keep counting across batches, so no two warm or cold signatures share inputs.
let next = 1

/** Signs n URLs one after another, each awaited; resolves to the last URL ('' for n = 0). */
export async function signBatch(variant: SignVariant, n: number): Promise<string> {
	let url = ''
	for (let done = 0; done < n; done++) {
		if (variant === 'cold') clearSigningCaches()
		// A fresh input object per call, as a route builds one per request.
		url = (await presignObjectUrl(input(next++))).url
	}
	return url
}
