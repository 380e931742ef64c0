// Where the CLI finds its server and token: COSLINK_URL and COSLINK_TOKEN, else the file
// `coslink login` wrote in the user's config directory (mode 0600, never the project).
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { CliError, EXIT } from './errors.ts'

export interface Settings {
	url: string
	token: string
}

/** The config file: COSLINK_CONFIG, else the platform's per-user config directory. */
export function configPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
	if (env.COSLINK_CONFIG) return env.COSLINK_CONFIG
	if (platform === 'win32')
		return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'coslink', 'config.json')
	if (platform === 'darwin')
		return join(homedir(), 'Library', 'Application Support', 'coslink', 'config.json')
	return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'coslink', 'config.json')
}

async function readSaved(path: string): Promise<Partial<Settings>> {
	let text: string
	try {
		text = await readFile(path, 'utf8')
	} catch {
		return {}
	}
	try {
		const saved: unknown = JSON.parse(text)
		if (typeof saved !== 'object' || saved === null) return {}
		const { url, token } = saved as Record<string, unknown>
		return { ...(typeof url === 'string' ? { url } : {}), ...(typeof token === 'string' ? { token } : {}) }
	} catch {
		throw new CliError(`${path} is not JSON: run \`coslink login\` again`, EXIT.usage)
	}
}

/** A server URL as the origin the API lives on (no trailing slash). */
export function normalizeUrl(text: string): string {
	const url = URL.parse(text.trim())
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
		throw new CliError(`"${text}" is not a server URL such as https://share.example.com`, EXIT.usage)
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** The server and token to use, or a clear line on how to set them. */
export async function loadSettings(override: { url?: string | undefined } = {}): Promise<Settings> {
	const saved = await readSaved(configPath())
	const url = override.url || process.env.COSLINK_URL || saved.url
	const token = process.env.COSLINK_TOKEN || saved.token
	if (!url || !token)
		throw new CliError(
			`no ${url ? 'token' : 'server'} configured: run \`coslink login\`, or set COSLINK_URL and COSLINK_TOKEN`,
			EXIT.auth,
		)
	return { url: normalizeUrl(url), token }
}

/** Writes the settings readable by the user alone (the directory too). */
export async function saveSettings(settings: Settings): Promise<string> {
	const path = configPath()
	await mkdir(dirname(path), { recursive: true, mode: 0o700 })
	await writeFile(path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 })
	// An existing file keeps its mode on write: make it private whatever it was.
	await chmod(path, 0o600)
	return path
}
