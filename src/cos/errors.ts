/** A temporary key has expired: no signature made with it would be accepted by COS. */
export class CredentialsExpiredError extends Error {
	override readonly name = 'CredentialsExpiredError'
	readonly code = 'credentials_expired'
	readonly expiredAt: number
	constructor(expiredAt: number) {
		super(`the COS temporary key expired at ${new Date(expiredAt * 1000).toISOString()}`)
		this.expiredAt = expiredAt
	}
}
