// The machine's live processes from Linux /proc, for suites that must prove they left
// nothing running (the local stack, the browser). Elsewhere the list is empty.
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'

export interface ProcessInfo {
	pid: number
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
			out.push({ pid: Number(name), pgid: Number(fields[2]), sid: Number(fields[3]), cmd, environ })
		} catch {
			// exited while we looked
		}
	}
	return out
}
