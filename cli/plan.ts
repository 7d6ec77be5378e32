/**
 * `plan`: a dry run of `migrate`. What it would do, file by file (adopt the baseline, apply each
 * pending file), every precheck it would run with what each finds, and an estimate of the work
 * from the table sizes: the rows the 0002 backfill touches and the constraints it validates, the
 * indexes 0004 builds.
 *
 * Everything runs in one `BEGIN READ ONLY` transaction of plain `SELECT`s (ACCESS SHARE locks
 * only: reads and writes of every table go on), so `plan` is safe on production at any time.
 * A blocker is a reason `migrate` would refuse, with table, column, value, row ids and the fix;
 * `plan` exits non-zero when there is one.
 *
 * @module
 */
import type postgres from "postgres";
import type { MigrationEntry } from "../migrate/types.ts";
import { readRecordedMigrations, type RecordedMigration } from "../migrate/history.ts";
import { MigrationError, pendingMigrations } from "../migrate/runner.ts";
import {
  bundlesWithoutConfiguration,
  crossOrganizationBundleMembers,
  type PrecheckFinding,
  PRECHECKS,
  runPrechecks,
} from "../migrate/precheck.ts";
import { describeHistory, inspectHistory } from "./status.ts";
import { type Database, readOnly, type ServerInfo } from "./db.ts";

/** A reason `migrate` would refuse. */
export interface Blocker {
  /** `precheck`: an illegal legacy value; `history`: a history it cannot explain; `adoption`: a pre-vNext catalog that is not the baseline's. */
  kind: "precheck" | "history" | "adoption";
  /** One line saying what is wrong. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** Table, column, constraint, value, row ids and count, for a precheck finding. */
  finding?: PrecheckFinding;
  /** Every difference, for an adoption blocker. */
  differences?: string[];
}

/** Work a step will do on existing rows. */
export interface WorkItem {
  /** `backfill`: rows updated or inserted; `index`: an index built; `validate`: a constraint validated by a scan. */
  kind: "backfill" | "index" | "validate";
  /** The table read or written. */
  table: string;
  /** Rows involved: an exact count for backfills, `pg_class.reltuples` (or a count) otherwise. */
  rows: number;
  /** Size of the table on disk in bytes (`pg_table_size`), when it exists. */
  bytes: number | null;
  /** The index or constraint, or what the backfill does. */
  detail: string;
}

/** One step `migrate` would take. */
export interface PlanStep {
  /** The migration's tag. */
  tag: string;
  /** `adopt`: recorded without running; `apply`: run in its own transaction. */
  action: "adopt" | "apply";
  /** The first line of the file's leading comment. */
  summary: string;
  /** Number of statements. */
  statements: number;
  /** The prechecks the file runs before any change (with how many findings each), if any. */
  prechecks: { check: string; findings: number }[];
  /** The work on existing rows. */
  work: WorkItem[];
}

/** The JSON document of `plan --json`. */
export interface PlanReport {
  /** Always `"plan"`. */
  command: "plan";
  /** The server's version. */
  server: ServerInfo;
  /** One sentence on the recorded history. */
  history: string;
  /** What `migrate` would do, in order; empty when the database is up to date. */
  steps: PlanStep[];
  /** Why `migrate` would refuse; empty when it would go through. */
  blockers: Blocker[];
  /** What `migrate` would do that an operator should know first, though it does not refuse. */
  warnings: Blocker[];
  /** True when `migrate` would refuse. */
  refused: boolean;
}

/** Runs `plan` and returns its report. */
export async function plan(db: Database, entries: readonly MigrationEntry[]): Promise<PlanReport> {
  return await readOnly(db, async (tx) => {
    const check = await inspectHistory(tx, entries);
    const history = check.history;
    const recorded = await readRecordedMigrations(tx);
    const blockers: Blocker[] = [];
    const warnings: Blocker[] = [];
    for (const row of history.unknown) {
      blockers.push({
        kind: "history",
        message: `drizzle.__drizzle_migrations holds a row (hash ${row.hash.slice(0, 16)}…, ` +
          `created_at ${row.createdAt}) that is neither one of the platform's 25 pre-vNext ` +
          "migrations nor one of this package's",
        fix: "find which tool or version recorded it; migrate upgrades only a history it can " +
          "explain (a newer package version may know it)",
      });
    }
    const baseline = entries[0];
    let simulated: RecordedMigration[] = recorded;
    const steps: PlanStep[] = [];
    if (history.kind === "platform" && baseline) {
      if (check.adoptable) {
        simulated = [...recorded, { hash: baseline.hash, createdAt: baseline.when }];
        steps.push({
          tag: baseline.tag,
          action: "adopt",
          summary: "record as applied without running it: the database holds its objects",
          statements: baseline.statements.length,
          prechecks: [],
          work: [],
        });
      } else {
        blockers.push({
          kind: "adoption",
          message: `the database has the platform's pre-vNext history but its catalog differs ` +
            `from the baseline in ${check.problems.length} way(s): ` +
            check.problems.slice(0, 3).join("; ") + (check.problems.length > 3 ? "; …" : ""),
          fix: "bring the schema to the platform's last pre-vNext migration (0024) and remove " +
            "hand-made objects, then plan again",
          differences: check.problems,
        });
      }
    }
    let pending: MigrationEntry[];
    try {
      pending = pendingMigrations(entries, simulated);
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      if (blockers.length === 0) {
        blockers.push({
          kind: "history",
          message: error.message,
          fix: "the recorded history does not match this package's migrations; use the package " +
            "version that migrated this database",
        });
      }
      pending = entries.filter((entry) => history.pending.includes(entry.tag));
    }
    const sizes = await tableSizes(tx);
    const baselinePresent = sizes.has("prebuild_repos");
    let bundlesChecked = false;
    for (const entry of pending) {
      const step: PlanStep = {
        tag: entry.tag,
        action: "apply",
        summary: summaryOf(entry, entry === entries[0]),
        statements: entry.statements.length,
        prechecks: [],
        work: [],
      };
      if (entry.statements.some((s) => s.includes("$precheck$")) && baselinePresent) {
        bundlesChecked = true;
        const findings = await runPrechecks(tx);
        for (const name of PRECHECKS) {
          step.prechecks.push({
            check: name,
            findings: findings.filter((f) => f.check === name).length,
          });
        }
        for (const finding of findings) {
          const ids = finding.rowIds.join(", ");
          blockers.push({
            kind: "precheck",
            message: `${entry.tag} refuses: ${finding.table}.${finding.column} holds ` +
              `${finding.value}, which ${finding.constraint} does not allow (${finding.count} ` +
              `row(s): ${ids}${finding.count > finding.rowIds.length ? ", …" : ""})`,
            fix: finding.fix,
            finding,
          });
        }
      }
      if (
        !bundlesChecked && sizes.has("secret_bundles") && sizes.has("configuration_repos") &&
        /^\s*INSERT INTO "secret_files"/m.test(entry.statements.join("\n"))
      ) {
        // After 0001: the runner's check before 0002 refuses the same bundles.
        bundlesChecked = true;
        const findings = [
          ...await bundlesWithoutConfiguration(tx, "configuration_repos"),
          ...await crossOrganizationBundleMembers(tx),
        ];
        for (const finding of findings) {
          blockers.push({
            kind: "precheck",
            message: `${entry.tag} refuses: ${finding.count} ${finding.table} row(s) hold ` +
              `${finding.value} (${finding.rowIds.join(", ")}${
                finding.count > finding.rowIds.length ? ", …" : ""
              })`,
            fix: finding.fix,
            finding,
          });
        }
      }
      step.work = await workOf(tx, entry, sizes);
      steps.push(step);
    }
    return {
      command: "plan" as const,
      server: db.server,
      history: describeHistory(check),
      steps,
      blockers,
      warnings,
      refused: blockers.length > 0,
    };
  });
}

function summaryOf(entry: MigrationEntry, isBaseline: boolean): string {
  if (isBaseline) return "the pre-vNext baseline schema, created from nothing";
  // The file's leading comment, without squawk directives and drizzle-kit's provenance line.
  const lines: string[] = [];
  for (const line of (entry.statements[0] ?? "").split("\n")) {
    const comment = /^\s*--\s?(.*)$/.exec(line);
    if (!comment) break;
    if (!/^squawk-ignore/.test(comment[1].trim())) lines.push(comment[1].trim());
  }
  const sentences = lines.join(" ").split(/(?<=\.)\s+/).map((s) => s.trim()).filter(Boolean);
  const sentence = sentences.find((s) => !/^(Generated|Created) (by|with) drizzle-kit/i.test(s));
  return sentence ?? `${entry.statements.length} statement(s)`;
}

interface TableSize {
  rows: number;
  bytes: number;
  analyzed: boolean;
}

async function tableSizes(tx: postgres.TransactionSql): Promise<Map<string, TableSize>> {
  const rows = await tx<{ name: string; rows: number; bytes: string }[]>`
    select c.relname::text as name, c.reltuples::float8 as rows,
           pg_table_size(c.oid)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')`;
  return new Map(
    rows.map((r) => [r.name, {
      rows: Math.max(0, Math.round(r.rows)),
      bytes: Number(r.bytes),
      analyzed: r.rows >= 0,
    }]),
  );
}

/** 0001 renames these tables; a pending file may name them by the new name. */
const RENAMED: Record<string, string> = {
  configurations: "prebuilds",
  configuration_repos: "prebuild_repos",
};

async function rowsOf(
  tx: postgres.TransactionSql,
  sizes: Map<string, TableSize>,
  table: string,
): Promise<{ rows: number; bytes: number | null } | null> {
  const name = sizes.has(table) ? table : RENAMED[table];
  const size = name ? sizes.get(name) : undefined;
  // A table a pending file creates: empty, nothing to estimate.
  if (!size) return null;
  if (size.analyzed) return { rows: size.rows, bytes: size.bytes };
  // Never analysed (reltuples -1): count instead.
  const [{ n }] = await tx.unsafe<{ n: number }[]>(`select count(*)::float8 as n from "${name}"`);
  return { rows: n, bytes: size.bytes };
}

async function columnExists(tx: postgres.TransactionSql, table: string, column: string) {
  const [{ present }] = await tx<{ present: boolean }[]>`
    select exists (
      select 1 from information_schema.columns
      where table_schema = 'public' and table_name = ${table} and column_name = ${column}
    ) as present`;
  return present;
}

async function count(tx: postgres.TransactionSql, query: string): Promise<number> {
  const [{ n }] = await tx.unsafe<{ n: number }[]>(query);
  return Number(n);
}

async function workOf(
  tx: postgres.TransactionSql,
  entry: MigrationEntry,
  sizes: Map<string, TableSize>,
): Promise<WorkItem[]> {
  const work: WorkItem[] = [];
  const text = entry.statements.join("\n");
  if (/^\s*UPDATE "action_invocations"/m.test(text) && sizes.has("action_invocations")) {
    const rows = await columnExists(tx, "action_invocations", "mode")
      ? await count(
        tx,
        `select count(*)::float8 as n from "action_invocations" where "mode" is null or "mode_source" is null`,
      )
      : await count(tx, `select count(*)::float8 as n from "action_invocations"`);
    work.push({
      kind: "backfill",
      table: "action_invocations",
      rows,
      bytes: sizes.get("action_invocations")?.bytes ?? null,
      detail: "mode, mode_source and denied_reason set on each legacy row",
    });
  }
  if (/^\s*UPDATE "triggers"/m.test(text) && sizes.has("triggers")) {
    work.push({
      kind: "backfill",
      table: "triggers",
      rows: await count(
        tx,
        `select count(*)::float8 as n from "triggers" where "enabled" is null or "config" is null`,
      ),
      bytes: sizes.get("triggers")?.bytes ?? null,
      detail: "NULL enabled and config set",
    });
  }
  if (/^\s*UPDATE "trigger_events"/m.test(text) && sizes.has("trigger_events")) {
    const rows = await columnExists(tx, "trigger_events", "provider")
      ? await count(
        tx,
        `select count(*)::float8 as n from "trigger_events" where "provider" is null or ` +
          `"event_type" is null or "occurred_at" is null or "title" is null or ` +
          `"context" is null or "dedup_key" is null or "status" is null`,
      )
      : await count(tx, `select count(*)::float8 as n from "trigger_events"`);
    work.push({
      kind: "backfill",
      table: "trigger_events",
      rows,
      bytes: sizes.get("trigger_events")?.bytes ?? null,
      detail: "provider, event_type, occurred_at, title, context, dedup_key and status filled",
    });
  }
  if (/^\s*INSERT INTO "secret_files"/m.test(text) && sizes.has("secret_bundles")) {
    work.push({
      kind: "backfill",
      table: "secret_bundles",
      rows: await count(
        tx,
        `select count(*)::float8 as n from "secret_bundles" where "target_path" is not null`,
      ),
      bytes: sizes.get("secret_bundles")?.bytes ?? null,
      detail: "bundles with a target_path carried forward into secret_files and " +
        "configuration_secrets",
    });
  }
  const created = new Set(
    [...text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(?:"public"\.)?"([^"]+)"/g)].map((m) =>
      m[1]
    ),
  );
  for (
    const m of text.matchAll(
      /CREATE (UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?"([^"]+)" ON (?:ONLY )?(?:"public"\.)?"([^"]+)"/g,
    )
  ) {
    const table = m[3];
    if (created.has(table)) continue;
    const size = await rowsOf(tx, sizes, table);
    if (!size) continue;
    work.push({
      kind: "index",
      table,
      rows: size.rows,
      bytes: size.bytes,
      detail: `${m[1] ? "unique index" : "index"} ${m[2]}`,
    });
  }
  for (
    const m of text.matchAll(
      /ALTER TABLE (?:"public"\.)?"([^"]+)" VALIDATE CONSTRAINT "([^"]+)"/g,
    )
  ) {
    const size = await rowsOf(tx, sizes, m[1]);
    if (!size) continue;
    work.push({
      kind: "validate",
      table: m[1],
      rows: size.rows,
      bytes: size.bytes,
      detail: `constraint ${m[2]}`,
    });
  }
  return work;
}

/** The human form of a {@linkcode PlanReport}. */
export function formatPlan(report: PlanReport): string[] {
  const lines = [
    `server: PostgreSQL ${report.server.version}`,
    `history: ${report.history}`,
  ];
  if (report.steps.length === 0) {
    lines.push("plan: nothing to do, the database is up to date");
  } else {
    lines.push(`plan: ${report.steps.length} step(s)`);
    for (const step of report.steps) {
      lines.push(`  ${step.action} ${step.tag}: ${step.summary} (${step.statements} statements)`);
      if (step.prechecks.length > 0) {
        const refusing = step.prechecks.filter((p) => p.findings > 0);
        lines.push(
          `    prechecks: ${step.prechecks.length} run, ${
            refusing.length === 0
              ? "all pass"
              : `${refusing.length} refuse (${refusing.map((p) => p.check).join(", ")})`
          }`,
        );
      }
      const validations = step.work.filter((w) => w.kind === "validate");
      for (const item of step.work.filter((w) => w.kind !== "validate")) {
        lines.push(
          `    ${item.kind === "index" ? "build" : "backfill"} ${item.table}: ${item.detail}, ` +
            `${rowsText(item)}`,
        );
      }
      if (validations.length > 0) {
        const tables = new Map<string, WorkItem>();
        for (const v of validations) tables.set(v.table, v);
        lines.push(
          `    validate ${validations.length} constraint(s), scanning ${
            [...tables.values()].map((v) => `${v.table} (${rowsText(v)})`).join(", ")
          }`,
        );
      }
    }
  }
  for (const warning of report.warnings) {
    lines.push(`warning: ${warning.message}`);
    lines.push(`    fix: ${warning.fix}`);
  }
  if (report.blockers.length === 0) {
    lines.push("blockers: none; migrate would go through");
  } else {
    lines.push(`blockers: ${report.blockers.length}; migrate would refuse`);
    for (const blocker of report.blockers) {
      lines.push(`  ${blocker.message}`);
      lines.push(`    fix: ${blocker.fix}`);
      for (const line of blocker.differences?.slice(0, 20) ?? []) lines.push(`    ${line}`);
      if ((blocker.differences?.length ?? 0) > 20) {
        lines.push(`    … and ${blocker.differences!.length - 20} more (--json lists all)`);
      }
    }
  }
  return lines;
}

function rowsText(item: WorkItem): string {
  const rows = `~${item.rows.toLocaleString("en-US")} rows`;
  return item.bytes === null ? rows : `${rows}, ${megabytes(item.bytes)}`;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} kB`
    : `${(bytes / 1048576).toFixed(1)} MB`;
}
