/**
 * Connections of an organization to external providers, which of them serve which repo, and
 * users' own provider connections.
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
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import {
  INTEGRATION_STATUSES,
  INTEGRATION_VISIBILITIES,
  type IntegrationStatus,
  type IntegrationVisibility,
  USER_CONNECTION_STATUSES,
  type UserConnectionStatus,
} from "../providers/mod.ts";
import { oneOf } from "./_checks.ts";
import { user } from "./auth.ts";
import type { JsonObject } from "./json.ts";
import { organization } from "./organizations.ts";
import { repos } from "./repos.ts";
import type { IntegrationsTable, RepoConnectionsTable, UserConnectionsTable } from "./_tables.ts";

/**
 * A connection of an organization to an external provider (`provider` is the broker,
 * `integration_id` the service; both open sets). `connection_id` is unique within an
 * organization, so one GitHub installation may serve several organizations. `visibility` is
 * 'org' (default) or 'private'; `status` is active (default), expired, revoked, deleted or
 * suspended. Removed with its organization; removing it removes its repo, automation and
 * session bindings and poll groups, and clears `triggers` / `action_invocations` links.
 */
export const integrations: IntegrationsTable = pgTable(
  "integrations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    provider: text("provider").notNull(),
    integrationId: text("integration_id").notNull(),
    connectionId: text("connection_id").notNull(),
    displayName: text("display_name"),
    scopes: text("scopes").array(),
    status: text("status").$type<IntegrationStatus>().default("active"),
    visibility: text("visibility").$type<IntegrationVisibility>().default("org"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    githubInstallationId: text("github_installation_id"),
  },
  (t) => [
    foreignKey({
      name: "integrations_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    foreignKey({
      name: "integrations_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    // Drift D4: the migrated database has this composite unique, not one on connection_id alone.
    unique("integrations_connection_id_organization_id_key").on(t.connectionId, t.organizationId),
    check("integrations_visibility_check", oneOf("visibility", INTEGRATION_VISIBILITIES)),
    check("integrations_status_check", oneOf("status", INTEGRATION_STATUSES)),
    index("idx_integrations_github_installation")
      .on(t.githubInstallationId)
      .where(sql`github_installation_id IS NOT NULL`),
    index("idx_integrations_org").on(t.organizationId),
  ],
);

/** An `integrations` row as read from the database. */
export type IntegrationRow = typeof integrations.$inferSelect;
/** Values for inserting an `integrations` row. */
export type NewIntegration = typeof integrations.$inferInsert;

/**
 * An integration that gives access to a repo; one row per (repo_id, integration_id), removed
 * with either side.
 */
export const repoConnections: RepoConnectionsTable = pgTable(
  "repo_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    repoId: uuid("repo_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "repo_connections_integration_id_fkey",
      columns: [t.integrationId],
      foreignColumns: [integrations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "repo_connections_repo_id_fkey",
      columns: [t.repoId],
      foreignColumns: [repos.id],
    }).onDelete("cascade"),
    unique("repo_connections_repo_id_integration_id_key").on(t.repoId, t.integrationId),
    index("idx_repo_connections_integration").on(t.integrationId),
    index("idx_repo_connections_repo").on(t.repoId),
  ],
);

/** A `repo_connections` row as read from the database. */
export type RepoConnectionRow = typeof repoConnections.$inferSelect;
/** Values for inserting a `repo_connections` row. */
export type NewRepoConnection = typeof repoConnections.$inferInsert;

/**
 * A user's own connection to a provider within an organization (e.g. GitHub for commit
 * authorship). `provider` is the integration provider id (`github`; open set, I-4); the broker
 * identity, when needed, goes in `metadata`. Unique per (user_id, organization_id, provider,
 * connection_id) (I-2); token lookups use (user_id, organization_id, provider) with status
 * 'active' through that index's prefix, before falling back to the organization's integration.
 * `status` is active (default), inactive, expired, revoked, deleted or suspended
 * (`USER_CONNECTION_STATUSES`, `user_connections_status_check`): the consolidated draft's
 * `active | inactive` plus the integrations' set, as vNext §2.7 and D34 decide. Removed with the
 * user or the organization (I-3).
 */
export const userConnections: UserConnectionsTable = pgTable(
  "user_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id").notNull(),
    organizationId: text("organization_id").notNull(),
    provider: text("provider").notNull(),
    connectionId: text("connection_id").notNull(),
    displayName: text("display_name"),
    status: text("status").$type<UserConnectionStatus>().notNull().default("active"),
    metadata: jsonb("metadata").$type<JsonObject>(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "user_connections_user_id_fkey",
      columns: [t.userId],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "user_connections_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    // Named explicitly: the column-derived name would be 67 bytes, over PostgreSQL's 63.
    unique("user_connections_user_org_provider_connection_key").on(
      t.userId,
      t.organizationId,
      t.provider,
      t.connectionId,
    ),
    // The integrations' set: the spec gives user connections no list of their own.
    check("user_connections_status_check", oneOf("status", USER_CONNECTION_STATUSES)),
    index("idx_user_connections_org").on(t.organizationId),
    index("idx_user_connections_user").on(t.userId),
  ],
);

/** A `user_connections` row as read from the database. */
export type UserConnectionRow = typeof userConnections.$inferSelect;
/** Values for inserting a `user_connections` row. */
export type NewUserConnection = typeof userConnections.$inferInsert;
