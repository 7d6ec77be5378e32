/**
 * Agent actions against integrations: standing grants that allow an action, and the log of
 * each invocation with its approval and outcome.
 *
 * @module
 */
import {
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { user } from "./auth.ts";
import { integrations } from "./integrations.ts";
import { organization } from "./organizations.ts";
import { sessions } from "./sessions.ts";

/**
 * Permission for an `integration`/`action` pair within an organization, optionally bound to
 * one session. `usedCalls` counts uses against the optional `maxCalls`; a grant stops
 * applying once `expiresAt` passes or `revokedAt` is set. Deleted with its creator, session
 * or organization.
 */
export const actionGrants = pgTable(
  "action_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    createdBy: text("created_by").notNull(),
    sessionId: uuid("session_id"),
    integration: text("integration").notNull(),
    action: text("action").notNull(),
    maxCalls: integer("max_calls"),
    usedCalls: integer("used_calls").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "action_grants_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "action_grants_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "action_grants_session_id_fkey",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("cascade"),
    index("idx_action_grants_lookup").on(t.organizationId, t.integration, t.action),
    index("idx_action_grants_org").on(t.organizationId),
  ],
);

/** An `action_grants` row as read from the database. */
export type ActionGrantRow = typeof actionGrants.$inferSelect;
/** Values accepted when inserting into `action_grants`. */
export type NewActionGrant = typeof actionGrants.$inferInsert;

/**
 * One action a session's agent asked to run, with its `riskLevel`, parameters, approval and
 * result. `status` starts at `'pending'`; pending rows are swept by `status`/`expiresAt`.
 * Deleted with the session or organization; deleting the integration clears `integrationId`.
 */
export const actionInvocations = pgTable(
  "action_invocations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: uuid("session_id").notNull(),
    organizationId: text("organization_id").notNull(),
    integrationId: uuid("integration_id"),
    integration: text("integration").notNull(),
    action: text("action").notNull(),
    riskLevel: text("risk_level").notNull(),
    params: jsonb("params"),
    status: text("status").notNull().default("pending"),
    result: jsonb("result"),
    error: text("error"),
    durationMs: integer("duration_ms"),
    approvedBy: text("approved_by"),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "action_invocations_session_id_fkey",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "action_invocations_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "action_invocations_integration_id_fkey",
      columns: [t.integrationId],
      foreignColumns: [integrations.id],
    }).onDelete("set null"),
    index("idx_action_invocations_org_created").on(t.organizationId, t.createdAt),
    index("idx_action_invocations_session").on(t.sessionId),
    index("idx_action_invocations_status_expires").on(t.status, t.expiresAt),
  ],
);

/** An `action_invocations` row as read from the database. */
export type ActionInvocationRow = typeof actionInvocations.$inferSelect;
/** Values accepted when inserting into `action_invocations`. */
export type NewActionInvocation = typeof actionInvocations.$inferInsert;
