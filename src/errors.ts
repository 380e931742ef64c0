// Stable, machine-readable error codes. Every error leaves the worker as
// { "error": { "code", "message", "detail"?, …, "requestId" } } for API clients or a small
// page for browsers, never as a stack trace.
import type { ContentfulStatusCode } from 'hono/utils/http-status'

interface CatalogueEntry {
	readonly status: ContentfulStatusCode
	/** The error's message: one sentence a visitor or an API client can read as it is. */
	readonly en: string
	readonly zh: string
}

/**
 * Every error the worker answers with: its status and its words, in every language pages
 * speak. The status lives here, not at the call site, so a code means one thing
 * everywhere: a client may branch on the code and trust the status, and two call sites
 * can no longer pair the same code with different statuses or different words. What a
 * call site knows more precisely goes in the error's `detail`.
 */
export const ERRORS = {
	// The request, as sent, is not one the worker can take.
	invalid_body: {
		status: 400,
		en: 'The request is not valid.',
		zh: '请求内容有误，请检查后重试。',
	},
	invalid_query: {
		status: 400,
		en: 'The address has a parameter that is not valid.',
		zh: '链接中的参数有误。',
	},
	not_protected: {
		status: 400,
		en: 'This share has no password.',
		zh: '此分享没有设置密码或提取码。',
	},
	size_mismatch: {
		status: 400,
		en: 'The upload does not match the size it declared. Please try again.',
		zh: '上传的文件与声明的大小不一致，请重新上传。',
	},
	method_not_allowed: {
		status: 405,
		en: 'This address does not accept that kind of request.',
		zh: '此地址不支持该请求方式。',
	},
	length_required: {
		status: 411,
		en: 'Send a Content-Length: uploads are not accepted without one.',
		zh: '上传时必须提供 Content-Length 请求头。',
	},
	body_too_large: {
		status: 413,
		en: 'The request body is too large.',
		zh: '请求内容超出了大小限制。',
	},
	unsupported_media_type: {
		status: 415,
		en: 'This kind of request body is not accepted here.',
		zh: '不支持此类请求内容。',
	},
	header_too_large: {
		status: 431,
		en: 'A request header is larger than this link accepts.',
		zh: '请求头超出了此链接允许的大小。',
	},

	// Who may do what.
	unauthorized: {
		status: 401,
		en: 'A valid admin token is required.',
		zh: '需要有效的管理令牌。',
	},
	password_required: {
		status: 401,
		en: 'This share is protected: enter its password or extraction code.',
		zh: '此分享已加密，请输入密码或提取码。',
	},
	wrong_password: {
		status: 401,
		en: 'That password or extraction code is not right.',
		zh: '密码或提取码错误，请检查后重试。',
	},
	cross_site_request: {
		status: 403,
		en: 'This form can only be sent from the share’s own page.',
		zh: '请在分享页面上提交此表单。',
	},
	csrf_failed: {
		status: 403,
		en: 'The request did not carry the admin console’s security token. Reload the console and try again.',
		zh: '请求缺少管理控制台的安全令牌，请刷新控制台后重试。',
	},
	too_many_attempts: {
		status: 429,
		en: 'Too many attempts from your network. Please wait a moment and try again.',
		zh: '你所在网络的尝试次数过多，请稍后再试。',
	},

	// Shares and what they point to.
	share_not_found: {
		status: 404,
		en: 'There is no share at this address. The link may be incomplete, or the sender cancelled it.',
		zh: '找不到这个分享，可能是链接不完整，或分享者已取消分享。',
	},
	not_found: {
		status: 404,
		en: 'There is nothing at this address.',
		zh: '此地址下没有内容。',
	},
	object_not_found: {
		status: 404,
		en: 'The shared file is no longer in storage. Ask the sender to share it again.',
		zh: '分享的文件已被移走或删除，请联系分享者重新分享。',
	},
	invalid_ticket: {
		status: 404,
		en: 'This download address has been used or has run out. Open the share link to download again.',
		zh: '下载地址已使用或已失效，请重新打开分享链接下载。',
	},
	share_expired: {
		status: 410,
		en: 'This link has expired. Ask the sender for a new one.',
		zh: '链接已过期，请联系分享者重新分享。',
	},
	download_limit_reached: {
		status: 410,
		en: 'This link allowed a set number of downloads, and all of them have been used. Ask the sender for a new link.',
		zh: '此链接的下载次数已全部用完，请联系分享者获取新的链接。',
	},
	download_forbidden: {
		status: 403,
		en: 'This file cannot be delivered through this link.',
		zh: '此文件无法通过该链接下载。',
	},
	range_not_satisfiable: {
		status: 416,
		en: 'The part of the file asked for lies past its end. Download the whole file instead.',
		zh: '请求的部分超出了文件末尾，请重新下载整个文件。',
	},
	zip_too_large: {
		status: 413,
		en: 'This folder holds more files or bytes than one zip may. Download a sub-folder or the files one by one.',
		zh: '文件夹内的文件太多或太大，无法打包成一个压缩包。请分别下载子文件夹或单个文件。',
	},

	// The admin API's writes.
	share_exists: {
		status: 409,
		en: 'A share with this id already exists.',
		zh: '该 ID 已被其他分享占用。',
	},
	precondition_failed: {
		status: 412,
		en: 'The share has changed since that revision; read it again and retry.',
		zh: '分享在此期间已被修改，请重新读取后再试。',
	},
	// A stored record this version cannot read, as the admin API meets it (a PATCH is a 409).
	invalid_record_admin: {
		status: 409,
		en: 'This share is stored in a form this version cannot read: it can only be deleted, or created again.',
		zh: '此分享的存储数据无法识别，无法修改，只能删除或重新创建。',
	},

	// Upload links.
	file_too_large: {
		status: 413,
		en: 'The file is larger than this link accepts.',
		zh: '文件超出了此链接允许的大小。',
	},
	type_not_allowed: {
		status: 415,
		en: 'This link does not accept files of this type.',
		zh: '此链接不接受该类型的文件。',
	},
	upload_exists: {
		status: 409,
		en: 'A file of that name is already there, and this link does not replace files.',
		zh: '已有同名文件，此链接不会覆盖已有文件。',
	},
	upload_quota_reached: {
		status: 409,
		en: 'This link accepts no more files.',
		zh: '此链接已达到上传上限，无法再上传文件。',
	},
	upload_not_found: {
		status: 404,
		en: 'No upload of that key was started on this link.',
		zh: '此链接没有发起过该文件的上传。',
	},
	object_not_uploaded: {
		status: 409,
		en: 'The file is not in storage yet: upload it first.',
		zh: '文件尚未上传到存储，请先上传。',
	},

	// The worker's own side: nothing the client can fix.
	internal_error: {
		status: 500,
		en: 'Something went wrong on our side. Please try again.',
		zh: '服务出了点问题，请稍后再试。',
	},
	misconfigured: {
		status: 500,
		en: 'The service is not set up correctly. Please tell whoever runs it.',
		zh: '服务配置有误，请联系管理员。',
	},
	invalid_record: {
		status: 500,
		en: 'This share is stored in a form this version cannot read. Ask the sender to share it again.',
		zh: '此分享的数据无法读取，请联系分享者重新分享。',
	},
	origin_error: {
		status: 502,
		en: 'The file storage did not answer as expected. Please try again.',
		zh: '文件存储暂时没有正常响应，请稍后再试。',
	},
	credentials_expired: {
		status: 503,
		en: 'The storage credentials have expired. Please try again later.',
		zh: '存储访问凭证已过期，请稍后再试。',
	},
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof ERRORS
export type ErrorStatus = (typeof ERRORS)[ErrorCode]['status']

/**
 * Entries that answer with another entry's code. A code clients already rely on was once
 * sent with two statuses; each use is now its own entry, with its own status and words,
 * and the code on the wire stays the one clients know.
 */
const PUBLIC_CODES: Partial<Record<ErrorCode, ErrorCode>> = {
	// The admin API's view of a record this version cannot read (a PATCH is a 409); a
	// public read of one is a 500.
	invalid_record_admin: 'invalid_record',
	// A confirmed upload COS does not have yet (409); a shared file gone from COS is a 404.
	object_not_uploaded: 'object_not_found',
}

/**
 * One case of a code told in its own words, where the code's sentence would tell that case
 * wrongly ("no share at this address" about a share that is there). The code, its status and
 * what clients branch on stay the code's; only the sentence (and a page's title) differ.
 */
export const VARIANTS = {
	// A level a folder share does not have: the share itself is there.
	path_not_found: {
		code: 'share_not_found',
		en: 'This folder has nothing at this path: it may have been moved or deleted.',
		zh: '文件夹中没有这一项，可能已被移动或删除。',
	},
	// The admin console's sign-in, sign-out, or its session sent to the admin API from
	// anywhere but the console's own pages.
	console_cross_site: {
		code: 'cross_site_request',
		en: 'The admin console takes this only from its own pages.',
		zh: '管理控制台只接受来自其自身页面的此类请求。',
	},
	// An upload link's visitor came to send files, not to get one.
	upload_link_expired: {
		code: 'share_expired',
		en: 'This upload link has expired and takes no more files. Ask its owner for a new one.',
		zh: '上传链接已过期，无法再上传文件。请联系分享者获取新的链接。',
	},
} as const satisfies Record<string, { code: ErrorCode; en: string; zh: string }>

export type ErrorVariant = keyof typeof VARIANTS

/** The sentence of an error in a language: its variant's, else its code's. */
export function errorSentence(code: ErrorCode, variant: ErrorVariant | undefined, lang: 'en' | 'zh'): string {
	return variant === undefined ? ERRORS[code][lang] : VARIANTS[variant][lang]
}

/** The code a client sees for a catalogue entry. */
export function publicCode(code: ErrorCode): ErrorCode {
	return PUBLIC_CODES[code] ?? code
}

/** Machine-readable facts an error names besides its code (never a secret or a value). */
export interface ErrorDetails {
	/** The request field at fault, as a dotted path (`upload.keyTemplate`). */
	readonly field?: string
	/** The worker setting at fault (`LINK_SECRET`). */
	readonly setting?: string
}

export class AppError extends Error {
	override readonly name = 'AppError'
	readonly code: ErrorCode
	readonly status: ErrorStatus
	/** What the call site knows more precisely than the catalogue's sentence, in English. */
	readonly detail: string | undefined
	readonly details: ErrorDetails
	/** The case of the code this is, when it has words of its own. */
	readonly variant: ErrorVariant | undefined
	constructor(code: ErrorCode, detail?: string, details: ErrorDetails = {}, variant?: ErrorVariant) {
		const { status } = ERRORS[code]
		const en = errorSentence(code, variant, 'en')
		super(detail === undefined ? en : `${en} ${detail}`)
		this.code = code
		this.status = status
		this.detail = detail
		this.details = details
		this.variant = variant
	}

	/** The error of a variant: its code's status and code, its own words. */
	static of(variant: ErrorVariant, detail?: string): AppError {
		return new AppError(VARIANTS[variant].code, detail, {}, variant)
	}
}

export const notFound = (detail?: string) => new AppError('share_not_found', detail)
