// Which requests the admin console's session cookie speaks for: pure rules over the headers a
// browser sets itself (a page cannot forge Sec-Fetch-Site or Origin), so routes and tests
// share one reading of them.

/**
 * Whether a request carrying the console's session was made by the console's own pages: the
 * browser says `Sec-Fetch-Site: same-origin`, and `Origin`, when it names one, is the
 * console's. `Origin: null` is what the console's own fetches and forms send (every console
 * response has `Referrer-Policy: no-referrer`), so it passes only beside `same-origin`.
 * Anything else with the cookie (another site, a sibling subdomain, a client that sends no
 * Sec-Fetch-Site at all) is refused: scripts use the bearer token instead.
 */
export function isConsoleOwnRequest(
	site: string | undefined,
	origin: string | undefined,
	ownOrigin: string,
): boolean {
	if (site?.trim().toLowerCase() !== 'same-origin') return false
	return origin === undefined || origin === 'null' || origin === ownOrigin
}

/** Whether `host` (a URL's host, lowercase) may serve the console under CONSOLE_HOST. */
export function servesConsole(host: string, consoleHost: string | undefined): boolean {
	return consoleHost === undefined || host === consoleHost
}

/** Methods that change state: with the session, they carry the CSRF token too. */
export function changesState(method: string): boolean {
	return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())
}
