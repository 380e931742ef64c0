// The per-share Durable Object's schema, versioned: a `meta` row holds the version, and each
// step runs once, in order, inside the constructor's synchronous start. Objects made before
// versions existed have the first step's tables and no meta row: they start at version 1.

// Version 1, as the first objects created it (IF NOT EXISTS: they already have it). Steps
// are frozen once released: a later change of a table is a new step, never an edit here.
const V1 = [
	// One row per object (its share id). `body` NULL is a tombstone: the id is free again but
	// its revision never goes back, since edge caches key on it.
	'CREATE TABLE IF NOT EXISTS record (id TEXT PRIMARY KEY, body TEXT, revision INTEGER NOT NULL)',
	// Downloads granted, the first and the latest.
	'CREATE TABLE IF NOT EXISTS usage (id TEXT PRIMARY KEY, downloads INTEGER NOT NULL, sequence INTEGER NOT NULL, first_at INTEGER, last_at INTEGER)',
	// Unlock attempts per client network ('*' rows are share-wide).
	'CREATE TABLE IF NOT EXISTS attempts (id TEXT NOT NULL, network TEXT NOT NULL, failures INTEGER NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (id, network))',
	// An upload link's files: a reservation (expires_at set) or a committed file (NULL).
	'CREATE TABLE IF NOT EXISTS uploads (id TEXT NOT NULL, key TEXT NOT NULL, bytes INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (id, key))',
]

interface MetaRow extends Record<string, SqlStorageValue> {
	value: number
}

/** Each step brings the schema from the version before it to its own number (index + 1). */
export const MIGRATIONS: readonly ((sql: SqlStorage) => void)[] = [
	// 1: the tables of the first per-share objects.
	(sql) => {
		for (const statement of V1) sql.exec(statement)
	},
	// 2: what KV still owes (the outbox): written in the same step as the change it owes.
	(sql) => {
		sql.exec(`CREATE TABLE outbox (
			id TEXT PRIMARY KEY,
			revision INTEGER NOT NULL,
			tries INTEGER NOT NULL,
			next_at INTEGER NOT NULL
		)`)
	},
	// 3: every granted download gets the next number anyway: the sequence was the count.
	(sql) => {
		sql.exec('ALTER TABLE usage DROP COLUMN sequence')
	},
	// 4: when a deleted share's tombstone was written, so its last rows can be cleared on time.
	(sql) => {
		sql.exec('ALTER TABLE record ADD COLUMN deleted_at INTEGER')
	},
	// 5: the objects a share of sent files owns, and when they are due to be deleted (state-sent.ts).
	(sql) => {
		sql.exec(`CREATE TABLE sent (
			id TEXT NOT NULL,
			target TEXT NOT NULL,
			folder INTEGER NOT NULL,
			due_at INTEGER,
			tries INTEGER NOT NULL,
			done INTEGER NOT NULL,
			PRIMARY KEY (id, target)
		)`)
	},
]

export const SCHEMA_VERSION = MIGRATIONS.length

function tableExists(sql: SqlStorage, name: string): boolean {
	return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0
}

/** The version the stored tables are at: 0 for a new object, 1 for one from before versions. */
export function schemaVersion(sql: SqlStorage): number {
	if (!tableExists(sql, 'meta')) return tableExists(sql, 'record') ? 1 : 0
	return sql.exec<MetaRow>("SELECT value FROM meta WHERE key = 'schema'").toArray()[0]?.value ?? 0
}

export function readMeta(sql: SqlStorage, key: string): number | undefined {
	return sql.exec<MetaRow>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value
}

export function writeMeta(sql: SqlStorage, key: string, value: number): void {
	sql.exec(
		'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
		key,
		value,
	)
}

/** Runs every step past the stored version, in order; returns the version it started from. */
export function migrate(sql: SqlStorage): number {
	const from = schemaVersion(sql)
	if (from > SCHEMA_VERSION)
		throw new Error(`the stored schema is version ${from}, newer than this code's ${SCHEMA_VERSION}`)
	sql.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)')
	for (let version = from; version < SCHEMA_VERSION; version++) {
		MIGRATIONS[version]?.(sql)
		writeMeta(sql, 'schema', version + 1)
	}
	return from
}
