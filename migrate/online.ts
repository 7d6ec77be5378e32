/**
 * Migrations that run outside a transaction, for `CREATE INDEX CONCURRENTLY` and
 * `DROP INDEX CONCURRENTLY` (which PostgreSQL refuses inside a transaction block).
 *
 * **Marking a file.** A migration file whose first line is {@linkcode NO_TRANSACTION_MARKER}
 * (`-- proliferate:no-transaction`) runs outside a transaction. The marker is part of the file
 * text, so the bundle needs no flag and the recorded hash covers it. Every statement of such a
 * file must be `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS …` or
 * `DROP INDEX CONCURRENTLY IF EXISTS …` (checked before connecting), so that a rerun after an
 * interruption at any point repeats nothing that already took effect. Anything that needs a
 * stronger lock (e.g. `ADD CONSTRAINT … UNIQUE USING INDEX`) goes in the next, transactional
 * file, where the runner's `lock_timeout` and retries apply.
 *
 * **Batched files.** A file whose first line is {@linkcode BATCHED_MARKER}
 * (`-- proliferate:batched`) is row work done online: the runner runs each statement again and
 * again, each run (a batch) in a short transaction of its own with the runner's `SET LOCAL`
 * timeouts, until the statement reports it is done, then the next statement; `onProgress`
 * receives a `batch` event per batch. A statement reports its command's row count, or, when it
 * returns one row with an integer column `rows`, that number; it is done when it reports 0, or,
 * when that row also has a boolean column `done`, when `done` is true (a batch of a walk over a
 * table's pages may write nothing before the walk reaches the end, see `0002_vnext_backfill`;
 * a keyset batch reports the keys it read). Each statement must therefore touch a bounded
 * number of rows per run and only rows that still need it, so that a batch rolled back by a
 * crash or a kill is simply done again by the rerun, and the last run finds nothing. A
 * statement that reports no rows (`ALTER TABLE … VALIDATE CONSTRAINT`, `CREATE TABLE IF NOT
 * EXISTS`) runs once, in a transaction of its own, so it must be idempotent too. Batched files
 * take the lease below, like files outside a transaction, and a batch's lock timeout is retried
 * as a file's is (the batches done stay).
 *
 * **How the runner runs a file outside a transaction** (see `migrate/runner.ts`):
 *
 * 1. Serialisation. A session-level advisory lock cannot be used: behind PgBouncer in
 *    transaction mode it would stay on a pooled server connection. Holding the runners'
 *    transaction-level lock for the whole file would not do either: `CREATE INDEX CONCURRENTLY`
 *    waits for every transaction that holds a snapshot when it starts, and a second runner
 *    waiting for that lock holds one, so the build and the waiting runner would wait for each
 *    other until `runnerWaitMs`. A second connection holding a lock in an idle transaction
 *    would need two server connections per runner, which a session-mode pool sized for the
 *    runners does not have. So the runner takes a lease: a row in {@linkcode LEASE_TABLE}
 *    (hash of the file, a random token, `renewed_at`), written in a short transaction under
 *    the runners' usual lock after re-reading the history (another runner may have applied the
 *    file meanwhile). It renews the lease before each statement and, after the last one,
 *    records the history row and deletes the lease in one transaction under that lock. Another
 *    runner waits (polling in short transactions, which no build waits for long) while the
 *    lease was renewed within {@linkcode LEASE_STALE_MS} or a runner's concurrent index build
 *    is running in the database (`pg_stat_activity`), and takes the lease over otherwise: a
 *    runner that died left it. A runner whose lease was taken over stops before its next
 *    statement and does not record the file.
 * 2. Timeouts. Over a direct connection (the server's `pg_backend_pid()` is the pid the
 *    connection's startup announced), `lock_timeout` and `statement_timeout` are set at session
 *    level for the file, read back with `SHOW`, and reset afterwards. Through a pooler a
 *    session setting may reach another server connection than the next statement, and stay
 *    there for another client; so none is set, the runner cancels a statement itself once it
 *    outlasts `statementTimeoutMs` (PgBouncer forwards the cancel request in both modes), and
 *    there is no `lock_timeout`: the statements allowed here take SHARE UPDATE EXCLUSIVE, which
 *    blocks no read and no write, only DDL, VACUUM and other index builds of the same table.
 * 3. Repair. Before each `CREATE INDEX CONCURRENTLY`, an INVALID index of the same name (left by
 *    an interrupted build: `pg_index.indisvalid = false`) is dropped with
 *    `DROP INDEX CONCURRENTLY`, unless a build of it is still in progress
 *    (`pg_stat_progress_create_index`), which is refused with the building pid named.
 *
 * @module
 */
import type { MigrationEntry } from "./types.ts";

/**
 * First line that marks a migration file as batched work: each statement runs again and again,
 * each run (a batch) in a short transaction of its own, until it reports 0 rows.
 */
export const BATCHED_MARKER = "-- proliferate:batched";

/** What one run (a batch) of a batched statement reported; see {@linkcode batchOutcome}. */
export interface BatchOutcome {
  /** The rows the batch wrote (or, for a keyset batch, the keys it read). */
  rows: number;
  /** Whether the statement is finished: the runner goes on to the next one. */
  done: boolean;
}

/**
 * Reads what one run of a batched statement reported, from the rows it returned and its command
 * row count (`count`, as postgres.js gives it): a single returned row with an integer column
 * `rows` reports that number, else the command's count does; the statement is done when that row
 * has a boolean column `done` that is true (a walk over a table's pages, whose batch may find
 * nothing to write before its end), or, without one, when it reports 0.
 */
export function batchOutcome(
  result: ArrayLike<unknown> & { count?: number | null },
): BatchOutcome {
  const row = result.length === 1 ? result[0] as { rows?: unknown; done?: unknown } : undefined;
  const rows = typeof row?.rows === "number" ? row.rows : result.count ?? 0;
  const done = typeof row?.done === "boolean" ? row.done : rows === 0;
  return { rows, done };
}

/** First line that marks a migration file as one that runs outside a transaction. */
export const NO_TRANSACTION_MARKER = "-- proliferate:no-transaction";

/** Schema and name of the table that holds the leases of files outside a transaction. */
export const LEASE_TABLE: readonly [string, string] = ["drizzle", "__proliferate_migration_leases"];

/**
 * A lease not renewed for this long (ms), with no concurrent index build of a runner running,
 * belongs to a runner that is gone, and another runner takes it over.
 */
export const LEASE_STALE_MS = 10_000;

/**
 * Whether `entry` runs outside a transaction: its file starts with
 * {@linkcode NO_TRANSACTION_MARKER} on a line of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runsOutsideTransaction } from "./online.ts";
 * const statements = ["-- proliferate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);"];
 * assert.ok(runsOutsideTransaction({ tag: "0009_i", when: 9, hash: "", statements }));
 * ```
 */
export function runsOutsideTransaction(entry: MigrationEntry): boolean {
  return firstLine(entry) === NO_TRANSACTION_MARKER;
}

/**
 * Whether `entry` is batched work: its file starts with {@linkcode BATCHED_MARKER}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runsInBatches } from "./online.ts";
 * const statements = ["-- proliferate:batched\nUPDATE t SET b = 1 WHERE id IN (SELECT id FROM t WHERE b IS NULL LIMIT 1000);"];
 * assert.ok(runsInBatches({ tag: "0009_b", when: 9, hash: "", statements }));
 * ```
 */
export function runsInBatches(entry: MigrationEntry): boolean {
  return firstLine(entry) === BATCHED_MARKER;
}

function firstLine(entry: MigrationEntry): string {
  const first = entry.statements[0] ?? "";
  return first.replace(/^\uFEFF/, "").split("\n", 1)[0].trimEnd();
}

/** A statement's SQL without its leading `--` comment lines and blank lines. */
export function withoutLeadingComments(statement: string): string {
  return statement.replace(/^(?:\s*--[^\n]*(?:\n|$))*/, "").trim();
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const CREATE_CONCURRENTLY = new RegExp(
  String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+(${IDENT})\s+` +
    String.raw`ON\s+(?:ONLY\s+)?(${IDENT}(?:\s*\.\s*${IDENT})?)`,
  "i",
);
const DROP_CONCURRENTLY = new RegExp(
  String.raw`^DROP\s+INDEX\s+CONCURRENTLY\s+IF\s+EXISTS\s+${IDENT}(?:\s*\.\s*${IDENT})?\s*;?$`,
  "i",
);

/** The index a `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS` statement builds. */
export interface ConcurrentIndex {
  /** The index name, unquoted. */
  name: string;
  /** The table as written in the statement (quoted as there, possibly schema-qualified). */
  table: string;
}

/** Reads the index name and table of a concurrent index build; undefined for other SQL. */
export function parseConcurrentIndex(statement: string): ConcurrentIndex | undefined {
  const match = CREATE_CONCURRENTLY.exec(withoutLeadingComments(statement));
  if (!match) return undefined;
  const raw = match[1];
  const name = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.toLowerCase();
  return { name, table: match[2].replace(/\s+/g, "") };
}

/**
 * Why a no-transaction entry cannot be run safely, one sentence; undefined when every statement
 * is an idempotent concurrent index build or drop (or only comments).
 */
export function checkOutsideTransaction(entry: MigrationEntry): string | undefined {
  for (const statement of entry.statements) {
    const sql = withoutLeadingComments(statement);
    if (sql === "") continue;
    if (parseConcurrentIndex(sql) || DROP_CONCURRENTLY.test(sql)) continue;
    const shown = sql.replace(/\s+/g, " ");
    return `migration ${entry.tag} runs outside a transaction (${NO_TRANSACTION_MARKER}), so ` +
      `each of its statements must be CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS or ` +
      `DROP INDEX CONCURRENTLY IF EXISTS, and one is ${
        JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown)
      }; nothing was applied`;
  }
  return undefined;
}
