// WebCrypto HMAC-SHA1 / SHA-1 primitives, hex-encoded the way doc 7778 chains them.
const encoder = new TextEncoder()

function toHex(buffer: ArrayBuffer): string {
	let out = ''
	for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, '0')
	return out
}

export function importHmacKey(secret: string): Promise<CryptoKey> {
	return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
		'sign',
	])
}

export async function hmacHex(key: CryptoKey, message: string): Promise<string> {
	return toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(message)))
}

export async function sha1Hex(message: string): Promise<string> {
	return toHex(await crypto.subtle.digest('SHA-1', encoder.encode(message)))
}

/** A Map bounded FIFO-style (insertion order); a failed promise is never kept. */
export class BoundedPromiseCache<T> {
	readonly #map = new Map<string, Promise<T>>()
	readonly limit: number
	constructor(limit: number) {
		this.limit = limit
	}

	get(key: string, make: () => Promise<T>): Promise<T> {
		let value = this.#map.get(key)
		if (!value) {
			if (this.#map.size >= this.limit) {
				const oldest = this.#map.keys().next().value
				if (oldest !== undefined) this.#map.delete(oldest)
			}
			value = make()
			this.#map.set(key, value)
			value.catch(() => this.#map.delete(key))
		}
		return value
	}

	clear(): void {
		this.#map.clear()
	}
}
