// What went wrong, as one line for a person and an exit code per class for a script.

/** Exit codes: 2 usage or invalid input, 3 auth, 4 not found or gone, 5 conflict or precondition, 6 rate limited, 1 anything else. */
export const EXIT = { other: 1, usage: 2, auth: 3, notFound: 4, conflict: 5, rateLimited: 6 } as const

export class CliError extends Error {
	override readonly name = 'CliError'
	readonly exitCode: number
	constructor(message: string, exitCode: number = EXIT.other, options?: { cause?: unknown }) {
		super(message, options)
		this.exitCode = exitCode
	}
}

/** The exit code for an HTTP status the API answered with. */
export function exitCodeFor(status: number): number {
	if (status === 400 || status === 413 || status === 415) return EXIT.usage
	if (status === 401 || status === 403) return EXIT.auth
	if (status === 404 || status === 410) return EXIT.notFound
	if (status === 409 || status === 412) return EXIT.conflict
	if (status === 429) return EXIT.rateLimited
	return EXIT.other
}

/** What to do about an API error, by its code (the error's own message says what failed). */
const HINTS: Record<string, string> = {
	unauthorized: 'check the token: run `coslink login`, or set COSLINK_TOKEN',
	share_not_found: 'check the id with `coslink ls`',
	share_exists: 'pick another --id, or remove the old share with `coslink rm`',
	precondition_failed: 'read it again with `coslink show` and retry with its revision',
	invalid_body: 'fix the option named above',
	invalid_query: 'fix the option named above',
	body_too_large: 'shorten the note or the other texts',
	upload_exists: 'that file is already there: send it again (it gets a new folder)',
	misconfigured: "the server's settings are wrong: tell whoever runs it",
	credentials_expired: "the server's COS key has expired: tell whoever runs it",
	origin_error: 'COS did not answer as expected: try again',
	too_many_attempts: 'wait a moment and try again',
}

export function hintFor(code: string | undefined): string | undefined {
	return code === undefined ? undefined : HINTS[code]
}
