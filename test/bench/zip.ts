// Benchmark: a folder of 3 × 64 MiB downloaded as one streamed zip through coslink, next to
// the same 192 MiB streamed as one file, with the CPU and peak RSS of the workerd serving
// them. A zip passes every byte through JavaScript (CRC-32), so its CPU per MiB is what
// sizes the worker's CPU limit and ZIP_MAX_BYTES; its memory must not grow with the folder
// (a 1 × 64 MiB folder is measured too). Run with `npm run bench -- zip`.
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
			{ name: 'stream of one 192 MiB file', url: new URL('/one-file', base), payload: ONE_FILE },
		]
		for (const path of paths) await download(path.url)
		const samples = new Map<string, Sample[]>()
		for (let round = 0; round < rounds; round++) {
			for (let i = 0; i < paths.length; i++) {
				const path = paths[(round + i) % paths.length]
				if (!path) continue
				const list = samples.get(path.name) ?? []
				list.push(await measure(app, path.url, path.payload))
				samples.set(path.name, list)
			}
		}
		const streamRate = median(samples.get('stream of one 192 MiB file')?.map((s) => s.mbps) ?? [])
		const rows = paths.map((path) => {
			const list = samples.get(path.name) ?? []
			const rate = median(list.map((s) => s.mbps))
			return [
				path.name,
				rate.toFixed(0),
				`${(rate / streamRate).toFixed(2)}×`,
				median(list.map((s) => s.cpuMsPerMib)).toFixed(1),
				`${(Math.max(...list.map((s) => s.peakRss)) / MIB).toFixed(1)} MiB (idle ${(median(list.map((s) => s.idleRss)) / MIB).toFixed(1)})`,
			]
		})
		const versions = runtimeVersions()
		console.log(
			[
				'A folder downloaded as a store-mode zip (client-zip, exact Content-Length) through coslink, from the ' +
					'project’s COS emulator (signatures checked), against the same bytes streamed as one file.',
				`Node ${versions.node}; workerd ${versions.workerd} (compatibility_date ${compatibilityDate()}); ` +
					`${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}. ${rounds} interleaved rounds after a warm-up.`,
				'',
				markdownTable(
					['path', 'MB/s (median)', 'vs one file', 'workerd CPU ms/MiB (median)', 'workerd peak RSS'],
					rows,
					['left', 'right', 'right', 'right', 'right'],
				),
				'',
				'CPU ms/MiB: CPU time of the whole workerd process per MiB of payload (the files’ bytes).',
				`(${((performance.now() - began) / 1000).toFixed(1)} s)`,
			].join('\n'),
		)
	})
}
