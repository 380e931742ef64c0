// End to end, lifecycle and integrity: expiry, deletion, how strictly the emulator guards
// the URLs the worker signs, and an object replaced between two ranges. The real stack
// (emulator + `wrangler dev`), real clients (fetch, curl), one stack for the whole file.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_BUCKET, LOCAL_REGION } from '../../scripts/stack.ts'
import { startEmulator } from '../emulator/server.ts'
import { putObject } from '../emulator/store.ts'
import {
	bodyOf,
	cosError,
	curl,
	deterministicBytes,
	getWithHost,
	sha256,
	signedWindow,
	sleepUntil,
	tamperSignature,
	useE2eStack,
} from './helpers.ts'

const e2e = useE2eStack('lifecycle')

interface ErrorJson {
	error: { code: string; message: string }
}

describe('expiry', () => {
	it('works until it expires, then answers 410 share_expired (JSON and HTML); its last signed URL dies with it', async () => {
		const redirect = await e2e.stack.createShare({ key: 'docs/report.pdf', id: 'e2e-expiring', expiresIn: 3 })
		const stream = await e2e.stack.createShare({
			key: 'docs/report.pdf',
			id: 'e2e-expiring-stream',
			delivery: 'stream',
			expiresAt: new Date(Date.now() + 3000).toISOString(),
		})
		const expiresAt = Math.max(Date.parse(redirect.expiresAt ?? ''), Date.parse(stream.expiresAt ?? ''))
		expect(expiresAt).toBeGreaterThan(Date.now())

		const hop = await fetch(redirect.url, { redirect: 'manual' })
		expect(hop.status).toBe(302)
		const location = hop.headers.get('location') ?? ''
		// The signature is clamped to the share's expiry, not SIGN_TTL (300 s) from now: COS
		// accepts its whole end second, so it ends the second before the expiry's.
		const [, signedUntil] = signedWindow(location)
		expect(signedUntil).toBe(Math.floor(Date.parse(redirect.expiresAt ?? '') / 1000) - 1)
		const live = await fetch(stream.url)
		expect(live.status).toBe(200)
		await bodyOf(live)

		// Past the share's expiry and past the last second COS would accept the URL in.
		await sleepUntil(Math.max(expiresAt, (signedUntil + 1) * 1000) + 250)

		for (const url of [redirect.url, stream.url]) {
			const json = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual' })
			expect(json.status).toBe(410)
			expect(json.headers.get('content-type')).toMatch(/^application\/json/)
			expect(((await json.json()) as ErrorJson).error.code).toBe('share_expired')

			const html = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'manual' })
			expect(html.status).toBe(410)
			expect(html.headers.get('content-type')).toMatch(/^text\/html/)
			const page = await html.text()
			expect(page).toMatch(/<html/i)
			expect(page).toContain('This link has expired')
		}

		const stale = await fetch(location)
		expect(stale.status).toBe(403)
		expect(await cosError(stale)).toMatchObject({ Code: 'AccessDenied', Message: 'Request has expired' })
	})
})

describe('deletion', () => {
	it.each(['redirect', 'stream'] as const)('a deleted %s share answers 404 afterwards', async (delivery) => {
		const share = await e2e.stack.createShare({
			key: 'docs/report.pdf',
			id: `e2e-deleted-${delivery}`,
			delivery,
		})
		const before = await fetch(share.url, { redirect: 'manual' })
		expect(before.status).toBe(delivery === 'redirect' ? 302 : 200)
		await bodyOf(before)

		expect(await e2e.stack.deleteShare(share.id)).toBe(204)
		const after = await fetch(share.url, { headers: { accept: 'application/json' }, redirect: 'manual' })
		expect(after.status).toBe(404)
		expect(((await after.json()) as ErrorJson).error.code).toBe('share_not_found')
		expect(await e2e.stack.deleteShare(share.id)).toBe(404)
	})
})

describe('the emulator is strict about the URLs the worker signs', () => {
	let location: string

	beforeAll(async () => {
		await e2e.stack.createShare({ key: 'docs/report.pdf', id: 'e2e-strict', delivery: 'redirect' })
		const hop = await fetch(e2e.stack.link('e2e-strict'), { redirect: 'manual' })
		location = hop.headers.get('location') ?? ''
		expect(location.startsWith(`${e2e.stack.emulatorUrl}/`)).toBe(true)
	})

	it('serves the Location as the worker signed it', async () => {
		const res = await fetch(location)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('application/pdf')
		await bodyOf(res)
	})

	it('refuses it with one q-signature digit changed: 403 SignatureDoesNotMatch', async () => {
		const tampered = tamperSignature(location)
		expect(tampered).not.toBe(location)
		const res = await fetch(tampered)
		expect(res.status).toBe(403)
		expect(res.headers.get('content-type')).toBe('application/xml')
		expect((await cosError(res)).Code).toBe('SignatureDoesNotMatch')
	})

	it('refuses it with a response-* override appended that the URL never signed: 403', async () => {
		const res = await fetch(`${location}&response-cache-control=no-cache`)
		expect(res.status).toBe(403)
		expect(await cosError(res)).toMatchObject({ Code: 'AccessDenied' })
	})

	it('refuses it with an unsigned second response-content-type=text/html appended: 403', async () => {
		// response-content-type is already in q-url-param-list (signed as application/pdf); the
		// appended text/html value is covered by no signature.
		const res = await fetch(`${location}&response-content-type=text/html`)
		await bodyOf(res)
		// Whoever appended it must never get to choose the type…
		expect(res.headers.get('content-type')).not.toMatch(/^text\/html/)
		// …and a strict origin refuses the request outright.
		expect(res.status).toBe(403)
	})

	it('accepts it in every second of its window (signTtl: 1), on a clock the test sets', async () => {
		const { location: short, start, end } = await shortLivedLocation('e2e-short-ttl-window')
		// The same emulator code on the same objects, with a clock the test sets: how fast this
		// machine answers cannot decide the outcome. Asked with the Host the URL was signed for.
		let clock = 0
		const twin = await startEmulator({
			root: e2e.stack.emulatorRoot,
			bucket: LOCAL_BUCKET,
			region: LOCAL_REGION,
			secretId: e2e.stack.secretId,
			secretKey: e2e.stack.secretKey,
			now: () => clock,
			record: false,
		})
		try {
			const host = new URL(short).host
			const twinUrl = `${twin.url}${short.slice(new URL(short).origin.length)}`
			for (const at of [start * 1000, end * 1000 + 999]) {
				clock = at
				expect((await getWithHost(twinUrl, host)).status).toBe(200)
			}
			clock = (end + 1) * 1000
			const late = await getWithHost(twinUrl, host)
			expect(late.status).toBe(403)
			expect(late.body).toContain('Request has expired')
		} finally {
			await twin.close()
		}
	})

	it('refuses it once its signature window has passed (signTtl: 1): 403 AccessDenied "Request has expired"', async () => {
		const { location: short, end } = await shortLivedLocation('e2e-short-ttl')
		// COS checks whole seconds: the URL is good through second `end`.
		await sleepUntil((end + 1) * 1000 + 250)
		const res = await fetch(short)
		expect(res.status).toBe(403)
		expect(await cosError(res)).toMatchObject({ Code: 'AccessDenied', Message: 'Request has expired' })
	})
})

/** A share with signTtl: 1, and the Location of one redirect with its signed window. */
async function shortLivedLocation(id: string): Promise<{ location: string; start: number; end: number }> {
	await e2e.stack.createShare({ key: 'docs/report.pdf', id, delivery: 'redirect', signTtl: 1 })
	const hop = await fetch(e2e.stack.link(id), { redirect: 'manual' })
	const location = hop.headers.get('location') ?? ''
	const [start, end] = signedWindow(location)
	return { location, start, end }
}

describe('an object replaced between two ranges', () => {
	const SIZE = 2 * 1024 * 1024
	const OLD = deterministicBytes(SIZE, 1)
	const NEW = deterministicBytes(SIZE, 2)
	/** What the client already holds of the old version. */
	const HAVE = 1_000_000

	/** A stream share of a fresh key holding OLD; returns its link and OLD's ETag. */
	async function oldVersionShared(name: string): Promise<{ key: string; link: string; oldEtag: string }> {
		const key = `e2e/replaced-${name}.bin`
		const meta = await putObject(e2e.stack.emulatorRoot, key, OLD)
		await e2e.stack.createShare({ key, id: `e2e-replaced-${name}`, delivery: 'stream' })
		return { key, link: e2e.stack.link(`e2e-replaced-${name}`), oldEtag: meta.etag }
	}

	it('If-Range with the old ETag gets 200 and the whole new object, never a 206 splice', async () => {
		const { key, link, oldEtag } = await oldVersionShared('if-range')
		const head = await fetch(link, { headers: { range: 'bytes=0-999' } })
		expect(head.status).toBe(206)
		expect(head.headers.get('etag')).toBe(oldEtag)
		expect((await bodyOf(head)).equals(OLD.subarray(0, 1000))).toBe(true)

		const replaced = await putObject(e2e.stack.emulatorRoot, key, NEW)
		expect(replaced.etag).not.toBe(oldEtag)

		const rest = await fetch(link, { headers: { range: 'bytes=1000-', 'if-range': oldEtag } })
		expect(rest.status).toBe(200)
		expect(rest.headers.get('content-range')).toBeNull()
		expect(rest.headers.get('content-length')).toBe(String(SIZE))
		expect(rest.headers.get('etag')).toBe(replaced.etag)
		expect(sha256(await bodyOf(rest))).toBe(sha256(NEW))

		// With the current ETag the range is still honoured.
		const current = await fetch(link, { headers: { range: 'bytes=1000-', 'if-range': replaced.etag } })
		expect(current.status).toBe(206)
		expect(current.headers.get('content-range')).toBe(`bytes 1000-${SIZE - 1}/${SIZE}`)
		expect((await bodyOf(current)).equals(NEW.subarray(1000))).toBe(true)
	})

	it('plain `curl -C -` splices old and new: it resumes with Range but no If-Range', async () => {
		// What curl does, asserted as it is: `-C -` sends "Range: bytes=<size of file>-" and no
		// validator at all, so neither the worker nor COS can know the bytes on disk belong
		// to an older version. A 206 of the new version is the correct answer to that request,
		// and the file ends up old-prefix + new-suffix with curl reporting success. The
		// worker's protection is If-Range (the test above, and the one below with curl).
		const { key, link } = await oldVersionShared('plain-curl')
		const file = join(e2e.work, 'plain-curl.bin')
		await writeFile(file, OLD.subarray(0, HAVE))
		await putObject(e2e.stack.emulatorRoot, key, NEW)

		const run = await curl(['--continue-at', '-', '--output', file, '--write-out', '%{http_code}', link])
		expect(run.code).toBe(0)
		expect(run.stdout.toString()).toBe('206')
		const result = await readFile(file)
		expect(sha256(result)).toBe(sha256(Buffer.concat([OLD.subarray(0, HAVE), NEW.subarray(HAVE)])))
		expect(sha256(result)).not.toBe(sha256(NEW))
	})

	it('`curl -C -` with the old ETag as If-Range never splices: the new object comes whole and curl refuses it', async () => {
		const { key, link, oldEtag } = await oldVersionShared('curl-if-range')
		const file = join(e2e.work, 'curl-if-range.bin')
		const partial = OLD.subarray(0, HAVE)
		await writeFile(file, partial)
		await putObject(e2e.stack.emulatorRoot, key, NEW)

		const run = await curl([
			'--continue-at',
			'-',
			'--header',
			`If-Range: ${oldEtag}`,
			'--output',
			file,
			'--write-out',
			'%{http_code}',
			link,
		])
		// The worker answers 200 with the whole new object. curl, having asked to resume,
		// will not append a full body: it stops with exit 33 (CURLE_RANGE_ERROR, "server does
		// not seem to support byte ranges") and leaves the partial file as it was.
		expect(run.stdout.toString()).toBe('200')
		const result = await readFile(file)
		const spliced = Buffer.concat([partial, NEW.subarray(HAVE)])
		expect(result.equals(spliced)).toBe(false)
		if (run.code === 0) expect(sha256(result)).toBe(sha256(NEW))
		else {
			expect(run.code).toBe(33)
			expect(result.equals(partial)).toBe(true)
		}
	})
})
