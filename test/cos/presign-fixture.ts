// One pre-sign input at a fixed clock, shared by the pre-signer's tests.
import type { PresignInput } from '../../src/cos/presign.ts'

/** The fixed clock, in seconds. */
export const NOW = 1_800_000_000

export const base: PresignInput = {
	credentials: { secretId: 'AKIDexample', secretKey: 'secret-key' },
	target: { bucket: 'examplebucket-1250000000', region: 'ap-guangzhou' },
	method: 'GET',
	key: 'docs/report.pdf',
	ttl: 300,
	now: NOW * 1000,
}
