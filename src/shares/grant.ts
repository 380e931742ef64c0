// A share's grant version: a digest of what an unlock token or a download ticket was given
// for. It changes when what the share serves (type, key, prefix), who may have it (password
// or code, a new share under the same id) or its limits change, and not when a note, a
// filename or an expiry is edited, so a download in progress survives those. Tokens and
// tickets carry it inside their MAC, so such a change ends them without any lookup.
import { base64url } from '../codec.ts'
import type { ShareRecord } from './schema.ts'

const encoder = new TextEncoder()
// Records are immutable once parsed: digest each one once.
const digests = new WeakMap<ShareRecord, Promise<string>>()
// The same digests once computed, for the warm path, which answers before any await.
const settled = new WeakMap<ShareRecord, string>()

function material(record: ShareRecord): string {
	return JSON.stringify([
		record.id,
		record.createdAt,
		record.type,
		record.type === 'file' ? record.key : record.prefix,
		record.passwordHash ?? null,
		record.passwordVersion ?? null,
		record.maxDownloads ?? null,
		record.expiresAfterFirstDownload ?? null,
	])
}

/** 96 bits of SHA-256: the MAC around it makes collisions useless to a forger anyway. */
export function grantVersion(record: ShareRecord): Promise<string> {
	let digest = digests.get(record)
	if (digest === undefined) {
		digest = crypto.subtle.digest('SHA-256', encoder.encode(material(record))).then((hash) => {
			const version = base64url(new Uint8Array(hash, 0, 12))
			settled.set(record, version)
			return version
		})
		digests.set(record, digest)
	}
	return digest
}

/** The grant version of `record` if this isolate has already computed it. */
export function knownGrantVersion(record: ShareRecord): string | undefined {
	return settled.get(record)
}
