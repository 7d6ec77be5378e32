/**
 * The runner's locks and who holds them: the advisory lock key that serialises runners, and the
 * lock-wait monitor that, while a migration statement waits for a lock, finds the session that
 * blocks it from a second connection (`pg_locks`, `pg_blocking_pids`, `pg_stat_activity`).
 *
 * @module
 */
import type postgres from "postgres";

/** The namespaced name the advisory lock key is derived from. */
export const MIGRATION_LOCK_NAME = "@proliferate/core/migrate";

/**
 * Advisory lock key shared by every runner of this package: the first 8 bytes of
 * SHA-256("@proliferate/core/migrate") read as a signed big-endian 64-bit integer
 * (`lockKeyFor(MIGRATION_LOCK_NAME)`; a test checks the two agree).
 */
export const MIGRATION_LOCK_KEY: bigint = -6436074803353756050n;

/** `application_name` of the runner's connection; another session with it is this runner. */
export const RUNNER_APPLICATION_NAME = "proliferate-core-migrate";

/** `application_name` of the runner's lock-wait monitor connection. */
export const MONITOR_APPLICATION_NAME = "proliferate-core-migrate-monitor";

/**
 * The advisory lock key of a name: the first 8 bytes of its SHA-256, as a signed 64-bit
 * integer (big-endian), the type `pg_advisory_xact_lock(bigint)` takes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockKeyFor, MIGRATION_LOCK_KEY, MIGRATION_LOCK_NAME } from "./locks.ts";
 * assert.equal(await lockKeyFor(MIGRATION_LOCK_NAME), MIGRATION_LOCK_KEY);
 * ```
 */
export async function lockKeyFor(name: string): Promise<bigint> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(name));
  return new DataView(digest).getBigInt64(0, false);
}

/** One session that blocks the runner, as the monitor saw it. */
export interface LockBlocker {
  /** Backend pid of the blocking session. */
  pid: number;
  /** Its `application_name` (empty when unset). */
  applicationName: string;
  /** Its `state` (`active`, `idle in transaction`, …). */
  state: string;
  /** Its current or last query, whitespace collapsed and shortened. */
  query: string;
}

/** What the runner waited for when the monitor last looked. */
export interface LockWait {
  /** `pg_locks.locktype` of the ungranted lock: `relation`, `transactionid`, `tuple`, … */
  lockType: string;
  /** The requested mode, e.g. `AccessExclusiveLock`. */
  mode: string;
  /** The table concerned, when known. */
  table: string | null;
  /** The sessions `pg_blocking_pids()` named. */
  blockers: LockBlocker[];
}

const QUERY_LENGTH = 120;

function shorten(query: string | null): string {
  const line = (query ?? "").replace(/\s+/g, " ").trim();
  return line.length > QUERY_LENGTH ? `${line.slice(0, QUERY_LENGTH)}…` : line;
}

/** Reads what backend `pid` waits for and who blocks it; undefined when it waits for nothing. */
export async function readLockWait(
  sql: postgres.Sql,
  pid: number,
): Promise<LockWait | undefined> {
  const waits = await sql<{ locktype: string; mode: string; table: string | null }[]>`
    select w.locktype, w.mode,
           coalesce(
             case when w.relation is not null then w.relation::regclass::text end,
             (select t.relation::regclass::text from pg_locks t
              where t.pid = w.pid and t.locktype = 'tuple' and t.granted limit 1)
           ) as table
    from pg_locks w where w.pid = ${pid} and not w.granted limit 1`;
  if (waits.length === 0) return undefined;
  const blockers = await sql<
    { pid: number; application_name: string | null; state: string | null; query: string | null }[]
  >`
    select a.pid, a.application_name, a.state, a.query
    from unnest(pg_blocking_pids(${pid})) as b(pid)
    join pg_stat_activity a on a.pid = b.pid
    order by a.pid`;
  const [wait] = waits;
  return {
    lockType: wait.locktype,
    mode: wait.mode,
    table: wait.table,
    blockers: blockers.map((b) => ({
      pid: b.pid,
      applicationName: b.application_name ?? "",
      state: b.state ?? "unknown",
      query: shorten(b.query),
    })),
  };
}

/** One phrase for a blocker: `pid 42 (application_name "psql", idle in transaction, query "…")`. */
export function describeBlocker(blocker: LockBlocker): string {
  return `pid ${blocker.pid} (application_name ${JSON.stringify(blocker.applicationName)}, ` +
    `state ${blocker.state}, query ${JSON.stringify(blocker.query)})`;
}

/**
 * One phrase for a lock wait: a row-lock wait (`transactionid`, `tuple`) says "row lock", any
 * other "table lock" (for `relation`) or the lock type.
 */
export function describeLockWait(wait: LockWait): string {
  const kind = wait.lockType === "transactionid" || wait.lockType === "tuple"
    ? "a row lock"
    : wait.lockType === "relation"
    ? `a table lock (${wait.mode})`
    : `a ${wait.lockType} lock (${wait.mode})`;
  const on = wait.table ? ` on ${wait.table}` : "";
  const by = wait.blockers.length > 0
    ? `, held by ${wait.blockers.map(describeBlocker).join(" and ")}`
    : "";
  return `${kind}${on}${by}`;
}

/**
 * Watches one backend from a second connection while it runs, keeping the last lock wait it
 * saw; errors of the monitor connection are swallowed (the message then names no blocker).
 */
export class LockWaitMonitor {
  #sql: postgres.Sql;
  #pid: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  #intervalMs: number;
  /** The last wait seen since {@linkcode LockWaitMonitor.watch}, if any. */
  lastWait: LockWait | undefined;

  /** `sql` must be a connection of its own (not the runner's). */
  constructor(sql: postgres.Sql, intervalMs = 100) {
    this.#sql = sql;
    this.#intervalMs = intervalMs;
  }

  /** Starts watching `pid`, forgetting any earlier wait. */
  watch(pid: number): void {
    this.stop();
    this.#pid = pid;
    this.lastWait = undefined;
    this.#schedule(this.#intervalMs / 2);
  }

  #schedule(delayMs = this.#intervalMs): void {
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => {
        this.#polling = undefined;
        if (this.#pid !== undefined) this.#schedule();
      });
    }, delayMs);
  }

  async #poll(): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    try {
      const wait = await readLockWait(this.#sql, pid);
      if (wait && this.#pid === pid) this.lastWait = wait;
    } catch {
      // The monitor is best effort: a lost monitor connection only costs the blocker's name.
    }
  }

  /**
   * Stops watching; resolves once no poll is running, or after `graceMs` at the most: behind a
   * pooler whose pool is full, a poll can wait long for a server, and the run must not.
   */
  stop(graceMs = 250): Promise<void> {
    this.#pid = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const polling = this.#polling;
    if (!polling) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs));
    return Promise.race([polling, grace]).finally(() => clearTimeout(timer));
  }
}

/** A session holding the runners' advisory lock. */
export interface AdvisoryHolder {
  /** Its backend pid. */
  pid: number;
  /** Its `application_name`. */
  applicationName: string;
  /** Whether it is this package's runner (by `application_name`). */
  isRunner: boolean;
}

/**
 * Reads who holds an advisory lock key, by default {@linkcode MIGRATION_LOCK_KEY}, if anyone
 * (session or transaction level).
 */
export async function readAdvisoryHolders(
  sql: postgres.Sql,
  key: bigint = MIGRATION_LOCK_KEY,
): Promise<AdvisoryHolder[]> {
  const high = Number((key >> 32n) & 0xffffffffn);
  const low = Number(key & 0xffffffffn);
  const rows = await sql<{ pid: number; application_name: string | null }[]>`
    select l.pid, a.application_name
    from pg_locks l left join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.objsubid = 1
      and l.classid::bigint = ${high} and l.objid::bigint = ${low}
      and l.database = (select oid from pg_database where datname = current_database())
    order by l.pid`;
  return rows.map((row) => ({
    pid: row.pid,
    applicationName: row.application_name ?? "",
    isRunner: row.application_name === RUNNER_APPLICATION_NAME,
  }));
}

/** One phrase for the holders of the advisory lock. */
export function describeAdvisoryHolders(holders: readonly AdvisoryHolder[]): string {
  if (holders.length === 0) return "a session that released it since";
  return holders.map((holder) =>
    holder.isRunner
      ? `another runner of this package (pid ${holder.pid})`
      : `a session that is not this package's runner (pid ${holder.pid}, application_name ${
        JSON.stringify(holder.applicationName)
      })`
  ).join(" and ");
}
