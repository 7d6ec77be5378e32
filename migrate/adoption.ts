/**
 * Whether a pre-vNext database can adopt this package's baseline: its recorded history is the
 * platform's (see {@linkcode analyzeHistory}) and its live catalog equals the catalog the
 * baseline migration builds ({@linkcode expectedCatalog}). Read-only.
 *
 * @module
 */
import type postgres from "postgres";
import { analyzeHistory, type HistoryAnalysis, readRecordedMigrations } from "./history.ts";
import { diffCatalogs, introspectCatalog } from "./catalog.ts";
import { expectedCatalog } from "./expected.ts";
import type { MigrationEntry } from "./types.ts";
import { migrations as bundledMigrations } from "../migrations/bundle.ts";

/** The verdict of {@linkcode checkAdoption}. */
export interface AdoptionCheck {
  /** The classified history of the database. */
  history: HistoryAnalysis;
  /** True when the history is the platform's and the catalog is the baseline's. */
  adoptable: boolean;
  /** Why it is not adoptable: catalog differences, one line each (empty when adoptable). */
  problems: string[];
}

/**
 * Reads the history and, for a platform history, compares the live catalog with the baseline's.
 * Another history kind is never adoptable (and has no problems to list: it needs no adoption).
 *
 * @example
 * ```ts ignore
 * const check = await checkAdoption(sql);
 * if (check.history.kind === "platform" && !check.adoptable) console.log(check.problems);
 * ```
 */
export async function checkAdoption(
  sql: postgres.Sql | postgres.TransactionSql,
  entries: readonly MigrationEntry[] = bundledMigrations,
): Promise<AdoptionCheck> {
  const history = analyzeHistory(await readRecordedMigrations(sql), entries);
  if (history.kind !== "platform") return { history, adoptable: false, problems: [] };
  const baseline = expectedCatalog(entries[0]?.tag ?? "0000_baseline") ??
    expectedCatalog("0000_baseline")!;
  const live = await introspectCatalog(sql as postgres.Sql);
  const problems = diffCatalogs(baseline, live);
  return { history, adoptable: problems.length === 0, problems };
}
