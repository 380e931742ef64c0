import { describe, expect, it } from 'vitest'
import { presentationOf, typeByName } from '../../src/routes/deliver/serving.ts'
import type { FileShareRecord } from '../../src/shares/schema.ts'

const record = (patch: Partial<FileShareRecord>): FileShareRecord =>
	({
		id: 'serving-1',
		type: 'file',
		key: 'files/readme',
		createdAt: '2026-01-01T00:00:00Z',
		updatedAt: '2026-01-01T00:00:00Z',
		revision: 1,
		...patch,
	}) as FileShareRecord

describe('presentationOf', () => {
	it("keeps a stored contentType out of headers unless it is printable ASCII (records outlive today's schema)", () => {
		expect(presentationOf(record({ contentType: 'text/plain; name="\u00fcber"' })).contentType).toBe(
			'text/plain',
		)
	})

	it('names the file after the last segment of its key unless the share names it', () => {
		expect(presentationOf(record({})).filename).toBe('readme')
		expect(presentationOf(record({ filename: 'Read me.txt' })).filename).toBe('Read me.txt')
	})
})

describe('typeByName', () => {
	it('knows a type only for a known extension', () => {
		expect(typeByName('IMG_0001')).toBeUndefined()
		expect(typeByName('clip.mp4')).toBe('video/mp4')
	})
})
