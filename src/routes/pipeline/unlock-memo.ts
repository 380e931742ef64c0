// Unlock tokens this isolate has already verified. A visitor who unlocked a share sends the
// same token (cookie or Bearer) with every request; its MAC is checked once, and what it
// says is a pure function of the token and the secret, so a later request can be accepted
// without WebCrypto. That lets the warm path (deliver/warm-redirect.ts), which answers
// before anything is awaited, serve a protected share too. Only tokens whose MAC checked
// out are ever remembered, so a guess can never be found here; expiry and the share's
// grant version are still compared on every use.
import { BoundedMap } from '../../bounded-map.ts'
import { openUnlockToken, type UnlockClaims } from '../../shares/tokens.ts'

interface Verified {
	secret: string
	claims: UnlockClaims
}

// A token is about 90 bytes: 4,096 of them hold every visitor of a busy isolate in < 1 MB.
const verified = new BoundedMap<string, Verified>(4096)

/** The claims of `token`, verified under `secret` earlier in this isolate and still live. */
export function knownUnlock(secret: string, token: string, nowMs: number): UnlockClaims | undefined {
	const hit = verified.get(token)
	// The secret too: after LINK_SECRET is rotated, no token made under the old one holds.
	if (hit === undefined || hit.secret !== secret) return undefined
	return hit.claims.expires > Math.floor(nowMs / 1000) ? hit.claims : undefined
}

/** The claims of `token`: remembered if this isolate verified it before, else verified now. */
export async function openRememberedUnlock(
	secret: string,
	token: string,
	nowMs: number,
): Promise<UnlockClaims | null> {
	const known = knownUnlock(secret, token, nowMs)
	if (known) return known
	const claims = await openUnlockToken(secret, token, nowMs)
	if (claims) verified.set(token, { secret, claims })
	return claims
}
