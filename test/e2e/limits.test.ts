// End to end, protected and limited links: the worker under `wrangler dev` with its Durable
// Object, in front of the COS emulator, driven by curl and Node's fetch.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { putObject } from '../emulator/store.ts'
import { curl, deterministicBytes, sha256, useE2eStack } from './helpers.ts'

const e2e = useE2eStack('limits')
const KEY = 'e2e/limited.bin'
const BYTES = deterministicBytes(50_000, 11)

async function create(body: Record<string, unknown>): Promise<void> {
	const res = await fetch(`${e2e.stack.workerUrl}/api/shares`, {
		method: 'POST',
		headers: { authorization: `Bearer ${e2e.stack.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ key: KEY, ...body }),
	})
	if (res.status !== 201) throw new Error(`creating a share failed: ${res.status} ${await res.text()}`)
	await res.body?.cancel()
}

beforeAll(async () => {
	await putObject(e2e.stack.emulatorRoot, KEY, BYTES, 'application/octet-stream')
})

describe('a one-time link', () => {
	it('downloads once with curl following the ticket, then answers 410', async () => {
		await create({ id: 'e2e-once', maxDownloads: 1 })
		const file = join(e2e.work, 'once.bin')
		const first = await curl(['-L', '--fail', '-o', file, e2e.stack.link('e2e-once')])
		expect(first.code).toBe(0)
		expect(sha256(await readFile(file))).toBe(sha256(BYTES))
		const second = await curl(['-o', '/dev/null', '-w', '%{http_code}', e2e.stack.link('e2e-once')])
		expect(second.stdout.toString()).toBe('410')
	})

	it('survives five Slackbot requests and is still downloadable afterwards', async () => {
		await create({ id: 'e2e-slack', maxDownloads: 1 })
		for (let i = 0; i < 5; i++) {
			const card = await curl([
				'-A',
				'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
				'-o',
				'/dev/null',
				'-w',
				'%{http_code}',
				e2e.stack.link('e2e-slack'),
			])
			expect(card.stdout.toString()).toBe('200')
		}
		const download = await curl([
			'-L',
			'--fail',
			'-o',
			'/dev/null',
			'-w',
			'%{http_code}',
			e2e.stack.link('e2e-slack'),
		])
		expect(download.stdout.toString()).toBe('200')
	})

	it('grants exactly 7 tickets to 50 concurrent curl requests against maxDownloads 7', async () => {
		await create({ id: 'e2e-seven', maxDownloads: 7 })
		const runs = await Promise.all(
			Array.from({ length: 50 }, () =>
				curl(['-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', e2e.stack.link('e2e-seven')]),
			),
		)
		const answers = runs.map((run) => run.stdout.toString())
		const tickets = answers.filter((answer) => /^302 .*\/_\/t\//.test(answer))
		expect(tickets).toHaveLength(7)
		expect(answers.filter((answer) => answer.startsWith('410'))).toHaveLength(43)
	})
})

describe('a protected share', () => {
	it('unlocks by JSON and downloads with the token', async () => {
		await create({ id: 'e2e-protected', password: 'open sesame' })
		const locked = await fetch(e2e.stack.link('e2e-protected'), { redirect: 'manual' })
		expect(locked.status).toBe(401)
		await locked.body?.cancel()
		const unlock = await fetch(`${e2e.stack.workerUrl}/_/unlock/e2e-protected`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ password: 'open sesame' }),
		})
		expect(unlock.status).toBe(200)
		const { token } = (await unlock.json()) as { token: string }
		const download = await curl([
			'-L',
			'--fail',
			'-H',
			`Authorization: Bearer ${token}`,
			'-o',
			'-',
			e2e.stack.link('e2e-protected'),
		])
		expect(download.code).toBe(0)
		expect(sha256(download.stdout)).toBe(sha256(BYTES))
	})
})
