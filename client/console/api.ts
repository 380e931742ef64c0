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

// Requests in flight mark <main> aria-busy: assistive technology waits to announce a view
// until its data is in, and so can anything else that needs the view settled. The mark is
// lifted a moment after the last answer, so that a request a view starts once the first
// one's answer has rendered (a page's stats after its shares) keeps it busy throughout.
let inFlight = 0
let idleTimer: ReturnType<typeof setTimeout> | undefined

function markBusy(delta: 1 | -1): void {
	inFlight += delta
	clearTimeout(idleTimer)
	const main = document.getElementById('main')
	if (inFlight > 0) main?.setAttribute('aria-busy', 'true')
	else idleTimer = setTimeout(() => main?.removeAttribute('aria-busy'), 100)
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
	markBusy(1)
	try {
		return await send<T>(method, path, headers, options.json)
	} finally {
		markBusy(-1)
	}
}

async function send<T>(
	method: string,
	path: string,
	headers: Record<string, string>,
	json: unknown,
): Promise<ApiAnswer<T>> {
	let res: Response
	try {
		res = await fetch(path, {
			method,
			headers,
			credentials: 'same-origin',
			body: json === undefined ? undefined : JSON.stringify(json),
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
