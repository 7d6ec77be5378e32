/**
 * `migrate`: applies the pending migrations with the package's runner, and says as it goes what
 * runs: each migration as it starts and ends with its elapsed time, and any statement still
 * running after a few seconds (which one, for how long, and for an index build the
 * `pg_stat_progress_create_index` phase), read from a second connection that polls
 * `pg_stat_activity` for the runner's backend pid. The monitor only reads; its failures never
 * change the run.
 *
 * @module
 */
import type { MigrationEntry } from "../migrate/types.ts";
import {
  migrate as runMigrations,
  MigrationError,
  type MigrationFailure,
  type MigrationProgress,
} from "../migrate/runner.ts";
import { CliError, EXIT, type ExitCode, openDatabase, type ServerInfo } from "./db.ts";
import { redactText } from "./url.ts";

/** Options of the `migrate` command. */
export interface MigrateCommandOptions {
  /** The database URL. */
  url: string;
  /** The migrations to apply. */
  entries: readonly MigrationEntry[];
  /** `lock_timeout` of one attempt, in ms (runner default when omitted). */
  lockTimeoutMs?: number;
  /** Time one file may spend retrying lock waits, in ms (runner default when omitted). */
  lockRetryBudgetMs?: number;
  /** `statement_timeout` of the runner, in ms (runner default when omitted). */
  statementTimeoutMs?: number;
  /** A statement running this long (ms) is reported, then again every `progressEveryMs`. */
  progressAfterMs?: number;
  /** Interval between reports on one long statement (ms). */
  progressEveryMs?: number;
  /** Awaited right before `0001_vnext_expand`, once its precheck passed (see `migrate()`). */
  beforeExpand?: () => void | Promise<void>;
  /** Where progress lines go. */
  print: (line: string) => void;
}

/** A progress line of `migrate`, as the JSON document lists it. */
export type MigrateEvent =
  | MigrationProgress
  | { kind: "running"; tag: string; seconds: number; query: string; phase: string | null };

/** The JSON document of `migrate --json`. */
export interface MigrateCommandReport {
  /** Always `"migrate"`. */
  command: "migrate";
  /** The server's version. */
  server: ServerInfo;
  /** True when every pending migration was applied. */
  ok: boolean;
  /** Tags applied by this run, oldest first (also on failure: those stay applied). */
  applied: string[];
  /** Tags adopted (recorded without running). */
  adopted: string[];
  /** Migrations already applied before this run. */
  alreadyApplied: number;
  /** Tables in schema public afterwards. */
  tables: number | null;
  /** Every progress event, in order. */
  events: MigrateEvent[];
  /** The failure, when `ok` is false. */
  error: { reason: MigrationFailure | "unexpected"; message: string; exitCode: ExitCode } | null;
}

/** Runs `migrate`; never throws for a migration failure (the report carries it). */
export async function migrateCommand(
  options: MigrateCommandOptions,
): Promise<MigrateCommandReport> {
  const monitorDb = await openDatabase(options.url, "proliferate-core-cli-monitor");
  const events: MigrateEvent[] = [];
  const appliedSoFar: string[] = [];
  const adoptedSoFar: string[] = [];
  const after = options.progressAfterMs ?? 3_000;
  const every = options.progressEveryMs ?? 5_000;
  let current: { tag: string; pid: number } | null = null;
  let nextReportAt = 0;
  let nextBatchLineAt = 0;
  let lastQueryStart = "";
  const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const onProgress = (event: MigrationProgress) => {
    events.push(event);
    switch (event.kind) {
      case "adopted":
        adoptedSoFar.push(event.tag);
        options.print(
          `${event.tag}: adopted (the database already held it from its earlier history)`,
        );
        break;
      case "start":
        current = { tag: event.tag, pid: event.backendPid };
        options.print(`${event.tag}: started (${event.index} of ${event.total})`);
        break;
      case "retry":
        options.print(
          `${event.tag}: retry ${event.attempt} in ${fmt(event.waitMs)}: ${event.reason}`,
        );
        break;
      case "batch": {
        // A batched backfill reports every batch; print one line per statement every
        // `every` ms and when the statement finishes (its batch that reports done).
        const now = performance.now();
        if (event.done || now >= nextBatchLineAt) {
          nextBatchLineAt = now + every;
          options.print(
            `${event.tag}: statement ${event.statement} of ${event.statements}, batch ` +
              `${event.batch}: ${event.totalRows} rows so far${event.done ? ", done" : ""} ` +
              `(${fmt(event.elapsedMs)})`,
          );
        }
        break;
      }
      case "invalid_index_dropped":
        options.print(
          `${event.tag}: dropped the invalid index ${event.index} an interrupted build left; ` +
            "building it again",
        );
        break;
      case "precheck":
        options.print(
          `${event.tag}: precheck ${event.stage === "before" ? "before it" : "after it"}, ` +
            `read-only: ${
              event.findings === 0 ? "nothing to refuse" : `${event.findings} finding(s)`
            } (${fmt(event.elapsedMs)})`,
        );
        break;
      case "end":
        current = null;
        appliedSoFar.push(event.tag);
        options.print(`${event.tag}: done in ${fmt(event.elapsedMs)}`);
        break;
    }
  };
  let stopped = false;
  const monitor = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const watching = current as { tag: string; pid: number } | null;
      if (!watching || stopped) continue;
      try {
        const rows = await monitorDb.sql<
          {
            query: string;
            ms: number;
            started: string;
            phase: string | null;
            progress: string | null;
          }[]
        >`
          select a.query, (extract(epoch from clock_timestamp() - a.query_start) * 1000)::float8 as ms,
                 a.query_start::text as started, p.phase,
                 case when p.blocks_total > 0
                   then round(100.0 * p.blocks_done / p.blocks_total)::text || '% of blocks'
                   when p.tuples_total > 0
                   then round(100.0 * p.tuples_done / p.tuples_total)::text || '% of tuples'
                 end as progress
          from pg_stat_activity a
          left join pg_stat_progress_create_index p on p.pid = a.pid
          where a.pid = ${watching.pid} and a.state = 'active'`;
        const row = rows[0];
        if (!row || row.ms < after) continue;
        if (row.started !== lastQueryStart) {
          lastQueryStart = row.started;
          nextReportAt = 0;
        }
        if (Date.now() < nextReportAt) continue;
        nextReportAt = Date.now() + every;
        const query = row.query.replace(/\s+/g, " ").trim();
        const shown = query.length > 120 ? `${query.slice(0, 120)}…` : query;
        const phase = row.phase ? `${row.phase}${row.progress ? `, ${row.progress}` : ""}` : null;
        const seconds = Math.round(row.ms / 1000);
        events.push({ kind: "running", tag: watching.tag, seconds, query: shown, phase });
        options.print(
          `${watching.tag}: still running after ${seconds} s: ${shown}${
            phase ? ` (${phase})` : ""
          }`,
        );
      } catch {
        // The monitor is best effort.
      }
    }
  })();
  let result: MigrateCommandReport;
  try {
    const report = await runMigrations({
      url: options.url,
      migrations: options.entries,
      lockTimeoutMs: options.lockTimeoutMs,
      lockRetryBudgetMs: options.lockRetryBudgetMs,
      statementTimeoutMs: options.statementTimeoutMs,
      onProgress,
      beforeExpand: options.beforeExpand,
    });
    result = {
      command: "migrate",
      server: monitorDb.server,
      ok: true,
      applied: report.applied,
      adopted: report.adopted,
      alreadyApplied: report.alreadyApplied,
      tables: null,
      events,
      error: null,
    };
  } catch (error) {
    const reason: MigrationFailure | "unexpected" = error instanceof MigrationError
      ? error.reason
      : "unexpected";
    const raw = error instanceof Error ? error.message : String(error);
    const message = redactText(raw.replace(/\s+/g, " ").trim(), options.url);
    result = {
      command: "migrate",
      server: monitorDb.server,
      ok: false,
      applied: appliedSoFar,
      adopted: adoptedSoFar,
      alreadyApplied: 0,
      tables: null,
      events,
      error: { reason, message, exitCode: exitCodeOf(error, appliedSoFar.length) },
    };
  } finally {
    stopped = true;
    await monitor;
  }
  try {
    const [{ count }] = await monitorDb.sql<{ count: number }[]>`
      select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = 'public'`;
    result.tables = count;
  } catch {
    // Not essential.
  }
  await monitorDb.close();
  return result;
}

/**
 * The exit code of a failed run: `unreachable` when the connection could not be made,
 * `refused` when the runner refused before applying anything (a history it cannot explain, a
 * precheck of 0001), `failed` otherwise.
 */
export function exitCodeOf(error: unknown, appliedCount: number): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (!(error instanceof MigrationError)) return EXIT.failed;
  if (error.reason === "connection") return EXIT.unreachable;
  if (error.reason === "unknown_migration" || error.reason === "aborted") return EXIT.refused;
  if (error.reason === "precheck") return appliedCount === 0 ? EXIT.refused : EXIT.failed;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = `${error.message} ${cause?.message ?? ""}`;
  if (appliedCount === 0 && /precheck/i.test(text)) return EXIT.refused;
  return EXIT.failed;
}

/** The human form of a {@linkcode MigrateCommandReport}'s outcome (progress is printed live). */
export function formatMigrate(report: MigrateCommandReport): string[] {
  const lines: string[] = [];
  if (report.ok) {
    if (report.applied.length === 0) {
      lines.push(
        `nothing to apply: all ${report.alreadyApplied} migrations were already applied`,
      );
    } else {
      lines.push(`applied ${report.applied.join(", ")}`);
    }
  } else if (report.applied.length > 0) {
    lines.push(`applied before the failure (they stay applied): ${report.applied.join(", ")}`);
  }
  if (report.tables !== null) lines.push(`tables in schema public: ${report.tables}`);
  return lines;
}
