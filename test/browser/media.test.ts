// Inline audio and video in a real browser: Chromium's own media document must load, play
// and keep seeking (each seek is a new Range request) for as long as the share is valid,
// long after any one signature has expired.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { sleep, useE2eStack } from '../e2e/helpers.ts'
import { putObject } from '../emulator/store.ts'
import { navigate, screenshot, useBrowser } from './browser.ts'

const SIGN_TTL = 2
const e2e = useE2eStack('media', { seedShares: false, vars: { SIGN_TTL: String(SIGN_TTL) } })
const b = useBrowser()

const SECONDS = 60
const RATE = 48_000

/** A 60 s stereo 16-bit PCM tone: about 11 MB, so a late seek needs bytes not yet loaded. */
function wavTone(): Buffer {
	const channels = 2
	const dataBytes = SECONDS * RATE * channels * 2
	const wav = Buffer.alloc(44 + dataBytes)
	wav.write('RIFF', 0, 'ascii')
	wav.writeUInt32LE(36 + dataBytes, 4)
	wav.write('WAVEfmt ', 8, 'ascii')
	wav.writeUInt32LE(16, 16)
	wav.writeUInt16LE(1, 20)
	wav.writeUInt16LE(channels, 22)
	wav.writeUInt32LE(RATE, 24)
	wav.writeUInt32LE(RATE * channels * 2, 28)
	wav.writeUInt16LE(channels * 2, 32)
	wav.writeUInt16LE(16, 34)
	wav.write('data', 36, 'ascii')
	wav.writeUInt32LE(dataBytes, 40)
	for (let i = 0; i < SECONDS * RATE; i++) {
		const sample = Math.round(Math.sin((2 * Math.PI * 440 * i) / RATE) * 8000)
		wav.writeInt16LE(sample, 44 + i * 4)
		wav.writeInt16LE(sample, 46 + i * 4)
	}
	return wav
}

interface MediaState {
	found: boolean
	error: number | null
	readyState: number
	duration: number
	currentTime: number
}

/** The media element of Chromium's media document, as seen from outside the page's sandbox. */
function mediaState(page: Page): Promise<MediaState> {
	return page.evaluate(() => {
		const media = document.querySelector('video, audio')
		if (!(media instanceof HTMLMediaElement))
			return { found: false, error: null, readyState: 0, duration: 0, currentTime: 0 }
		return {
			found: true,
			error: media.error?.code ?? null,
			readyState: media.readyState,
			duration: media.duration,
			currentTime: media.currentTime,
		}
	})
}

describe('inline media', () => {
	it('plays an inline audio share and still seeks after its signatures have expired', async () => {
		await putObject(e2e.stack.emulatorRoot, 'media/tone.wav', wavTone(), 'audio/wav')
		// No delivery chosen and the configured default is redirect: inline media streams anyway.
		const share = await e2e.stack.createShare({ key: 'media/tone.wav', disposition: 'inline' })
		const url = e2e.stack.link(share.id)
		const outcome = await navigate(b.page, url)
		expect(outcome.kind).toBe('rendered')
		const page = b.page
		await expect
			.poll(async () => (await mediaState(page)).readyState, { timeout: 10_000 })
			.toBeGreaterThanOrEqual(2)
		const loaded = await mediaState(page)
		expect(loaded).toMatchObject({ found: true, error: null })
		expect(loaded.duration).toBeCloseTo(SECONDS, 0)

		// Muted, so the autoplay policy lets it play without a user gesture.
		await page.evaluate(() => {
			const media = document.querySelector('video, audio') as HTMLMediaElement
			media.muted = true
			return media.play()
		})
		await expect
			.poll(async () => (await mediaState(page)).currentTime, { timeout: 10_000 })
			.toBeGreaterThan(0.2)
		await screenshot(page, 'media-inline-audio')

		await sleep((SIGN_TTL + 2) * 1000)
		const before = b.events.responses.length
		// Polled, not awaited through 'seeked': the sandbox runs no event listeners, not even ours.
		await page.evaluate((target) => {
			;(document.querySelector('video, audio') as HTMLMediaElement).currentTime = target
		}, SECONDS - 5)
		await expect
			.poll(
				async () => {
					const state = await mediaState(page)
					return state.readyState >= 2 && state.currentTime >= SECONDS - 5
				},
				{ timeout: 15_000 },
			)
			.toBe(true)
		const after = await mediaState(page)
		expect(after.error).toBeNull()
		const seekResponses = b.events.responses.slice(before).filter((r) => r.url() === url)
		expect(seekResponses.map((r) => r.status())).toContain(206)
		expect(seekResponses.every((r) => r.status() === 206)).toBe(true)
	}, 90_000)
})
