// Tencent's two worked examples from doc 7778 ("Request Signature"). The English page
// prints the key as "exampleobject(tencentcloud)"; the documented hashes only reproduce
// with the Chinese original "exampleobject(腾讯云)".
import type { CosAuthorizationInput } from '../../src/cos/sign.ts'

export interface TencentVector {
	name: string
	input: CosAuthorizationInput
	signKey: string
	httpStringSha1: string
	signature: string
	headerList: string
	paramList: string
}

const credentials = {
	secretId: 'AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q',
	secretKey: 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz',
}
const host = 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com'

export const TENCENT_VECTORS: TencentVector[] = [
	{
		name: 'upload (PUT with body headers and x-cos-* headers)',
		input: {
			...credentials,
			method: 'PUT',
			key: 'exampleobject(腾讯云)',
			headers: {
				'Content-Length': '13',
				'Content-MD5': 'mQ/fVh815F3k6TAUm8m0eg==',
				'Content-Type': 'text/plain',
				Date: 'Thu, 16 May 2019 06:45:51 GMT',
				Host: host,
				'x-cos-acl': 'private',
				'x-cos-grant-read': 'uin="100000000011"',
			},
			keyTime: { start: 1557989151, end: 1557996351 },
		},
		signKey: 'eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f',
		httpStringSha1: '8b2751e77f43a0995d6e9eb9477f4b685cca4172',
		signature: '3b8851a11a569213c17ba8fa7dcf2abec6935172',
		headerList: 'content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read',
		paramList: '',
	},
	{
		name: 'download (GET with response-* parameters)',
		input: {
			...credentials,
			method: 'GET',
			key: 'exampleobject(腾讯云)',
			query: {
				'response-content-type': 'application/octet-stream',
				'response-cache-control': 'max-age=600',
			},
			headers: { Date: 'Thu, 16 May 2019 06:55:53 GMT', Host: host },
			keyTime: { start: 1557989753, end: 1557996953 },
		},
		signKey: '937914bf490e9e8c189836aad2052e4feeb35eaf',
		httpStringSha1: '54ecfe22f59d3514fdc764b87a32d8133ea611e6',
		signature: '01681b8c9d798a678e43b685a9f1bba0f6c0e012',
		headerList: 'date;host',
		paramList: 'response-cache-control;response-content-type',
	},
]
