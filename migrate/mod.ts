/**
 * Applies the package's migrations to a PostgreSQL database, safely from several instances at
 * once and through a connection pooler (PgBouncer in session or transaction mode): each file
 * runs in its own transaction under a transaction-level advisory lock, with `SET LOCAL`
 * timeouts read back before any DDL and short lock waits retried with backoff. A database
 * holding history this package cannot explain is refused without writing anything, and a
 * pre-vNext database is adopted only when its schema is the one its history explains
 * ({@linkcode checkAdoption}). The migrations ship inside the module, so no filesystem is
 * needed.
 *
 * @example Run at deploy time
 * ```ts ignore
 * import { migrate } from "@proliferate/core/migrate";
 *
 * const report = await migrate({ url: Deno.env.get("DATABASE_URL")!, lockTimeoutMs: 5_000 });
 * console.log(`applied: ${report.applied.join(", ") || "nothing"}`);
 * ```
 *
 * @module
 */
export {
  entryHash,
  migrate,
  type MigrateOptions,
  type MigrateReport,
  MigrationError,
  type MigrationFailure,
  type MigrationProgress,
  pendingMigrations,
} from "./runner.ts";
export { ADOPTED_TAG, type AdoptionCheck, checkAdoption } from "./adoption.ts";
export {
  lockKeyFor,
  MIGRATION_LOCK_KEY,
  MIGRATION_LOCK_NAME,
  MONITOR_APPLICATION_NAME,
  RUNNER_APPLICATION_NAME,
} from "./locks.ts";
export { redactDatabaseUrl } from "./url.ts";
export {
  BATCHED_MARKER,
  type BatchOutcome,
  batchOutcome,
  checkOutsideTransaction,
  type ConcurrentIndex,
  LEASE_STALE_MS,
  LEASE_TABLE,
  NO_TRANSACTION_MARKER,
  parseConcurrentIndex,
  runsInBatches,
  runsOutsideTransaction,
} from "./online.ts";
export {
  analyzeHistory,
  type HistoryAnalysis,
  type HistoryKind,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  PLATFORM_HISTORY,
  type PlatformMigration,
  readRecordedMigrations,
  type RecordedMigration,
  SKIPPABLE_PLATFORM_TAGS,
} from "./history.ts";
export {
  type Catalog,
  type CatalogColumn,
  type CatalogConstraint,
  type CatalogFunction,
  type CatalogIndex,
  type CatalogPolicy,
  type CatalogReference,
  type CatalogRelation,
  type CatalogTable,
  type CatalogTrigger,
  type ConstraintType,
  diffCatalogs,
  introspectCatalog,
  type IntrospectOptions,
  normalizeCatalog,
  type ReferentialAction,
} from "./catalog.ts";
export {
  EXPECTED_CATALOG_TAGS,
  expectedCatalog,
  type ExpectedCatalogData,
  packExpectedCatalogs,
} from "./expected.ts";
export {
  bundlesWithoutConfiguration,
  crossOrganizationBundleMembers,
  describeFinding,
  duplicateOrgWideSecrets,
  EXPAND_TAG,
  legacyDedupKeyCollisions,
  PRECHECK_SAMPLE_SIZE,
  PRECHECKED_SETTING,
  type PrecheckFinding,
  type PrecheckOptions,
  PRECHECKS,
  runPrechecks,
} from "./precheck.ts";
export type { MigrationEntry } from "./types.ts";
export { migrations } from "../migrations/bundle.ts";
