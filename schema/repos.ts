/**
 * Git repositories connected to an organization.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { user } from "./auth.ts";
import type { RepoServiceCommands } from "./json.ts";
import { organization } from "./organizations.ts";
import type { ReposTable } from "./_tables.ts";

/**
 * A repository of an organization, unique per (organization_id, github_repo_id). `source` is
 * 'github' by default; a 'local' repo must carry `local_path_hash` (`repos_source_check`). The
 * `repo_snapshot_*` columns track the latest repo snapshot build and `service_commands` the
 * saved service commands. Deleting a repo cascades to its configuration links, secrets and sessions,
 * but is refused while a Slack conversation points at it.
 */
export const repos: ReposTable = pgTable(
  "repos",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    githubUrl: text("github_url").notNull(),
    githubRepoId: text("github_repo_id").notNull(),
    githubRepoName: text("github_repo_name").notNull(),
    defaultBranch: text("default_branch").default("main"),
    setupCommands: text("setup_commands").array(),
    detectedStack: jsonb("detected_stack"),
    isOrphaned: boolean("is_orphaned").default(false),
    addedBy: text("added_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    source: text("source").default("github"),
    isPrivate: boolean("is_private").default(false),
    localPathHash: text("local_path_hash"),
    repoSnapshotId: text("repo_snapshot_id"),
    repoSnapshotStatus: text("repo_snapshot_status"),
    repoSnapshotError: text("repo_snapshot_error"),
    repoSnapshotCommitSha: text("repo_snapshot_commit_sha"),
    repoSnapshotBuiltAt: timestamp("repo_snapshot_built_at", { withTimezone: true }),
    repoSnapshotProvider: text("repo_snapshot_provider"),
    serviceCommands: jsonb("service_commands").$type<RepoServiceCommands>(),
    serviceCommandsUpdatedAt: timestamp("service_commands_updated_at", { withTimezone: true }),
    serviceCommandsUpdatedBy: text("service_commands_updated_by"),
  },
  (t) => [
    foreignKey({ name: "repos_added_by_fkey", columns: [t.addedBy], foreignColumns: [user.id] })
      .onDelete("no action"),
    foreignKey({
      name: "repos_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    unique("repos_organization_id_github_repo_id_key").on(t.organizationId, t.githubRepoId),
    check(
      "repos_source_check",
      sql`(source = 'local'::text AND local_path_hash IS NOT NULL) OR source <> 'local'::text`,
    ),
    index("idx_repos_local_path_hash")
      .on(t.localPathHash)
      .where(sql`local_path_hash IS NOT NULL`),
    index("idx_repos_org").on(t.organizationId),
    index("idx_repos_repo_snapshot_status").on(t.repoSnapshotStatus),
  ],
);

/** A `repos` row as read from the database. */
export type RepoRow = typeof repos.$inferSelect;
/** Values for inserting a `repos` row. */
export type NewRepo = typeof repos.$inferInsert;
