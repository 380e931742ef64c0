// The admin API over fetch: the token on every call, JSON in and out, and every failure as
// one CliError line (what failed, why, what to do) with its exit code.
import type { Settings } from './config.ts'
import { CliError, EXIT, exitCodeFor, hintFor } from './errors.ts'

interface ErrorBody {
	error?: { code?: string; message?: string; detail?: string; field?: string; requestId?: string }
}

export interface Answer<T> {
	status: number
	body: T
	headers: Headers
}

export interface RequestOptions {
	json?: unknown
	headers?: Record<string, string>
	/** Statuses the caller handles itself (no error is thrown for them). */
	allow?: number[]
}

const USER_AGENT = 'coslink-cli/0.1'

export class Api {
	readonly settings: Settings
	constructor(settings: Settings) {
		this.settings = settings
	}

	/** Calls the API; `action` names what failed in the error line ("creating the share"). */
	async request<T>(
		method: string,
		path: string,
		action: string,
		options: RequestOptions = {},
	): Promise<Answer<T>> {
		const headers: Record<string, string> = {
			authorization: `Bearer ${this.settings.token}`,
			accept: 'application/json',
			'user-agent': USER_AGENT,
			...options.headers,
		}
		if (options.json !== undefined) headers['content-type'] = 'application/json'
		let res: Response
		try {
			res = await fetch(`${this.settings.url}${path}`, {
				method,
				headers,
				...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
				signal: AbortSignal.timeout(60_000),
			})
		} catch (error) {
			const why =
				error instanceof Error
					? ((error.cause as Error | undefined)?.message ?? error.message)
					: String(error)
			throw new CliError(
				`${action} failed: could not reach ${this.settings.url} (${why}); check COSLINK_URL or run \`coslink login\``,
				EXIT.other,
				{ cause: error },
			)
		}
		const text = await res.text()
		let body: unknown = null
		try {
			body = text === '' ? null : JSON.parse(text)
		} catch {
			body = text
		}
		if (res.ok || options.allow?.includes(res.status))
			return { status: res.status, body: body as T, headers: res.headers }
		throw apiError(action, res.status, body)
	}
}

/** An API error as one line: the status, the code, the specifics, and what to do. */
export function apiError(action: string, status: number, body: unknown): CliError {
	const error = (body as ErrorBody | null)?.error
	const code = error?.code
	const what =
		error?.detail ?? error?.message ?? (typeof body === 'string' && body ? body.slice(0, 200) : 'no details')
	const hint = hintFor(code)
	return new CliError(
		`${action} failed: ${status}${code ? ` ${code}` : ''}: ${what}${hint ? ` (${hint})` : ''}`,
		exitCodeFor(status),
	)
}
