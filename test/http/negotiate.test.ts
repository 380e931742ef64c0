import { describe, expect, it } from 'vitest'
import { isUnfurler, pickLanguage, wantsPage } from '../../src/http/negotiate.ts'

const CHROME_ACCEPT =
	'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8'
const FIREFOX_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

describe('pickLanguage', () => {
	it.each([
		['zh', undefined, 'zh'],
		['zh-CN,zh;q=0.9,en;q=0.8', undefined, 'zh'],
		['zh-TW', undefined, 'zh'],
		['zh-Hans-CN', undefined, 'zh'],
		['ZH-hk', undefined, 'zh'],
		['en-US,en;q=0.9', undefined, 'en'],
		['fr-FR,fr;q=0.9', undefined, 'en'],
		['fr-FR, zh;q=0.5', undefined, 'zh'],
		['en;q=0.4, zh-CN;q=0.8', undefined, 'zh'],
		['zh;q=0, en', undefined, 'en'],
		['*', undefined, 'en'],
		['', undefined, 'en'],
		[undefined, undefined, 'en'],
		['garbage;;;q=x,,', undefined, 'en'],
		['en-US', 'zh', 'zh'],
		['zh-CN', 'en', 'en'],
		['zh-CN', 'ZH', 'zh'],
		['zh-CN', 'de', 'zh'],
	] as const)('reads Accept-Language %j with ?lang=%j as %s', (header, param, expected) => {
		expect(pickLanguage(header, param)).toBe(expected)
	})
})

describe('wantsPage', () => {
	it.each([
		['Chrome navigation', 'GET', { accept: CHROME_ACCEPT, 'sec-fetch-mode': 'navigate' }, true],
		['Firefox navigation', 'GET', { accept: FIREFOX_ACCEPT }, true],
		['Sec-Fetch-Mode navigate alone', 'GET', { 'sec-fetch-mode': 'navigate' }, true],
		['plain text/html', 'GET', { accept: 'text/html' }, true],
		['*/* then text/html', 'GET', { accept: '*/*, text/html' }, true],
		['curl', 'GET', { accept: '*/*', 'user-agent': 'curl/8.5.0' }, false],
		['wget', 'GET', { accept: '*/*', 'user-agent': 'Wget/1.21.3' }, false],
		['aria2', 'GET', { 'user-agent': 'aria2/1.37.0' }, false],
		['no Accept at all', 'GET', {}, false],
		['a fetch() from a page', 'GET', { accept: '*/*', 'sec-fetch-mode': 'cors' }, false],
		[
			'a video element',
			'GET',
			{ accept: '*/*', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'video' },
			false,
		],
		['JSON preferred', 'GET', { accept: 'application/json, text/html;q=0.5' }, false],
		['HTML refused', 'GET', { accept: 'text/html;q=0, */*' }, false],
		['HEAD from a browser', 'HEAD', { accept: CHROME_ACCEPT, 'sec-fetch-mode': 'navigate' }, false],
		['POST from a browser', 'POST', { accept: CHROME_ACCEPT }, false],
	] as const)('%s → %s', (_label, method, headers, expected) => {
		expect(wantsPage(new Headers(headers), method)).toBe(expected)
	})
})

describe('isUnfurler', () => {
	it.each([
		'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
		'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
		'Twitterbot/1.0',
		'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
		'WhatsApp/2.23.20.0 A',
		'TelegramBot (like TwitterBot)',
		'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
		'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36 MicrosoftPreview/2.0 +https://aka.ms/MicrosoftPreview',
		'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)',
		'Mastodon/4.2.0 (http.rb/5.1.1; +https://mastodon.social/)',
	])('knows %s as a link-preview bot', (userAgent) => {
		expect(isUnfurler(userAgent)).toBe(true)
	})

	it.each([
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
		'curl/8.5.0',
		'Wget/1.21.3',
		'aria2/1.37.0',
		'',
	])('treats %j as an ordinary client', (userAgent) => {
		expect(isUnfurler(userAgent)).toBe(false)
	})

	it('treats a missing User-Agent as an ordinary client', () => {
		expect(isUnfurler(undefined)).toBe(false)
	})
})
