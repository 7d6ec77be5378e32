/**
 * Credit billing: usage events queued for the billing provider, manual balance
 * reconciliations, and per-organization cursors for LLM spend syncing.
 *
 * Amounts are `numeric(12,6)`; Drizzle returns them as strings to keep the precision.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { oneOf } from "./_checks.ts";
import { user } from "./auth.ts";
import { organization } from "./organizations.ts";
import type {
  BillingEventsTable,
  BillingReconciliationsTable,
  LlmSpendCursorsTable,
} from "./_tables.ts";

/**
 * A metered usage event, used as an outbox towards the billing provider: `idempotencyKey`
 * is unique, `status` starts at `'pending'`, and `'pending'`/`'failed'` rows are retried by
 * `nextRetryAt` (`idx_billing_events_outbox`). The provider's reply goes to `autumnResponse`.
 * Note that `sessionIds` defaults to `{""}` (one empty string), not to an empty array.
 */
export const billingEvents: BillingEventsTable = pgTable(
  "billing_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    eventType: text("event_type").notNull(),
    quantity: numeric("quantity", { precision: 12, scale: 6 }).notNull(),
    credits: numeric("credits", { precision: 12, scale: 6 }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    sessionIds: text("session_ids").array().default(sql`'{""}'::text[]`),
    status: text("status").notNull().default("pending"),
    retryCount: integer("retry_count").default(0),
    nextRetryAt: timestamp("next_retry_at", { withTimezone: true }).defaultNow(),
    lastError: text("last_error"),
    autumnResponse: jsonb("autumn_response"),
    metadata: jsonb("metadata").default(sql`'{}'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "billing_events_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    unique("billing_events_idempotency_key_key").on(t.idempotencyKey),
    index("idx_billing_events_org").on(t.organizationId, t.createdAt),
    index("idx_billing_events_outbox")
      .on(t.status, t.nextRetryAt)
      .where(oneOf("status", ["pending", "failed"])),
    index("idx_billing_events_session").using("gin", t.sessionIds),
    index("idx_billing_events_type").on(t.organizationId, t.eventType, t.createdAt),
  ],
);

/** A `billing_events` row as read from the database (numeric amounts as strings). */
export type BillingEventRow = typeof billingEvents.$inferSelect;
/** Values accepted when inserting into `billing_events`; `idempotencyKey` must be unique. */
export type NewBillingEvent = typeof billingEvents.$inferInsert;

/**
 * Audit record of a manual change to an organization's credit balance: the balance before,
 * after, the `delta` and a required `reason`. `performedBy` is cleared if the user is deleted.
 */
export const billingReconciliations: BillingReconciliationsTable = pgTable(
  "billing_reconciliations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    type: text("type").notNull(),
    previousBalance: numeric("previous_balance", { precision: 12, scale: 6 }).notNull(),
    newBalance: numeric("new_balance", { precision: 12, scale: 6 }).notNull(),
    delta: numeric("delta", { precision: 12, scale: 6 }).notNull(),
    reason: text("reason").notNull(),
    performedBy: text("performed_by"),
    metadata: jsonb("metadata").default(sql`'{}'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "billing_reconciliations_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "billing_reconciliations_performed_by_fkey",
      columns: [t.performedBy],
      foreignColumns: [user.id],
    }).onDelete("set null"),
    index("idx_billing_reconciliations_org").on(t.organizationId, t.createdAt),
    index("idx_billing_reconciliations_type").on(t.type),
  ],
);

/** A `billing_reconciliations` row as read from the database (numeric amounts as strings). */
export type BillingReconciliationRow = typeof billingReconciliations.$inferSelect;
/** Values accepted when inserting into `billing_reconciliations`. */
export type NewBillingReconciliation = typeof billingReconciliations.$inferInsert;

/**
 * Per-organization position of the LLM spend sync: at most one row per organization, holding
 * the start time and request id of the last record read and a running `recordsProcessed`.
 */
export const llmSpendCursors: LlmSpendCursorsTable = pgTable(
  "llm_spend_cursors",
  {
    organizationId: text("organization_id").notNull(),
    lastStartTime: timestamp("last_start_time", { withTimezone: true }).notNull(),
    lastRequestId: text("last_request_id"),
    recordsProcessed: integer("records_processed").notNull().default(0),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Drift D7: PostgreSQL gave this primary key the suffix 1 (an older table held the plain
    // name when it was created); the database's name is kept.
    primaryKey({ name: "llm_spend_cursors_pkey1", columns: [t.organizationId] }),
    // Drizzle-style `_fk` name, as the database has it.
    foreignKey({
      name: "llm_spend_cursors_organization_id_organization_id_fk",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
  ],
);

/** An `llm_spend_cursors` row as read from the database. */
export type LlmSpendCursorRow = typeof llmSpendCursors.$inferSelect;
/** Values accepted when inserting into `llm_spend_cursors`. */
export type NewLlmSpendCursor = typeof llmSpendCursors.$inferInsert;
