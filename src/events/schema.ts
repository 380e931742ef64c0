// The STATS database's tables, created and migrated by the worker itself on first use (so a
// plain `wrangler dev` or a fresh deploy needs no extra step). Migrations are recorded in
// `d1_migrations`, the table wrangler and `applyD1Migrations` (tests) use, under the same
// names, so any of them may apply them first. Each one only adds, and runs in one batch.

export interface Migration {
	name: string
	queries: string[]
}

export const MIGRATIONS: Migration[] = [
	{
		name: '0001_stats_and_webhooks',
		queries: [
			// Every event counted, by its id: INSERT … ON CONFLICT DO NOTHING makes a redelivered
			// batch count once. `applied` marks rows already rolled up; pruned after a few days.
			`CREATE TABLE IF NOT EXISTS events_seen (
				id TEXT PRIMARY KEY,
				kind TEXT NOT NULL,
				at INTEGER NOT NULL,
				seen_at INTEGER NOT NULL,
				applied INTEGER NOT NULL DEFAULT 0,
				share_id TEXT NOT NULL,
				country TEXT,
				referrer TEXT,
				agent TEXT,
				path TEXT,
				visitor TEXT
			) WITHOUT ROWID`,
			'CREATE INDEX IF NOT EXISTS events_unapplied ON events_seen (applied) WHERE applied = 0',
			'CREATE INDEX IF NOT EXISTS events_seen_at ON events_seen (seen_at)',
			// Counts by share and hour (unit 'h'), folded into days (unit 'd') after 7 days. dim ''
			// is the share's totals; 'country', 'referrer', 'agent' and 'file' count downloads by value.
			`CREATE TABLE IF NOT EXISTS rollups (
				share_id TEXT NOT NULL,
				unit TEXT NOT NULL,
				t INTEGER NOT NULL,
				dim TEXT NOT NULL,
				value TEXT NOT NULL,
				downloads INTEGER NOT NULL DEFAULT 0,
				views INTEGER NOT NULL DEFAULT 0,
				bots INTEGER NOT NULL DEFAULT 0,
				visitors INTEGER NOT NULL DEFAULT 0,
				PRIMARY KEY (share_id, unit, t, dim, value)
			) WITHOUT ROWID`,
			'CREATE INDEX IF NOT EXISTS rollups_by_time ON rollups (unit, t)',
			// The day's visitor hashes per share, until the day is folded into a count.
			`CREATE TABLE IF NOT EXISTS visitors (
				share_id TEXT NOT NULL,
				day INTEGER NOT NULL,
				hash TEXT NOT NULL,
				PRIMARY KEY (share_id, day, hash)
			) WITHOUT ROWID`,
			'CREATE INDEX IF NOT EXISTS visitors_by_day ON visitors (day)',
			// Webhooks that failed at least once: tries so far, the last answer; failed_at once
			// dead-lettered. A delivery that succeeds removes its row.
			`CREATE TABLE IF NOT EXISTS webhook_deliveries (
				id TEXT PRIMARY KEY,
				type TEXT NOT NULL,
				share_id TEXT NOT NULL,
				body TEXT NOT NULL,
				attempts INTEGER NOT NULL,
				last_status INTEGER,
				last_error TEXT,
				last_attempt_at INTEGER NOT NULL,
				failed_at INTEGER
			) WITHOUT ROWID`,
			'CREATE INDEX IF NOT EXISTS webhook_failures ON webhook_deliveries (failed_at) WHERE failed_at IS NOT NULL',
		],
	},
]

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT UNIQUE,
	applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`

/** Applies every migration `db` has not recorded yet. */
export async function migrate(db: D1Database): Promise<void> {
	await db.prepare(MIGRATIONS_TABLE).run()
	const applied = new Set(
		(await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map(
			(row) => row.name,
		),
	)
	for (const migration of MIGRATIONS) {
		if (applied.has(migration.name)) continue
		// Two isolates may race here: every statement is idempotent, and so is the record.
		await db.batch([
			...migration.queries.map((query) => db.prepare(query)),
			db
				.prepare('INSERT INTO d1_migrations (name) VALUES (?) ON CONFLICT (name) DO NOTHING')
				.bind(migration.name),
		])
	}
}

// Once per database binding per isolate; a failure is retried by the next caller.
const ready = new WeakMap<D1Database, Promise<void>>()

/** The schema, created or migrated once per isolate before the first query. */
export function ensureSchema(db: D1Database): Promise<void> {
	let done = ready.get(db)
	if (!done) {
		done = migrate(db).catch((error: unknown) => {
			ready.delete(db)
			throw error
		})
		ready.set(db, done)
	}
	return done
}
