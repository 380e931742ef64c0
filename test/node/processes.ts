// The machine's live processes from Linux /proc, for suites that must prove they left
// nothing running (the local stack, the browser). Elsewhere the list is empty.
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'

export interface ProcessInfo {
	pid: number
	/** The parent's pid (0 for the first process of a namespace). */
	ppid: number
	pgid: number
	sid: number
	cmd: string
	/** NUL-separated NAME=value pairs; '' unless asked for or unreadable. */
	environ: string
}

export async function listProcesses(options: { environ?: boolean } = {}): Promise<ProcessInfo[]> {
	if (!existsSync('/proc/self/stat')) return []
	const out: ProcessInfo[] = []
	for (const name of await readdir('/proc')) {
		if (!/^\d+$/.test(name)) continue
		try {
			const stat = await readFile(`/proc/${name}/stat`, 'utf8')
			// "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
			if (fields[0] === 'Z') continue // a zombie is already dead
			const cmd = (await readFile(`/proc/${name}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim()
			const environ = options.environ ? await readFile(`/proc/${name}/environ`, 'latin1').catch(() => '') : ''
			out.push({
				pid: Number(name),
				ppid: Number(fields[1]),
				pgid: Number(fields[2]),
				sid: Number(fields[3]),
				cmd,
				environ,
			})
		} catch {
			// exited while we looked
		}
	}
	return out
}

/**
 * `root` and every process below it (children, their children, …) among `processes`, root
 * first. A process whose parent exited is re-parented and no longer below `root`: callers
 * that must find those too also look at the process group.
 */
export function processTree(root: number, processes: readonly ProcessInfo[]): ProcessInfo[] {
	const children = new Map<number, ProcessInfo[]>()
	for (const proc of processes) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc])
	const found = processes.filter((proc) => proc.pid === root)
	// for…of sees what is pushed while it runs: a breadth-first walk.
	for (const proc of found) found.push(...(children.get(proc.pid) ?? []))
	return found
}
