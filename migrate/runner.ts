/**
 * A migration runner that is safe to start from several deploy instances at once, directly or
 * through a connection pooler.
 *
 * Each pending migration file runs in one transaction of its own, which:
 *
 * 1. takes the runners' transaction-level advisory lock (`pg_advisory_xact_lock`, key
 *    {@linkcode MIGRATION_LOCK_KEY}), waiting at most `runnerWaitMs` for another runner;
 * 2. re-reads `drizzle.__drizzle_migrations` under that lock and picks the next file to apply
 *    (a file another runner applied meanwhile is skipped), refusing a history it cannot explain;
 *    a pre-vNext database is checked for adoption here ({@linkcode checkAdoption});
 * 3. sets `lock_timeout` and `statement_timeout` with `SET LOCAL` and reads them back with
 *    `SHOW`, refusing to run any statement when they did not take;
 * 4. runs the file's statements, then records the file as drizzle-orm's migrator does (a row
 *    `(hash, created_at)` in `drizzle.__drizzle_migrations`, the schema and table created in the
 *    same transaction when missing). The adoption row of `0000_baseline` goes into the
 *    transaction of the first file that then runs, so a refusal leaves no trace.
 *
 * A statement that waits longer than `lockTimeoutMs` for a lock, or that the server fails to
 * break a deadlock (40P01, e.g. with a writer that locks the tables in another order), rolls the
 * whole file back; the file is retried with jittered exponential backoff until `lockRetryBudgetMs` is spent, so a long
 * reader never freezes the tables the file already locked for longer than one short wait. While
 * a statement waits, a second connection reads who blocks it (`pg_blocking_pids`, `pg_locks`,
 * `pg_stat_activity`), and the final error names that session, its query and the table.
 *
 * **Through a connection pooler.** The runner keeps no session state across transactions: no
 * startup parameter other than `application_name`, no session advisory lock, no prepared
 * statement (`prepare: false`), settings only with `SET LOCAL` inside each file's transaction.
 * It is therefore correct behind PgBouncer in session and in transaction mode (as Supabase's
 * and Neon's poolers are), and concurrent runners still apply each file exactly once. A pooler
 * that cannot run a transaction on one server connection (statement mode) is not supported.
 *
 * **Files that run outside a transaction** (first line `-- proliferate:no-transaction`, for
 * `CREATE INDEX CONCURRENTLY`): their statements run one by one, serialised with the other
 * runners by a lease of their own, each index build preceded by the repair of an INVALID index
 * an interrupted build left, and the history row recorded only after the last statement
 * succeeded; see `migrate/online.ts` for how this works behind a pooler.
 *
 * **The vNext expand step, online.** Before `0001_vnext_expand`, the runner runs that file's
 * precheck itself, read-only in a transaction of its own (no write waits for it), refuses on a
 * finding with nothing changed, awaits `beforeExpand` (stop the pre-vNext writers), and runs
 * 0001 telling it so, which then holds catalog work only; before the file after 0001 it checks
 * once more for rows changed in between. See `migrate/precheck.ts`.
 *
 * Before connecting, every entry's hash is recomputed from its statements: an edited entry is
 * refused, and so is a no-transaction file with a statement that is not an idempotent
 * concurrent index build or drop.
 *
 * @module
 */
import postgres from "postgres";
import type { MigrationEntry } from "./types.ts";
import {
  analyzeHistory,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  PLATFORM_HISTORY,
  readRecordedMigrations,
  type RecordedMigration,
} from "./history.ts";
import { checkAdoption } from "./adoption.ts";
import {
  describeFinding,
  EXPAND_TAG,
  PRECHECKED_SETTING,
  type PrecheckFinding,
  runPrechecks,
} from "./precheck.ts";
import {
  batchOutcome,
  checkOutsideTransaction,
  LEASE_STALE_MS,
  LEASE_TABLE,
  parseConcurrentIndex,
  runsInBatches,
  runsOutsideTransaction,
} from "./online.ts";
import {
  describeAdvisoryHolders,
  describeLockWait,
  type LockWait,
  LockWaitMonitor,
  MIGRATION_LOCK_KEY,
  MONITOR_APPLICATION_NAME,
  readAdvisoryHolders,
  RUNNER_APPLICATION_NAME,
} from "./locks.ts";
import { migrations as bundledMigrations } from "../migrations/bundle.ts";

export { MIGRATION_LOCK_KEY } from "./locks.ts";

/** Options of {@linkcode migrate}. */
export interface MigrateOptions {
  /** PostgreSQL connection string of the database to migrate (direct or through a pooler). */
  url: string;
  /** Migrations to apply, oldest first. Defaults to the ones this package ships. */
  migrations?: readonly MigrationEntry[];
  /**
   * Longest wait of one statement for a lock, in ms (`lock_timeout`, per attempt). Default
   * 1 500: while a statement waits, other sessions queue behind the locks the file already
   * holds, so the wait is kept short and retried instead.
   */
  lockTimeoutMs?: number;
  /**
   * Total time one file may spend retrying after lock timeouts, in ms, counted from its first
   * lock timeout. Default 180 000 (3 min); 0 fails at the first lock timeout.
   */
  lockRetryBudgetMs?: number;
  /** Longest run of one statement, in ms (`statement_timeout`). Default 1 800 000 (30 min). */
  statementTimeoutMs?: number;
  /** Longest wait for another runner to finish its file, in ms. Default 600 000 (10 min). */
  runnerWaitMs?: number;
  /**
   * Called as the run progresses (see {@linkcode MigrationProgress}); an exception it throws is
   * ignored.
   */
  onProgress?: (event: MigrationProgress) => void;
  /**
   * Awaited once per run, right before `0001_vnext_expand` ({@linkcode EXPAND_TAG}) runs and
   * after the online precheck found nothing to refuse: the moment to stop the pre-vNext
   * writers, whose table and column names 0001 renames. Nothing has changed yet when it is
   * called; when it throws, the run stops with nothing changed (reason `aborted`). Not called
   * when 0001 is not pending.
   */
  beforeExpand?: () => void | Promise<void>;
}

/**
 * One step of a run, as {@linkcode MigrateOptions.onProgress} receives it: `start` when a file's
 * statements begin, again on each retry (`index` counts from 1 among the `total` files pending
 * when the run began, `backendPid` is the server process running it); `retry` after a lock
 * timeout rolled the file back, before waiting `waitMs`; `adopted` once the adoption of a tag is
 * committed, which happens with the first file that runs (so it follows that file's `start`);
 * `batch` after each committed batch of a batched file (`statement` counts from 1 among the
 * file's `statements`, `batch` from 1 for that statement; `rows` the batch wrote, `totalRows`
 * so far for that statement in this run, `elapsedMs` the batch's time; `done` on the statement's
 * last batch, see `migrate/online.ts`); `invalid_index_dropped` when a file that runs outside a
 * transaction dropped an INVALID index
 * an interrupted build had left, before building it again; `end` once the file is committed
 * (for a file outside a transaction: once its history row is); `precheck` after the online
 * precheck of `0001_vnext_expand`, `stage` `before` it (a finding refuses with nothing changed)
 * and `after` its commit (a finding names a row written meanwhile; see `migrate/precheck.ts`).
 */
export type MigrationProgress =
  | { kind: "adopted"; tag: string }
  | { kind: "start"; tag: string; index: number; total: number; backendPid: number }
  | { kind: "retry"; tag: string; attempt: number; waitMs: number; reason: string }
  | { kind: "invalid_index_dropped"; tag: string; index: string }
  | {
    kind: "batch";
    tag: string;
    statement: number;
    statements: number;
    batch: number;
    rows: number;
    totalRows: number;
    done: boolean;
    elapsedMs: number;
  }
  | { kind: "end"; tag: string; elapsedMs: number }
  | {
    kind: "precheck";
    tag: string;
    stage: "before" | "after";
    findings: number;
    elapsedMs: number;
  };

/** What {@linkcode migrate} did. */
export interface MigrateReport {
  /** Tags applied by this call, oldest first; empty when the database was up to date. */
  applied: string[];
  /**
   * Tags recorded as applied without running them, because the database already held their
   * objects from the platform's pre-package migration history (see {@linkcode checkAdoption}).
   */
  adopted: string[];
  /** Number of this package's migrations recorded by earlier calls or by concurrent runners. */
  alreadyApplied: number;
}

/**
 * Why a migration run did not happen or did not finish:
 *
 * - `connection`: the database could not be reached, or the connection was lost;
 * - `integrity`: a migration entry's statements do not hash to its recorded hash (edited);
 * - `invalid_migration`: a file marked to run outside a transaction holds a statement that is
 *   not `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS` or `DROP INDEX CONCURRENTLY IF EXISTS`;
 * - `invalid_options`: an option is out of range;
 * - `unknown_migration`: the recorded history holds a row this package cannot explain, or a
 *   shipped migration was skipped;
 * - `not_adoptable`: a pre-vNext database whose schema its history does not explain;
 * - `runner_wait`: another session held the runners' advisory lock for `runnerWaitMs` (or the
 *   lease of a file outside a transaction, or an index build such a file would repeat);
 * - `settings`: `lock_timeout` / `statement_timeout` did not take (read back with `SHOW`);
 * - `lock_timeout`: a statement's lock waits outlasted the retry budget;
 * - `statement_timeout`: a statement ran longer than `statementTimeoutMs`;
 * - `statement`: a statement failed;
 * - `precheck`: the online precheck of `0001_vnext_expand` found legacy values the vNext
 *   constraints do not allow ({@linkcode MigrationError.findings} lists them): before 0001,
 *   with nothing changed; after 0001's commit, for rows written in between, with 0001 applied;
 * - `aborted`: the `beforeExpand` callback threw; nothing of 0001 or later ran.
 */
export type MigrationFailure =
  | "connection"
  | "integrity"
  | "invalid_migration"
  | "invalid_options"
  | "unknown_migration"
  | "not_adoptable"
  | "runner_wait"
  | "settings"
  | "lock_timeout"
  | "statement_timeout"
  | "statement"
  | "precheck"
  | "aborted";

/**
 * Raised by {@linkcode migrate} for every failure, with a one-line message and a
 * machine-readable {@linkcode MigrationError.reason}.
 *
 * What a failure leaves: each file is its own transaction, so the files before the failing one
 * stay applied and recorded, the failing file is rolled back entirely, and no later file is
 * attempted; a rerun continues from there. A file that runs outside a transaction is not rolled
 * back: the statements it completed stay (each is idempotent), its history row is not written,
 * and the rerun runs it again, dropping an INVALID index the failure left. A refusal before any file runs (`integrity`,
 * `unknown_migration`, `not_adoptable`, or `connection` / `runner_wait` / `settings` on the
 * first file) writes nothing, not even an adoption row. When the connection is lost while a
 * file commits, that file is either applied and recorded or not at all; the rerun tells which.
 */
export class MigrationError extends Error {
  /** Machine-readable reason. */
  readonly reason: MigrationFailure;
  /** Tags applied by this call before the failure, oldest first. */
  readonly applied: readonly string[];
  /** What the precheck found, for reason `precheck`; empty otherwise. */
  readonly findings: readonly PrecheckFinding[];
  /** Creates the error; `cause` keeps the driver's error when there is one. */
  constructor(
    reason: MigrationFailure,
    message: string,
    options?: {
      cause?: unknown;
      applied?: readonly string[];
      findings?: readonly PrecheckFinding[];
    },
  ) {
    super(message, options);
    this.name = "MigrationError";
    this.reason = reason;
    this.applied = options?.applied ?? [];
    this.findings = options?.findings ?? [];
  }
}

const DEFAULTS = {
  lockTimeoutMs: 1_500,
  lockRetryBudgetMs: 180_000,
  statementTimeoutMs: 1_800_000,
  runnerWaitMs: 600_000,
};

/** Backoff between lock-timeout retries: base, cap (ms); each wait is jittered by ±50 %. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;

/**
 * Applies the pending migrations to the database at `url` and reports what it applied.
 *
 * @example Migrate a database during a deploy
 * ```ts ignore
 * import { migrate } from "@proliferate/core/migrate";
 * const report = await migrate({
 *   url: Deno.env.get("DATABASE_URL")!,
 *   onProgress: (event) => console.log(event.kind, event.tag),
 * });
 * console.log(report.applied.length ? `applied ${report.applied.join(", ")}` : "up to date");
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const entries = options.migrations ?? bundledMigrations;
  const settings = {
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULTS.lockTimeoutMs,
    lockRetryBudgetMs: options.lockRetryBudgetMs ?? DEFAULTS.lockRetryBudgetMs,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    runnerWaitMs: options.runnerWaitMs ?? DEFAULTS.runnerWaitMs,
  };
  for (const [name, value] of Object.entries(settings)) {
    const least = name === "lockRetryBudgetMs" ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < least || value > 2_000_000_000) {
      throw new MigrationError(
        "invalid_options",
        `${name} must be a whole number of milliseconds from ${least} to 2000000000, ` +
          `got ${value}; nothing was applied`,
      );
    }
  }
  await verifyIntegrity(entries);
  const progress = (event: MigrationProgress) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress callback cannot stop or break the run.
    }
  };

  const clientOptions = (applicationName: string) => ({
    max: 1,
    prepare: false,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 0,
    connection: { application_name: applicationName },
  });
  const client = postgres(options.url, clientOptions(RUNNER_APPLICATION_NAME));
  let monitorClient: postgres.Sql | undefined;
  const monitorSql = () =>
    monitorClient ??= postgres(options.url, clientOptions(MONITOR_APPLICATION_NAME));
  const applied: string[] = [];
  const adopted: string[] = [];
  try {
    try {
      await client`select 1`;
    } catch (error) {
      throw new MigrationError(
        "connection",
        `cannot connect to the database: ${describe(error)}; nothing was applied`,
        { cause: error },
      );
    }
    // The monitor connects at its first look (most runs never need it); the run never waits for
    // it (behind a pooler whose pool is full it may never get a server), and a monitor that
    // cannot connect only costs the blocker's name in a message.
    const monitor = new LockWaitMonitor(lazySql(monitorSql));
    let total: number | undefined;
    let index = 0;
    const context: RunContext = {
      client,
      monitor,
      monitorSql,
      entries,
      settings,
      progress,
      applied,
      position: () => ({ index: index + 1, total: total ?? 0 }),
      setTotal: (pending) => {
        total ??= pending;
      },
      prechecked: false,
      postchecked: false,
    };
    for (;;) {
      const step = await runNextFile(context);
      if (step.kind === "done") break;
      if (step.kind === "skip") continue;
      if (step.kind === "precheck") {
        await precheckBeforeExpand(context, options.beforeExpand);
        continue;
      }
      if (step.kind === "postcheck") {
        await precheckAfterExpand(context);
        continue;
      }
      index++;
      if (step.adopted) adopted.push(step.adopted);
      if (step.applied) applied.push(step.applied);
    }
    return {
      applied,
      adopted,
      alreadyApplied: entries.length - applied.length - adopted.length,
    };
  } catch (error) {
    if (error instanceof MigrationError) {
      throw applied.length > 0 && error.applied.length === 0
        ? new MigrationError(error.reason, error.message, {
          cause: error.cause,
          applied,
          findings: error.findings,
        })
        : error;
    }
    throw new MigrationError(
      isConnectionLoss(error) ? "connection" : "statement",
      `migration run failed: ${describe(error)}${appliedClause(applied)}`,
      { cause: error, applied },
    );
  } finally {
    // Nothing is in flight here; a connection lost mid-file stays reserved, so do not wait on it.
    await client.end({ timeout: 1 }).catch(() => {});
    await monitorClient?.end({ timeout: 1 }).catch(() => {});
  }
}

/** A postgres.Sql that connects only when first used (the monitor is rarely needed). */
function lazySql(get: () => postgres.Sql): postgres.Sql {
  return ((...args: Parameters<postgres.Sql>) => get()(...args)) as unknown as postgres.Sql;
}

interface RunContext {
  client: postgres.Sql;
  monitor: LockWaitMonitor;
  monitorSql: () => postgres.Sql;
  entries: readonly MigrationEntry[];
  settings: typeof DEFAULTS;
  progress: (event: MigrationProgress) => void;
  applied: readonly string[];
  position: () => { index: number; total: number };
  setTotal: (pending: number) => void;
  /** Whether this run's online precheck before 0001 passed (then 0001 skips its own). */
  prechecked: boolean;
  /** Whether this run's check after 0001 passed. */
  postchecked: boolean;
}

type Step =
  | { kind: "done" }
  | { kind: "skip" }
  | { kind: "precheck" }
  | { kind: "postcheck" }
  | { kind: "ran"; adopted?: string; applied?: string };

/**
 * The online precheck before 0001 (see `migrate/precheck.ts`): read-only, in a transaction of
 * its own, so it blocks no write; a finding refuses with nothing changed. Then
 * `beforeExpand`, once.
 */
async function precheckBeforeExpand(
  context: RunContext,
  beforeExpand: (() => void | Promise<void>) | undefined,
): Promise<void> {
  const findings = await onlinePrecheck(context, "before");
  // Another runner applied 0001 meanwhile: nothing to precheck, nothing to stop.
  if (!findings) return;
  if (findings.length > 0) {
    throw new MigrationError(
      "precheck",
      `${EXPAND_TAG} precheck: ${findings.map(describeFinding).join("; ")}; fix: ` +
        `${[...new Set(findings.map((f) => f.fix))].join("; ")}; nothing was changed`,
      { findings },
    );
  }
  try {
    await beforeExpand?.();
  } catch (error) {
    throw new MigrationError(
      "aborted",
      `beforeExpand failed before ${EXPAND_TAG}: ${describe(error)}; nothing was changed by ` +
        `${EXPAND_TAG} or later${appliedClause(context.applied)}`,
      { cause: error },
    );
  }
  context.prechecked = true;
}

/**
 * The same checks once 0001 is committed, online, before the file that follows it (in the run
 * that applied 0001 and in every rerun until that file is recorded): a finding is a row that
 * changed after the first snapshot and before 0001 took its locks (0001's NOT VALID constraints
 * check every later write), so the run stops there, 0001 applied, and says what to fix before
 * the rerun.
 */
async function precheckAfterExpand(context: RunContext): Promise<void> {
  const findings = await onlinePrecheck(context, "after");
  context.postchecked = true;
  if (!findings || findings.length === 0) return;
  throw new MigrationError(
    "precheck",
    `${EXPAND_TAG} is applied, but rows changed while it was prechecked: ` +
      `${findings.map(describeFinding).join("; ")}; fix: ` +
      `${[...new Set(findings.map((f) => f.fix))].join("; ")}; the rest of the upgrade did not run`,
    { findings, applied: context.applied },
  );
}

/**
 * Runs the prechecks in a read-only transaction of its own, under the runners' advisory lock (a
 * runner applying 0001 or 0003 meanwhile holds ACCESS EXCLUSIVE locks on the tables the checks
 * read: unserialised, the two would deadlock) and only while the file they guard is still the
 * next pending one; `undefined` when another runner got past it meanwhile. READ COMMITTED, so
 * that the checks read what is committed once the lock is held (a snapshot taken before the wait
 * for the lock would predate the other runner's work); a row changed during the checks is what
 * the check after 0001 is for.
 */
async function onlinePrecheck(
  context: RunContext,
  stage: "before" | "after",
): Promise<PrecheckFinding[] | undefined> {
  const { client, entries, settings, progress } = context;
  const guarded = stage === "before"
    ? EXPAND_TAG
    : entries[entries.findIndex((e) => e.tag === EXPAND_TAG) + 1]?.tag;
  const startedAt = performance.now();
  let phase: "lock" | "run" = "lock";
  let findings: PrecheckFinding[] | undefined;
  try {
    findings = await guardedBegin(client, async (tx) => {
      await tx.unsafe("set transaction isolation level read committed, read only");
      await setLocal(tx, settings.runnerWaitMs, settings.runnerWaitMs + 10_000);
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
      phase = "run";
      const recorded = await readRecordedMigrations(tx);
      let known: readonly RecordedMigration[] = recorded;
      if (analyzeHistory(recorded, entries).kind === "platform") {
        known = [...recorded, { hash: entries[0].hash, createdAt: entries[0].when }];
      }
      if (pendingMigrations(entries, known)[0]?.tag !== guarded) return undefined;
      await setLocal(tx, settings.lockTimeoutMs, settings.statementTimeoutMs);
      return await runPrechecks(tx, { stage: stage === "before" ? "baseline" : "expanded" });
    });
  } catch (error) {
    if (error instanceof Abort) throw error.error;
    if (phase === "lock" && errorCode(error) === "55P03") {
      throw new MigrationError(
        "runner_wait",
        `the runners' advisory lock was held for more than ${settings.runnerWaitMs} ms while ` +
          `the precheck of ${EXPAND_TAG} waited for it${appliedClause(context.applied)}; rerun ` +
          `once the other runner is done`,
        { cause: error },
      );
    }
    // Read-only: a failure changes nothing ("the precheck was rolled back" says so).
    throw classify(error, `the precheck of ${EXPAND_TAG}`, "run", settings, context.applied);
  }
  if (!findings) return undefined;
  progress({
    kind: "precheck",
    tag: EXPAND_TAG,
    stage,
    findings: findings.length,
    elapsedMs: Math.round(performance.now() - startedAt),
  });
  return findings;
}

/** Thrown inside a file's transaction to roll it back and end the run with `error`. */
class Abort {
  constructor(readonly error: MigrationError) {}
}

/** Runs the next pending file, with lock-timeout retries; "done" when nothing is pending. */
async function runNextFile(context: RunContext): Promise<Step> {
  const { settings, progress } = context;
  let attempt = 0;
  let firstTimeoutAt: number | undefined;
  let lastWait: LockWait | undefined;
  for (;;) {
    attempt++;
    const planned = await attemptFile(context);
    const outcome = planned.kind === "outside"
      ? await attemptOutside(context, planned.entry)
      : planned;
    if (outcome.kind !== "lock_timeout") return outcome;
    lastWait = outcome.wait ?? lastWait;
    firstTimeoutAt ??= Date.now();
    const spent = Date.now() - firstTimeoutAt;
    const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    const waitMs = Math.round(backoff * (0.5 + Math.random()));
    const what = lastWait ? describeLockWait(lastWait) : "a lock held by another session";
    if (spent + waitMs + settings.lockTimeoutMs > settings.lockRetryBudgetMs) {
      throw new MigrationError(
        "lock_timeout",
        `${outcome.tag}: waited for ${what}; lock_timeout (${settings.lockTimeoutMs} ms) was ` +
          `reached (or a deadlock broken) on each of ${attempt} attempt(s) within the retry budget ` +
          `(${settings.lockRetryBudgetMs} ms); ${outcome.tag} was rolled back each time` +
          `${appliedClause(context.applied)}. End or wait for the blocking session, then rerun`,
        { cause: outcome.cause },
      );
    }
    progress({
      kind: "retry",
      tag: outcome.tag,
      attempt,
      waitMs,
      reason: outcome.deadlock
        ? `deadlock with another session, broken by the server (40P01), waiting for ${what}`
        : `lock_timeout after ${settings.lockTimeoutMs} ms waiting for ${what}`,
    });
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

type Attempt =
  | Step
  | {
    kind: "lock_timeout";
    tag: string;
    wait: LockWait | undefined;
    cause: unknown;
    /** The server broke a deadlock by failing this file's statement (40P01), not a timeout. */
    deadlock?: boolean;
  };

type Planned = Attempt | { kind: "outside"; entry: MigrationEntry };

/** One transaction: lock, re-read history, maybe adopt, set timeouts, run one file, record. */
async function attemptFile(context: RunContext): Promise<Planned> {
  const { client, monitor, entries, settings, progress } = context;
  let phase = "lock" as "lock" | "plan" | "run";
  let tag = "";
  let startedAt = 0;
  let adoptedTag: string | undefined;
  let waitSeen: LockWait | undefined;
  try {
    // postgres.js's begin() sends ROLLBACK on the same connection when the callback throws;
    // on a connection that is gone that write fails outside any promise (an uncaught
    // TypeError). So once the connection is lost, the callback never settles: begin() itself
    // rejects when the socket closes, and nothing more is written to the dead connection.
    const lost = { value: false };
    const guard = async <T>(work: () => Promise<T>): Promise<T> => {
      if (lost.value) return await new Promise<never>(() => {});
      try {
        return await work();
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        lost.value = true;
        return await new Promise<never>(() => {});
      }
    };
    const transaction = client.begin(async (tx): Promise<Step | Planned> => {
      const [{ pid }] = await guard(() => tx<{ pid: number }[]>`select pg_backend_pid() as pid`);
      // Wait for another runner with a bound of its own, whatever the server's defaults are.
      await guard(() => setLocal(tx, settings.runnerWaitMs, settings.runnerWaitMs + 10_000));
      await guard(() => tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`);
      phase = "plan";
      const recorded = await guard(() => readRecordedMigrations(tx));
      const history = analyzeHistory(recorded, entries);
      let known: readonly RecordedMigration[] = recorded;
      let adopt: MigrationEntry | undefined;
      if (history.kind === "platform") {
        const check = await guard(() => checkAdoption(tx, entries));
        if (!check.adoptable) {
          throw new Abort(
            new MigrationError(
              "not_adoptable",
              `the database has the platform's pre-vNext history, but its schema is not what ` +
                `that history explains: ` +
                `${check.problems.join("; ")}; nothing was changed`,
            ),
          );
        }
        adopt = entries[0];
        known = [...recorded, { hash: adopt.hash, createdAt: adopt.when }];
      }
      const pending = pendingMigrations(entries, known);
      context.setTotal(pending.length);
      const entry = pending[0];
      if (!entry && !adopt) return { kind: "done" };
      // A file outside a transaction runs after this transaction ends (the adoption row, if
      // any, goes with its history row).
      // The online checks around 0001 run in transactions of their own; this one wrote nothing.
      if (entry?.tag === EXPAND_TAG && !context.prechecked) return { kind: "precheck" };
      if (
        entry && !context.postchecked && entries[entries.indexOf(entry) - 1]?.tag === EXPAND_TAG
      ) {
        return { kind: "postcheck" };
      }
      if (entry && (runsOutsideTransaction(entry) || runsInBatches(entry))) {
        return { kind: "outside", entry };
      }
      tag = entry?.tag ?? adopt!.tag;
      phase = "run";
      await guard(() => setLocal(tx, settings.lockTimeoutMs, settings.statementTimeoutMs));
      await guard(() => ensureHistoryTable(tx));
      if (adopt) {
        await guard(() => recordMigration(tx, adopt!));
        adoptedTag = adopt.tag;
      }
      if (!entry) return { kind: "ran", adopted: adoptedTag };
      const { index, total } = context.position();
      startedAt = performance.now();
      progress({ kind: "start", tag: entry.tag, index, total, backendPid: pid });
      monitor.watch(pid);
      if (entry.tag === EXPAND_TAG && context.prechecked) {
        await guard(() => tx`select set_config(${PRECHECKED_SETTING}, 'on', true)`);
      }
      try {
        for (const statement of entry.statements) {
          if (statement.trim() === "") continue;
          await guard(() => tx.unsafe(statement));
        }
      } finally {
        await monitor.stop();
        waitSeen = monitor.lastWait;
      }
      await guard(() => recordMigration(tx, entry));
      return { kind: "ran", adopted: adoptedTag, applied: entry.tag };
    });
    transaction.catch((error) => {
      if (isConnectionLoss(error)) lost.value = true;
    });
    const step = await transaction;
    if (step.kind === "ran") {
      if (step.adopted) progress({ kind: "adopted", tag: step.adopted });
      if (step.applied) {
        progress({
          kind: "end",
          tag: step.applied,
          elapsedMs: Math.round(performance.now() - startedAt),
        });
      }
    }
    return step;
  } catch (error) {
    if (error instanceof Abort) throw error.error;
    if (error instanceof MigrationError) throw error;
    const code = errorCode(error);
    if (phase === "lock" && code === "55P03") {
      const holders = await readAdvisoryHolders(context.monitorSql()).catch(() => undefined);
      throw new MigrationError(
        "runner_wait",
        `the runners' advisory lock was held for more than ${settings.runnerWaitMs} ms by ` +
          `${holders ? describeAdvisoryHolders(holders) : "another session"}` +
          `${appliedClause(context.applied)}; rerun once it is released`,
        { cause: error },
      );
    }
    if (phase === "run" && (code === "55P03" || code === "40P01")) {
      return {
        kind: "lock_timeout",
        tag,
        wait: waitSeen,
        cause: error,
        deadlock: code === "40P01",
      };
    }
    throw classify(error, tag, phase, settings, context.applied);
  }
}

/** `SET LOCAL` both timeouts, then reads them back with `SHOW`; refuses when they differ. */
async function setLocal(
  tx: postgres.TransactionSql,
  lockTimeoutMs: number,
  statementTimeoutMs: number,
): Promise<void> {
  // Both values are validated integers: nothing user-supplied reaches the SQL text.
  await tx.unsafe(`set local lock_timeout = '${lockTimeoutMs}ms'`);
  await tx.unsafe(`set local statement_timeout = '${statementTimeoutMs}ms'`);
  const [lock] = await tx.unsafe<{ lock_timeout: string }[]>("show lock_timeout");
  const [statement] = await tx.unsafe<{ statement_timeout: string }[]>("show statement_timeout");
  const lockShown = durationMs(lock?.lock_timeout);
  const statementShown = durationMs(statement?.statement_timeout);
  if (lockShown !== lockTimeoutMs || statementShown !== statementTimeoutMs) {
    throw new Abort(
      new MigrationError(
        "settings",
        `the server did not take the runner's timeouts (lock_timeout ${lockTimeoutMs} ms shows ` +
          `${JSON.stringify(lock?.lock_timeout)}, statement_timeout ${statementTimeoutMs} ms ` +
          `shows ${JSON.stringify(statement?.statement_timeout)}), so no statement was run; ` +
          `connect directly or through a pooler that passes SET LOCAL on`,
      ),
    );
  }
}

/**
 * `client.begin(work)`, safe when the connection is lost: postgres.js would then write ROLLBACK
 * to the dead connection outside any promise (an uncaught TypeError), so a statement that meets
 * a lost connection never settles, and begin() rejects on its own when the socket closes (the
 * same guard as in {@linkcode attemptFile}).
 */
async function guardedBegin<T>(
  client: postgres.Sql,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  const lost = { value: false };
  const transaction = client.begin(async (tx) => {
    try {
      return await work(tx);
    } catch (error) {
      if (!isConnectionLoss(error) && !lost.value) throw error;
      lost.value = true;
      return await new Promise<never>(() => {});
    }
  });
  transaction.catch((error) => {
    if (isConnectionLoss(error)) lost.value = true;
  });
  return await transaction as T;
}

/** How often a runner looks again at a lease another runner holds, in ms. */
const LEASE_POLL_MS = 200;

/**
 * One try at the lease of `entry`, in a short transaction under the runners' lock: `taken`
 * (by `token`, a new row or one whose holder is gone), `busy` (another runner renewed it
 * within {@linkcode LEASE_STALE_MS} or is running a concurrent index build), or `replan` (the
 * file is no longer the next pending one: another runner recorded it).
 */
async function takeLease(
  context: RunContext,
  entry: MigrationEntry,
  token: string,
): Promise<"taken" | "busy" | "replan"> {
  const { client, entries, settings } = context;
  const [schema, table] = LEASE_TABLE;
  return await guardedBegin(client, async (tx) => {
    await setLocal(tx, settings.runnerWaitMs, settings.runnerWaitMs + 10_000);
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    const recorded = await readRecordedMigrations(tx);
    let known: readonly RecordedMigration[] = recorded;
    if (analyzeHistory(recorded, entries).kind === "platform") {
      known = [...recorded, { hash: entries[0].hash, createdAt: entries[0].when }];
    }
    if (pendingMigrations(entries, known)[0]?.hash !== entry.hash) return "replan";
    await ensureHistoryTable(tx);
    await tx`
      create table if not exists ${tx(schema)}.${tx(table)} (
        hash text primary key, token text not null,
        renewed_at timestamptz not null default now())`;
    const [held] = await tx<{ token: string; fresh: boolean; building: boolean }[]>`
      select l.token, l.renewed_at > now() - make_interval(secs => ${
      LEASE_STALE_MS / 1000
    }) as fresh,
             exists(select 1 from pg_stat_activity a
                    where a.datname = current_database() and a.state = 'active'
                      and a.pid <> pg_backend_pid()
                      and a.application_name = ${RUNNER_APPLICATION_NAME}
                      and a.query ilike '%index%concurrently%') as building
      from ${tx(schema)}.${tx(table)} l where l.hash = ${entry.hash} for update`;
    if (held && held.token !== token && (held.fresh || held.building)) return "busy";
    await tx`
      insert into ${tx(schema)}.${tx(table)} (hash, token) values (${entry.hash}, ${token})
      on conflict (hash) do update set token = excluded.token, renewed_at = now()`;
    return "taken";
  });
}

/**
 * Runs one statement of a batched file until a run reports it is done, each run in a
 * transaction of its own with the runner's timeouts (`SET LOCAL`, read back), the lease renewed
 * before each.
 */
async function runBatches(
  context: RunContext,
  entry: MigrationEntry,
  token: string,
  statement: string,
  number: number,
  count: number,
): Promise<void> {
  const { client, settings, progress } = context;
  let totalRows = 0;
  for (let batch = 1;; batch++) {
    if (!await renewLease(client, entry, token)) throw lostLease(entry.tag, context.applied);
    const startedAt = performance.now();
    const { rows, done } = await guardedBegin(client, async (tx) => {
      await setLocal(tx, settings.lockTimeoutMs, settings.statementTimeoutMs);
      return batchOutcome(await tx.unsafe(statement));
    });
    totalRows += rows;
    progress({
      kind: "batch",
      tag: entry.tag,
      statement: number,
      statements: count,
      batch,
      rows,
      totalRows,
      done,
      elapsedMs: Math.round(performance.now() - startedAt),
    });
    if (done) return;
  }
}

/** Renews the lease before a statement; false when another runner took it over. */
async function renewLease(
  client: postgres.Sql,
  entry: MigrationEntry,
  token: string,
): Promise<boolean> {
  const [schema, table] = LEASE_TABLE;
  const rows = await client`
    update ${client(schema)}.${client(table)} set renewed_at = now()
    where hash = ${entry.hash} and token = ${token}`;
  return rows.count === 1;
}

/**
 * Runs `entry`, a file outside a transaction: takes its lease, runs the statements one by one
 * (renewing the lease and repairing an INVALID index before each build), then records the
 * history row and ends the lease in a transaction under the runners' lock.
 */
async function attemptOutside(context: RunContext, entry: MigrationEntry): Promise<Attempt> {
  const { client, settings, monitor, progress } = context;
  const token = crypto.randomUUID();
  const deadline = Date.now() + settings.runnerWaitMs;
  for (;;) {
    let state: "taken" | "busy" | "replan";
    try {
      state = await takeLease(context, entry, token);
    } catch (error) {
      if (error instanceof Abort) throw error.error;
      if (error instanceof MigrationError) throw error;
      throw classify(error, entry.tag, "lock", settings, context.applied);
    }
    if (state === "replan") return { kind: "skip" };
    if (state === "taken") break;
    if (Date.now() + LEASE_POLL_MS > deadline) {
      throw new MigrationError(
        "runner_wait",
        `${entry.tag} runs outside a transaction, and another runner held its lease ` +
          `(${LEASE_TABLE.join(".")}) for more than ${settings.runnerWaitMs} ms` +
          `${appliedClause(context.applied)}; rerun once it is done`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
  }
  let settingsSet = false;
  let timedOut = false;
  let recorded = false;
  try {
    const rows = await client<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pid = rows[0].pid;
    // Over a direct connection the pid the startup announced is the server's own; a pooler
    // announces a key of its own.
    const direct = (rows as unknown as { state?: { pid?: number } }).state?.pid === pid;
    const batched = runsInBatches(entry);
    if (direct && !batched) {
      settingsSet = true;
      await setSession(client, settings.lockTimeoutMs, settings.statementTimeoutMs);
    }
    const { index, total } = context.position();
    const startedAt = performance.now();
    progress({ kind: "start", tag: entry.tag, index, total, backendPid: pid });
    if (direct) monitor.watch(pid);
    try {
      const statements = entry.statements.filter((statement) => statement.trim() !== "");
      for (const [at, statement] of statements.entries()) {
        if (batched) {
          await runBatches(context, entry, token, statement, at + 1, statements.length);
          continue;
        }
        if (!await renewLease(client, entry, token)) throw lostLease(entry.tag, context.applied);
        const built = parseConcurrentIndex(statement);
        if (built) {
          const dropped = await repairInvalidIndex(client, entry.tag, built.name, built.table);
          if (dropped) progress({ kind: "invalid_index_dropped", tag: entry.tag, index: dropped });
        }
        await withDeadline(client.unsafe(statement), settings.statementTimeoutMs + 1_000, () => {
          timedOut = true;
        });
      }
    } finally {
      await monitor.stop();
    }
    const adopted = await recordOutside(context, entry, token);
    recorded = true;
    if (adopted) progress({ kind: "adopted", tag: adopted });
    progress({
      kind: "end",
      tag: entry.tag,
      elapsedMs: Math.round(performance.now() - startedAt),
    });
    return { kind: "ran", adopted, applied: entry.tag };
  } catch (error) {
    if (error instanceof Abort) throw error.error;
    if (error instanceof MigrationError) throw error;
    if (errorCode(error) === "55P03" || errorCode(error) === "40P01") {
      return {
        kind: "lock_timeout",
        tag: entry.tag,
        wait: monitor.lastWait,
        cause: error,
        deadlock: errorCode(error) === "40P01",
      };
    }
    // A cancel that is neither the server's statement_timeout nor the runner's own deadline
    // came from another session: a failed statement, not a timeout.
    const cancelled = errorCode(error) === "57014" && !timedOut &&
      !/statement timeout/i.test(describe(error));
    throw classify(error, entry.tag, cancelled ? "plan" : "run", settings, context.applied, true);
  } finally {
    if (settingsSet) {
      await client.unsafe("reset lock_timeout; reset statement_timeout").catch(() => {});
    }
    if (!recorded) {
      // Give the lease up at once, so that a rerun need not wait for it to go stale.
      const [schema, table] = LEASE_TABLE;
      await client`delete from ${client(schema)}.${client(table)}
        where hash = ${entry.hash} and token = ${token}`.catch(() => {});
    }
  }
}

function lostLease(tag: string, applied: readonly string[]): MigrationError {
  return new MigrationError(
    "connection",
    `${tag}: another runner took over this file's lease (${LEASE_TABLE.join(".")}) after it ` +
      `went ${LEASE_STALE_MS} ms without renewal; ${tag} was not recorded` +
      `${appliedClause(applied)}; rerun to continue`,
    { applied },
  );
}

/** Cancels `query` (a cancel request, which poolers forward) once it runs for `ms`. */
async function withDeadline(
  query: postgres.PendingQuery<postgres.Row[]>,
  ms: number,
  onTimeout: () => void,
) {
  const timer = setTimeout(() => {
    onTimeout();
    query.cancel();
  }, ms);
  try {
    return await query;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Drops the INVALID index `name` on `table` an interrupted concurrent build left, and returns
 * its qualified name; undefined when there is none. A build still in progress is refused.
 */
async function repairInvalidIndex(
  client: postgres.Sql,
  tag: string,
  name: string,
  table: string,
): Promise<string | undefined> {
  const [found] = await client<{ qualified: string; valid: boolean; building: number | null }[]>`
    select format('%I.%I', n.nspname, c.relname) as qualified, i.indisvalid as valid,
           (select p.pid from pg_stat_progress_create_index p
            where p.index_relid = i.indexrelid limit 1) as building
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    where c.relname = ${name}
      and c.relnamespace = (select t.relnamespace from pg_class t
                            where t.oid = to_regclass(${table}))`;
  if (!found || found.valid) return undefined;
  if (found.building !== null) {
    throw new MigrationError(
      "runner_wait",
      `${tag}: the index ${found.qualified} is still being built by another session ` +
        `(pid ${found.building}), perhaps of a runner that was stopped; wait for it to end ` +
        `or cancel it (pg_cancel_backend(${found.building})), then rerun`,
    );
  }
  // Both names come from the catalog, quoted by format('%I').
  await client.unsafe(`drop index concurrently if exists ${found.qualified}`);
  return found.qualified;
}

/** Sets both timeouts at session level and reads them back; refuses when they differ. */
async function setSession(
  client: postgres.Sql,
  lockTimeoutMs: number,
  statementTimeoutMs: number,
): Promise<void> {
  await client.unsafe(
    `set lock_timeout = '${lockTimeoutMs}ms'; set statement_timeout = '${statementTimeoutMs}ms'`,
  );
  const [row] = await client<{ lock: string; statement: string }[]>`
    select current_setting('lock_timeout') as lock,
           current_setting('statement_timeout') as statement`;
  if (
    durationMs(row?.lock) !== lockTimeoutMs || durationMs(row?.statement) !== statementTimeoutMs
  ) {
    throw new MigrationError(
      "settings",
      `the server did not take the runner's session timeouts (lock_timeout ${lockTimeoutMs} ms ` +
        `shows ${JSON.stringify(row?.lock)}, statement_timeout ${statementTimeoutMs} ms shows ` +
        `${JSON.stringify(row?.statement)}), so no statement was run`,
    );
  }
}

/**
 * Records a file that ran outside a transaction, under the runners' lock, with the adoption
 * row when the database still has only platform history; returns the adopted tag, if any.
 */
async function recordOutside(
  context: RunContext,
  entry: MigrationEntry,
  token: string,
): Promise<string | undefined> {
  const { client, entries, settings } = context;
  return await guardedBegin(client, async (tx) => {
    await setLocal(tx, settings.runnerWaitMs, settings.runnerWaitMs + 10_000);
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    const recorded = await readRecordedMigrations(tx);
    const history = analyzeHistory(recorded, entries);
    let known: readonly RecordedMigration[] = recorded;
    let adopted: string | undefined;
    await ensureHistoryTable(tx);
    if (history.kind === "platform") {
      const check = await checkAdoption(tx, entries);
      if (!check.adoptable) {
        throw new Abort(
          new MigrationError(
            "not_adoptable",
            `the database has the platform's pre-vNext history, but its schema is not what ` +
              `that history explains: ${check.problems.join("; ")}; ${entry.tag} was not recorded`,
          ),
        );
      }
      await recordMigration(tx, entries[0]);
      adopted = entries[0].tag;
      known = [...recorded, { hash: entries[0].hash, createdAt: entries[0].when }];
    }
    const [schema, table] = LEASE_TABLE;
    const released = await tx`
      delete from ${tx(schema)}.${tx(table)} where hash = ${entry.hash} and token = ${token}`;
    if (released.count !== 1) throw new Abort(lostLease(entry.tag, context.applied));
    if (pendingMigrations(entries, known)[0]?.hash === entry.hash) {
      await recordMigration(tx, entry);
    }
    return adopted;
  });
}

/** Milliseconds of a `SHOW` duration (`1500ms`, `2s`, `30min`, `1h`, `1d`, `0`). */
export function durationMs(shown: string | undefined): number | undefined {
  if (shown === undefined) return undefined;
  const match = /^(\d+)(ms|s|min|h|d)?$/.exec(shown.trim());
  if (!match) return undefined;
  const factor = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[
    (match[2] ?? "ms") as "ms"
  ];
  return Number(match[1]) * factor;
}

/** Creates drizzle's history schema and table when missing, as drizzle-orm's migrator does. */
async function ensureHistoryTable(tx: postgres.TransactionSql): Promise<void> {
  const [{ schema, table }] = await tx<{ schema: boolean; table: boolean }[]>`
    select exists(select 1 from pg_namespace where nspname = ${MIGRATIONS_SCHEMA}) as schema,
           to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`}) is not null as table`;
  if (!schema) await tx`create schema if not exists ${tx(MIGRATIONS_SCHEMA)}`;
  if (!table) {
    await tx`
      create table if not exists ${tx(MIGRATIONS_SCHEMA)}.${tx(MIGRATIONS_TABLE)} (
        id serial primary key, hash text not null, created_at bigint)`;
  }
}

async function recordMigration(tx: postgres.TransactionSql, entry: MigrationEntry): Promise<void> {
  await tx`
    insert into ${tx(MIGRATIONS_SCHEMA)}.${tx(MIGRATIONS_TABLE)} (hash, created_at)
    values (${entry.hash}, ${entry.when})`;
}

/** The file text an entry ships: its statements joined on drizzle's breakpoint marker. */
export function entryText(entry: MigrationEntry): string {
  return entry.statements.join("--> statement-breakpoint");
}

/** SHA-256 (lowercase hex) of an entry's file text, the hash drizzle records. */
export async function entryHash(entry: MigrationEntry): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(entryText(entry)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Refuses entries whose statements do not hash to their `hash` (an edited bundle). */
async function verifyIntegrity(entries: readonly MigrationEntry[]): Promise<void> {
  for (const entry of entries) {
    if (await entryHash(entry) !== entry.hash) {
      throw new MigrationError(
        "integrity",
        `migration ${entry.tag} was edited: its statements do not hash to ${
          entry.hash.slice(0, 12)
        }…, the hash it ships with; nothing was applied (reinstall the package)`,
      );
    }
    const problem = runsOutsideTransaction(entry) ? checkOutsideTransaction(entry) : undefined;
    if (problem) throw new MigrationError("invalid_migration", problem);
  }
}

/**
 * Returns the entries still to apply, after refusing a history this package cannot explain:
 * a row that is neither one of `entries` nor (older than the first entry) one of the platform's
 * pre-vNext rows, platform history not yet adopted, or a shipped migration skipped.
 */
export function pendingMigrations(
  entries: readonly MigrationEntry[],
  recorded: readonly RecordedMigration[],
): MigrationEntry[] {
  const known = new Map(entries.map((entry) => [entry.hash, entry]));
  const first = entries[0]?.when ?? 0;
  const platform = new Set(PLATFORM_HISTORY.map((m) => `${m.hash}@${m.when}`));
  const isPlatform = (row: RecordedMigration) =>
    row.createdAt < first && platform.has(`${row.hash}@${row.createdAt}`);
  const unknown = recorded.filter((row) => !known.has(row.hash) && !isPlatform(row));
  if (unknown.length > 0) {
    const older = unknown.filter((row) => row.createdAt < first);
    const list = unknown.slice(0, 5).map((row) =>
      `${row.hash.slice(0, 12)}… (created_at ${row.createdAt})`
    );
    throw new MigrationError(
      "unknown_migration",
      `the database has ${unknown.length} migration(s) this package does not know: ` +
        `${list.join(", ")}${unknown.length > 5 ? ", …" : ""}; ` +
        (older.length === unknown.length
          ? `they are older than ${entries[0]?.tag} and not the platform's pre-vNext history`
          : "it was migrated by a newer or different version") +
        ", so nothing was applied",
    );
  }
  const ours = recorded.filter((row) => known.has(row.hash));
  if (ours.length === 0 && recorded.length > 0) {
    throw new MigrationError(
      "unknown_migration",
      "the database has the platform's pre-vNext history but its baseline was not adopted; " +
        "nothing was applied",
    );
  }
  const last = ours.reduce((max, row) => Math.max(max, row.createdAt), 0);
  const recordedHashes = new Set(ours.map((row) => row.hash));
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

const CONNECTION_CODES = new Set([
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08003",
  "08006",
  "08001",
  "08004",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
]);

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === "string") return own;
  const inner = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof inner === "string" ? inner : undefined;
}

function isConnectionLoss(error: unknown): boolean {
  const code = errorCode(error);
  if (code && CONNECTION_CODES.has(code)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === "ConnectionRefused" || name === "ConnectionReset" || name === "BrokenPipe";
}

function appliedClause(applied: readonly string[]): string {
  return applied.length > 0 ? ` (${applied.join(", ")} applied before it stay applied)` : "";
}

function classify(
  error: unknown,
  tag: string,
  phase: "lock" | "plan" | "run",
  settings: typeof DEFAULTS,
  applied: readonly string[],
  outside = false,
): MigrationError {
  const where = tag ? `${tag}: ` : "";
  const rolledBack = outside
    ? `; ${tag} runs outside a transaction: its completed statements stay, it was not ` +
      `recorded, and a rerun repeats it`
    : tag
    ? `; ${tag} was rolled back`
    : "; nothing was changed by it";
  if (isConnectionLoss(error)) {
    return new MigrationError(
      "connection",
      `${where}the connection to the database was lost (${describe(error)})${
        outside
          ? rolledBack
          : tag
          ? `; ${tag} was rolled back unless its commit had reached the server`
          : ""
      }${appliedClause(applied)}; rerun to continue`,
      { cause: error, applied },
    );
  }
  const code = errorCode(error);
  if (code === "57014" && phase === "run") {
    return new MigrationError(
      "statement_timeout",
      `${where}a statement ran longer than statement_timeout (${settings.statementTimeoutMs} ms)` +
        `${rolledBack}${appliedClause(applied)}`,
      { cause: error, applied },
    );
  }
  return new MigrationError(
    "statement",
    `${tag ? `${tag} failed` : "the migration history could not be read"}: ${describe(error)}` +
      `${rolledBack}${appliedClause(applied)}`,
    { cause: error, applied },
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
