// Linux /proc readings for the benchmarks: which processes are ours, how much memory and
// CPU time they use, and how busy the rest of the machine was meanwhile (a shared 2-core
// machine is noisy; the reports say how noisy).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'

/** /proc/<pid>/stat times are in USER_HZ, 100 per second on every Linux ABI Node runs on. */
const USER_HZ = 100

interface Stat {
	comm: string
	ppid: number
	/** utime + stime, seconds. */
	cpu: number
}

function readStat(pid: number | string): Stat | undefined {
	let stat: string
	try {
		stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
	} catch {
		return undefined // exited
	}
	// "<pid> (<comm>) <state> <ppid> …"; comm may hold spaces and parentheses.
	const close = stat.lastIndexOf(')')
	const fields = stat.slice(close + 2).split(' ')
	return {
		comm: stat.slice(stat.indexOf('(') + 1, close),
		ppid: Number(fields[1]),
		cpu: (Number(fields[11]) + Number(fields[12])) / USER_HZ,
	}
}

/** PIDs of this process's children, optionally only those named `comm`. */
export function childProcesses(comm?: string): Set<number> {
	const found = new Set<number>()
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue
		const stat = readStat(entry)
		if (stat && stat.ppid === process.pid && (comm === undefined || stat.comm === comm))
			found.add(Number(entry))
	}
	return found
}

/** CPU time (user + system, all threads) a process has used, seconds. */
export function cpuSeconds(pid: number): number {
	const stat = readStat(pid)
	if (!stat) throw new Error(`process ${pid} is gone`)
	return stat.cpu
}

function machineBusySeconds(): number {
	const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
	// cpu user nice system idle iowait irq softirq steal …
	const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number)
	return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / USER_HZ
}

function ownSeconds(): number {
	let total = readStat(process.pid)?.cpu ?? 0
	for (const pid of childProcesses()) total += readStat(pid)?.cpu ?? 0
	return total
}

export interface CpuMeter {
	/** Cores' worth of CPU used by processes other than this one and its children. */
	stop(): { foreignCores: number }
}

/** Measures how busy everything else on the machine is until stopped. */
export function startCpuMeter(): CpuMeter {
	const start = performance.now()
	const busy = machineBusySeconds()
	const own = ownSeconds()
	return {
		stop() {
			const seconds = (performance.now() - start) / 1000
			const foreign = machineBusySeconds() - busy - (ownSeconds() - own)
			return { foreignCores: Math.max(0, foreign) / seconds }
		},
	}
}

export interface MemoryStatus {
	/** Resident set size now, bytes. */
	rss: number
	/** Peak resident set size since start or since resetPeakRss, bytes. */
	hwm: number
}

/** VmRSS and VmHWM of a process, from /proc/<pid>/status. */
export function memoryStatus(pid: number): MemoryStatus {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8')
	const kib = (field: string) => {
		const value = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]
		if (value === undefined) throw new Error(`no ${field} in /proc/${pid}/status`)
		return Number(value) * 1024
	}
	return { rss: kib('VmRSS'), hwm: kib('VmHWM') }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, own processes); false when refused. */
export function resetPeakRss(pid: number): boolean {
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, '5')
		return true
	} catch {
		return false
	}
}

export interface RssSampler {
	/** Stops sampling; the highest VmRSS seen, and VmHWM read at the end. */
	stop(): { peakSampled: number; hwm: number; samples: number }
}

/** Samples a process's VmRSS every `intervalMs` until stopped. */
export function sampleRss(pid: number, intervalMs = 50): RssSampler {
	let peak = memoryStatus(pid).rss
	let samples = 1
	const timer = setInterval(() => {
		peak = Math.max(peak, memoryStatus(pid).rss)
		samples++
	}, intervalMs)
	return {
		stop() {
			clearInterval(timer)
			const last = memoryStatus(pid)
			return { peakSampled: Math.max(peak, last.rss), hwm: last.hwm, samples: samples + 1 }
		},
	}
}

export interface ProcessUsage {
	/** CPU seconds the process used while watched. */
	cpu: number
	/** VmRSS when watching began. */
	idleRss: number
	/** The highest RSS while watched: max of the samples and VmHWM (when it could be reset). */
	peakRss: number
}

/** Watches a process around one timed operation: its CPU, its RSS before, its peak RSS during. */
export function watchProcess(pid: number, intervalMs = 50): { stop(): ProcessUsage } {
	const idleRss = memoryStatus(pid).rss
	const hwmReset = resetPeakRss(pid)
	const sampler = sampleRss(pid, intervalMs)
	const cpuBefore = cpuSeconds(pid)
	return {
		stop() {
			const cpu = cpuSeconds(pid) - cpuBefore
			const { peakSampled, hwm } = sampler.stop()
			return { cpu, idleRss, peakRss: hwmReset ? Math.max(peakSampled, hwm) : peakSampled }
		},
	}
}

/**
 * Puts every thread of a process at nice 19, the lowest CPU priority. Linux keeps a nice
 * value per thread (setpriority on a PID reaches only its main thread), so each task is
 * set; threads started later inherit it from the thread that starts them. Returns how
 * many threads were set.
 */
export function lowestPriority(pid: number): number {
	let set = 0
	for (const task of readdirSync(`/proc/${pid}/task`)) {
		try {
			os.setPriority(Number(task), 19)
			set++
		} catch {
			// the thread ended meanwhile
		}
	}
	return set
}
