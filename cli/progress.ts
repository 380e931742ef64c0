// A progress bar on stderr, only when stderr is a terminal (never in a pipe, a log or --json).

const MIB = 1024 * 1024

export interface Progress {
	start(name: string, total: number): void
	add(bytes: number): void
	done(): void
}

export const silentProgress: Progress = { start() {}, add() {}, done() {} }

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
	let name = ''
	let total = 0
	let sent = 0
	let drawnAt = 0
	const draw = (force = false) => {
		const now = Date.now()
		if (!force && now - drawnAt < 100) return
		drawnAt = now
		const ratio = total === 0 ? 1 : Math.min(1, sent / total)
		const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 50))
		const filled = Math.round(ratio * width)
		const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
		const label = name.length > 24 ? `${name.slice(0, 23)}…` : name.padEnd(24)
		stream.write(
			`\r${label} ${bar} ${String(Math.round(ratio * 100)).padStart(3)}%  ${(sent / MIB).toFixed(1)}/${(total / MIB).toFixed(1)} MiB`,
		)
	}
	return {
		start(file, bytes) {
			name = file
			total = bytes
			sent = 0
			draw(true)
		},
		add(bytes) {
			sent += bytes
			draw()
		},
		done() {
			sent = total
			draw(true)
			stream.write('\n')
		},
	}
}
