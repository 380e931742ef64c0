// The Content-Security-Policy of every page: nothing from anywhere but our own origin, and
// inline style and script only with this response's nonce.

/** 128 random bits, base64: a fresh one for every page response. */
export function newNonce(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16))
	return btoa(String.fromCharCode(...bytes))
}

/**
 * Previews load from our own origin (`'self'`): images, media and the PDF/text `<object>`
 * (which /:id/preview lets our own pages frame).
 * The QR code is inline SVG, so no image request at all.
 */
export function pageCsp(nonce: string, options: { connectSrc?: readonly string[] } = {}): string {
	// connect-src only for pages whose script talks to someone (the upload page: our own
	// routes and the bucket's origin for direct PUTs); every other page keeps 'none'.
	const connect = options.connectSrc?.length ? [`connect-src ${options.connectSrc.join(' ')}`] : []
	return [
		"default-src 'none'",
		...connect,
		`script-src 'nonce-${nonce}'`,
		`style-src 'nonce-${nonce}'`,
		"img-src 'self' data:",
		"media-src 'self'",
		"object-src 'self'",
		// Chromium loads a PDF or text <object> as a nested document, governed by frame-src.
		"frame-src 'self'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	].join('; ')
}

/**
 * The admin console's shell (pages/console-shell.tsx): its script and stylesheet are files of
 * our own origin (no inline code at all, so no nonce); it talks to our API and, for uploads,
 * to the bucket's origin; its previews may be blob: or data: images.
 */
export function consoleCsp(bucketOrigin: string): string {
	return [
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: blob:",
		`connect-src 'self' ${bucketOrigin}`,
		"form-action 'self'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
	].join('; ')
}
