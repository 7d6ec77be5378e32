/**
 * Automation triggers (webhook, polling, scheduled), the events they receive, and the tool
 * actions run while handling an event.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  type PgTableExtraConfigValue,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { user } from "./auth.ts";
import { automations } from "./automations.ts";
import { integrations } from "./integrations.ts";
import { organization } from "./organizations.ts";
import { sessions } from "./sessions.ts";

/**
 * Source of events for one automation. `triggerType` defaults to `'webhook'` (the partial
 * indexes also serve `'polling'`, and `provider = 'scheduled'`); `executionMode` defaults to
 * `'auto'`. `webhookUrlPath` is unique when set. Deleting the automation deletes its triggers;
 * deleting the linked integration only clears `integrationId`.
 */
export const triggers = pgTable(
  "triggers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    automationId: uuid("automation_id").notNull(),
    name: text("name"),
    description: text("description"),
    triggerType: text("trigger_type").notNull().default("webhook"),
    provider: text("provider").notNull(),
    enabled: boolean("enabled").default(true),
    executionMode: text("execution_mode").default("auto"),
    allowAgenticRepoSelection: boolean("allow_agentic_repo_selection").default(false),
    agentInstructions: text("agent_instructions"),
    webhookSecret: text("webhook_secret"),
    webhookUrlPath: text("webhook_url_path"),
    pollingCron: text("polling_cron"),
    pollingEndpoint: text("polling_endpoint"),
    pollingState: jsonb("polling_state").default(sql`'{}'::jsonb`),
    lastPolledAt: timestamp("last_polled_at", { withTimezone: true }),
    config: jsonb("config").default(sql`'{}'::jsonb`),
    integrationId: uuid("integration_id"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    repeatJobKey: text("repeat_job_key"),
  },
  (t) => [
    foreignKey({
      name: "triggers_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "triggers_automation_id_fkey",
      columns: [t.automationId],
      foreignColumns: [automations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "triggers_integration_id_fkey",
      columns: [t.integrationId],
      foreignColumns: [integrations.id],
    }).onDelete("set null"),
    foreignKey({
      name: "triggers_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }),
    unique("triggers_webhook_url_path_key").on(t.webhookUrlPath),
    index("idx_triggers_automation").on(t.automationId),
    index("idx_triggers_enabled_polling")
      .on(t.enabled, t.triggerType)
      .where(sql`trigger_type = 'polling'::text AND enabled = true`),
    index("idx_triggers_enabled_scheduled")
      .on(t.enabled, t.provider)
      .where(sql`provider = 'scheduled'::text AND enabled = true`),
    index("idx_triggers_org").on(t.organizationId),
    index("idx_triggers_repeat_job_key")
      .on(t.repeatJobKey)
      .where(sql`repeat_job_key IS NOT NULL`),
    // Redundant next to the unique constraint above, but present in the database.
    index("idx_triggers_webhook_path").on(t.webhookUrlPath),
  ],
);

/** A `triggers` row as read from the database. */
export type TriggerRow = typeof triggers.$inferSelect;
/** Values accepted when inserting into `triggers`. */
export type NewTrigger = typeof triggers.$inferInsert;

/**
 * One event received by a trigger, with its raw payload (required) and the processing
 * results. `status` starts at `'queued'`; the indexes serve `'queued'` and `'skipped'`.
 * A non-null `dedupKey` is unique per trigger (`idx_trigger_events_dedup`). Deleting the
 * trigger deletes its events; deleting the session only clears `sessionId`.
 */
export const triggerEvents = pgTable(
  "trigger_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    triggerId: uuid("trigger_id").notNull(),
    organizationId: text("organization_id").notNull(),
    externalEventId: text("external_event_id"),
    providerEventType: text("provider_event_type"),
    status: text("status").default("queued"),
    sessionId: uuid("session_id"),
    rawPayload: jsonb("raw_payload").notNull(),
    parsedContext: jsonb("parsed_context"),
    errorMessage: text("error_message"),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    skipReason: text("skip_reason"),
    dedupKey: text("dedup_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    enrichedData: jsonb("enriched_data"),
    llmFilterResult: jsonb("llm_filter_result"),
    llmAnalysisResult: jsonb("llm_analysis_result"),
  },
  // The return type is spelled out because `sessions` references this table in turn; without
  // it TypeScript cannot infer either table's type.
  (t): PgTableExtraConfigValue[] => [
    foreignKey({
      name: "trigger_events_trigger_id_fkey",
      columns: [t.triggerId],
      foreignColumns: [triggers.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "trigger_events_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    // Drizzle-style `_fk` name, as the database has it.
    foreignKey({
      name: "trigger_events_session_id_sessions_id_fk",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("set null"),
    uniqueIndex("idx_trigger_events_dedup")
      .on(t.triggerId, t.dedupKey)
      .where(sql`dedup_key IS NOT NULL`),
    index("idx_trigger_events_org_status").on(t.organizationId, t.status),
    index("idx_trigger_events_queued")
      .on(t.status, t.createdAt)
      .where(sql`status = 'queued'::text`),
    index("idx_trigger_events_skipped")
      .on(t.triggerId, t.status)
      .where(sql`status = 'skipped'::text`),
    index("idx_trigger_events_status").on(t.status),
    index("idx_trigger_events_trigger").on(t.triggerId),
  ],
);

/** A `trigger_events` row as read from the database. */
export type TriggerEventRow = typeof triggerEvents.$inferSelect;
/** Values accepted when inserting into `trigger_events`; `rawPayload` is required. */
export type NewTriggerEvent = typeof triggerEvents.$inferInsert;

/**
 * One tool call made while handling a trigger event, with its input, output and timing.
 * `status` starts at `'pending'`. Rows are deleted with their event.
 */
export const triggerEventActions = pgTable(
  "trigger_event_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    triggerEventId: uuid("trigger_event_id").notNull(),
    toolName: text("tool_name").notNull(),
    status: text("status").default("pending"),
    inputData: jsonb("input_data"),
    outputData: jsonb("output_data"),
    errorMessage: text("error_message"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "trigger_event_actions_trigger_event_id_fkey",
      columns: [t.triggerEventId],
      foreignColumns: [triggerEvents.id],
    }).onDelete("cascade"),
    index("idx_trigger_event_actions_event").on(t.triggerEventId),
    index("idx_trigger_event_actions_status").on(t.status),
  ],
);

/** A `trigger_event_actions` row as read from the database. */
export type TriggerEventActionRow = typeof triggerEventActions.$inferSelect;
/** Values accepted when inserting into `trigger_event_actions`. */
export type NewTriggerEventAction = typeof triggerEventActions.$inferInsert;
