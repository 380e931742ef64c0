// Who asked, in the few families the stats show: a browser, a command-line client, a
// download manager, or a bot by its name. Pure functions over the User-Agent.
import { isUnfurler } from '../http/negotiate.ts'

// Named bots: link-preview fetchers (http/negotiate.ts decides which get a card) and the
// crawlers that follow links they find. The first name found is the family.
const BOT_NAMES =
	/slackbot|discordbot|twitterbot|facebookexternalhit|facebot|whatsapp|telegrambot|linkedinbot|skypeuripreview|mastodon|redditbot|embedly|iframely|pinterest|applebot|googlebot|google-inspectiontool|adsbot-google|bingbot|baiduspider|yandex\w*bot|duckduckbot|sogou|360spider|bytespider|petalbot|ahrefsbot|semrushbot|mj12bot|dotbot|gptbot|chatgpt-user|claudebot|claude-user|ccbot|perplexitybot|amazonbot|yisouspider|seznambot|qwantify|ia_archiver/i
// Anything else that calls itself a bot, crawler or spider.
const GENERIC_BOT = /bot\b|crawler|spider|preview|headless/i

const DOWNLOAD_MANAGERS =
	/internet download manager|\bidm\b|free download manager|\bfdm\b|motrix|xunlei|thunder|downthemall|jdownloader|\buget\b|persepolis|nettransport|flashget|\baxel\b|folx|neat download manager|gopeed|ab download manager/i

const BROWSER = /^Mozilla\/5\.0 .*(Chrome|Firefox|Safari|Edg|OPR)\//

// The same few User-Agents ask again and again: remember the answer for each (bounded).
const MEMO_LIMIT = 500
const bots = new Map<string, string | null>()

function nameBot(userAgent: string): string | undefined {
	const named = BOT_NAMES.exec(userAgent)?.[0]
	if (named) return named.toLowerCase()
	if (isUnfurler(userAgent) || GENERIC_BOT.test(userAgent)) return 'bot'
	return undefined
}

/** The bot's name (lowercase), or undefined for anything that is not a bot. */
export function botName(userAgent: string | null | undefined): string | undefined {
	if (!userAgent) return undefined
	let name = bots.get(userAgent)
	if (name === undefined) {
		name = nameBot(userAgent) ?? null
		if (bots.size >= MEMO_LIMIT) bots.delete(bots.keys().next().value ?? '')
		bots.set(userAgent, name)
	}
	return name ?? undefined
}

const families = new Map<string, string>()

/** browser, curl, wget, aria2, download-manager, other, or the bot's name. */
export function agentFamily(userAgent: string | null | undefined): string {
	if (!userAgent) return 'other'
	let family = families.get(userAgent)
	if (family === undefined) {
		family = familyOf(userAgent)
		if (families.size >= MEMO_LIMIT) families.delete(families.keys().next().value ?? '')
		families.set(userAgent, family)
	}
	return family
}

function familyOf(userAgent: string): string {
	const bot = botName(userAgent)
	if (bot) return bot
	if (/^curl\//i.test(userAgent)) return 'curl'
	if (/^wget\//i.test(userAgent)) return 'wget'
	if (/aria2/i.test(userAgent)) return 'aria2'
	if (DOWNLOAD_MANAGERS.test(userAgent)) return 'download-manager'
	if (BROWSER.test(userAgent)) return 'browser'
	return 'other'
}
