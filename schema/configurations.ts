/**
 * Prebuilds (sandbox configurations) and the repos each one mounts.
 *
 * These are the baseline names `prebuilds` / `prebuild_repos`; the vNext upgrade renames them to
 * `configurations` / `configuration_repos`.
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
import { user } from "./auth.ts";
import { repos } from "./repos.ts";

/**
 * A sandbox configuration that sessions start from: its snapshot (`snapshot_id`, `status`
 * starting at 'building'), `sandbox_provider` ('modal' or 'e2b') and saved service commands,
 * env files and connectors. `type` is 'manual' by default. A CLI prebuild sets `user_id` and
 * `local_path_hash` together (unique per pair); otherwise both are NULL. There is no
 * organization column: the organization is reached through `prebuild_repos` → `repos`.
 */
export const prebuilds = pgTable(
  "prebuilds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    snapshotId: text("snapshot_id"),
    status: text("status").default("building"),
    error: text("error"),
    createdBy: text("created_by"),
    name: text("name").notNull(),
    notes: text("notes"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    sandboxProvider: text("sandbox_provider").notNull().default("modal"),
    userId: text("user_id"),
    localPathHash: text("local_path_hash"),
    type: text("type").default("manual"),
    serviceCommands: jsonb("service_commands"),
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
      name: "prebuilds_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    foreignKey({ name: "prebuilds_user_id_fkey", columns: [t.userId], foreignColumns: [user.id] })
      .onDelete("cascade"),
    unique("prebuilds_user_path_unique").on(t.userId, t.localPathHash),
    check(
      "prebuilds_cli_requires_path",
      sql`(user_id IS NOT NULL AND local_path_hash IS NOT NULL) OR (user_id IS NULL AND local_path_hash IS NULL)`,
    ),
    check(
      "prebuilds_sandbox_provider_check",
      sql`sandbox_provider = ANY (ARRAY['modal'::text, 'e2b'::text])`,
    ),
    index("idx_prebuilds_sandbox_provider").on(t.sandboxProvider),
    index("idx_prebuilds_type_managed").on(t.type).where(sql`type = 'managed'::text`),
  ],
);

/** A `prebuilds` row as read from the database. */
export type PrebuildRow = typeof prebuilds.$inferSelect;
/** Values for inserting a `prebuilds` row. */
export type NewPrebuild = typeof prebuilds.$inferInsert;

/**
 * A repo mounted in a prebuild at `workspace_path` ('.' for a single repo, the repo name when
 * there are several). One row per (prebuild_id, repo_id); removed with either side.
 */
export const prebuildRepos = pgTable(
  "prebuild_repos",
  {
    prebuildId: uuid("prebuild_id").notNull(),
    repoId: uuid("repo_id").notNull(),
    workspacePath: text("workspace_path").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    primaryKey({ name: "prebuild_repos_pkey", columns: [t.prebuildId, t.repoId] }),
    foreignKey({
      name: "prebuild_repos_prebuild_id_fkey",
      columns: [t.prebuildId],
      foreignColumns: [prebuilds.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "prebuild_repos_repo_id_fkey",
      columns: [t.repoId],
      foreignColumns: [repos.id],
    }).onDelete("cascade"),
    index("idx_prebuild_repos_prebuild").on(t.prebuildId),
    index("idx_prebuild_repos_repo").on(t.repoId),
  ],
);

/** A `prebuild_repos` row as read from the database. */
export type PrebuildRepoRow = typeof prebuildRepos.$inferSelect;
/** Values for inserting a `prebuild_repos` row. */
export type NewPrebuildRepo = typeof prebuildRepos.$inferInsert;
