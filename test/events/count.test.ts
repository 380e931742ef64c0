import { describe, expect, it } from 'vitest'
import {
	type Counted,
	countAs,
	type Delivered,
	type RequestFacts,
	startsAtZero,
} from '../../src/events/count.ts'

const GET: RequestFacts = {
	method: 'GET',
	status: 200,
	range: null,
	prefetch: false,
	bot: undefined,
	limited: false,
}

interface Row {
	what: string
	delivered: Delivered
	facts: Partial<RequestFacts>
	counts: Counted | undefined
}

// Every kind of request a share answers, and what it counts as.
const ROWS: Row[] = [
	// Downloads of a plain share.
	{ what: 'a 302 to COS', delivered: 'redirect', facts: { status: 302 }, counts: 'download' },
	{
		what: 'a 302 for a Range from byte 0',
		delivered: 'redirect',
		facts: { status: 302, range: 'bytes=0-' },
		counts: 'download',
	},
	{
		what: 'a 302 for a resume (Range not from 0)',
		delivered: 'redirect',
		facts: { status: 302, range: 'bytes=100-' },
		counts: undefined,
	},
	{
		what: 'a 302 for the one-byte probe',
		delivered: 'redirect',
		facts: { status: 302, range: 'bytes=0-0' },
		counts: undefined,
	},
	{ what: 'a stream 200', delivered: 'stream', facts: { status: 200 }, counts: 'download' },
	{
		what: 'a stream 206 from byte 0',
		delivered: 'stream',
		facts: { status: 206, range: 'bytes=0-1023' },
		counts: 'download',
	},
	{
		what: 'a stream 206 of a later range',
		delivered: 'stream',
		facts: { status: 206, range: 'bytes=1024-' },
		counts: undefined,
	},
	{
		what: 'a stream 206 of a suffix',
		delivered: 'stream',
		facts: { status: 206, range: 'bytes=-500' },
		counts: undefined,
	},
	{
		what: 'a stream 206 of the probe',
		delivered: 'stream',
		facts: { status: 206, range: 'bytes=0-0' },
		counts: undefined,
	},
	{
		what: 'a stream 200 that ignored a later Range (the whole object)',
		delivered: 'stream',
		facts: { status: 200, range: 'bytes=5-' },
		counts: 'download',
	},
	{ what: 'a stream 304', delivered: 'stream', facts: { status: 304 }, counts: undefined },
	{ what: 'a stream 412', delivered: 'stream', facts: { status: 412 }, counts: undefined },
	{
		what: 'a stream 416',
		delivered: 'stream',
		facts: { status: 416, range: 'bytes=999999-' },
		counts: undefined,
	},
	{ what: 'a zip', delivered: 'zip', facts: { status: 200 }, counts: 'download' },
	{ what: 'a HEAD', delivered: 'redirect', facts: { method: 'HEAD', status: 302 }, counts: undefined },
	{ what: 'a HEAD of a stream', delivered: 'stream', facts: { method: 'HEAD' }, counts: undefined },
	{ what: 'a HEAD of a zip', delivered: 'zip', facts: { method: 'HEAD' }, counts: undefined },
	{ what: 'a prefetch', delivered: 'redirect', facts: { status: 302, prefetch: true }, counts: undefined },
	{ what: 'a failed delivery', delivered: 'stream', facts: { status: 502 }, counts: undefined },
	// Pages and listings.
	{ what: 'a download page', delivered: 'page', facts: {}, counts: 'view' },
	{ what: 'a folder listing', delivered: 'listing', facts: {}, counts: 'view' },
	{ what: 'a prefetched page', delivered: 'page', facts: { prefetch: true }, counts: undefined },
	{ what: 'a listing that failed', delivered: 'listing', facts: { status: 502 }, counts: undefined },
	// Bots, apart.
	{ what: 'a link-preview bot at a page', delivered: 'page', facts: { bot: 'slackbot' }, counts: 'bot' },
	{
		what: 'a crawler taking the bytes',
		delivered: 'redirect',
		facts: { status: 302, bot: 'googlebot' },
		counts: 'bot',
	},
	{
		what: 'a bot on a limited share’s page',
		delivered: 'page',
		facts: { bot: 'discordbot', limited: true },
		counts: 'bot',
	},
	{ what: 'a bot’s HEAD', delivered: 'stream', facts: { method: 'HEAD', bot: 'bot' }, counts: undefined },
	// Limited shares: downloads are exactly the spends.
	{
		what: 'a spent ticket (the spend)',
		delivered: 'spend',
		facts: { status: 303, limited: true },
		counts: 'download',
	},
	{
		what: 'a spend by a GET that resumes without its ticket',
		delivered: 'spend',
		facts: { status: 302, range: 'bytes=100-', limited: true },
		counts: 'download',
	},
	{
		what: 'a ticket’s 302 (never counted again)',
		delivered: 'redirect',
		facts: { status: 302, limited: true },
		counts: undefined,
	},
	{ what: 'a ticket’s stream 200', delivered: 'stream', facts: { limited: true }, counts: undefined },
	{
		what: 'a ticket’s resume',
		delivered: 'stream',
		facts: { status: 206, range: 'bytes=100-', limited: true },
		counts: undefined,
	},
	{ what: 'a ticket’s zip', delivered: 'zip', facts: { limited: true }, counts: undefined },
	{
		what: 'a limited share’s HEAD',
		delivered: 'stream',
		facts: { method: 'HEAD', limited: true },
		counts: undefined,
	},
	{ what: 'a limited share’s page', delivered: 'page', facts: { limited: true }, counts: 'view' },
]

describe('countAs: what each request kind counts as', () => {
	it.each(ROWS)('$what → $counts', ({ delivered, facts, counts }) => {
		expect(countAs(delivered, { ...GET, ...facts })).toBe(counts)
	})
})

describe('startsAtZero', () => {
	it.each([
		[null, true],
		['bytes=0-', true],
		['bytes=0-99', true],
		['BYTES = 0 - 99', true],
		['bytes=00-5', true],
		['bytes=0-0', false],
		['bytes=1-', false],
		['bytes=-5', false],
		['bytes=0-5,10-20', false],
		['items=0-5', false],
	] as const)('%s → %s', (range, expected) => {
		expect(startsAtZero(range)).toBe(expected)
	})
})
