// Benchmark: a folder of 3 × 64 MiB downloaded as one streamed zip through coslink, next to
// the same 192 MiB streamed as one file, with the CPU and peak RSS of the workerd serving
// them. A zip hands every byte to the isolate (for its CRC-32), so its CPU per MiB is what
// sizes the worker's CPU limit and ZIP_MAX_BYTES; its memory must not grow with the folder
// (a 1 × 64 MiB folder is measured too). Prints each zip's throughput against the plain
// stream of the same run next to the goal (issue 17: ≥ 0.50×). Run with `npm run bench -- zip`.
import os from 'node:os'
import { putObject } from '../emulator/store.ts'
import { createShare, directUrl, download, withEmulatorApp } from './app-bench.ts'
import { markdownTable, median } from './measure.ts'
import { MIB, objectChunks, objectKey } from './object-bytes.ts'
import { watchProcess } from './procfs.ts'
import type { HttpWorker } from './serve.ts'
import { compatibilityDate, runtimeVersions } from './workerd.ts'

const PART = 64 * MIB
const ONE_FILE = 3 * PART
/** A zip's throughput against a plain stream of the same bytes, measured in the same run. */
const GOAL_RATIO = 0.5
const GIB = 1024 * MIB

interface Sample {
	mbps: number
	cpuMsPerMib: number
	peakRss: number
	idleRss: number
}

async function measure(worker: HttpWorker, url: URL, payload: number): Promise<Sample> {
	const watch = watchProcess(worker.pid)
	const { bytes, seconds, headers } = await download(url)
	const { cpu, idleRss, peakRss } = watch.stop()
	const length = headers['content-length']
	if (length !== String(bytes)) throw new Error(`${url.pathname}: ${bytes} bytes, Content-Length ${length}`)
	return { mbps: bytes / seconds / 1e6, cpuMsPerMib: (cpu * 1000) / (payload / MIB), peakRss, idleRss }
}

const STREAM = 'stream of one 192 MiB file'

export async function run(rounds = 3): Promise<void> {
	const began = performance.now()
	await withEmulatorApp('zip', [ONE_FILE], async ({ app, root }) => {
		// The same incompressible bytes, cut into a folder of three (and a folder of one).
		for (const name of ['a', 'b', 'c'])
			await putObject(root, `zipbench/three/part-${name}.bin`, objectChunks(PART), 'application/octet-stream')
		await putObject(root, 'zipbench/one/part-a.bin', objectChunks(PART), 'application/octet-stream')
		await createShare(app, { id: 'zip-three', type: 'folder', prefix: 'zipbench/three/' })
		await createShare(app, { id: 'zip-one', type: 'folder', prefix: 'zipbench/one/' })
		await createShare(app, { id: 'one-file', key: objectKey(ONE_FILE), delivery: 'stream' })
		const base = directUrl(app)
		const paths = [
			{ name: 'zip of 3 × 64 MiB folder', url: new URL('/_/zip/zip-three/', base), payload: 3 * PART },
			{ name: 'zip of 1 × 64 MiB folder', url: new URL('/_/zip/zip-one/', base), payload: PART },
			{ name: STREAM, url: new URL('/one-file', base), payload: ONE_FILE },
		]
		for (const path of paths) await download(path.url)
		// One sample per path per round; a zip's ratio is taken within its round, so drift on a
		// busy machine (the same load on both) cancels out.
		const samples = new Map<string, Sample[]>(paths.map((path) => [path.name, []]))
		for (let round = 0; round < rounds; round++) {
			for (let i = 0; i < paths.length; i++) {
				const path = paths[(round + i) % paths.length]
				if (path) samples.get(path.name)?.push(await measure(app, path.url, path.payload))
			}
		}
		const streamed = samples.get(STREAM) ?? []
		const ratio = (list: readonly Sample[]) =>
			median(list.map((sample, round) => sample.mbps / (streamed[round]?.mbps ?? Number.NaN)))
		const cpu = (list: readonly Sample[]) => median(list.map((s) => s.cpuMsPerMib))
		const rows = paths.map((path) => {
			const list = samples.get(path.name) ?? []
			return [
				path.name,
				median(list.map((s) => s.mbps)).toFixed(0),
				`${ratio(list).toFixed(2)}×`,
				cpu(list).toFixed(1),
				`${(Math.max(...list.map((s) => s.peakRss)) / MIB).toFixed(1)} MiB (idle ${(median(list.map((s) => s.idleRss)) / MIB).toFixed(1)})`,
			]
		})
		const zips = paths.filter((path) => path.name !== STREAM)
		const goals = zips.map((path) => {
			const value = ratio(samples.get(path.name) ?? [])
			return `- ${path.name}: ${value.toFixed(2)}× a plain stream of the same bytes (goal ≥ ${GOAL_RATIO.toFixed(2)}×: ${value >= GOAL_RATIO ? 'met' : 'NOT met'})`
		})
		const zipCpu = Math.max(...zips.map((path) => cpu(samples.get(path.name) ?? [])))
		const versions = runtimeVersions()
		console.log(
			[
				'A folder downloaded as a store-mode zip (src/http/zip.ts: native CRC-32, exact Content-Length) through ' +
					'coslink, from the project’s COS emulator (signatures checked), against the same bytes streamed as one file.',
				`Node ${versions.node}; workerd ${versions.workerd} (compatibility_date ${compatibilityDate()}); ` +
					`${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}. ${rounds} interleaved rounds after a warm-up.`,
				'',
				markdownTable(
					[
						'path',
						'MB/s (median)',
						'vs one file (same round)',
						'workerd CPU ms/MiB (median)',
						'workerd peak RSS',
					],
					rows,
					['left', 'right', 'right', 'right', 'right'],
				),
				'',
				...goals,
				`- CPU: ${zipCpu.toFixed(1)} ms of workerd CPU per MiB zipped (stream: ${cpu(streamed).toFixed(1)}), so ` +
					`1 GiB ≈ ${((zipCpu * GIB) / MIB / 1000).toFixed(1)} s and 4 GiB ≈ ${((4 * zipCpu * GIB) / MIB / 1000).toFixed(1)} s of CPU.`,
				'',
				'CPU ms/MiB: CPU time of the whole workerd process per MiB of payload (the files’ bytes).',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	})
}
