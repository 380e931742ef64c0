import type { FileShareRecord } from '../../src/shares/schema.ts'

/** A valid stored file share at revision 1, with any field overridden. */
export const fileRecord = (id: string, extra: Partial<FileShareRecord> = {}): FileShareRecord => ({
	v: 1,
	id,
	type: 'file',
	key: 'docs/a.pdf',
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
	revision: 1,
	...extra,
})
