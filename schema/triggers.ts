/**
 * Automation triggers (webhook, polling, scheduled), the inbox that receives webhooks, the poll
 * groups that poll providers, the events triggers receive, and the tool actions run while
 * handling an event.
 *
 * @module
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  type PgTableExtraConfigValue,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import {
  type NormalizedTriggerEvent,
  normalizedTriggerEventSchema,
  parseOrThrow,
  TRIGGER_KINDS,
  type TriggerKind,
  WEBHOOK_IDENTITY_KINDS,
  WEBHOOK_INBOX_STATUSES,
  type WebhookIdentityKind,
  type WebhookInboxStatus,
} from "../providers/mod.ts";
import { oneOf, textArray } from "./_checks.ts";
import { user } from "./auth.ts";
import { automations } from "./automations.ts";
import { integrations } from "./integrations.ts";
import {
  type JsonValue,
  jsonValueSchema,
  parseJsonColumn,
  type PollCursor,
  type TriggerConfig,
  type TriggerEventContext,
  triggerEventContextSchema,
  type WebhookHeaders,
  type WebhookPayload,
} from "./json.ts";
import { organization } from "./organizations.ts";
import { sessions } from "./sessions.ts";
import type {
  TriggerEventActionsTable,
  TriggerEventsTable,
  TriggerPollGroupsTable,
  TriggersTable,
  WebhookInboxTable,
} from "./_tables.ts";

/**
 * Source of events for one automation. `triggerType` is 'webhook' (default) or 'polling'
 * (`triggers_trigger_type_check`); `provider` is an open set (sentry, linear, github, posthog,
 * scheduled, …) and `eventType` the provider's trigger-type id (e.g. error_created). `enabled`
 * is never NULL (legacy NULLs became false, which is how pre-vNext queries treated them);
 * `config` is never NULL (`{}` by default) and is validated by the trigger type's config schema.
 * `externalWebhookId` records an expiring webhook registration at the provider.
 * `pollingCron`, `pollingState`, `lastPolledAt` and `repeatJobKey` are kept for scheduled
 * triggers (I-19); polling triggers use `trigger_poll_groups`. `webhookUrlPath` is unique when
 * set. Deleting the automation deletes its triggers; deleting the linked integration only clears
 * `integrationId`.
 */
export const triggers: TriggersTable = pgTable(
  "triggers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    automationId: uuid("automation_id").notNull(),
    name: text("name"),
    description: text("description"),
    triggerType: text("trigger_type").$type<TriggerKind>().notNull().default("webhook"),
    provider: text("provider").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    executionMode: text("execution_mode").default("auto"),
    allowAgenticRepoSelection: boolean("allow_agentic_repo_selection").default(false),
    agentInstructions: text("agent_instructions"),
    webhookSecret: text("webhook_secret"),
    webhookUrlPath: text("webhook_url_path"),
    pollingCron: text("polling_cron"),
    pollingEndpoint: text("polling_endpoint"),
    pollingState: jsonb("polling_state").$type<PollCursor>().default(sql`'{}'::jsonb`),
    lastPolledAt: timestamp("last_polled_at", { withTimezone: true }),
    config: jsonb("config").$type<TriggerConfig>().notNull().default(sql`'{}'::jsonb`),
    integrationId: uuid("integration_id"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    repeatJobKey: text("repeat_job_key"),
    eventType: text("event_type"),
    externalWebhookId: text("external_webhook_id"),
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
    check("triggers_trigger_type_check", oneOf("trigger_type", TRIGGER_KINDS)),
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
 * One normalized event received by a trigger: `provider`, normalized `eventType` (the native
 * one in `providerEventType`), `occurredAt`, `title`, the `context` object and optionally the
 * raw payload, then the processing results. `dedupKey` is unique per trigger
 * (`trigger_events_trigger_id_dedup_key_key`); events from before vNext without a key got
 * `'legacy:' || id`. `status` starts at 'queued' (no CHECK, I-21; values queued, processing,
 * completed, failed, skipped; legacy NULLs became skipped with skip_reason
 * 'legacy_null_status'); the indexes serve 'queued' and 'skipped'. Insert the event, its
 * `automation_runs` row and its `outbox` row in one transaction. Deleting the trigger deletes
 * its events; deleting the session only clears `sessionId`.
 */
export const triggerEvents: TriggerEventsTable = pgTable(
  "trigger_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    triggerId: uuid("trigger_id").notNull(),
    organizationId: text("organization_id").notNull(),
    externalEventId: text("external_event_id"),
    providerEventType: text("provider_event_type"),
    status: text("status").notNull().default("queued"),
    sessionId: uuid("session_id"),
    rawPayload: jsonb("raw_payload").$type<JsonValue>(),
    // I-20: renamed from parsed_context (legacy NULLs became {}).
    context: jsonb("context").$type<TriggerEventContext>().notNull(),
    errorMessage: text("error_message"),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    skipReason: text("skip_reason"),
    dedupKey: text("dedup_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    enrichedData: jsonb("enriched_data"),
    llmFilterResult: jsonb("llm_filter_result"),
    llmAnalysisResult: jsonb("llm_analysis_result"),
    provider: text("provider").notNull(),
    eventType: text("event_type").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    title: text("title").notNull(),
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
    // Full, so `ON CONFLICT (trigger_id, dedup_key)` needs no predicate; re-delivery is a no-op.
    unique("trigger_events_trigger_id_dedup_key_key").on(t.triggerId, t.dedupKey),
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
/** Values accepted when inserting into `trigger_events`. */
export type NewTriggerEvent = typeof triggerEvents.$inferInsert;

/** The ids of a `trigger_events` row that the caller owns (the provider's event has none). */
export interface TriggerEventOwner {
  /** The trigger that received the event (`trigger_events.trigger_id`). */
  triggerId: string;
  /** The trigger's organization (`trigger_events.organization_id`). */
  organizationId: string;
  /** The upstream event id, when the caller has one (`external_event_id`). */
  externalEventId?: string | null;
  /** The session already handling the event, if any (`session_id`). */
  sessionId?: string | null;
}

/**
 * Maps a provider's {@linkcode NormalizedTriggerEvent} to the values of its `trigger_events`
 * insert. The event is validated first (`normalizedTriggerEventSchema`; a bad event throws a
 * `ContractValidationError` naming each bad field), then: `occurredAt` (ISO 8601) becomes a
 * `Date`, `context` is checked as the JSON object `trigger_events.context` stores, and `raw`
 * becomes `raw_payload` (NULL when absent; a `JsonColumnError` if it is not JSON). `url` has no
 * column and is not stored: a provider that needs it later puts it in `context`. `status` is
 * left to the column default ('queued'). Insert with {@linkcode triggerEventDedupConflict} so a
 * re-delivered event is a no-op.
 *
 * @example Store a Sentry event (type-checked; builds the SQL without connecting)
 * ```ts
 * import assert from "node:assert/strict";
 * import { drizzle } from "drizzle-orm/postgres-js";
 * import {
 *   triggerEventDedupConflict,
 *   triggerEvents,
 *   triggerEventValues,
 * } from "@proliferate/core/schema";
 *
 * const values = triggerEventValues(
 *   {
 *     provider: "sentry",
 *     eventType: "error_created",
 *     providerEventType: "issue.created",
 *     occurredAt: "2025-01-02T03:04:05Z",
 *     dedupKey: "sentry:123",
 *     title: "TypeError in checkout",
 *     context: { level: "error" },
 *     raw: { id: "123" },
 *   },
 *   { triggerId: "7c9e6679-7425-40de-944b-e07fc1f90ae7", organizationId: "org_1" },
 * );
 * assert.deepEqual(values.occurredAt, new Date("2025-01-02T03:04:05Z"));
 *
 * const db = drizzle.mock();
 * const query = db.insert(triggerEvents).values(values)
 *   .onConflictDoNothing({ target: triggerEventDedupConflict.target })
 *   .toSQL();
 * assert.match(query.sql, /on conflict \("trigger_id","dedup_key"\) do nothing/);
 * ```
 */
export function triggerEventValues(
  event: NormalizedTriggerEvent,
  owner: TriggerEventOwner,
): NewTriggerEvent {
  const checked = parseOrThrow(normalizedTriggerEventSchema, event, "NormalizedTriggerEvent");
  return {
    triggerId: owner.triggerId,
    organizationId: owner.organizationId,
    externalEventId: owner.externalEventId ?? null,
    sessionId: owner.sessionId ?? null,
    provider: checked.provider,
    eventType: checked.eventType,
    providerEventType: checked.providerEventType,
    occurredAt: new Date(checked.occurredAt),
    dedupKey: checked.dedupKey,
    title: checked.title,
    context: parseJsonColumn(triggerEventContextSchema, checked.context, "trigger_events.context"),
    rawPayload: checked.raw === undefined
      ? null
      : parseJsonColumn(jsonValueSchema, checked.raw, "trigger_events.raw_payload"),
  };
}

/**
 * One tool call made while handling a trigger event, with its input, output and timing.
 * `status` starts at `'pending'`. Rows are deleted with their event.
 */
export const triggerEventActions: TriggerEventActionsTable = pgTable(
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

/** The `webhook_inbox` states that end processing; such rows carry `processed_at`. */
const FINISHED_INBOX_STATUSES = ["completed", "failed"] as const;

/**
 * A received webhook, stored as is by the HTTP route (verify, extract identity, insert, answer
 * 200) and processed later by a worker. `organization_id` is an unresolved routing hint without
 * FK (I-14: an FK would reject, and lose, webhooks at ingest); `identity_kind` (org, integration,
 * trigger) and `identity_id` say what the route identified (I-15). `status` is pending
 * (default), processing (claimed by a worker), completed or failed (I-16); a completed or failed
 * row has `processed_at` (`webhook_inbox_processed_check`), and the GC deletes such rows 7 days
 * after it. Credential headers (authorization, cookie) are dropped before insert.
 */
export const webhookInbox: WebhookInboxTable = pgTable(
  "webhook_inbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id"),
    provider: text("provider").notNull(),
    providerEventType: text("provider_event_type"),
    headers: jsonb("headers").$type<WebhookHeaders>(),
    payload: jsonb("payload").$type<WebhookPayload>().notNull(),
    status: text("status").$type<WebhookInboxStatus>().notNull().default("pending"),
    error: text("error"),
    receivedAt: timestamp("received_at", { withTimezone: true }).defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    identityKind: text("identity_kind").$type<WebhookIdentityKind>(),
    identityId: text("identity_id"),
  },
  (t) => [
    check("webhook_inbox_status_check", oneOf("status", WEBHOOK_INBOX_STATUSES)),
    check(
      "webhook_inbox_processed_check",
      sql`status <> ALL (${textArray(FINISHED_INBOX_STATUSES)}) OR processed_at IS NOT NULL`,
    ),
    check("webhook_inbox_identity_kind_check", oneOf("identity_kind", WEBHOOK_IDENTITY_KINDS)),
    // The GC's scan: finished rows by age.
    index("idx_webhook_inbox_gc")
      .on(t.processedAt)
      .where(oneOf("status", FINISHED_INBOX_STATUSES)),
    index("idx_webhook_inbox_status").on(t.status, t.receivedAt),
  ],
);

/** A `webhook_inbox` entry (one received webhook) as read from the database. */
export type WebhookInboxEntryRow = typeof webhookInbox.$inferSelect;
/** Values for inserting a `webhook_inbox` row; `provider` and `payload` are required. */
export type NewWebhookInboxEntry = typeof webhookInbox.$inferInsert;

/**
 * One poll job per (organization_id, provider, integration_id), a NULL integration counting as
 * one value (`NULLS NOT DISTINCT`, I-17), so an organization never gets two groups for the same
 * source. `cron_expression` is derived by the application (I-18); `cursor` is the provider's
 * opaque next cursor, saved after each poll. Matching fans out in memory over the group's
 * enabled polling triggers; the row is removed when its last one goes. Removed with its
 * organization or integration (derived state).
 */
export const triggerPollGroups: TriggerPollGroupsTable = pgTable(
  "trigger_poll_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    provider: text("provider").notNull(),
    integrationId: uuid("integration_id"),
    cronExpression: text("cron_expression").notNull(),
    enabled: boolean("enabled").default(true),
    lastPolledAt: timestamp("last_polled_at", { withTimezone: true }),
    cursor: jsonb("cursor").$type<PollCursor>(),
  },
  (t) => [
    foreignKey({
      name: "trigger_poll_groups_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "trigger_poll_groups_integration_id_fkey",
      columns: [t.integrationId],
      foreignColumns: [integrations.id],
    }).onDelete("cascade"),
    // Short name: the column-derived one would be exactly 63 bytes.
    unique("trigger_poll_groups_org_provider_integration_key")
      .on(t.organizationId, t.provider, t.integrationId)
      .nullsNotDistinct(),
  ],
);

/** A `trigger_poll_groups` row as read from the database. */
export type TriggerPollGroupRow = typeof triggerPollGroups.$inferSelect;
/** Values for inserting a `trigger_poll_groups` row. */
export type NewTriggerPollGroup = typeof triggerPollGroups.$inferInsert;
