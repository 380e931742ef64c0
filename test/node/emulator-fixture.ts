// The bucket and made-up credentials the emulator's Node tests sign with, and an emulator
// started with them.
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator/server.ts'

export const BUCKET = 'examplebucket-1250000000'
export const REGION = 'ap-guangzhou'
export const SECRET_ID = 'AKIDemulatortest00000000000000000000'
export const SECRET_KEY = 'emulatortestsecretkey000000000000'

/** An emulator for BUCKET in REGION that accepts SECRET_ID/SECRET_KEY, with `options` on top. */
export function startTestEmulator(
	options: Omit<EmulatorOptions, 'bucket' | 'region' | 'secretId' | 'secretKey'> = {},
): Promise<Emulator> {
	return startEmulator({
		bucket: BUCKET,
		region: REGION,
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		...options,
	})
}
