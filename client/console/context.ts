// What every view needs: the words of the chosen language, and where links point.
import { createContext, useContext } from 'hono/jsx/dom'
import { api } from './api.ts'
import type { Lang, Words } from './i18n.ts'

export interface ConsoleContext {
	lang: Lang
	t: Words
	/** Navigate within the console (hash routes). */
	go: (route: string) => void
	/** Shares made or revoked in this tab: KV's list may not show them yet. */
	local: LocalChanges
}

export interface LocalChanges {
	created: Map<string, import('./types.ts').ShareSummary>
	revoked: Set<string>
}

export const Ctx = createContext<ConsoleContext | null>(null)

export function useConsole(): ConsoleContext {
	const value = useContext(Ctx)
	if (!value) throw new Error('the console context is missing')
	return value
}

/** DELETE under the revision the operator saw (a 412 if it changed), then remembered here. */
export async function revokeShare(local: LocalChanges, id: string, etag: string): Promise<void> {
	await api('DELETE', `/api/shares/${encodeURIComponent(id)}`, { ifMatch: etag })
	local.revoked.add(id)
	local.created.delete(id)
}
