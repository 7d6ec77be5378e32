/**
 * Agent actions against integrations and connectors: the log of each invocation with the mode
 * that governed it, its approval and its outcome.
 *
 * The pre-vNext `action_grants` table is gone: vNext enforces `action_modes` (on `organization`
 * and `automations`) instead, and the upgrade dropped the grants without any copy.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import {
  ACTION_DENIED_REASONS,
  ACTION_INVOCATION_STATUSES,
  ACTION_MODES,
  type ActionDeniedReason,
  type ActionMode,
  LEGACY_ACTION_INVOCATION_STATUSES,
  MODE_SOURCES,
  type ModeSource,
  RISK_LEVELS,
  type RiskLevel,
  type StoredActionInvocationStatus,
} from "../providers/mod.ts";
import { oneOf } from "./_checks.ts";
import { integrations } from "./integrations.ts";
import type { ActionParams, JsonValue } from "./json.ts";
import { organization } from "./organizations.ts";
import { sessions } from "./sessions.ts";
import type { ActionInvocationsTable } from "./_tables.ts";

/**
 * One action a session's agent asked to run. `integration` is the source id (a provider id such
 * as `linear`, or `connector:<uuid>`) and `action` the action id. `riskLevel` (read, write,
 * danger; I-10) is the hint copied at invocation time; `mode` (allow, deny, require_approval) is
 * the effective mode and `modeSource` (automation_override, org_default, inferred_default) the
 * cascade level it came from. Rows from before vNext carry the mode inferred from their risk
 * (read allow, write require_approval, danger deny) and `inferred_default`.
 *
 * `status` starts at 'pending'; the application writes pending, executed, denied, expired and
 * failed, and the database also accepts the legacy approved, executing and completed (I-11). A
 * pending row must have `expiresAt` (`action_invocations_pending_expiry_check`) or the sweeper
 * would never expire it. `deniedReason` is policy, human or expired. Deleted with the session or
 * organization; deleting the integration clears `integrationId`.
 */
export const actionInvocations: ActionInvocationsTable = pgTable(
  "action_invocations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: uuid("session_id").notNull(),
    organizationId: text("organization_id").notNull(),
    integrationId: uuid("integration_id"),
    integration: text("integration").notNull(),
    action: text("action").notNull(),
    riskLevel: text("risk_level").$type<RiskLevel>().notNull(),
    params: jsonb("params").$type<ActionParams>(),
    status: text("status").$type<StoredActionInvocationStatus>().notNull().default("pending"),
    result: jsonb("result").$type<JsonValue>(),
    error: text("error"),
    durationMs: integer("duration_ms"),
    approvedBy: text("approved_by"),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    mode: text("mode").$type<ActionMode>().notNull(),
    modeSource: text("mode_source").$type<ModeSource>().notNull(),
    deniedReason: text("denied_reason").$type<ActionDeniedReason>(),
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
    check("action_invocations_mode_check", oneOf("mode", ACTION_MODES)),
    check("action_invocations_mode_source_check", oneOf("mode_source", MODE_SOURCES)),
    check("action_invocations_denied_reason_check", oneOf("denied_reason", ACTION_DENIED_REASONS)),
    check("action_invocations_risk_level_check", oneOf("risk_level", RISK_LEVELS)),
    // I-11: the application writes the contract's five; the database keeps accepting the
    // pre-vNext values, since no audit row is rewritten.
    check(
      "action_invocations_status_check",
      oneOf("status", [...ACTION_INVOCATION_STATUSES, ...LEGACY_ACTION_INVOCATION_STATUSES]),
    ),
    check(
      "action_invocations_pending_expiry_check",
      sql`status <> 'pending'::text OR expires_at IS NOT NULL`,
    ),
    index("idx_action_invocations_org_created").on(t.organizationId, t.createdAt),
    index("idx_action_invocations_session").on(t.sessionId),
    index("idx_action_invocations_status_expires").on(t.status, t.expiresAt),
  ],
);

/** An `action_invocations` row as read from the database. */
export type ActionInvocationRow = typeof actionInvocations.$inferSelect;
/** Values accepted when inserting into `action_invocations`; `mode` and `modeSource` are required. */
export type NewActionInvocation = typeof actionInvocations.$inferInsert;
