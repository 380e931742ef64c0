// In a real browser: someone opens an upload link, adds files, watches them go up. Headless
// Chromium in front of the local stack (worker under `wrangler dev`, the COS emulator with a
// bucket CORS rule), so the page's direct PUTs and multipart parts are checked by Tencent's
// SDK on the way in.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { deterministicBytes, readStoredObject, sha256, useE2eStack } from '../e2e/helpers.ts'
import { listKeys } from '../emulator/store.ts'
import { navigate, screenshot, useBrowser } from './browser.ts'

const e2e = useE2eStack('browser-upload', { seedShares: false, bigObjectBytes: 64 * 1024 })
const b = useBrowser()
const MiB = 1024 * 1024

async function uploadLink(id: string): Promise<string> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			type: 'upload',
			id,
			prefix: `${id}/`,
			expiresIn: 3600,
			note: 'Scans for the Q3 audit',
			upload: { maxFileSize: 200 * MiB, allowedExtensions: ['.pdf', '.bin', '.txt'] },
		}),
	})
	if (res.status !== 201) throw new Error(`creating the upload link failed: ${res.status}`)
	return `${e2e.stack.workerUrl}/${id}`
}

async function file(name: string, size: number, seed: number): Promise<{ path: string; bytes: Buffer }> {
	const bytes = deterministicBytes(size, seed)
	const path = join(e2e.work, name)
	await writeFile(path, bytes)
	return { path, bytes }
}

async function waitForDone(page: Page, count: number, timeoutMs: number): Promise<void> {
	await page.waitForFunction((n) => document.querySelectorAll('li.up[data-state=done]').length === n, count, {
		timeout: timeoutMs,
		polling: 250,
	})
}

describe('the upload page', () => {
	it('uploads two files, one above the multipart threshold: both bars complete, both listed, bytes intact', async () => {
		const url = await uploadLink('browser-drop')
		const small = await file('small report.pdf', 300 * 1024 + 5, 11)
		const big = await file('big archive.bin', 70 * MiB + 123, 12)
		const outcome = await navigate(b.page, `${url}?lang=en`)
		expect(outcome.kind).toBe('rendered')
		await b.page.locator('#drop').waitFor({ state: 'visible' })
		await b.page.locator('#file-input').setInputFiles([small.path, big.path])
		await waitForDone(b.page, 2, 150_000)

		const bars = await b.page.locator('li.up progress').evaluateAll((els) =>
			els.map((el) => {
				const bar = el as HTMLProgressElement
				return bar.value === bar.max
			}),
		)
		expect(bars).toEqual([true, true])
		// Files are listed by the names the visitor knows; the bucket key stays out of sight.
		const names = await b.page.locator('#results li').allTextContents()
		expect(names.some((name) => name.startsWith('small report.pdf · '))).toBe(true)
		expect(names.join(' ')).not.toContain('browser-drop/')
		const keys = await b.page
			.locator('#results li')
			.evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.key ?? ''))
		expect(keys).toHaveLength(2)
		const byName = new Map(keys.map((key) => [key.slice(key.lastIndexOf('-') + 1), key]))
		for (const [name, expected] of [
			['report.pdf', small.bytes],
			['archive.bin', big.bytes],
		] as const) {
			const key = [...byName].find(([suffix]) => name.endsWith(suffix) || suffix.endsWith(name))?.[1]
			expect(key).toBeDefined()
			const stored = await readStoredObject(e2e.stack.emulatorRoot, key ?? '')
			expect(sha256(stored.bytes)).toBe(sha256(expected))
		}
		// The big file went multipart, straight to the bucket.
		const direct = b.events.responses.map((response) => response.url()).filter((u) => u.includes('uploadId='))
		expect(direct.length).toBeGreaterThanOrEqual(5)
		expect(b.events.pageErrors).toEqual([])
		expect(b.events.console.filter((line) => line.startsWith('error'))).toEqual([])
		await screenshot(b.page, 'upload-done-en-light')
	}, 200_000)

	for (const lang of ['en', 'zh'] as const) {
		for (const scheme of ['light', 'dark'] as const) {
			it(`shows the rules and a finished upload (${lang}, ${scheme})`, async () => {
				const url = await uploadLink(`browser-look-${lang}-${scheme}`)
				const one = await file(`notes-${lang}-${scheme}.txt`, 4096, 20)
				await b.page.emulateMedia({ colorScheme: scheme })
				await navigate(b.page, `${url}?lang=${lang}`)
				await b.page.locator('#drop').waitFor({ state: 'visible' })
				expect(await b.page.locator('dl').textContent()).toContain(
					lang === 'zh' ? 'PDF、BIN、TXT' : 'PDF, BIN, TXT',
				)
				await b.page.locator('#file-input').setInputFiles([one.path])
				await waitForDone(b.page, 1, 30_000)
				expect(b.events.pageErrors).toEqual([])
				await screenshot(b.page, `upload-${lang}-${scheme}`)
			})
		}
	}

	it('refuses a file over the limit in the page without sending it', async () => {
		const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
			method: 'POST',
			headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				type: 'upload',
				id: 'browser-tiny',
				prefix: 'tiny/',
				expiresIn: 600,
				upload: { maxFileSize: 1000 },
			}),
		})
		expect(res.status).toBe(201)
		const big = await file('too-big.txt', 5000, 30)
		await navigate(b.page, `${e2e.stack.workerUrl}/browser-tiny?lang=en`)
		await b.page.locator('#drop').waitFor({ state: 'visible' })
		await b.page.locator('#file-input').setInputFiles([big.path])
		await b.page.locator('li.up[data-state=failed]').waitFor()
		expect(await b.page.locator('li.up .up-status').textContent()).toBe('Too large for this link')
		expect(b.events.responses.filter((response) => response.request().method() !== 'GET')).toEqual([])
	})

	it('falls back to the streamed path when the bucket refuses the browser (no CORS)', async () => {
		const url = await uploadLink('browser-nocors')
		const one = await file('fallback.txt', 50_000, 40)
		// What a bucket without a CORS rule looks like to a page: its requests fail at the network level.
		await b.page.route(`${e2e.stack.emulatorUrl}/**`, (route) => route.abort('failed'))
		await navigate(b.page, `${url}?lang=en`)
		await b.page.locator('#drop').waitFor({ state: 'visible' })
		await b.page.locator('#file-input').setInputFiles([one.path])
		await waitForDone(b.page, 1, 30_000)
		const key = (await b.page.locator('#results li').getAttribute('data-key')) ?? ''
		expect(sha256((await readStoredObject(e2e.stack.emulatorRoot, key)).bytes)).toBe(sha256(one.bytes))
		const streamedPut = b.events.responses.find(
			(response) => response.request().method() === 'PUT' && response.url().startsWith(`${url}/uploads/`),
		)
		expect(streamedPut?.status()).toBe(201)
	})

	it('cancels a multipart upload: the parts are aborted and no object is left', async () => {
		const url = await uploadLink('browser-cancel')
		const big = await file('cancel me.bin', 90 * MiB, 50)
		// Slow every part down so there is time to cancel.
		await b.page.route(`${e2e.stack.emulatorUrl}/**`, async (route) => {
			await new Promise((resolve) => setTimeout(resolve, 1500))
			await route.continue()
		})
		await navigate(b.page, `${url}?lang=en`)
		await b.page.locator('#drop').waitFor({ state: 'visible' })
		await b.page.locator('#file-input').setInputFiles([big.path])
		await b.page.waitForRequest((request) => request.url().includes('uploadId='))
		await b.page.getByRole('button', { name: 'Cancel' }).click()
		await b.page.locator('li.up[data-state=failed]').waitFor()
		expect(await b.page.locator('li.up .up-status').textContent()).toBe('Cancelled')
		await expect
			.poll(() => b.events.responses.some((response) => response.url().endsWith('/uploads/abort')))
			.toBe(true)
		const abort = b.events.responses.find((response) => response.url().endsWith('/uploads/abort'))
		expect(abort?.status()).toBe(204)
		expect(await b.page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true)
		expect(
			(await listKeys(e2e.stack.emulatorRoot)).filter((key) => key.startsWith('browser-cancel/')),
		).toEqual([])
	})
})
