// Versioned migrations: every earlier version's tables, with data in them, reach the
// current schema with nothing lost; each step runs once.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { ShareState } from '../../src/shares/state.ts'
import { MIGRATIONS, migrate, SCHEMA_VERSION, schemaVersion } from '../../src/shares/state-schema.ts'

const stub = (name: string) => env.SHARE_STATE.get(env.SHARE_STATE.idFromName(name))

function dropAll(sql: SqlStorage): void {
	const tables = sql
		.exec<{ name: string }>(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
		)
		.toArray()
	for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`)
}

function columns(sql: SqlStorage, table: string): string[] {
	return sql
		.exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
		.toArray()
		.map((c) => c.name)
}

describe('migrations', () => {
	it.each(Array.from({ length: SCHEMA_VERSION }, (_, version) => version))(
		'bring an object from version %i to the current one, keeping its rows',
		async (from) => {
			await runInDurableObject(stub(`schema-${from}`), (_instance: ShareState, state) => {
				const sql = state.storage.sql
				dropAll(sql)
				// Version 0 is a new object; version 1 is one from before versions existed (no meta).
				for (let step = 0; step < from; step++) MIGRATIONS[step]?.(sql)
				if (from >= 2) {
					sql.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)')
					sql.exec("INSERT INTO meta (key, value) VALUES ('schema', ?)", from)
				}
				if (from >= 1) {
					sql.exec("INSERT INTO record (id, body, revision) VALUES ('s', '{}', 4)")
					sql.exec(
						from >= 3
							? "INSERT INTO usage (id, downloads, first_at, last_at) VALUES ('s', 2, 1, 2)"
							: "INSERT INTO usage (id, downloads, sequence, first_at, last_at) VALUES ('s', 2, 2, 1, 2)",
					)
				}
				expect(schemaVersion(sql)).toBe(from)
				expect(migrate(sql)).toBe(from)
				expect(schemaVersion(sql)).toBe(SCHEMA_VERSION)
				expect(columns(sql, 'usage')).toEqual(['id', 'downloads', 'first_at', 'last_at'])
				expect(columns(sql, 'outbox')).toEqual(['id', 'revision', 'tries', 'next_at'])
				if (from >= 1) {
					expect(sql.exec('SELECT revision FROM record').toArray()).toEqual([{ revision: 4 }])
					expect(sql.exec('SELECT downloads FROM usage').toArray()).toEqual([{ downloads: 2 }])
				}
				// A second run finds nothing to do.
				expect(migrate(sql)).toBe(SCHEMA_VERSION)
			})
		},
	)

	it('refuses a schema newer than this code', async () => {
		await runInDurableObject(stub('schema-newer'), (_instance: ShareState, state) => {
			state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'schema'", SCHEMA_VERSION + 1)
			expect(() => migrate(state.storage.sql)).toThrow(/newer/)
		})
	})
})
