// The one admin-token check, shared by the admin API, health's details and the console's sign-in.
import { timingSafeEqual } from 'hono/utils/buffer'

/** Whether an `Authorization` header carries `Bearer <adminToken>`, compared in constant time. */
export async function hasAdminToken(authorization: string | undefined, adminToken: string): Promise<boolean> {
	return isAdminToken(/^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '', adminToken)
}

/** Whether `token` is the admin token (the console's sign-in form), compared in constant time. */
export async function isAdminToken(token: string, adminToken: string): Promise<boolean> {
	// timingSafeEqual hashes both sides first, so neither length nor content leaks.
	return timingSafeEqual(token, adminToken)
}
