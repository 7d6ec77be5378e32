/**
 * Tool connectors configured once per organization.
 *
 * @module
 */
import {
  boolean,
  foreignKey,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { user } from "./auth.ts";
import { organization } from "./organizations.ts";

/**
 * A remote tool server (MCP) an organization has connected: reached at `url` over `transport`
 * ('remote_http' by default), with required `auth` settings and an optional `risk_policy`.
 * `enabled` (default true) switches a connector off without deleting it. Removed with its
 * organization; the migration that created the table filled it from `prebuilds.connectors`
 * (now `configurations.connectors`).
 */
export const orgConnectors = pgTable(
  "org_connectors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    name: text("name").notNull(),
    transport: text("transport").notNull().default("remote_http"),
    url: text("url").notNull(),
    auth: jsonb("auth").notNull(),
    riskPolicy: jsonb("risk_policy"),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
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
    index("idx_org_connectors_org").on(t.organizationId),
  ],
);

/** An `org_connectors` row as read from the database. */
export type OrgConnectorRow = typeof orgConnectors.$inferSelect;
/** Values for inserting an `org_connectors` row; `auth` is required. */
export type NewOrgConnector = typeof orgConnectors.$inferInsert;
