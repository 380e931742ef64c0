// The admin console's one Durable Object (CONSOLE_STATE, by the name "console"): the live
// sessions, so that signing out ends a session for good (its cookie, replayed, opens nothing),
// and failed sign-ins per client network, slowed exactly as a share's unlocks are (the same
// attempts table and steps: shares/state-attempts.ts). Every read-check-write is one
// synchronous SQL step; the alarm forgets expired sessions and old attempt rows.
import { DurableObject } from 'cloudflare:workers'
import { type AttemptOutcome, clearNetworkAttempts, tryAttempt } from '../shares/state-attempts.ts'
import { nextAttemptPruneAt, pruneAttempts } from '../shares/state-cleanup.ts'
import { readMeta, writeMeta } from '../shares/state-schema.ts'

export type { AttemptOutcome } from '../shares/state-attempts.ts'

/** The name of the one instance. */
export const CONSOLE_STATE_NAME = 'console'
/** The attempts table is keyed by share id: sign-ins count as one "share" of this name. */
const SIGN_IN = 'console'
/** Past this many live sessions, the ones ending soonest are forgotten first. */
export const MAX_SESSIONS = 10_000
/** An alarm never fires sooner than this after it is set. */
const MIN_ALARM_DELAY_MS = 100

/** How a session was signed in: the admin token, or a Cloudflare Access token. */
export type SessionVia = 'token' | 'access'

export interface LiveSession {
	via: SessionVia
	/** Who Access said signed in (an email or a service token's name); null for the token. */
	subject: string | null
	/** Epoch ms. */
	expiresAt: number
}

interface SessionRow extends Record<string, SqlStorageValue> {
	via: string
	subject: string | null
	expires_at: number
}

/** Each step brings the schema from the version before it to its own number (index + 1). */
const MIGRATIONS: readonly ((sql: SqlStorage) => void)[] = [
	(sql) => {
		sql.exec(`CREATE TABLE sessions (
			sid TEXT PRIMARY KEY,
			via TEXT NOT NULL,
			subject TEXT,
			created_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL
		)`)
		sql.exec('CREATE INDEX sessions_by_expiry ON sessions (expires_at)')
		// The same table a share's object keeps its unlock attempts in (state-schema.ts, version 1).
		sql.exec(
			'CREATE TABLE attempts (id TEXT NOT NULL, network TEXT NOT NULL, failures INTEGER NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (id, network))',
		)
	},
]

function migrate(sql: SqlStorage): void {
	sql.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)')
	for (let version = readMeta(sql, 'schema') ?? 0; version < MIGRATIONS.length; version++) {
		MIGRATIONS[version]?.(sql)
		writeMeta(sql, 'schema', version + 1)
	}
}

export class ConsoleState extends DurableObject<Cloudflare.Env> {
	private readonly sql: SqlStorage

	constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
		super(ctx, env)
		this.sql = ctx.storage.sql
		migrate(this.sql)
	}

	/** A new session, live until `expiresAt` (epoch ms) or its sign-out. */
	async open(sid: string, via: SessionVia, subject: string | null, expiresAt: number, nowMs: number) {
		this.sql.exec(
			'INSERT INTO sessions (sid, via, subject, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
			sid,
			via,
			subject,
			nowMs,
			expiresAt,
		)
		const count = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sessions').one().n
		if (count > MAX_SESSIONS)
			this.sql.exec(
				'DELETE FROM sessions WHERE sid IN (SELECT sid FROM sessions ORDER BY expires_at LIMIT ?)',
				count - MAX_SESSIONS,
			)
		await this.schedule(nowMs)
	}

	/** The session, if it is live: not signed out, not expired. */
	session(sid: string, nowMs: number): LiveSession | null {
		const row = this.sql
			.exec<SessionRow>('SELECT via, subject, expires_at FROM sessions WHERE sid = ?', sid)
			.toArray()[0]
		if (!row || row.expires_at <= nowMs) return null
		return { via: row.via === 'access' ? 'access' : 'token', subject: row.subject, expiresAt: row.expires_at }
	}

	/** Signs the session out for good; false when it was not live anyway. */
	revoke(sid: string): boolean {
		return this.sql.exec('DELETE FROM sessions WHERE sid = ?', sid).rowsWritten > 0
	}

	/**
	 * One sign-in attempt from `network` (as clientNetwork() names it) goes ahead, counted as
	 * failed until signedIn() says otherwise, or waits: a share's unlock backoff, exactly.
	 */
	async attempt(network: string, nowMs: number): Promise<AttemptOutcome> {
		const outcome = tryAttempt(this.sql, SIGN_IN, network, nowMs)
		await this.schedule(nowMs)
		return outcome
	}

	/** The right token from `network`: it, and its /48 if it has one, start again from no failures. */
	signedIn(network: string): void {
		clearNetworkAttempts(this.sql, SIGN_IN, network)
	}

	override async alarm(): Promise<void> {
		const nowMs = Date.now()
		this.sql.exec('DELETE FROM sessions WHERE expires_at <= ?', nowMs)
		pruneAttempts(this.sql, SIGN_IN, nowMs)
		await this.schedule(nowMs)
	}

	/** The alarm for the earliest session to end or attempt row to forget, or none. */
	private schedule(nowMs: number): Promise<void> {
		const ends = this.sql.exec<{ at: number | null }>('SELECT MIN(expires_at) AS at FROM sessions').one().at
		const times = [ends ?? undefined, nextAttemptPruneAt(this.sql, SIGN_IN)].filter(
			(at): at is number => at !== undefined,
		)
		if (times.length === 0) return this.ctx.storage.deleteAlarm()
		return this.ctx.storage.setAlarm(Math.max(Math.min(...times), nowMs + MIN_ALARM_DELAY_MS))
	}
}

/** The one instance. */
export function consoleState(env: Pick<Cloudflare.Env, 'CONSOLE_STATE'>) {
	return env.CONSOLE_STATE.get(env.CONSOLE_STATE.idFromName(CONSOLE_STATE_NAME))
}
