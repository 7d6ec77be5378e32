/**
 * `verify`: the live catalog against the catalog this package's migrations produce up to the
 * last one applied (tables, columns, constraints with their validity, indexes, policies,
 * functions), every difference listed. A pre-vNext (platform-history) database is compared with
 * the baseline; a fresh one with an empty catalog. Read-only; exits non-zero on drift.
 *
 * @module
 */
import type postgres from "postgres";
import type { MigrationEntry } from "../migrate/types.ts";
import { analyzeHistory, readRecordedMigrations } from "../migrate/history.ts";
import { type Catalog, diffCatalogs, introspectCatalog } from "../migrate/catalog.ts";
import { expectedCatalog } from "../migrate/expected.ts";
import { CliError, type Database, EXIT, readOnly, type ServerInfo } from "./db.ts";

/** The JSON document of `verify --json`. */
export interface VerifyReport {
  /** Always `"verify"`. */
  command: "verify";
  /** The server's version. */
  server: ServerInfo;
  /** The tag whose catalog the database is compared with; `null` for a fresh database. */
  against: string | null;
  /** Why that tag: the history kind. */
  history: string;
  /** Every difference, one line each; empty when the database is as expected. */
  differences: string[];
  /** True when there is a difference. */
  drift: boolean;
}

const EMPTY: Catalog = { tables: [], relations: [], functions: [] };

/** Runs `verify` and returns its report. */
export async function verify(
  db: Database,
  entries: readonly MigrationEntry[],
): Promise<VerifyReport> {
  return await readOnly(db, async (tx) => {
    const history = analyzeHistory(await readRecordedMigrations(tx), entries);
    const differences: string[] = [];
    let against: string | null = null;
    if (history.kind === "platform") against = entries[0]?.tag ?? null;
    else if (history.applied.length > 0) against = history.applied[history.applied.length - 1];
    if (history.kind === "unrecognised") {
      differences.push(
        `history: ${history.unknown.length} row(s) of drizzle.__drizzle_migrations are neither ` +
          "the platform's nor this package's",
      );
    }
    const skipped = entries.filter((entry) =>
      against !== null && entries.findIndex((e) => e.tag === against) > entries.indexOf(entry) &&
      !history.applied.includes(entry.tag) && history.kind === "package"
    );
    for (const entry of skipped) {
      differences.push(`history: ${entry.tag} is not recorded, but a later migration is`);
    }
    const expected = against === null ? EMPTY : expectedCatalog(against);
    if (!expected) {
      throw new CliError(
        EXIT.usage,
        `this package has no expected catalog for ${against}; verify needs the package version ` +
          "that shipped it",
      );
    }
    const live = await introspectCatalog(tx as unknown as postgres.Sql);
    differences.push(...diffCatalogs(expected, live));
    return {
      command: "verify" as const,
      server: db.server,
      against,
      history: history.kind,
      differences,
      drift: differences.length > 0,
    };
  });
}

/** The human form of a {@linkcode VerifyReport}. */
export function formatVerify(report: VerifyReport): string[] {
  const lines = [
    `server: PostgreSQL ${report.server.version}`,
    `verifying against: ${
      report.against === null ? "an empty catalog (no migration recorded)" : report.against
    } (history: ${report.history})`,
  ];
  if (!report.drift) {
    lines.push("no drift: the catalog is what the applied migrations produce");
  } else {
    lines.push(`drift: ${report.differences.length} difference(s)`);
    for (const line of report.differences) lines.push(`  ${line}`);
  }
  return lines;
}
