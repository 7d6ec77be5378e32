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
  pendingMigrations,
  type RecordedMigration,
} from "./runner.ts";
export type { MigrationEntry } from "./types.ts";
export { migrations } from "../migrations/bundle.ts";
