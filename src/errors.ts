// Stable, machine-readable error codes. Every error leaves the worker as
// { "error": { "code", "message" } } for API clients or a small page for browsers,
// never as a stack trace.
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type ErrorCode =
	| 'invalid_body'
	| 'unauthorized'
	| 'share_not_found'
	| 'share_expired'
	| 'share_exists'
	| 'precondition_failed'
	| 'body_too_large'
	| 'unsupported_media_type'
	| 'not_found'
	| 'method_not_allowed'
	| 'header_too_large'
	| 'object_not_found'
	| 'misconfigured'
	| 'credentials_expired'
	| 'origin_error'
	| 'download_forbidden'
	| 'invalid_record'
	| 'invalid_query'
	| 'zip_too_large'
	| 'internal_error'
	| 'file_too_large'
	| 'type_not_allowed'
	| 'upload_exists'
	| 'length_required'
	| 'size_mismatch'
	| 'password_required'
	| 'wrong_password'
	| 'too_many_attempts'
	| 'download_limit_reached'
	| 'ticket_required'
	| 'invalid_ticket'
	| 'not_protected'
	| 'cross_site_request'
	| 'upload_quota_reached'
	| 'upload_not_found'

export class AppError extends Error {
	override readonly name = 'AppError'
	readonly status: ContentfulStatusCode
	readonly code: ErrorCode
	readonly details: Record<string, string>
	constructor(
		status: ContentfulStatusCode,
		code: ErrorCode,
		message: string,
		details: Record<string, string> = {},
	) {
		super(message)
		this.status = status
		this.code = code
		this.details = details
	}
}

export const notFound = (message = 'There is no share at this address.') =>
	new AppError(404, 'share_not_found', message)
