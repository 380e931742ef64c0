import { describe, expect, it } from 'vitest'
import { ERRORS, VARIANTS } from '../../src/errors.ts'
import { en } from '../../src/pages/i18n/en.ts'
import {
	FORMAT_MEMO_LIMIT,
	formatBytes,
	formatDate,
	formatRemaining,
	formatSize,
	rememberedFormats,
} from '../../src/pages/i18n/format.ts'
import { zh } from '../../src/pages/i18n/zh.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

describe('message tables', () => {
	it('have the same keys in both languages', () => {
		expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
	})

	it('leave no Chinese string empty', () => {
		expect(Object.entries(zh).filter(([, value]) => value === '')).toEqual([])
	})
})

describe('formatRemaining', () => {
	it.each([
		[2 * DAY + 3 * HOUR + 59 * MINUTE, '2 days 3 hours left', '剩余 2 天 3 小时'],
		[DAY, '1 day left', '剩余 1 天'],
		[DAY + 5 * MINUTE, '1 day left', '剩余 1 天'],
		[HOUR + MINUTE, '1 hour 1 minute left', '剩余 1 小时 1 分钟'],
		[5 * MINUTE + 30_000, '5 minutes left', '剩余 5 分钟'],
		[30_000, 'less than a minute left', '剩余 不到 1 分钟'],
		[0, 'Expired', '链接已过期'],
		[-5000, 'Expired', '链接已过期'],
	])('says %i ms as "%s" / "%s"', (ms, english, chinese) => {
		expect(formatRemaining(ms, 'en')).toBe(english)
		expect(formatRemaining(ms, 'zh')).toBe(chinese)
	})
})

describe('sizes and dates', () => {
	it.each([
		// One way of writing sizes in a list: "1,023 B" beside "1.5 kB", not "1,023 bytes".
		[0, '0 B'],
		[1023, '1,023 B'],
		[1536, '1.5 kB'],
		[1_572_864, '1.5 MB'],
		[150 * 1024 ** 3, '150 GB'],
	])('writes %i bytes in English as %s', (bytes, expected) => {
		expect(formatSize(bytes, 'en')).toBe(expected)
	})

	it('writes the exact byte count grouped, in each language', () => {
		expect(formatBytes(1_572_864, 'en')).toBe('1,572,864 bytes')
		expect(formatBytes(1_572_864, 'zh')).toBe('1,572,864 字节')
	})

	it('writes dates in UTC in the language of the page', () => {
		const date = new Date('2026-12-03T10:05:00Z')
		expect(formatDate(date, 'en')).toContain('Dec 3, 2026')
		expect(formatDate(date, 'en')).toContain('UTC')
		expect(formatDate(date, 'zh')).toContain('2026年12月3日')
	})

	it('writes dates as people of each language read them, marked UTC until the script makes them local', () => {
		const date = new Date('2026-12-10T06:39:00Z')
		expect(formatDate(date, 'en')).toBe('Dec 10, 2026, 06:39 UTC')
		// Year, month, day, then the time: never "2026年12月10日 UTC 06:39".
		expect(formatDate(date, 'zh')).toBe('2026年12月10日 06:39（UTC）')
	})
})

describe('one voice in each language', () => {
	it('calls whoever made the link 分享者 in Chinese, never 发送者, on pages and in error sentences', () => {
		const sentences = [
			...Object.values(zh),
			...Object.values(ERRORS).map((e) => e.zh),
			...Object.values(VARIANTS).map((v) => v.zh),
		]
		expect(sentences.filter((value) => value.includes('发送者'))).toEqual([])
	})

	it('says 提取文件 on the unlock button and 链接已过期 for an expired link', () => {
		expect(zh.unlockButton).toBe('提取文件')
		expect(zh.expired).toBe('链接已过期')
		expect(zh.error410).toBe('链接已过期')
	})
})

describe('remembered sizes and dates', () => {
	it('gives each language its own text for the same value, in any order of asking', () => {
		const date = new Date('2027-01-02T03:04:00Z')
		expect(formatDate(date, 'zh')).toBe('2027年1月2日 03:04（UTC）')
		expect(formatDate(date, 'en')).toBe('Jan 2, 2027, 03:04 UTC')
		expect(formatDate(date, 'zh')).toBe('2027年1月2日 03:04（UTC）')
		expect(formatSize(1_572_864, 'zh')).toBe(formatSize(1_572_864, 'zh'))
		expect(formatSize(1536, 'en')).toBe('1.5 kB')
	})

	it('gives two values their own texts, however close', () => {
		expect(formatDate(new Date('2027-01-02T03:04:00Z'), 'en')).not.toBe(
			formatDate(new Date('2027-01-02T03:05:00Z'), 'en'),
		)
		expect(formatSize(1023, 'en')).toBe('1,023 B')
		expect(formatSize(1024, 'en')).toBe('1 kB')
		// -0 writes differently from 0 and is never taken for it.
		expect(formatSize(0, 'en')).toBe('0 B')
		expect(formatSize(-0, 'en')).toBe('-0 B')
		expect(formatSize(0, 'en')).toBe('0 B')
	})

	it('writes the same texts after its memory is full and has forgotten them', () => {
		const first = [formatSize(1_572_864, 'en'), formatDate(new Date('2026-12-10T06:39:00Z'), 'zh')]
		for (let i = 0; i < FORMAT_MEMO_LIMIT + 10; i++) {
			formatSize(10_000 + i, 'en')
			formatDate(new Date(Date.UTC(2030, 0, 1, 0, i)), 'zh')
		}
		expect(rememberedFormats()).toEqual({ sizes: FORMAT_MEMO_LIMIT, dates: FORMAT_MEMO_LIMIT })
		expect([formatSize(1_572_864, 'en'), formatDate(new Date('2026-12-10T06:39:00Z'), 'zh')]).toEqual(first)
		expect(first).toEqual(['1.5 MB', '2026年12月10日 06:39（UTC）'])
	})

	it('remembers nothing for a date that cannot be written', () => {
		const before = rememberedFormats().dates
		expect(() => formatDate(new Date(Number.NaN), 'en')).toThrow(RangeError)
		expect(rememberedFormats().dates).toBe(before)
	})
})
