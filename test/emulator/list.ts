// GET Bucket (List Objects, doc 7734): prefix, delimiter, marker, max-keys, encoding-type.
import { invalidArgument } from './errors.ts'
import { type QueryParam, queryValue } from './query.ts'
import { compareKeys, type ObjectMeta } from './store.ts'
import { el, type XmlNode, xmlDocument } from './xml.ts'

export interface ListOptions {
	bucket: string
	query: readonly QueryParam[]
}

const MAX_KEYS = 1000

type Entry = { kind: 'object'; meta: ObjectMeta } | { kind: 'prefix'; prefix: string }

const entryName = (entry: Entry) => (entry.kind === 'object' ? entry.meta.key : entry.prefix)

function maxKeysOf(raw: string | undefined): number {
	if (raw === undefined) return MAX_KEYS
	if (!/^\d{1,9}$/.test(raw)) throw invalidArgument('max-keys must be a whole number.')
	return Math.min(Number(raw), MAX_KEYS)
}

/** The ListBucketResult document for objects already sorted in UTF-8 byte order. */
export function listBucketXml(objects: readonly ObjectMeta[], options: ListOptions): string {
	const prefix = queryValue(options.query, 'prefix') ?? ''
	const delimiter = queryValue(options.query, 'delimiter') ?? ''
	const marker = queryValue(options.query, 'marker') ?? ''
	const encodingType = queryValue(options.query, 'encoding-type')
	if (encodingType !== undefined && encodingType !== 'url')
		throw invalidArgument('encoding-type must be url.')
	const maxKeys = maxKeysOf(queryValue(options.query, 'max-keys'))
	const encode = encodingType === 'url' ? encodeURIComponent : (text: string) => text

	const entries: Entry[] = []
	let truncated = false
	for (const meta of objects) {
		if (!meta.key.startsWith(prefix)) continue
		if (marker !== '' && compareKeys(meta.key, marker) <= 0) continue
		let entry: Entry = { kind: 'object', meta }
		if (delimiter !== '') {
			const at = meta.key.indexOf(delimiter, prefix.length)
			if (at !== -1) {
				const common = meta.key.slice(0, at + delimiter.length)
				// A folder already listed (the marker, or the previous entry) is not repeated.
				if (marker !== '' && compareKeys(common, marker) <= 0) continue
				const last = entries.at(-1)
				if (last?.kind === 'prefix' && last.prefix === common) continue
				entry = { kind: 'prefix', prefix: common }
			}
		}
		// max-keys counts objects and folders alike.
		if (entries.length === maxKeys) {
			truncated = maxKeys > 0
			break
		}
		entries.push(entry)
	}

	const last = entries.at(-1)
	const children: XmlNode[] = [el('Name', options.bucket)]
	if (encodingType !== undefined) children.push(el('EncodingType', encodingType))
	children.push(el('Prefix', encode(prefix)), el('Marker', encode(marker)), el('MaxKeys', maxKeys))
	if (delimiter !== '') children.push(el('Delimiter', encode(delimiter)))
	children.push(el('IsTruncated', truncated))
	if (truncated && last) children.push(el('NextMarker', encode(entryName(last))))
	// COS writes every folder first, then the objects (each group in key order).
	for (const entry of entries) {
		if (entry.kind === 'prefix') children.push(el('CommonPrefixes', [el('Prefix', encode(entry.prefix))]))
	}
	const owner = options.bucket.slice(options.bucket.lastIndexOf('-') + 1)
	for (const entry of entries) {
		if (entry.kind !== 'object') continue
		const { meta } = entry
		children.push(
			el('Contents', [
				el('Key', encode(meta.key)),
				el('LastModified', meta.lastModified),
				el('ETag', meta.etag),
				el('Size', meta.size),
				el('Owner', [el('ID', owner), el('DisplayName', owner)]),
				el('StorageClass', 'STANDARD'),
			]),
		)
	}
	return xmlDocument(el('ListBucketResult', children))
}
