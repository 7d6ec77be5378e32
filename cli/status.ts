/**
 * `status`: where the database stands. Each of the package's migrations is `applied`,
 * `adoptable` (the baseline of a pre-vNext database whose catalog is the baseline's: `migrate`
 * records it without running it), `not-adoptable` (the same, with a catalog that differs) or
 * `pending`; whether the recorded history is recognised; the server's version. Read-only.
 *
 * @module
 */
import type postgres from "postgres";
import type { MigrationEntry } from "../migrate/types.ts";
import type { HistoryAnalysis } from "../migrate/history.ts";
import { type AdoptionCheck, checkAdoption } from "../migrate/adoption.ts";
import { type Database, readOnly, type ServerInfo } from "./db.ts";

/** The state of one migration in a database. */
export type MigrationState = "applied" | "adoptable" | "not-adoptable" | "pending";

/** The JSON document of `status --json`. */
export interface StatusReport {
  /** Always `"status"`. */
  command: "status";
  /** The server's version. */
  server: ServerInfo;
  /** The classified history, and whether it is recognised (not `unrecognised`). */
  history: HistoryAnalysis & { recognised: boolean; summary: string };
  /** Adoption of the baseline, for a pre-vNext (platform) history; `null` otherwise. */
  adoption: { adoptable: boolean; problems: string[] } | null;
  /** Every migration this package ships, oldest first. */
  migrations: { tag: string; state: MigrationState }[];
}

/** Reads the history and the adoption verdict inside `tx`. */
export async function inspectHistory(
  tx: postgres.TransactionSql,
  entries: readonly MigrationEntry[],
): Promise<AdoptionCheck> {
  return await checkAdoption(tx, entries);
}

/** One sentence describing a history. */
export function describeHistory(check: AdoptionCheck): string {
  const h = check.history;
  switch (h.kind) {
    case "empty":
      return "no migration recorded: a fresh database";
    case "platform":
      return `pre-vNext platform history (${h.platformPresent.length} of 25 rows` +
        `${h.platformMissing.length ? `; missing ${h.platformMissing.join(", ")}` : ""}), ` +
        (check.adoptable
          ? "recognised; its catalog is the baseline's, so migrate adopts 0000"
          : `recognised, but its catalog differs from the baseline in ${check.problems.length} ` +
            "way(s), so migrate would refuse to adopt it");
    case "package":
      return `this package's history (${h.applied.length} applied, ${h.pending.length} pending), ` +
        "recognised";
    case "unrecognised":
      return `unrecognised: ${h.unknown.length} row(s) are neither the platform's nor this ` +
        `package's (${
          h.unknown.slice(0, 3).map((r) => `${r.hash.slice(0, 12)}… created_at ${r.createdAt}`)
            .join(", ")
        }${h.unknown.length > 3 ? ", …" : ""})`;
  }
}

/** Runs `status` and returns its report. */
export async function status(
  db: Database,
  entries: readonly MigrationEntry[],
): Promise<StatusReport> {
  const check = await readOnly(db, (tx) => inspectHistory(tx, entries));
  const h = check.history;
  const applied = new Set(h.applied);
  const migrations = entries.map((entry, i) => {
    let state: MigrationState = applied.has(entry.tag) ? "applied" : "pending";
    if (i === 0 && h.kind === "platform") state = check.adoptable ? "adoptable" : "not-adoptable";
    return { tag: entry.tag, state };
  });
  return {
    command: "status",
    server: db.server,
    history: { ...h, recognised: h.kind !== "unrecognised", summary: describeHistory(check) },
    adoption: h.kind === "platform"
      ? { adoptable: check.adoptable, problems: check.problems }
      : null,
    migrations,
  };
}

/** The human form of a {@linkcode StatusReport}. */
export function formatStatus(report: StatusReport): string[] {
  const width = Math.max(...report.migrations.map((m) => m.tag.length));
  const lines = [
    `server: PostgreSQL ${report.server.version}`,
    `history: ${report.history.summary}`,
    "migrations:",
    ...report.migrations.map((m) => `  ${m.tag.padEnd(width)}  ${m.state}`),
  ];
  if (report.adoption && !report.adoption.adoptable) {
    lines.push("differences from the baseline:");
    for (const line of report.adoption.problems.slice(0, 20)) lines.push(`  ${line}`);
    if (report.adoption.problems.length > 20) {
      lines.push(`  … and ${report.adoption.problems.length - 20} more (see plan)`);
    }
  }
  return lines;
}
