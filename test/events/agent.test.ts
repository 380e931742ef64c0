import { describe, expect, it } from 'vitest'
import { agentFamily, botName } from '../../src/events/agent.ts'
import { utcDay, visitorHash } from '../../src/events/visitor.ts'

const CHROME =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36'
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'

describe('agentFamily', () => {
	it.each([
		[CHROME, 'browser'],
		[FIREFOX, 'browser'],
		['curl/8.5.0', 'curl'],
		['Wget/1.21.4', 'wget'],
		['aria2/1.37.0', 'aria2'],
		[
			'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0) Internet Download Manager',
			'download-manager',
		],
		['Motrix/1.8.19', 'download-manager'],
		['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'slackbot'],
		['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'googlebot'],
		['Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'discordbot'],
		['TelegramBot (like TwitterBot)', 'telegrambot'],
		['SomeCrawler/1.0', 'bot'],
		['python-requests/2.32', 'other'],
		['', 'other'],
		[undefined, 'other'],
	])('%s → %s', (userAgent, family) => {
		expect(agentFamily(userAgent)).toBe(family)
	})
})

describe('botName', () => {
	it('names bots and nothing else', () => {
		expect(botName('facebookexternalhit/1.1')).toBe('facebookexternalhit')
		expect(botName(CHROME)).toBeUndefined()
		expect(botName('curl/8.5.0')).toBeUndefined()
		expect(botName(null)).toBeUndefined()
	})
})

describe('visitorHash', () => {
	const day = Date.parse('2026-12-03T08:00:00Z')

	it('is the same for one network and agent all day, and differs the next day', async () => {
		const morning = await visitorHash('secret-0123456789abcdef', day, '203.0.113.0/24', CHROME)
		const evening = await visitorHash(
			'secret-0123456789abcdef',
			day + 14 * 3600_000,
			'203.0.113.0/24',
			CHROME,
		)
		const tomorrow = await visitorHash(
			'secret-0123456789abcdef',
			day + 24 * 3600_000,
			'203.0.113.0/24',
			CHROME,
		)
		expect(morning).toBe(evening)
		expect(tomorrow).not.toBe(morning)
		expect(morning).toMatch(/^[A-Za-z0-9_-]{16}$/)
	})

	it('differs by network, agent and secret', async () => {
		const base = await visitorHash('secret-0123456789abcdef', day, '203.0.113.0/24', CHROME)
		expect(await visitorHash('secret-0123456789abcdef', day, '198.51.100.0/24', CHROME)).not.toBe(base)
		expect(await visitorHash('secret-0123456789abcdef', day, '203.0.113.0/24', FIREFOX)).not.toBe(base)
		expect(await visitorHash('another-secret-0123456789', day, '203.0.113.0/24', CHROME)).not.toBe(base)
	})

	it('names the UTC day', () => {
		expect(utcDay(Date.parse('2026-12-03T23:59:59Z'))).toBe('2026-12-03')
	})
})
