// COS error responses (doc 7730): an XML <Error> body, application/xml, and the same
// x-cos-request-id header every response carries.
import { el, type XmlNode, xmlDocument } from './xml.ts'

export class CosError extends Error {
	readonly status: number
	readonly code: string
	/** Extra elements after <Message>, such as SignatureDoesNotMatch's <StringToSign>. */
	readonly details: Readonly<Record<string, string>>
	readonly headers: Readonly<Record<string, string>>

	constructor(
		status: number,
		code: string,
		message: string,
		options: { details?: Record<string, string>; headers?: Record<string, string> } = {},
	) {
		super(message)
		this.status = status
		this.code = code
		this.details = options.details ?? {}
		this.headers = options.headers ?? {}
	}
}

export const accessDenied = (message = 'Access Denied.') => new CosError(403, 'AccessDenied', message)

export const invalidArgument = (message: string) => new CosError(400, 'InvalidArgument', message)

export function errorBody(error: CosError, resource: string, requestId: string, traceId: string): string {
	const children: XmlNode[] = [el('Code', error.code), el('Message', error.message)]
	for (const [name, value] of Object.entries(error.details)) children.push(el(name, value))
	children.push(el('Resource', resource), el('RequestId', requestId), el('TraceId', traceId))
	return xmlDocument(el('Error', children))
}
