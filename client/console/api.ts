// The console speaks only the admin API (/api/…, the OpenAPI document), as a script would,
// but with the session cookie the browser sends by itself and the CSRF token the shell page
// carries. Every error arrives as { error: { code, message, field? } }.

export class ApiError extends Error {
	readonly status: number
	readonly code: string
	readonly field: string | undefined
	/** What the worker knows about this request (English): "field: why". */
	readonly detail: string | undefined
	constructor(status: number, code: string, message: string, field?: string, detail?: string) {
		super(message)
		this.status = status
		this.code = code
		this.field = field
		this.detail = detail
	}

	/** The most specific words there are: the detail's reason when it names the field. */
	get reason(): string {
		if (this.field && this.detail?.startsWith(`${this.field}: `))
			return this.detail.slice(this.field.length + 2)
		return this.detail ?? this.message
	}
}

export interface ApiAnswer<T> {
	body: T
	etag: string | null
}

/** Raised once, for every caller: the session is gone and the page says so. */
let onSignedOut: () => void = () => {}
export function whenSignedOut(listener: () => void): void {
	onSignedOut = listener
}

function csrfToken(): string {
	return document.querySelector<HTMLMetaElement>('meta[name="coslink-csrf"]')?.content ?? ''
}

interface ErrorBody {
	error?: { code?: string; message?: string; field?: string; detail?: string }
}

export async function api<T>(
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
	path: string,
	options: { json?: unknown; ifMatch?: string; lang?: string } = {},
): Promise<ApiAnswer<T>> {
	const headers: Record<string, string> = { accept: 'application/json' }
	if (method !== 'GET') headers['x-csrf-token'] = csrfToken()
	if (options.json !== undefined) headers['content-type'] = 'application/json'
	if (options.ifMatch) headers['if-match'] = options.ifMatch
	if (options.lang) headers['accept-language'] = options.lang === 'zh' ? 'zh-CN' : 'en'
	let res: Response
	try {
		res = await fetch(path, {
			method,
			headers,
			credentials: 'same-origin',
			body: options.json === undefined ? undefined : JSON.stringify(options.json),
		})
	} catch {
		throw new ApiError(0, 'network', navigator.onLine ? 'The worker did not answer.' : 'You are offline.')
	}
	const text = await res.text()
	if (!res.ok) {
		let parsed: ErrorBody = {}
		try {
			parsed = JSON.parse(text) as ErrorBody
		} catch {
			// A proxy's HTML error page: the status says enough.
		}
		if (res.status === 401) onSignedOut()
		throw new ApiError(
			res.status,
			parsed.error?.code ?? `http_${res.status}`,
			parsed.error?.message ?? `HTTP ${res.status}`,
			parsed.error?.field,
			parsed.error?.detail,
		)
	}
	return { body: (text ? JSON.parse(text) : null) as T, etag: res.headers.get('etag') }
}
