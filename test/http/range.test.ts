import { describe, expect, it } from 'vitest'
import { singleRange } from '../../src/http/range.ts'

describe('singleRange', () => {
	it.each(['BYTES=0-99', 'Bytes=0-99', 'bytes=0-99'])('reads the unit case-insensitively in %s', (header) => {
		expect(singleRange(header)).toBe('bytes=0-99')
	})

	it('ignores any other unit', () => {
		expect(singleRange('items=0-99')).toBeUndefined()
	})
})
