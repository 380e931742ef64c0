// End to end, stats and webhooks: the worker under `wrangler dev` with its local EVENTS queue
// and STATS database, real clients downloading through every kind of share, and a local
// webhook receiver that checks every signature with the standardwebhooks package.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newWebhookSecret, startWebhookReceiver } from '../../scripts/webhook-receiver.ts'
import { putObject } from '../emulator/store.ts'
import { curl, deterministicBytes, sleep, useE2eStack } from './helpers.ts'

const secret = newWebhookSecret()
// The receiver fails the first try of every share.downloaded of "e2e-hook".
const receiver = await startWebhookReceiver({
	secret,
	answer: ({ type, tries }) => (type === 'share.downloaded' && tries === 1 ? 500 : 204),
})
afterAll(() => receiver.close())

const e2e = useE2eStack('stats', {
	bigObjectBytes: 64 * 1024,
	vars: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret },
})

const KEY = 'e2e/stats.bin'
const BYTES = deterministicBytes(100_000, 7)
const CURL = ['-A', 'curl/8.5.0']
const BROWSER = {
	accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
	'sec-fetch-mode': 'navigate',
	'user-agent':
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36',
}

interface Stats {
	downloads: number
	views: number
	bots: number
	files?: { path: string; downloads: number }[]
}

async function statsOf(id: string): Promise<Stats> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares/${id}/stats`, {
		headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
	})
	if (res.status !== 200) throw new Error(`stats of ${id}: ${res.status} ${await res.text()}`)
	return (await res.json()) as Stats
}

const status = async (args: string[]) =>
	(await curl(['-o', '/dev/null', '-w', '%{http_code}', ...args])).stdout.toString()

beforeAll(async () => {
	await putObject(e2e.stack.emulatorRoot, KEY, BYTES)
	await putObject(e2e.stack.emulatorRoot, 'e2e-stats/a.txt', 'first file\n', 'text/plain')
	await putObject(e2e.stack.emulatorRoot, 'e2e-stats/sub/b.txt', 'second file\n', 'text/plain')
})

// Each test has shares of its own, and the webhook tests mostly wait for the queue's retry
// delay: all three run at once.
describe.concurrent('stats and webhooks', () => {
	describe('stats through the real stack', () => {
		it('counts N mixed downloads through every kind of share exactly, within 30 s', async () => {
			const { createShare, link } = e2e.stack
			await createShare({ id: 'e2e-redirect', key: KEY })
			await createShare({ id: 'e2e-stream', key: KEY, delivery: 'stream' })
			await createShare({ id: 'e2e-page', key: KEY, page: true })
			await createShare({ type: 'folder', id: 'e2e-folder', prefix: 'e2e-stats/' })
			await createShare({ id: 'e2e-limited', key: KEY, maxDownloads: 50 })

			// Redirect: 4 downloads; a HEAD, a resume and the probe count nothing.
			for (let i = 0; i < 4; i++) expect(await status([...CURL, link('e2e-redirect')])).toBe('302')
			expect(await status([...CURL, '-I', link('e2e-redirect')])).toBe('302')
			expect(await status([...CURL, '-r', '10-', link('e2e-redirect')])).toBe('302')
			expect(await status([...CURL, '-r', '0-0', link('e2e-redirect')])).toBe('302')
			// Stream: 2 whole, 1 from byte 0; a later range counts nothing.
			for (let i = 0; i < 2; i++) expect(await status([...CURL, link('e2e-stream')])).toBe('200')
			expect(await status([...CURL, '-r', '0-999', link('e2e-stream')])).toBe('206')
			expect(await status([...CURL, '-r', '5000-', link('e2e-stream')])).toBe('206')
			// A page: 2 views, 1 bot, 1 download by curl.
			for (let i = 0; i < 2; i++)
				expect((await fetch(link('e2e-page'), { headers: BROWSER })).status).toBe(200)
			expect(await status(['-A', 'Slackbot-LinkExpanding 1.0', link('e2e-page')])).toBe('200')
			expect(await status([...CURL, link('e2e-page')])).toBe('302')
			// A folder: a listing view, 2 files and a zip.
			expect(
				(await fetch(`${link('e2e-folder')}/`, { headers: { accept: 'application/json' } })).status,
			).toBe(200)
			expect(await status([...CURL, '-L', `${link('e2e-folder')}/a.txt`])).toBe('200')
			expect(await status([...CURL, '-L', `${link('e2e-folder')}/sub/b.txt`])).toBe('200')
			expect(await status([...CURL, `${e2e.stack.workerUrl}/_/zip/e2e-folder/`])).toBe('200')
			// A limited share: 2 spends followed to COS; its ticket's resumes count nothing.
			for (let i = 0; i < 2; i++) expect(await status([...CURL, '-L', link('e2e-limited')])).toBe('200')
			const spent = await fetch(link('e2e-limited'), {
				redirect: 'manual',
				headers: { 'user-agent': 'curl/8.5.0' },
			})
			const ticket = `${e2e.stack.workerUrl}${spent.headers.get('location')}`
			for (let i = 0; i < 3; i++) expect(await status([...CURL, '-L', '-r', '100-', ticket])).toBe('206')
			const lastRequest = Date.now()

			const expected: Record<string, Partial<Stats>> = {
				'e2e-redirect': { downloads: 4, views: 0, bots: 0 },
				'e2e-stream': { downloads: 3, views: 0, bots: 0 },
				'e2e-page': { downloads: 1, views: 2, bots: 1 },
				'e2e-folder': { downloads: 3, views: 1, bots: 0 },
				'e2e-limited': { downloads: 3, views: 0, bots: 0 },
			}
			const matches = async () => {
				for (const [id, want] of Object.entries(expected)) {
					const got = await statsOf(id)
					for (const [field, value] of Object.entries(want))
						if (got[field as keyof Stats] !== value) return false
				}
				return true
			}
			while (!(await matches()) && Date.now() - lastRequest < 30_000) await sleep(250)
			const lag = Date.now() - lastRequest
			for (const [id, want] of Object.entries(expected)) expect(await statsOf(id)).toMatchObject(want)
			expect(lag).toBeLessThan(30_000)
			expect((await statsOf('e2e-folder')).files).toEqual([
				{ path: '/', downloads: 1 },
				{ path: 'a.txt', downloads: 1 },
				{ path: 'sub/b.txt', downloads: 1 },
			])
			// The limited share's downloads are its Durable Object's count, exactly.
			const view = await fetch(`${e2e.stack.workerUrl}/api/shares/e2e-limited`, {
				headers: { authorization: `Bearer ${e2e.stack.adminToken}` },
			})
			expect(((await view.json()) as { downloads: number }).downloads).toBe(3)
		})
	})

	describe('webhooks through the real stack', () => {
		it('retries a delivery the receiver failed, with the same webhook-id, signed every time', async () => {
			await e2e.stack.createShare({ id: 'e2e-hook', key: KEY })
			expect(await status([...CURL, e2e.stack.link('e2e-hook')])).toBe('302')
			const tries = () =>
				receiver.deliveries.filter(
					(delivery) => delivery.type === 'share.downloaded' && delivery.data.shareId === 'e2e-hook',
				)
			const deadline = Date.now() + 60_000
			while (tries().length < 2 && Date.now() < deadline) await sleep(250)
			const [first, second] = tries()
			expect(first?.status).toBe(500)
			expect(second?.status).toBe(204)
			expect(second?.id).toBe(first?.id)
			expect(first?.verified && second?.verified).toBe(true)
			expect(second?.data).toMatchObject({
				shareId: 'e2e-hook',
				shareType: 'file',
				key: KEY,
				download: null,
				agent: 'curl',
			})
			expect(Number(second?.timestamp)).toBeGreaterThanOrEqual(Number(first?.timestamp))
		})

		it('sends share.created, a limited share’s numbered download and share.exhausted', async () => {
			await e2e.stack.createShare({ id: 'e2e-notices', key: KEY, maxDownloads: 1 })
			expect(await status([...CURL, '-L', e2e.stack.link('e2e-notices')])).toBe('200')
			const of = (type: string) =>
				receiver.deliveries.filter(
					(delivery) => delivery.type === type && delivery.data.shareId === 'e2e-notices',
				)
			const deadline = Date.now() + 60_000
			while ((of('share.exhausted').length < 1 || of('share.downloaded').length < 2) && Date.now() < deadline)
				await sleep(250)
			expect(of('share.created')[0]?.data).toMatchObject({ shareId: 'e2e-notices', shareType: 'file' })
			expect(of('share.downloaded').at(-1)?.data).toMatchObject({ download: 1 })
			expect(of('share.exhausted')[0]?.data).toMatchObject({ shareId: 'e2e-notices' })
			expect(receiver.deliveries.every((delivery) => delivery.verified)).toBe(true)
		})
	})
})
