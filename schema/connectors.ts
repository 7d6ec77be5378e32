/**
 * Tool connectors configured once per organization.
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
  uuid,
} from "drizzle-orm/pg-core";
import { toolRiskOverridesCheck } from "./_checks.ts";
import { user } from "./auth.ts";
import type { ConnectorRiskPolicy, StoredConnectorAuth, ToolRiskOverrides } from "./json.ts";
import { organization } from "./organizations.ts";
import type { OrgConnectorsTable } from "./_tables.ts";

/**
 * A remote tool server (MCP) an organization has connected: reached at `url` over `transport`
 * ('remote_http' by default), with required `auth` settings and an optional `risk_policy`.
 * `enabled` (default true) switches a connector off without deleting it. `tool_risk_overrides`
 * maps each MCP tool name to the mode an admin confirmed and the tool's schema hash at that
 * review (never NULL, `{}` by default, shape enforced by
 * `org_connectors_tool_risk_overrides_check`); `action_modes` stays authoritative for
 * enforcement and an admin confirmation writes both (I-26). Removed with its
 * organization; the migration that created the table filled it from `prebuilds.connectors`
 * (now `configurations.connectors`).
 */
export const orgConnectors: OrgConnectorsTable = pgTable(
  "org_connectors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    name: text("name").notNull(),
    transport: text("transport").notNull().default("remote_http"),
    url: text("url").notNull(),
    auth: jsonb("auth").$type<StoredConnectorAuth>().notNull(),
    riskPolicy: jsonb("risk_policy").$type<ConnectorRiskPolicy>(),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    // I-25: NOT NULL DEFAULT '{}', so the ADD COLUMN is metadata-only.
    toolRiskOverrides: jsonb("tool_risk_overrides").$type<ToolRiskOverrides>().notNull().default(
      sql`'{}'::jsonb`,
    ),
  },
  (t) => [
    foreignKey({
      name: "org_connectors_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    foreignKey({
      name: "org_connectors_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    check("org_connectors_tool_risk_overrides_check", toolRiskOverridesCheck),
    index("idx_org_connectors_org").on(t.organizationId),
  ],
);

/** An `org_connectors` row as read from the database. */
export type OrgConnectorRow = typeof orgConnectors.$inferSelect;
/** Values for inserting an `org_connectors` row; `auth` is required. */
export type NewOrgConnector = typeof orgConnectors.$inferInsert;
