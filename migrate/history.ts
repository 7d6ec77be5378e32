/**
 * The migration history a database records in `drizzle.__drizzle_migrations`, read and
 * classified: which rows are this package's migrations, which are the platform's pre-vNext
 * history (the 25 journal entries production databases were migrated with before this package
 * existed), and which are neither.
 *
 * Reading the history never writes and takes no lock beyond ACCESS SHARE on the history table.
 *
 * @module
 */
import type postgres from "postgres";
import type { MigrationEntry } from "./types.ts";

/** Schema of drizzle's migration table. */
export const MIGRATIONS_SCHEMA = "drizzle";
/** Name of drizzle's migration table. */
export const MIGRATIONS_TABLE = "__drizzle_migrations";

/** One row of drizzle's migration table. */
export interface RecordedMigration {
  /** SHA-256 of the applied file, as drizzle recorded it. */
  hash: string;
  /** The file's journal `when`, recorded as `created_at`. */
  createdAt: number;
}

/** One entry of the platform's pre-vNext journal, as its history row records it. */
export interface PlatformMigration {
  /** Position in the platform's journal, 0 to 24. */
  readonly index: number;
  /** Journal tag, e.g. `0018_secret_bundles`. */
  readonly tag: string;
  /** Journal `when`, the row's `created_at`. */
  readonly when: number;
  /** SHA-256 (lowercase hex) of the platform's file, the row's `hash`. */
  readonly hash: string;
}

/**
 * The 25 history rows of a pre-vNext production database migrated in one go from empty, in
 * journal order (prevnext-history.md). Their `when` values are not monotonic: see
 * {@linkcode SKIPPABLE_PLATFORM_TAGS}.
 */
export const PLATFORM_HISTORY: readonly PlatformMigration[] = [
  [
    "0000_baseline",
    1770001619101,
    "6406853d862c1326823422a46496b19a395fffc35486e893ab2b7dd097564d47",
  ],
  [
    "0001_woozy_ben_parker",
    1770068873526,
    "280d6fa768e51cd979fa5e4625d54682c6ab48d4e0f1fc3fe09c7e9665df48df",
  ],
  [
    "0002_allow_multi_org_github_installations",
    1770068873526,
    "9574ab5c266784106eec701253d5813c6b27e848f3388d56357b14ae0b08e164",
  ],
  [
    "0002_heavy_scourge",
    1770148753739,
    "e040d8cb824986ee25efcdc316cf7bb76cefde32504ca55774754337c67dbed9",
  ],
  [
    "0003_automation_connections",
    1770148753739,
    "204aa2dbc8ad953d43247274c3cbd992f32bdd0cc85b816c33b81c70b077e24a",
  ],
  [
    "0004_automation_runs",
    1770241910000,
    "43256217bd3e9a6c2ea75a97c908e5c81e2a2c076bb676b4707f83e3da2171bb",
  ],
  [
    "0005_automation_ui_fields",
    1770291000000,
    "7a656893bdcaac6a5ad03566dde3fcf9b16e724c32c87796942e21263e863fe1",
  ],
  [
    "0006_new_whirlwind",
    1770341718679,
    "bb48f1505d14918d158126696ba74e092b8ef84990d5f0fa191b65528b0c3760",
  ],
  [
    "0007_automation_ui_fields_backfill",
    1770400693898,
    "68872c9960930f8dd429f682616588377fa713ad7b4f2221b071c1f307925c23",
  ],
  [
    "0008_repo_snapshots",
    1770500000000,
    "c17f99ccd51ea9e26d3803e97f918eed137a6b7dfc05c8943a876d25c7187151",
  ],
  [
    "0009_service_commands",
    1770600000000,
    "f1f63cf60f9c64c57b694fd56b54c1a9f75643de3b74c8fff8636887e49b3125",
  ],
  [
    "0010_prebuild_service_commands",
    1770700000000,
    "c519170831482a8228144030fedf350ffa7cb86774eae09ef897be4dedfc293b",
  ],
  [
    "0012_sudden_mathemanic",
    1770769966137,
    "89a9cb0cb39966e233f797ad3576bda96d8ce2dd48e06fcda9855e33f91483d7",
  ],
  [
    "0013_slippery_randall",
    1770774626624,
    "af6ee65d19f6c69203e261fae1c5eb865d6ac15a6691b6252f15cef11c7bf1d8",
  ],
  [
    "0014_eminent_romulus",
    1770789610838,
    "5dce8f68e382dbd039d2014a5104e373eed18a442b5bb9c44b61020f2362f50f",
  ],
  [
    "0015_outbox_claim_semantics",
    1770854400000,
    "c1f3bf5f768b914207c8a98ce4e58a75760f15a2c0c072fcac334cfddd89503e",
  ],
  [
    "0016_reflective_cable",
    1770798170879,
    "3de53548c1ed4d4a16a479e2e636aacf2eefdf8a19029e7a2800f6e757980f57",
  ],
  [
    "0017_dry_mathemanic",
    1770842889940,
    "54df355d7a77cdfd87a524cd82709e09fffdeaf0e8728857c941199c095bff1a",
  ],
  [
    "0018_secret_bundles",
    1770940800000,
    "2a3eef8dd01731444e3e3e3f75fc4ee9de9e5417147b7a8baced2fa223166d57",
  ],
  [
    "0019_lucky_war_machine",
    1770845057346,
    "c07bcd72f91f7f3a4dacc19afbb8d6462d84dda0a80e183accfb84a3c4607e8d",
  ],
  [
    "0020_bundle_target_path",
    1771027200000,
    "845e73e77f3aab4451da767d93652bfd4c1e32104fcf7f4eb9f99962a589eae5",
  ],
  [
    "0021_prebuild_connectors",
    1771113600000,
    "8e305355bdee90f885e3e74faa2f35538cc3c24ef7738ae5d3593924d0c79187",
  ],
  [
    "0022_org_connectors",
    1771200000000,
    "b35f859f44561ff59bb0bcf6befbe8f55384ade1dfe53149f02bf41c88791fbc",
  ],
  [
    "0023_llm_spend_cursors_partition",
    1771286400000,
    "a3cabae843b438a582783b78f82aa7792be0168c8501dbdaf870bf50b085cec5",
  ],
  [
    "0024_drop_llm_spend_cursors_global",
    1771372800000,
    "73f2abc9d56b8e038083acdf82f58f588384e67af8b14bdc4b42a50bd54a2fb1",
  ],
].map(([tag, when, hash], index) => ({ index, tag, when, hash } as PlatformMigration));

/**
 * Platform migrations that a database can lack while holding later ones: their journal `when`
 * is older than a predecessor's, so drizzle's migrator skipped them on databases that already
 * held that predecessor. Each is explained only when its objects are absent too.
 */
export const SKIPPABLE_PLATFORM_TAGS: readonly string[] = [
  "0016_reflective_cable",
  "0017_dry_mathemanic",
  "0019_lucky_war_machine",
];

/** Where a database's recorded history stands, as {@linkcode analyzeHistory} sees it. */
export type HistoryKind =
  /** No history table or no row: a fresh database. */
  | "empty"
  /** Only rows of the platform's pre-vNext history: a pre-vNext database to adopt. */
  | "platform"
  /** Rows of this package's migrations (platform rows before them are allowed). */
  | "package"
  /** At least one row that is neither the platform's nor this package's. */
  | "unrecognised";

/** The classified history of one database. */
export interface HistoryAnalysis {
  /** The overall verdict. */
  kind: HistoryKind;
  /** Platform tags recorded, in journal order. */
  platformPresent: string[];
  /** Platform tags not recorded, in journal order (empty when no platform row exists). */
  platformMissing: string[];
  /** This package's tags recorded, in journal order. */
  applied: string[];
  /** This package's tags not recorded, in journal order. */
  pending: string[];
  /** Rows that are neither a platform row (hash and `created_at` both) nor a package one. */
  unknown: RecordedMigration[];
}

/** Reads every row of drizzle's migration table; none when the table does not exist. */
export async function readRecordedMigrations(
  sql: postgres.Sql | postgres.TransactionSql,
): Promise<RecordedMigration[]> {
  const [{ present }] = await sql<{ present: boolean }[]>`
    select to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`}) is not null as present`;
  if (!present) return [];
  const rows = await sql<{ hash: string; created_at: string | null }[]>`
    select hash, created_at::text as created_at
    from ${sql(MIGRATIONS_SCHEMA)}.${sql(MIGRATIONS_TABLE)} order by id`;
  return rows.map((row) => ({ hash: row.hash, createdAt: Number(row.created_at ?? 0) }));
}

/**
 * Classifies recorded rows against the platform's history and `entries` (this package's
 * migrations). A row counts as a platform row only when both its hash and its `created_at`
 * match the same journal entry, and as a package row only when its hash matches a shipped file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { analyzeHistory, PLATFORM_HISTORY } from "./history.ts";
 * const rows = PLATFORM_HISTORY.map((m) => ({ hash: m.hash, createdAt: m.when }));
 * const analysis = analyzeHistory(rows, []);
 * assert.equal(analysis.kind, "platform");
 * assert.deepEqual(analysis.platformMissing, []);
 * ```
 */
export function analyzeHistory(
  recorded: readonly RecordedMigration[],
  entries: readonly MigrationEntry[],
): HistoryAnalysis {
  const platformByHash = new Map(PLATFORM_HISTORY.map((m) => [m.hash, m]));
  const packageHashes = new Set(entries.map((entry) => entry.hash));
  const platformSeen = new Set<string>();
  const packageSeen = new Set<string>();
  const unknown: RecordedMigration[] = [];
  for (const row of recorded) {
    const platform = platformByHash.get(row.hash);
    if (platform && platform.when === row.createdAt) platformSeen.add(platform.tag);
    else if (packageHashes.has(row.hash)) packageSeen.add(row.hash);
    else unknown.push(row);
  }
  const platformPresent = PLATFORM_HISTORY.filter((m) => platformSeen.has(m.tag)).map((m) => m.tag);
  const platformMissing = platformSeen.size === 0
    ? []
    : PLATFORM_HISTORY.filter((m) => !platformSeen.has(m.tag)).map((m) => m.tag);
  const applied = entries.filter((entry) => packageSeen.has(entry.hash)).map((e) => e.tag);
  const pending = entries.filter((entry) => !packageSeen.has(entry.hash)).map((e) => e.tag);
  const kind: HistoryKind = unknown.length > 0
    ? "unrecognised"
    : packageSeen.size > 0
    ? "package"
    : platformSeen.size > 0
    ? "platform"
    : "empty";
  return { kind, platformPresent, platformMissing, applied, pending, unknown };
}
