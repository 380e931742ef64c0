// Record editing: a create body becomes a record, a PATCH body changes one. Pure functions
// of their inputs and a clock, so the Durable Object can run them inside one synchronous step.
import type { z } from 'zod'
import { InvalidShareError } from './errors.ts'
import {
	isRestricted,
	MAX_DATE_MS,
	type Protection,
	type ShareRecord,
	type StoredCreateInput,
	type StoredPatch,
	shareRecordSchema,
	UPLOAD_LIMIT_MESSAGE,
} from './schema.ts'

type ExpiryInput = { expiresAt?: string | null; expiresIn?: number }

/** The expiry an input asks for: undefined leaves it alone, null clears it. */
function resolveExpiry(input: ExpiryInput, nowMs: number): string | null | undefined {
	if (input.expiresIn === undefined) return input.expiresAt
	const ms = nowMs + input.expiresIn * 1000
	// Only a clock far in the future gets here; say so rather than store what cannot be read.
	if (ms > MAX_DATE_MS) throw new InvalidShareError('expiresIn', 'ends after 9999-12-31T23:59:59Z')
	return new Date(ms).toISOString()
}

function normalizeDate(value: string | undefined): string | undefined {
	return value === undefined ? undefined : new Date(value).toISOString()
}

function checkWindow(record: ShareRecord): void {
	if (record.notBefore && record.expiresAt && Date.parse(record.notBefore) >= Date.parse(record.expiresAt))
		throw new InvalidShareError('notBefore', 'must be before expiresAt')
}

/** Rules that span fields, checked on every record a create or PATCH produces. */
function checkCombination(record: ShareRecord): void {
	if (record.type === 'upload' && record.expiresAt === undefined)
		throw new InvalidShareError('expiresAt', 'an upload link needs an expiry (expiresAt or expiresIn)')
	if (record.cache === undefined) return
	// A cached response would answer without asking the share's Durable Object.
	if (record.passwordHash !== undefined)
		throw new InvalidShareError('cache', 'a password-protected share cannot be cached')
	if (record.maxDownloads !== undefined)
		throw new InvalidShareError('cache', 'a share with a download limit cannot be cached')
	if (record.expiresAfterFirstDownload !== undefined)
		throw new InvalidShareError('cache', 'a share that expires after its first download cannot be cached')
	if (record.strict === true) throw new InvalidShareError('cache', 'a strict share cannot be cached')
	// The edge cache serves bytes itself, so it cannot apply what COS would enforce per request.
	if (record.type === 'upload') throw new InvalidShareError('cache', 'upload links cannot be cached')
	if (record.bandwidthLimit !== undefined)
		throw new InvalidShareError('bandwidthLimit', 'a cached share cannot also be bandwidth-limited')
	if (record.delivery === 'redirect')
		throw new InvalidShareError(
			'delivery',
			'a cached share is delivered by stream; remove "redirect" or the cache',
		)
}

/** Parses a finished record; input schemas are checked already, so a failure names the field anyway. */
function finish(candidate: Record<string, unknown>): ShareRecord {
	if (candidate.strict === false) candidate.strict = undefined
	// Stored only when false, so records of shares that send webhooks stay as they were.
	if (candidate.webhook === true) candidate.webhook = undefined
	candidate.restricted = isRestricted(candidate as Parameters<typeof isRestricted>[0]) || undefined
	const result = shareRecordSchema.safeParse(candidate)
	if (!result.success) throw invalid(result.error)
	checkWindow(result.data)
	checkCombination(result.data)
	return result.data
}

function invalid(error: z.ZodError): InvalidShareError {
	const issue = error.issues[0]
	// A field of another kind of share (a prefix on a file share, say) is named as such.
	if (issue?.code === 'unrecognized_keys')
		return new InvalidShareError(issue.keys[0] ?? 'body', 'is not a field of this kind of share')
	return new InvalidShareError(issue?.path.join('.') || 'body', issue?.message ?? 'is invalid')
}

/** A new record at revision 1; the share's Durable Object sets the revision it really gets. */
export function buildRecord(
	input: StoredCreateInput,
	id: string,
	nowMs: number,
	protection: Protection = {},
): ShareRecord {
	const now = new Date(nowMs).toISOString()
	const { id: _id, expiresIn: _expiresIn, ...fields } = input
	const passwordHash = protection.passwordHash ?? undefined
	return finish({
		...fields,
		passwordHash,
		passwordVersion: passwordHash === undefined ? undefined : 1,
		passwordKind: passwordHash === undefined ? undefined : protection.passwordKind,
		v: 1,
		id,
		notBefore: normalizeDate(input.notBefore),
		expiresAt: normalizeDate(resolveExpiry(input, nowMs) ?? undefined),
		page: input.page || undefined,
		createdAt: now,
		updatedAt: now,
		revision: 1,
	})
}

/** The record after a PATCH: null clears a field, the revision goes up by one. */
export function applyPatch(record: ShareRecord, patch: StoredPatch, nowMs: number): ShareRecord {
	if (patch.type !== undefined && patch.type !== record.type)
		throw new InvalidShareError('type', `cannot change; this is a ${record.type} share`)
	// A stored upload link that already carries one keeps working (the field is ignored);
	// only setting one now is refused.
	if (record.type === 'upload')
		for (const field of ['maxDownloads', 'expiresAfterFirstDownload'] as const)
			if (patch[field] !== undefined && patch[field] !== null)
				throw new InvalidShareError(field, UPLOAD_LIMIT_MESSAGE)
	// A sent share's objects are deleted with it: pointing it elsewhere would delete those instead.
	if (record.type !== 'upload' && record.sent)
		for (const field of ['key', 'prefix'] as const)
			if (
				patch[field] !== undefined &&
				patch[field] !== (record.type === 'file' ? record.key : record.prefix)
			)
				throw new InvalidShareError(
					field,
					'cannot change on a share of sent files (they are deleted with it)',
				)
	const next: Record<string, unknown> = { ...record }
	for (const [field, value] of Object.entries(patch)) {
		if (field === 'type') continue
		if (field === 'expiresIn') continue
		if (field === 'passwordHash' || field === 'passwordKind') continue
		next[field] = value === null ? undefined : value
	}
	if (patch.passwordHash !== undefined) {
		next.passwordHash = patch.passwordHash ?? undefined
		// A new secret is a code only when it says so; removing protection removes its kind.
		next.passwordKind = patch.passwordHash === null ? undefined : patch.passwordKind
		// Every change of password ends every unlock token made for the one before.
		next.passwordVersion = (record.passwordVersion ?? 0) + 1
	}
	const expiresAt = resolveExpiry(patch, nowMs)
	if (expiresAt !== undefined) next.expiresAt = expiresAt ?? undefined
	next.expiresAt = normalizeDate(next.expiresAt as string | undefined)
	next.notBefore = normalizeDate(next.notBefore as string | undefined)
	// Stored only when true, so records written before the field existed stay identical.
	if (next.page === false) next.page = undefined
	next.revision = record.revision + 1
	next.updatedAt = new Date(nowMs).toISOString()
	return finish(next)
}
