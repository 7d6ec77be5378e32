/**
 * A migration runner that is safe to start from several deploy instances at once.
 *
 * It serialises runners with a PostgreSQL advisory lock, bounds every wait with `lock_timeout`
 * and `statement_timeout`, refuses databases that hold migrations it does not know, and then
 * hands the pending migrations to drizzle's own migrator, which applies them in one
 * transaction and records them in `drizzle.__drizzle_migrations`.
 *
 * @module
 */
import postgres from "postgres";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import { PgDialect } from "drizzle-orm/pg-core";
import type { MigrationEntry } from "./types.ts";
import {
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  readRecordedMigrations,
  type RecordedMigration,
} from "./history.ts";
import { migrations as bundledMigrations } from "../migrations/bundle.ts";

/** Options of {@linkcode migrate}. */
export interface MigrateOptions {
  /** PostgreSQL connection string of the database to migrate. */
  url: string;
  /** Migrations to apply, oldest first. Defaults to the ones this package ships. */
  migrations?: readonly MigrationEntry[];
  /** Longest wait for a table lock, in ms (`lock_timeout`). Default 10 000. */
  lockTimeoutMs?: number;
  /** Longest run of one statement, in ms (`statement_timeout`). Default 1 800 000 (30 min). */
  statementTimeoutMs?: number;
  /** Longest wait for another runner to finish, in ms. Default 600 000 (10 min). */
  runnerWaitMs?: number;
  /**
   * Called as the run goes: when the baseline is adopted, and when each migration file starts
   * and ends. `start` carries the runner's backend pid, so a second connection can watch what
   * the runner is doing in `pg_stat_activity`. An exception thrown by the hook is ignored.
   */
  onProgress?: (event: MigrationProgress) => void;
}

/**
 * One step of a run, as {@linkcode MigrateOptions.onProgress} reports it. `index` counts the
 * files this run applies from 1 to `total`; `elapsedMs` is the file's wall time.
 */
export type MigrationProgress =
  | { kind: "adopted"; tag: string }
  | { kind: "start"; tag: string; index: number; total: number; backendPid: number }
  | { kind: "retry"; tag: string; attempt: number; waitMs: number; reason: string }
  | { kind: "end"; tag: string; elapsedMs: number };

/** What {@linkcode migrate} did. */
export interface MigrateReport {
  /** Tags applied by this call, oldest first; empty when the database was up to date. */
  applied: string[];
  /**
   * Tags recorded as applied without running them, because the database already held their
   * objects from the platform's pre-package migration history (see {@linkcode migrate}).
   */
  adopted: string[];
  /** Number of this package's migrations the database already had before this call. */
  alreadyApplied: number;
}

/** Why a migration run did not happen or did not finish. */
export type MigrationFailure =
  | "connection"
  | "unknown_migration"
  | "lock_timeout"
  | "statement_timeout"
  | "runner_wait"
  | "statement";

/** Raised by {@linkcode migrate}; the database is left exactly as it was before the call. */
export class MigrationError extends Error {
  /** Machine-readable reason. */
  readonly reason: MigrationFailure;
  /** Creates the error; `cause` keeps the driver's error when there is one. */
  constructor(reason: MigrationFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
    this.reason = reason;
  }
}

/** Advisory lock key shared by every runner of this package ("proliferate-core" as 64 bits). */
export const MIGRATION_LOCK_KEY = 0x70726f6c69666572n;

/**
 * Applies the pending migrations to the database at `url` and reports what it applied.
 *
 * @example Migrate a database during a deploy
 * ```ts ignore
 * import { migrate } from "@proliferate/core/migrate";
 * const report = await migrate({ url: Deno.env.get("DATABASE_URL")! });
 * console.log(report.applied.length ? `applied ${report.applied.join(", ")}` : "up to date");
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const entries = options.migrations ?? bundledMigrations;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const statementTimeoutMs = options.statementTimeoutMs ?? 1_800_000;
  const runnerWaitMs = options.runnerWaitMs ?? 600_000;
  const report = (event: MigrationProgress) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress hook never changes the outcome of a run.
    }
  };
  // One connection: the advisory lock, the settings and drizzle's transaction share a session.
  const client = postgres(options.url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
    connection: {
      application_name: "proliferate-core-migrate",
      lock_timeout: lockTimeoutMs,
      statement_timeout: statementTimeoutMs,
    },
  });
  try {
    try {
      await client`select 1`;
    } catch (error) {
      throw new MigrationError(
        "connection",
        `cannot connect to the database: ${describe(error)}`,
        { cause: error },
      );
    }
    await acquireRunnerLock(client, runnerWaitMs);
    try {
      const recorded = await readRecordedMigrations(client);
      const adopted = await adoptPreviousHistory(client, entries, recorded);
      for (const tag of adopted.tags) report({ kind: "adopted", tag });
      const [{ pid: backendPid }] = await client<{ pid: number }[]>`
        select pg_backend_pid() as pid`;
      const pending = pendingMigrations(entries, [...recorded, ...adopted.rows]);
      const dialect = new PgDialect();
      const session = new PostgresJsSession<
        postgres.Sql,
        Record<string, never>,
        Record<string, never>
      >(client, dialect, undefined);
      // One transaction per migration file: a later file never holds the locks of an earlier
      // one, and a failing file rolls back alone, leaving the database at the previous file.
      for (const [position, entry] of pending.entries()) {
        const upTo = entries.slice(0, entries.indexOf(entry) + 1);
        const started = Date.now();
        report({
          kind: "start",
          tag: entry.tag,
          index: position + 1,
          total: pending.length,
          backendPid,
        });
        try {
          await dialect.migrate(
            upTo.map((item) => ({
              sql: [...item.statements],
              folderMillis: item.when,
              hash: item.hash,
              bps: true,
            })),
            session,
            {
              migrationsFolder: "(bundled)",
              migrationsSchema: MIGRATIONS_SCHEMA,
              migrationsTable: MIGRATIONS_TABLE,
            },
          );
        } catch (error) {
          throw classify(error, entry.tag, lockTimeoutMs, statementTimeoutMs);
        }
        report({ kind: "end", tag: entry.tag, elapsedMs: Date.now() - started });
      }
      return {
        applied: pending.map((entry) => entry.tag),
        adopted: adopted.tags,
        alreadyApplied: recorded.filter((row) => row.createdAt >= (entries[0]?.when ?? 0))
          .length,
      };
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.catch(
        () => {},
      );
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function acquireRunnerLock(client: postgres.Sql, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await client<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint) as locked`;
    if (row.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        "runner_wait",
        `another migration runner held the advisory lock for more than ${waitMs} ms; nothing was applied`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Returns the entries drizzle would apply, after refusing a database whose history this
 * package cannot explain: a recorded migration it does not ship, or a shipped one skipped.
 */
export function pendingMigrations(
  entries: readonly MigrationEntry[],
  recorded: readonly RecordedMigration[],
): MigrationEntry[] {
  const known = new Map(entries.map((entry) => [entry.hash, entry]));
  const first = entries[0]?.when ?? 0;
  // Rows older than the package's first migration are the platform's earlier history.
  const unknown = recorded.filter((row) => !known.has(row.hash) && row.createdAt >= first);
  if (unknown.length > 0) {
    const list = unknown.map((row) => `${row.hash.slice(0, 12)}… (created_at ${row.createdAt})`);
    throw new MigrationError(
      "unknown_migration",
      `the database has ${unknown.length} migration(s) this package does not know: ` +
        `${
          list.join(", ")
        }; it was migrated by a newer or different version, so nothing was applied`,
    );
  }
  const last = recorded.reduce((max, row) => Math.max(max, row.createdAt), 0);
  const recordedHashes = new Set(recorded.map((row) => row.hash));
  if (last > 0 && last < first) {
    throw new MigrationError(
      "unknown_migration",
      "the database has migration history from before this package but it was not adopted; " +
        "nothing was applied",
    );
  }
  const skipped = entries.filter((entry) => entry.when <= last && !recordedHashes.has(entry.hash));
  if (skipped.length > 0) {
    throw new MigrationError(
      "unknown_migration",
      `the database skipped migration(s) ${skipped.map((e) => e.tag).join(", ")} ` +
        "that are older than its newest one; nothing was applied",
    );
  }
  return entries.filter((entry) => entry.when > last);
}

/**
 * A pre-vNext production database carries the platform's earlier drizzle history (rows older
 * than this package's first migration, with hashes this package never shipped) and already
 * holds every object of the baseline migration. Such a database adopts the baseline: its row is
 * recorded without running it, so that only the vNext upgrade runs. A database with that
 * history but without every baseline table is refused.
 */
async function adoptPreviousHistory(
  client: postgres.Sql,
  entries: readonly MigrationEntry[],
  recorded: readonly RecordedMigration[],
): Promise<{ tags: string[]; rows: RecordedMigration[] }> {
  const baseline = entries[0];
  if (!baseline) return { tags: [], rows: [] };
  const older = recorded.filter((row) => row.createdAt < baseline.when);
  const ours = recorded.filter((row) => row.createdAt >= baseline.when);
  if (older.length === 0 || ours.length > 0) return { tags: [], rows: [] };
  const tables = baselineTables(baseline);
  if (tables.length === 0) return { tags: [], rows: [] };
  const present = await client<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname in ${client(tables)}`;
  const found = new Set(present.map((row) => row.name));
  const missing = tables.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new MigrationError(
      "unknown_migration",
      `the database has earlier migration history but lacks baseline table(s) ` +
        `${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}; nothing was applied`,
    );
  }
  await client`
    insert into ${client(MIGRATIONS_SCHEMA)}.${client(MIGRATIONS_TABLE)} (hash, created_at)
    values (${baseline.hash}, ${baseline.when})`;
  return { tags: [baseline.tag], rows: [{ hash: baseline.hash, createdAt: baseline.when }] };
}

function baselineTables(baseline: MigrationEntry): string[] {
  const names: string[] = [];
  for (const statement of baseline.statements) {
    const pattern =
      /create table (?:if not exists )?(?:"public"\.)?(?:"([^"]+)"|([a-z_][a-z0-9_]*))/gi;
    for (const match of statement.matchAll(pattern)) names.push(match[1] ?? match[2]);
  }
  return names;
}

function classify(
  error: unknown,
  tag: string,
  lockTimeoutMs: number,
  statementTimeoutMs: number,
): MigrationError {
  const code = (error as { code?: string }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  if (code === "55P03") {
    return new MigrationError(
      "lock_timeout",
      `${tag}: a table lock was not granted within lock_timeout (${lockTimeoutMs} ms): another ` +
        `session holds it; ${tag} was rolled back`,
      { cause: error },
    );
  }
  if (code === "57014") {
    return new MigrationError(
      "statement_timeout",
      `${tag}: a statement ran longer than statement_timeout (${statementTimeoutMs} ms); ` +
        `${tag} was rolled back`,
      { cause: error },
    );
  }
  return new MigrationError(
    "statement",
    `${tag} failed: ${describe(error)}; ${tag} was rolled back`,
    { cause: error },
  );
}

/** One line: the server's message, then the statement that failed, shortened. */
function describe(error: unknown): string {
  const inner = (error as { cause?: unknown }).cause;
  const base = error instanceof Error ? error.message : String(error);
  const query = (error as { query?: unknown }).query;
  const reason = inner instanceof Error ? inner.message : base;
  const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
  if (typeof query === "string") {
    const statement = oneLine(query);
    return `${oneLine(reason)} (in: ${
      statement.length > 160 ? `${statement.slice(0, 160)}…` : statement
    })`;
  }
  return oneLine(reason);
}
