// Bare twin of the page benchmark: a plain module worker answering every request with the
// download page coslink rendered for the benchmark's share, byte for byte, in the language
// the request asks for (Accept-Language starting with "zh": the Chinese page, else the
// English one), with a fresh CSP nonce per response — the least any worker serving such a
// page must do. PAGES is a text binding set by page.ts: per language, the captured body and
// Content-Security-Policy split around the nonce coslink put in them, and the response's
// other headers as [name, value] pairs. Per response: 16 random bytes, base64 (as
// coslink's newNonce), the body and the policy joined around it, a headers object, a
// Response from a string.
let pages

function newNonce() {
	const bytes = crypto.getRandomValues(new Uint8Array(16))
	return btoa(String.fromCharCode(...bytes))
}

export default {
	fetch(request, env) {
		pages ??= JSON.parse(env.PAGES, (key, value) => (key === 'headers' ? Object.fromEntries(value) : value))
		const page = (request.headers.get('accept-language') ?? '').startsWith('zh') ? pages.zh : pages.en
		const nonce = newNonce()
		return new Response(page.body.join(nonce), {
			headers: { ...page.headers, 'content-security-policy': page.csp.join(nonce) },
		})
	},
}
