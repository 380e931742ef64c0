// The languages pages speak, their tables, and the locale each formats numbers and dates in.
import { en, type MessageKey, type Messages } from './en.ts'
import { zh } from './zh.ts'

export type Lang = 'en' | 'zh'
export type { MessageKey, Messages }

export const LANGS: readonly Lang[] = ['en', 'zh']

const TABLES: Record<Lang, Messages> = { en, zh }

/** BCP 47 tags for `<html lang>` and Intl. */
export const LOCALE: Record<Lang, string> = { en: 'en', zh: 'zh-CN' }

export function messages(lang: Lang): Messages {
	return TABLES[lang]
}

/** Fills `{name}` placeholders; unknown names stay as they are. */
export function fill(template: string, values: Record<string, string>): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
}
