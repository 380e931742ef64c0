// base64url (RFC 4648 §5, no padding): the one encoder behind tokens, tickets and cursors.
const encoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function base64url(bytes: Uint8Array): string {
	let binary = ''
	// Chunked: spreading a large array into fromCharCode overflows the call stack.
	for (let i = 0; i < bytes.length; i += 0x8000)
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** The bytes of a base64url string, or undefined when it is not one. */
export function fromBase64url(text: string): Uint8Array | undefined {
	if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined
	const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
	return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

/** `bytes` random bytes (128 bits by default), base64url: ids and tokens nobody can guess. */
export function randomBase64url(bytes = 16): string {
	return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

export const textToBase64url = (text: string): string => base64url(encoder.encode(text))

/** The UTF-8 text of a base64url string; undefined when either layer is malformed. */
export function base64urlToText(value: string): string | undefined {
	const bytes = fromBase64url(value)
	if (bytes === undefined) return undefined
	try {
		return strictDecoder.decode(bytes)
	} catch {
		return undefined
	}
}
