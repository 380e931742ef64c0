// Where a bucket is reached. The signed `host` must be exactly the host the client sends,
// so it is derived from the same URL the request goes to.
export interface CosBucket {
	/** Bucket name with its APPID, e.g. "examplebucket-1250000000". */
	bucket: string
	/** e.g. "ap-guangzhou". */
	region: string
	/** Base URL override: a custom origin domain, or a local origin such as http://127.0.0.1:9100. */
	endpoint?: string | undefined
	/** Use the global accelerate domain <bucket>.cos.accelerate.myqcloud.com. */
	accelerate?: boolean | undefined
}

const BUCKET = /^[a-z0-9][a-z0-9-]{0,48}-\d{1,12}$/
const REGION = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/

/** The bucket's base URL: origin only, no path, no query. Throws a TypeError on bad input. */
export function bucketBaseUrl(target: CosBucket): URL {
	if (target.endpoint) {
		let url: URL
		try {
			url = new URL(target.endpoint)
		} catch {
			throw new TypeError('endpoint is not a valid URL')
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:')
			throw new TypeError('endpoint must be an http or https URL')
		// A path would be signed as part of the key and break every signature.
		if (
			url.username ||
			url.password ||
			url.search ||
			url.hash ||
			(url.pathname !== '/' && url.pathname !== '')
		)
			throw new TypeError('endpoint must be a bare origin, such as https://files.example.com')
		return new URL(url.origin)
	}
	if (!BUCKET.test(target.bucket)) throw new TypeError('bucket must look like "name-1250000000"')
	if (target.accelerate) return new URL(`https://${target.bucket}.cos.accelerate.myqcloud.com`)
	if (!REGION.test(target.region)) throw new TypeError('region must look like "ap-guangzhou"')
	return new URL(`https://${target.bucket}.cos.${target.region}.myqcloud.com`)
}
