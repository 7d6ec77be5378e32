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
}

/** What {@linkcode migrate} did. */
export interface MigrateReport {
  /** Tags applied by this call, oldest first; empty when the database was up to date. */
  applied: string[];
  /** Number of migrations the database already had before this call. */
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

const MIGRATIONS_SCHEMA = "drizzle";
const MIGRATIONS_TABLE = "__drizzle_migrations";

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
      const recorded = await readRecorded(client);
      const pending = pendingMigrations(entries, recorded);
      if (pending.length > 0) {
        const dialect = new PgDialect();
        try {
          await dialect.migrate(
            entries.map((entry) => ({
              sql: [...entry.statements],
              folderMillis: entry.when,
              hash: entry.hash,
              bps: true,
            })),
            new PostgresJsSession(client, dialect, undefined),
            {
              migrationsFolder: "(bundled)",
              migrationsSchema: MIGRATIONS_SCHEMA,
              migrationsTable: MIGRATIONS_TABLE,
            },
          );
        } catch (error) {
          throw classify(error, lockTimeoutMs, statementTimeoutMs);
        }
      }
      return { applied: pending.map((entry) => entry.tag), alreadyApplied: recorded.length };
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.catch(
        () => {},
      );
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

interface RecordedMigration {
  hash: string;
  createdAt: number;
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

async function readRecorded(client: postgres.Sql): Promise<RecordedMigration[]> {
  const [{ present }] = await client<{ present: boolean }[]>`
    select to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`}) is not null as present`;
  if (!present) return [];
  const rows = await client<{ hash: string; created_at: string | null }[]>`
    select hash, created_at from ${client(MIGRATIONS_SCHEMA)}.${client(MIGRATIONS_TABLE)}
    order by created_at`;
  return rows.map((row) => ({ hash: row.hash, createdAt: Number(row.created_at ?? 0) }));
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
  const unknown = recorded.filter((row) => !known.has(row.hash));
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

function classify(error: unknown, lockTimeoutMs: number, statementTimeoutMs: number) {
  const code = (error as { code?: string }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  if (code === "55P03") {
    return new MigrationError(
      "lock_timeout",
      `a table lock was not granted within lock_timeout (${lockTimeoutMs} ms): another ` +
        `session holds it; the migration was rolled back and nothing was applied`,
      { cause: error },
    );
  }
  if (code === "57014") {
    return new MigrationError(
      "statement_timeout",
      `a statement ran longer than statement_timeout (${statementTimeoutMs} ms); ` +
        `the migration was rolled back and nothing was applied`,
      { cause: error },
    );
  }
  return new MigrationError(
    "statement",
    `a migration statement failed: ${
      describe(error)
    }; the migration was rolled back and nothing was applied`,
    { cause: error },
  );
}

function describe(error: unknown): string {
  const inner = (error as { cause?: unknown }).cause;
  const base = error instanceof Error ? error.message : String(error);
  if (inner instanceof Error && !base.includes(inner.message)) return `${base} (${inner.message})`;
  return base;
}
