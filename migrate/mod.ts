/**
 * Applies the package's migrations to a PostgreSQL database, safely from several instances at
 * once: an advisory lock serialises runners, `lock_timeout` and `statement_timeout` bound
 * every wait, and a database holding a migration this package does not know is refused.
 * The migrations ship inside the module, so no filesystem is needed.
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
  migrate,
  type MigrateOptions,
  type MigrateReport,
  MIGRATION_LOCK_KEY,
  MigrationError,
  type MigrationFailure,
  type MigrationProgress,
  pendingMigrations,
} from "./runner.ts";
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
  duplicateOrgWideSecrets,
  legacyDedupKeyCollisions,
  PRECHECK_SAMPLE_SIZE,
  type PrecheckFinding,
  PRECHECKS,
  runPrechecks,
} from "./precheck.ts";
export { type AdoptionCheck, checkAdoption } from "./adoption.ts";
export type { MigrationEntry } from "./types.ts";
export { migrations } from "../migrations/bundle.ts";
