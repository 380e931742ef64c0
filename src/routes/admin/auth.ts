// The one admin-token check, shared by the admin API and health's details.
import { timingSafeEqual } from 'hono/utils/buffer'

/** Whether an `Authorization` header carries `Bearer <adminToken>`, compared in constant time. */
export async function hasAdminToken(authorization: string | undefined, adminToken: string): Promise<boolean> {
	const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? ''
	// timingSafeEqual hashes both sides first, so neither length nor content leaks.
	return timingSafeEqual(token, adminToken)
}
