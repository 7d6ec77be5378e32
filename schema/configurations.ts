/**
 * Configurations (the sandbox setups sessions start from) and the repos each one mounts.
 *
 * vNext renamed the tables `prebuilds` / `prebuild_repos` to `configurations` /
 * `configuration_repos`, with every constraint and index name that carried the old word; rows
 * were kept (`ALTER … RENAME`). The pre-vNext export names
 * (`prebuilds`, `prebuildRepos`, `PrebuildRow`, …) are gone: use the vNext ones.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { SANDBOX_PROVIDER_TYPES, type SandboxProviderType } from "../sandbox/mod.ts";
import { oneOf } from "./_checks.ts";
import { user } from "./auth.ts";
import type { ServiceCommands } from "./json.ts";
import { repos } from "./repos.ts";
import type { ConfigurationReposTable, ConfigurationsTable } from "./_tables.ts";

/**
 * A sandbox configuration that sessions start from: its active snapshot (column `snapshot_id`,
 * property `activeSnapshotId`, decision I-22), `status` (starts at 'building'; old spec pending,
 * building, ready, failed, no CHECK), `sandbox_provider` ('modal' or 'e2b') and saved service
 * commands. `env_files` and `connectors` are legacy: vNext has no writer for them.
 * `type` is 'manual' by default ('managed', 'cli' also occur). A CLI configuration sets
 * `user_id` and `local_path_hash` together (unique per pair); otherwise both are NULL
 * (`configurations_cli_requires_path`). There is no organization column: the organization is
 * reached through `configuration_repos` → `repos`. Deleting a configuration deletes its repo
 * links, scoped secrets, secret files and secret links, and only clears `sessions` and
 * `automations` references.
 */
export const configurations: ConfigurationsTable = pgTable(
  "configurations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    activeSnapshotId: text("snapshot_id"),
    status: text("status").default("building"),
    error: text("error"),
    createdBy: text("created_by"),
    name: text("name").notNull(),
    notes: text("notes"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    sandboxProvider: text("sandbox_provider").$type<SandboxProviderType>().notNull().default(
      "modal",
    ),
    userId: text("user_id"),
    localPathHash: text("local_path_hash"),
    type: text("type").default("manual"),
    serviceCommands: jsonb("service_commands").$type<ServiceCommands>(),
    serviceCommandsUpdatedAt: timestamp("service_commands_updated_at", { withTimezone: true }),
    serviceCommandsUpdatedBy: text("service_commands_updated_by"),
    envFiles: jsonb("env_files"),
    envFilesUpdatedAt: timestamp("env_files_updated_at", { withTimezone: true }),
    envFilesUpdatedBy: text("env_files_updated_by"),
    connectors: jsonb("connectors"),
    connectorsUpdatedAt: timestamp("connectors_updated_at", { withTimezone: true }),
    connectorsUpdatedBy: text("connectors_updated_by"),
  },
  (t) => [
    foreignKey({
      name: "configurations_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    foreignKey({
      name: "configurations_user_id_fkey",
      columns: [t.userId],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    unique("configurations_user_path_unique").on(t.userId, t.localPathHash),
    check(
      "configurations_cli_requires_path",
      sql`(user_id IS NOT NULL AND local_path_hash IS NOT NULL) OR (user_id IS NULL AND local_path_hash IS NULL)`,
    ),
    check(
      "configurations_sandbox_provider_check",
      oneOf("sandbox_provider", SANDBOX_PROVIDER_TYPES),
    ),
    index("idx_configurations_sandbox_provider").on(t.sandboxProvider),
    index("idx_configurations_type_managed").on(t.type).where(sql`type = 'managed'::text`),
  ],
);

/** A `configurations` row as read from the database. */
export type ConfigurationRow = typeof configurations.$inferSelect;
/** Values for inserting a `configurations` row; only `name` is required. */
export type NewConfiguration = typeof configurations.$inferInsert;

/**
 * A repo mounted in a configuration at `workspace_path` ('.' for a single repo, the repo name
 * when there are several). One row per (configuration_id, repo_id); removed with either side.
 */
export const configurationRepos: ConfigurationReposTable = pgTable(
  "configuration_repos",
  {
    configurationId: uuid("configuration_id").notNull(),
    repoId: uuid("repo_id").notNull(),
    workspacePath: text("workspace_path").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    primaryKey({ name: "configuration_repos_pkey", columns: [t.configurationId, t.repoId] }),
    foreignKey({
      name: "configuration_repos_configuration_id_fkey",
      columns: [t.configurationId],
      foreignColumns: [configurations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "configuration_repos_repo_id_fkey",
      columns: [t.repoId],
      foreignColumns: [repos.id],
    }).onDelete("cascade"),
    index("idx_configuration_repos_configuration").on(t.configurationId),
    index("idx_configuration_repos_repo").on(t.repoId),
  ],
);

/** A `configuration_repos` row as read from the database. */
export type ConfigurationRepoRow = typeof configurationRepos.$inferSelect;
/** Values for inserting a `configuration_repos` row. */
export type NewConfigurationRepo = typeof configurationRepos.$inferInsert;
