/**
 * Whether a pre-vNext database can adopt this package's baseline: record `0000_baseline` as
 * applied without running it, so that only the vNext upgrade runs.
 *
 * A database is adoptable only when everything about it is explained:
 *
 * - its history is a set of the platform's known rows ({@linkcode PLATFORM_HISTORY}: hash and
 *   `created_at` both match one journal entry), with no row of this package yet. Rows may be
 *   missing (the platform's migrator skipped 0016, 0017 and 0019 on some databases, see
 *   {@linkcode SKIPPABLE_PLATFORM_TAGS}); the catalog check below then decides. A row that is
 *   not one of the platform's, older than the baseline or not, is refused;
 * - its live catalog equals `expectedCatalog("0000_baseline")` (tables, columns with type,
 *   nullability and default, constraints, indexes, policies, triggers, functions), except for
 *   the drift the baseline sheet names, each accepted only in its exact shape: D1 the table
 *   `sandbox_base_snapshots`, D2 the column `organization.onboarding_meta jsonb`, D3 the partial
 *   unique index `secrets_org_key_unique_when_org_wide` (the unjournaled platform files
 *   `0009_sandbox_base_snapshots`, `0024_onboarding_meta` and `0023_org_secret_key_unique`,
 *   which `0001_vnext_expand` creates only when absent).
 *
 * Otherwise the check lists the problems, one sentence each, naming the platform migration that
 * explains a difference where one does (e.g. a database that never ran `0016_reflective_cable`).
 * The check only reads.
 *
 * @module
 */
import type postgres from "postgres";
import {
  analyzeHistory,
  type HistoryAnalysis,
  PLATFORM_HISTORY,
  readRecordedMigrations,
  type RecordedMigration,
} from "./history.ts";
import {
  type Catalog,
  type CatalogColumn,
  type CatalogIndex,
  diffCatalogs,
  introspectCatalog,
  normalizeCatalog,
} from "./catalog.ts";
import { expectedCatalog } from "./expected.ts";
import type { MigrationEntry } from "./types.ts";
import { migrations as bundledMigrations } from "../migrations/bundle.ts";

/** The tag whose catalog a pre-vNext database must hold to be adopted. */
export const ADOPTED_TAG = "0000_baseline";

/** What {@linkcode checkAdoption} found. */
export interface AdoptionCheck {
  /** The recorded history, classified. */
  history: HistoryAnalysis;
  /**
   * True when the database holds the platform's history, no row of this package, and a
   * catalog equal to the baseline's (drift D1–D3 allowed): the runner will adopt the baseline.
   */
  adoptable: boolean;
  /**
   * Why the database cannot be adopted, one human sentence each; empty when it is adoptable
   * or when there is nothing to adopt (a fresh database, or one with this package's history).
   */
  problems: string[];
  /** Every catalog difference from the baseline (drift D1–D3 left out); empty when none. */
  differences: string[];
  /** The drift items (`D1`, `D2`, `D3`) the database holds, each in its exact shape. */
  drift: string[];
}

/** How many unexplained catalog differences a problem list names before summing up. */
const LISTED_DIFFERENCES = 8;

/**
 * Checks whether the database `sql` is connected to can adopt the baseline (see the module
 * doc). `entries` are the migrations that would run, by default this package's; platform
 * history can only be adopted by this package's own `0000_baseline`.
 *
 * @example
 * ```ts ignore
 * const check = await checkAdoption(sql);
 * if (!check.adoptable && check.problems.length > 0) console.error(check.problems.join("\n"));
 * ```
 */
export async function checkAdoption(
  sql: postgres.Sql | postgres.TransactionSql,
  entries: readonly MigrationEntry[] = bundledMigrations,
): Promise<AdoptionCheck> {
  const recorded = await readRecordedMigrations(sql);
  const history = analyzeHistory(recorded, entries);
  const result: AdoptionCheck = {
    history,
    adoptable: false,
    problems: [],
    differences: [],
    drift: [],
  };
  if (history.kind === "empty" || history.kind === "package") return result;
  if (history.kind === "unrecognised") {
    result.problems.push(...unknownRowProblems(history.unknown, entries));
    if (history.platformMissing.length > 0 && history.platformPresent.length > 0) {
      result.problems.push(missingRowsSentence(history));
    }
    return result;
  }
  // history.kind === "platform"
  const baseline = bundledMigrations.find((entry) => entry.tag === ADOPTED_TAG);
  if (!baseline || entries[0]?.hash !== baseline.hash) {
    result.problems.push(
      `the database holds the platform's pre-vNext history, which only this package's ` +
        `${ADOPTED_TAG} can adopt, and the migrations given do not start with it`,
    );
    return result;
  }
  const live = await introspectCatalog(sql as postgres.Sql);
  const { rest, drift } = withoutDrift(live);
  result.drift = drift;
  const expected = expectedCatalog(ADOPTED_TAG);
  if (!expected) throw new Error(`no expected catalog for ${ADOPTED_TAG}`);
  result.differences = diffCatalogs(normalizeCatalog(expected), normalizeCatalog(rest));
  if (result.differences.length === 0) {
    result.adoptable = true;
    return result;
  }
  result.problems.push(...explain(result.differences, history));
  if (history.platformMissing.length > 0) result.problems.push(missingRowsSentence(history));
  return result;
}

function unknownRowProblems(
  unknown: readonly RecordedMigration[],
  entries: readonly MigrationEntry[],
): string[] {
  const first = entries[0]?.when ?? Infinity;
  return unknown.slice(0, 5).map((row) =>
    `history row ${row.hash.slice(0, 12)}… (created_at ${row.createdAt}) is neither one of the ` +
    `platform's ${PLATFORM_HISTORY.length} pre-vNext migrations nor one of this package's` +
    (row.createdAt < first
      ? `: it is older than ${
        entries[0]?.tag ?? "the first migration"
      }, so this database ran a migration nobody can account for`
      : `: the database was migrated by a newer or different version`)
  ).concat(
    unknown.length > 5 ? [`and ${unknown.length - 5} more unknown history row(s)`] : [],
  );
}

function missingRowsSentence(history: HistoryAnalysis): string {
  return `the history lacks ${history.platformMissing.length} of the platform's ` +
    `${PLATFORM_HISTORY.length} migrations: ${history.platformMissing.join(", ")}`;
}

/** A platform migration and the catalog differences it accounts for. */
interface Explanation {
  tag: string;
  matches(line: string): boolean;
  /** The sentence; `neverRan` is true when the history lacks `tag`. */
  sentence(neverRan: boolean, lines: readonly string[]): string;
}

function ranClause(tag: string, neverRan: boolean): string {
  return neverRan
    ? `${tag}, which this database never ran`
    : `${tag}, which this database records as applied (its objects were changed since)`;
}

const EXPLANATIONS: readonly Explanation[] = [
  {
    tag: "0016_reflective_cable",
    matches: (line) =>
      line.startsWith("public.automations:") && line.includes("notification_slack_installation_id"),
    sentence: (neverRan) =>
      "missing column automations.notification_slack_installation_id (and its foreign key to " +
      `slack_installations): created by platform migration ${
        ranClause("0016_reflective_cable", neverRan)
      }`,
  },
  {
    tag: "0017_dry_mathemanic",
    matches: (line) =>
      line.startsWith("public.automation_runs:") && line.includes("enrichment_json"),
    sentence: (neverRan) =>
      "missing column automation_runs.enrichment_json: created by platform migration " +
      ranClause("0017_dry_mathemanic", neverRan),
  },
  {
    tag: "0019_lucky_war_machine",
    matches: (line) => line === "missing table public.action_grants",
    sentence: (neverRan) =>
      "missing table action_grants: created by platform migration " +
      ranClause("0019_lucky_war_machine", neverRan),
  },
  {
    tag: "0024_drop_llm_spend_cursors_global",
    matches: (line) => line === "unexpected table public.llm_spend_cursors_global",
    sentence: (neverRan) =>
      "unexpected table llm_spend_cursors_global: platform migration " +
      "0023_llm_spend_cursors_partition kept the old singleton table under that name and " +
      `platform migration ${ranClause("0024_drop_llm_spend_cursors_global", neverRan)}, drops it`,
  },
  {
    tag: "0023_llm_spend_cursors_partition",
    matches: (line) => line.startsWith("public.llm_spend_cursors:"),
    sentence: (neverRan, lines) =>
      (neverRan
        ? "llm_spend_cursors has the singleton shape of platform migration 0022_org_connectors " +
          "(id text primary key, no organization_id): platform migration " +
          "0023_llm_spend_cursors_partition, which this database never ran, makes it one row " +
          "per organization"
        : "llm_spend_cursors differs from the per-organization shape of platform migration " +
          ranClause("0023_llm_spend_cursors_partition", false)) +
      ` (${lines.length} difference(s), first: ${lines[0]})`,
  },
];

/** Turns catalog differences into sentences: explained groups first, then the rest. */
function explain(differences: readonly string[], history: HistoryAnalysis): string[] {
  const groups = new Map<Explanation, string[]>();
  const unexplained: string[] = [];
  for (const line of differences) {
    const explanation = EXPLANATIONS.find((e) => e.matches(line));
    if (!explanation) {
      unexplained.push(line);
      continue;
    }
    const lines = groups.get(explanation) ?? [];
    lines.push(line);
    groups.set(explanation, lines);
  }
  const sentences: string[] = [];
  // In the platform's journal order.
  const order = (e: Explanation) => PLATFORM_HISTORY.findIndex((m) => m.tag === e.tag);
  for (const [explanation, lines] of [...groups].sort((a, b) => order(a[0]) - order(b[0]))) {
    sentences.push(
      explanation.sentence(history.platformMissing.includes(explanation.tag), lines),
    );
  }
  for (const line of unexplained.slice(0, LISTED_DIFFERENCES)) {
    sentences.push(`${line}: no platform migration explains it`);
  }
  if (unexplained.length > LISTED_DIFFERENCES) {
    sentences.push(
      `and ${unexplained.length - LISTED_DIFFERENCES} more difference(s) from the baseline`,
    );
  }
  return sentences;
}

/** D2: the column `0024_onboarding_meta.sql` adds. */
const D2_COLUMN: CatalogColumn = {
  name: "onboarding_meta",
  type: "jsonb",
  notNull: false,
  default: null,
};

/** D3: the index `0023_org_secret_key_unique.sql` creates. */
const D3_INDEX: CatalogIndex = {
  name: "secrets_org_key_unique_when_org_wide",
  unique: true,
  method: "btree",
  keys: "organization_id, key",
  include: null,
  nullsNotDistinct: false,
  predicate: "repo_id IS NULL AND prebuild_id IS NULL",
  constraint: null,
};

/**
 * D1: the table `0009_sandbox_base_snapshots.sql` creates, which `0001_vnext_expand` creates
 * in the very same shape when it is absent (so its expected catalog holds it).
 */
function d1Table() {
  return expectedCatalog("0001_vnext_expand")?.tables.find((t) =>
    t.schema === "public" && t.name === "sandbox_base_snapshots"
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Removes the drift objects D1–D3 that match their known shape exactly; names those found. */
function withoutDrift(catalog: Catalog): { rest: Catalog; drift: string[] } {
  const rest = normalizeCatalog(catalog);
  const drift: string[] = [];
  const d1 = d1Table();
  const snapshots = rest.tables.findIndex((t) =>
    t.schema === "public" && t.name === "sandbox_base_snapshots"
  );
  if (
    d1 && snapshots >= 0 && same(
      rest.tables[snapshots],
      normalizeCatalog({
        tables: [d1],
        relations: [],
        functions: [],
      }).tables[0],
    )
  ) {
    rest.tables.splice(snapshots, 1);
    drift.push("D1");
  }
  const organization = rest.tables.find((t) => t.schema === "public" && t.name === "organization");
  const meta = organization?.columns.findIndex((c) => c.name === D2_COLUMN.name) ?? -1;
  if (organization && meta >= 0 && same(organization.columns[meta], D2_COLUMN)) {
    organization.columns.splice(meta, 1);
    drift.push("D2");
  }
  const secrets = rest.tables.find((t) => t.schema === "public" && t.name === "secrets");
  const index = secrets?.indexes.findIndex((i) => i.name === D3_INDEX.name) ?? -1;
  if (secrets && index >= 0 && same(secrets.indexes[index], D3_INDEX)) {
    secrets.indexes.splice(index, 1);
    drift.push("D3");
  }
  return { rest, drift };
}
