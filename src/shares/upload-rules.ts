// The rules of an upload link, applied to one file before anything reaches COS: size, type,
// extension, a name that cannot leave the prefix, and the key template that places it.
import { assertObjectKey } from '../cos/key.ts'
import type { UploadRules } from './schema.ts'

/** A simple PUT carries at most 5 GB at COS; past the threshold the page goes multipart. */
export const MAX_SINGLE_PUT = 5 * 1024 ** 3
/** Files above this get a multipart upload on the pre-signed path. */
export const MULTIPART_THRESHOLD = 64 * 1024 ** 2
/** COS: parts of 1 MB–5 GB, at most 10,000 of them. */
const MIN_PART_SIZE = 16 * 1024 ** 2
const MAX_PARTS = 10_000
const MIB = 1024 ** 2

/** Where each upload lands inside the prefix unless the link says otherwise. */
export const DEFAULT_KEY_TEMPLATE = '{date}/{random}-{name}'
/** The placeholders a key template may use. */
export const TEMPLATE_PLACEHOLDERS = [
	'date',
	'year',
	'month',
	'day',
	'random',
	'name',
	'base',
	'ext',
] as const
const MAX_NAME_BYTES = 255
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export type RuleFailure =
	| { code: 'file_too_large'; message: string }
	| { code: 'type_not_allowed'; message: string }

/**
 * Why a key template is unusable, or undefined when it is fine. Templates are relative to
 * the prefix; literal text may not make `.`/`..` or empty segments, and the last segment
 * must name something (`{name}` or `{random}`), so a rendered key never leaves the prefix.
 */
export function keyTemplateProblem(template: string): string | undefined {
	if (template.startsWith('/')) return 'must not start with "/" (it is relative to the prefix)'
	if (template.endsWith('/')) return 'must not end with "/"'
	const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
		.map((match) => match[1] ?? '')
		.find((name) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name))
	if (unknown !== undefined)
		return `has an unknown placeholder {${unknown}}; use ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`
	const literal = template.replace(/\{\w+\}/g, 'x')
	if (/[{}]/.test(literal)) return 'has a "{" or "}" outside a placeholder'
	if (literal.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
		return 'must not have empty, "." or ".." segments'
	const last = template.slice(template.lastIndexOf('/') + 1)
	if (!/\{(name|random|base)\}/.test(last)) return 'must put {name}, {base} or {random} in its last segment'
	return undefined
}

const encoder = new TextEncoder()

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
function clipBytes(value: string, max: number): string {
	let out = ''
	let bytes = 0
	for (const char of value) {
		const size = encoder.encode(char).byteLength
		if (bytes + size > max) break
		out += char
		bytes += size
	}
	return out
}

/**
 * A visitor's file name as one safe key segment: separators become `_`, control and format
 * characters go, all-dot names are renamed, and it fits 255 UTF-8 bytes with its extension
 * kept. Never refused for its name alone.
 */
export function sanitizeName(raw: string): string {
	let name = raw
		.toWellFormed()
		.normalize('NFC')
		.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
		.replace(/[/\\]/g, '_')
		.trim()
	// "..", "." and names of dots alone would be path segments COS URLs cannot carry.
	if (/^\.*$/.test(name)) name = `file${name.length > 0 ? '_' : ''}`
	if (encoder.encode(name).byteLength <= MAX_NAME_BYTES) return name
	const { base, ext } = splitName(name)
	const keptExt = encoder.encode(ext).byteLength <= 32 ? ext : ''
	return clipBytes(base, MAX_NAME_BYTES - encoder.encode(keptExt).byteLength) + keptExt
}

/** "report.final.pdf" → { base: "report.final", ext: ".pdf" }; a leading dot is no extension. */
export function splitName(name: string): { base: string; ext: string } {
	const dot = name.lastIndexOf('.')
	if (dot <= 0) return { base: name, ext: '' }
	return { base: name.slice(0, dot), ext: name.slice(dot) }
}

/** 8 base62 characters from crypto.getRandomValues (rejection sampling: no modulo bias). */
export function randomBase62(length = 8): string {
	let out = ''
	while (out.length < length) {
		for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
			if (byte < 248 && out.length < length) out += BASE62[byte % 62]
		}
	}
	return out
}

/** The key an upload gets: the prefix, then the template with its placeholders filled. */
export function renderKey(
	prefix: string,
	template: string | undefined,
	safeName: string,
	now: number,
	random: () => string = randomBase62,
): string {
	const date = new Date(now).toISOString().slice(0, 10)
	const { base, ext } = splitName(safeName)
	const values: Record<string, string> = {
		date,
		year: date.slice(0, 4),
		month: date.slice(5, 7),
		day: date.slice(8, 10),
		name: safeName,
		base,
		ext,
	}
	const rendered = (template ?? DEFAULT_KEY_TEMPLATE).replace(/\{(\w+)\}/g, (_whole, name: string) =>
		name === 'random' ? random() : (values[name] ?? ''),
	)
	const key = `${prefix}${rendered}`
	assertObjectKey(key)
	return key
}

/** The media type without parameters, lowercased; '' when absent. */
function essenceOf(type: string): string {
	return (type.split(';')[0] ?? '').trim().toLowerCase()
}

function typeAllowed(patterns: readonly string[], type: string): boolean {
	const essence = essenceOf(type)
	return patterns.some((pattern) =>
		pattern.endsWith('/*') ? essence.startsWith(pattern.slice(0, -1)) : essence === pattern,
	)
}

/** The first rule a file breaks, or undefined when the link accepts it. */
export function checkFile(
	rules: UploadRules,
	file: { name: string; size: number; type: string },
): RuleFailure | undefined {
	if (file.size > rules.maxFileSize)
		return {
			code: 'file_too_large',
			message: `The file is larger than this link accepts (at most ${rules.maxFileSize} bytes).`,
		}
	if (rules.allowedTypes && !typeAllowed(rules.allowedTypes, file.type))
		return {
			code: 'type_not_allowed',
			message: `This link accepts only ${rules.allowedTypes.join(', ')}.`,
		}
	if (rules.allowedExtensions) {
		const lower = file.name.toLowerCase()
		if (!rules.allowedExtensions.some((ext) => lower.endsWith(ext) && lower.length > ext.length))
			return {
				code: 'type_not_allowed',
				message: `This link accepts only ${rules.allowedExtensions.join(', ')} files.`,
			}
	}
	return undefined
}

/** Parts for a multipart upload: at least 16 MiB, whole MiB, never more than 10,000. */
export function partSizeFor(size: number): number {
	return Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB)
}
