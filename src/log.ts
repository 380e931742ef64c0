// One JSON line per event. Callers pass facts (codes, statuses, ids), never URLs, headers
// or bodies; redact() is a last line of defence for free text such as error messages.
type Level = 'info' | 'warn' | 'error'
type Fields = Record<string, string | number | boolean | undefined>

const SECRETS = [
	/q-signature(=|%3D)[0-9a-f]+/gi,
	/\bBearer\s+\S+/gi,
	/q-ak(=|%3D)[^&\s]+/gi,
	/x-cos-security-token(=|%3D)[^&\s]+/gi,
]

export function redact(text: string): string {
	let out = text.slice(0, 300)
	for (const pattern of SECRETS)
		out = out.replace(pattern, (match) => `${match.split(/=|%3D|\s/i)[0]}=[redacted]`)
	return out
}

export function log(level: Level, event: string, fields: Fields) {
	const line = JSON.stringify({ level, event, ...fields })
	if (level === 'error') console.error(line)
	else if (level === 'warn') console.warn(line)
	else console.log(line)
}
