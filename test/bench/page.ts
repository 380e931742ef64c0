// Benchmark: the download page of a file share (`page: true`) as a browser asks for it —
// through the whole coslink worker in workerd over real HTTP — next to a bare twin that
// serves the same page, captured from coslink once per language, with a fresh CSP nonce per
// response (twins/bare-page.js). The ratio of workerd CPU per view is printed next to its
// goal (issue 17: ≤ 2.50×). Run with `npm run bench -- page`.
import os from 'node:os'
import {
	appVars,
	createShare,
	directUrl,
	drainEvents,
	type EventsPipeline,
	HEAD_OBJECT_SIZE,
	type HeadOrigin,
	serveApp,
	startEventsPipeline,
	startHeadOrigin,
} from './app-bench.ts'
import { type RawResponse, rawGet, waitUntilOk } from './http-client.ts'
import { type LoadResult, runLoad } from './load.ts'
import { formatRate, formatRatio, markdownTable, median, roundRatios } from './measure.ts'
import { cpuSeconds, startCpuMeter } from './procfs.ts'
import { type HttpWorker, serveWorker } from './serve.ts'
import { bundleApp, bundleTwin } from './worker-bundle.ts'
import { compatibilityDate, runtimeVersions } from './workerd.ts'

export interface PageBenchOptions {
	/** Interleaved rounds; the table shows each variant's median over them. Default 4. */
	rounds?: number
	/** Seconds of load per variant per round. Default 3. */
	seconds?: number
	/** Concurrent connections. Default 10. */
	connections?: number
}

/** Issue 17: a page view at most this many times the twin's workerd CPU. */
const GOAL_RATIO = 2.5
const PAGE_ID = 'page-0000'
const OBJECT_KEY = 'docs/季度报告 2025.pdf'
const WARMUP_SECONDS = 0.5
/** What Chrome sends when it navigates to an address (Accept-Language added per request). */
const BROWSER: Record<string, string> = {
	accept:
		'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
	'user-agent':
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
	'sec-fetch-mode': 'navigate',
	'sec-fetch-dest': 'document',
	'sec-fetch-site': 'none',
	'sec-fetch-user': '?1',
	'upgrade-insecure-requests': '1',
	'accept-encoding': 'identity',
}
const LANGUAGES = {
	en: 'en-US,en;q=0.9',
	zh: 'zh-CN,zh;q=0.9,en;q=0.8',
} as const
type Lang = keyof typeof LANGUAGES
/** Headers the server computes per response or per connection: never part of the copy. */
const PER_RESPONSE = new Set(['date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'])

interface Measurement extends LoadResult {
	/** CPU the worker's workerd used per request, seconds (all its threads). */
	cpuPerRequest: number
	/** Cores' worth of CPU other processes on the machine used meanwhile. */
	foreignCores: number
}

interface Variant {
	name: string
	worker: HttpWorker
	/** Held to the goal against the twin. */
	goal: boolean
	results: Measurement[]
}

/** A page as the twin serves it: body and policy split around the nonce, the other headers. */
interface CapturedPage {
	body: string[]
	csp: string[]
	headers: [string, string][]
}

function header(response: RawResponse, name: string): string {
	return response.headers.find(([key]) => key === name)?.[1] ?? ''
}

function nonceOf(response: RawResponse, what: string): string {
	const nonce = /'nonce-([^']+)'/.exec(header(response, 'content-security-policy'))?.[1]
	if (!nonce) throw new Error(`${what} has no CSP nonce`)
	return nonce
}

/** The real download page in `lang`: 200, HTML in that language naming the file, its size and QR code. */
function checkPage(response: RawResponse, lang: Lang, what: string): void {
	const body = response.body.toString('utf8')
	// formatSize of the origin's Content-Length.
	const size = `${(HEAD_OBJECT_SIZE / 1024 / 1024).toFixed(1)} MB`
	const tag = lang === 'zh' ? '<html lang="zh-CN">' : '<html lang="en">'
	if (
		response.status !== 200 ||
		!body.includes(tag) ||
		!body.includes('季度报告 2025.pdf') ||
		!body.includes(size) ||
		!body.includes('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')
	)
		throw new Error(`${what} answered ${response.status} without the ${lang} download page`)
}

function capture(response: RawResponse, what: string): CapturedPage {
	const nonce = nonceOf(response, what)
	const body = response.body.toString('utf8').split(nonce)
	// The stylesheet's and the script's nonce attributes, nowhere else.
	if (body.length !== 3) throw new Error(`${what}: the nonce appears ${body.length - 1} times in the body`)
	return {
		body,
		csp: header(response, 'content-security-policy').split(nonce),
		headers: response.headers.filter(
			([name]) => !PER_RESPONSE.has(name) && name !== 'content-security-policy',
		),
	}
}

/** The twin answers what coslink answered: the same headers, the same bytes, a new nonce. */
function checkTwin(response: RawResponse, page: CapturedPage, what: string): void {
	const nonce = nonceOf(response, what)
	const got = JSON.stringify(response.headers.filter(([name]) => !PER_RESPONSE.has(name)).sort())
	const want = JSON.stringify(
		[...page.headers, ['content-security-policy', page.csp.join(nonce)] as [string, string]].sort(),
	)
	if (response.status !== 200 || got !== want)
		throw new Error(`${what} does not answer coslink's headers:\n  got  ${got}\n  want ${want}`)
	if (response.body.toString('utf8') !== page.body.join(nonce))
		throw new Error(`${what} does not answer coslink's page`)
	if (page.body.join('').includes(nonce)) throw new Error(`${what} reused coslink's nonce`)
}

function formatMs(ms: number): string {
	return Number.isFinite(ms) ? ms.toFixed(ms >= 10 ? 1 : 2) : 'n/a'
}

export async function run(options: PageBenchOptions = {}): Promise<void> {
	const rounds = options.rounds ?? 4
	const seconds = options.seconds ?? 3
	const connections = options.connections ?? 10
	const began = performance.now()

	const [appScript, twinScript] = await Promise.all([bundleApp(), bundleTwin('bare-page')])
	const workers: HttpWorker[] = []
	let origin: HeadOrigin | undefined
	let pipeline: EventsPipeline | undefined
	try {
		origin = await startHeadOrigin()
		const settings = { SIGN_TTL: '300', DEFAULT_DELIVERY: 'redirect' }
		// The page alone: no EVENTS binding, so the page view is recorded nowhere.
		const quiet = await serveApp(origin.url, settings)
		workers.push(quiet)
		// As deployed: stats and webhooks on (app-bench.ts startEventsPipeline).
		pipeline = await startEventsPipeline(appScript, { ...appVars(origin.url), ...settings })
		const app = await serveApp(origin.url, settings, { ...pipeline.producer })
		workers.push(app)
		await waitUntilOk(new URL('/_/health', app.url))
		await waitUntilOk(new URL('/_/health', quiet.url))
		const share = { id: PAGE_ID, key: OBJECT_KEY, delivery: 'redirect', page: true, note: 'Q3 figures' }
		for (const worker of [quiet, app]) await createShare(worker, { ...share, expiresIn: 86400 })

		const pages = {} as Record<Lang, CapturedPage>
		const sizes = {} as Record<Lang, number>
		for (const lang of Object.keys(LANGUAGES) as Lang[]) {
			const headers = { ...BROWSER, 'accept-language': LANGUAGES[lang] }
			const url = new URL(`/${PAGE_ID}`, directUrl(quiet))
			const first = await rawGet(url, headers)
			checkPage(first, lang, `coslink GET /${PAGE_ID} (${lang})`)
			const second = await rawGet(url, headers)
			if (nonceOf(first, 'coslink') === nonceOf(second, 'coslink'))
				throw new Error('coslink answered two views with one nonce')
			checkPage(await rawGet(new URL(`/${PAGE_ID}`, directUrl(app)), headers), lang, 'coslink, stats on')
			pages[lang] = capture(first, `coslink's ${lang} page`)
			sizes[lang] = first.body.length
		}
		const twin = await serveWorker({
			name: 'bare-page',
			script: twinScript,
			vars: { PAGES: JSON.stringify(pages) },
			directSocket: true,
		})
		workers.push(twin)
		for (const lang of Object.keys(LANGUAGES) as Lang[])
			checkTwin(
				await rawGet(new URL(`/${PAGE_ID}`, directUrl(twin)), {
					...BROWSER,
					'accept-language': LANGUAGES[lang],
				}),
				pages[lang],
				`the twin (${lang})`,
			)

		const TWIN = 'bare worker twin (the captured page, fresh nonce)'
		const variants: Variant[] = [
			{ name: TWIN, worker: twin, goal: false, results: [] },
			{
				name: 'coslink, download page, stats off (no EVENTS binding)',
				worker: quiet,
				goal: true,
				results: [],
			},
			{ name: 'coslink, download page, stats + webhooks on', worker: app, goal: true, results: [] },
		]
		// One counter for every connection: en and zh alternate request by request.
		let next = 0
		const nextHeaders = () => ({ 'accept-language': next++ % 2 === 0 ? LANGUAGES.en : LANGUAGES.zh })
		const load = async (variant: Variant, duration: number): Promise<Measurement> => {
			const cpuBefore = cpuSeconds(variant.worker.pid)
			const meter = startCpuMeter()
			const result = await runLoad({
				url: directUrl(variant.worker),
				nextPath: () => `/${PAGE_ID}`,
				connections,
				duration,
				expectStatus: 200,
				headers: BROWSER,
				nextHeaders,
			})
			const { foreignCores } = meter.stop()
			const cpu = cpuSeconds(variant.worker.pid) - cpuBefore
			return { ...result, cpuPerRequest: cpu / result.requests, foreignCores }
		}

		for (const variant of variants) await load(variant, WARMUP_SECONDS)
		for (let round = 0; round < rounds; round++) {
			for (let i = 0; i < variants.length; i++) {
				const variant = variants[(round + i) % variants.length]
				if (variant) variant.results.push(await load(variant, seconds))
			}
		}
		const drained = await drainEvents(pipeline)

		const medianOf = (variant: Variant | undefined, field: 'rate' | 'cpuPerRequest' | 'p50' | 'p99') =>
			median(variant?.results.map((result) => result[field]) ?? [])
		const baseline = variants[0]
		const rows = variants.map((variant) => {
			const cpu = medianOf(variant, 'cpuPerRequest')
			return [
				variant.name,
				formatRate(medianOf(variant, 'rate')),
				formatMs(medianOf(variant, 'p50')),
				formatMs(medianOf(variant, 'p99')),
				formatRatio(medianOf(variant, 'rate') / medianOf(baseline, 'rate')),
				`${(cpu * 1e6).toFixed(0)} µs`,
				formatRatio(cpu / medianOf(baseline, 'cpuPerRequest')),
			]
		})
		const goals = variants
			.filter((variant) => variant.goal)
			.map((variant) => {
				const ratio = medianOf(variant, 'cpuPerRequest') / medianOf(baseline, 'cpuPerRequest')
				return (
					`- ${variant.name}: ${formatRatio(ratio)} the twin's workerd CPU per view ` +
					`(goal ≤ ${GOAL_RATIO.toFixed(2)}×: ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'})`
				)
			})
		const perRound = variants
			.map((variant) => {
				const { perRound: ratios } = roundRatios(
					variant.results.map((result) => result.cpuPerRequest),
					baseline?.results.map((result) => result.cpuPerRequest) ?? [],
				)
				return `  ${variant.name}: ${ratios.map(formatRatio).join(', ')}`
			})
			.join('\n')
		const foreign = variants.flatMap((variant) => variant.results.map((result) => result.foreignCores))
		const versions = runtimeVersions()
		const cpus = os.cpus()
		console.log(
			[
				`GET /${PAGE_ID} as Chrome navigates to it (Accept: text/html…, a Chrome User-Agent, ` +
					'Sec-Fetch-Mode: navigate; Accept-Language en-US and zh-CN alternating request by request) on a ' +
					'`page: true` file share (a PDF, a note, expiring in a day): the download page rendered per view ' +
					`(${sizes.en.toLocaleString('en-US')} bytes in English, ${sizes.zh.toLocaleString('en-US')} in ` +
					'Chinese: stylesheet, script, QR code, link card, a fresh CSP nonce), the object HEAD remembered ' +
					'(one HEAD to a local origin every 5 s). Each worker in its own workerd, on its own socket ' +
					'(Miniflare unsafeDirectSockets).',
				'Twin: a plain module worker answering each view with the page coslink rendered, captured once ' +
					'per language — the same bytes and headers — choosing the language by Accept-Language, with a ' +
					'fresh nonce per response (16 random bytes, base64) joined into the body and the ' +
					'Content-Security-Policy: what any worker serving this page must at least do.',
				`Node ${versions.node}; workerd ${versions.workerd} (Miniflare ${versions.miniflare}, ` +
					`compatibility_date ${compatibilityDate()}); autocannon in this process.`,
				`${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()} ${os.arch()}: ` +
					'client and server share the cores.',
				`${connections} connections; ${rounds} interleaved rounds of ${seconds} s per variant after a ` +
					`${WARMUP_SECONDS} s warm-up; req/s, p50, p99 and CPU are medians over rounds (latency per ` +
					'response, full resolution). Every response was checked to be a 200.',
				'',
				markdownTable(
					[
						'variant',
						'req/s (median)',
						'p50 ms',
						'p99 ms',
						'vs twin',
						'workerd CPU/view',
						'CPU/view vs twin',
					],
					rows,
					['left', 'right', 'right', 'right', 'right', 'right', 'right'],
				),
				'',
				'Goal (workerd CPU per view, medians of the same run):',
				...goals,
				'',
				`CPU/view vs twin per round:\n${perRound}`,
				'',
				`Stats on: the consumer (its own workerd) counted ${drained.downloads.toLocaleString('en-US')} ` +
					`downloads (page views are no downloads: expect ~0) and its receiver got ` +
					`${drained.webhooks.toLocaleString('en-US')} webhooks; caught up ${drained.seconds.toFixed(1)} s ` +
					'after the last round.',
				'',
				'workerd CPU/view: CPU time of the worker’s whole workerd process divided by responses; unlike ' +
					'req/s it does not move when other processes take the cores. Other processes used ' +
					`${median(foreign).toFixed(2)} cores (median; max ${Math.max(...foreign).toFixed(2)}) during ` +
					'the timed loads.',
				'',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	} finally {
		await Promise.all(workers.map((worker) => worker.dispose()))
		await pipeline?.stop()
		await origin?.stop()
	}
}
