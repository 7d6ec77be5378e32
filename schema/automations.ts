/**
 * Automations, their cron schedules and integration links, and the run ledger: one run per
 * trigger event, its status-transition events and its idempotent side effects.
 *
 * `automations` and `schedules` have row-level security enabled with four policies each.
 *
 * @module
 */
import { type SQL, sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { actionModesCheck } from "./_checks.ts";
import { user } from "./auth.ts";
import { configurations } from "./configurations.ts";
import { integrations } from "./integrations.ts";
import type { ActionModes, AutomationCompletion } from "./json.ts";
import { organization } from "./organizations.ts";
import { sessions } from "./sessions.ts";
import { slackInstallations } from "./slack.ts";
import { triggerEvents, triggers } from "./triggers.ts";
import type {
  AutomationConnectionsTable,
  AutomationRunEventsTable,
  AutomationRunsTable,
  AutomationSideEffectsTable,
  AutomationsTable,
  SchedulesTable,
} from "./_tables.ts";

/**
 * USING expression of the DELETE policies on `automations` and `schedules`: the row belongs to
 * an organization the caller (`auth.uid()`) is a member of. PostgreSQL stores it parsed, so the
 * line breaks here do not reach the catalog.
 */
const inCallerOrganizations: SQL = sql`organization_id IN (
  SELECT member."organizationId" FROM member WHERE member."userId" = auth.uid()
)`;

/**
 * An agent task definition owned by an organization; triggers and schedules start its runs.
 * Defaults: `name` `'Untitled Automation'`, `agentType` `'opencode'`, `modelId`
 * `'claude-sonnet-4-20250514'` (an API-format id, carried over: I-32), `enabled` true,
 * `enabledTools` `{}`. `action_modes` overrides action modes for this automation's runs and
 * beats the organization's (same shape and CHECK, `automations_action_modes_check`). Deleting
 * the default configuration or Slack installation only clears the reference.
 *
 * Row-level security is enabled. Only the DELETE policy has a USING expression (the caller's
 * organizations via `auth.uid()`); the INSERT, UPDATE and SELECT policies carry no expression.
 */
export const automations: AutomationsTable = pgTable(
  "automations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    name: text("name").notNull().default("Untitled Automation"),
    description: text("description"),
    enabled: boolean("enabled").default(true),
    agentInstructions: text("agent_instructions"),
    agentType: text("agent_type").default("opencode"),
    modelId: text("model_id").default("claude-sonnet-4-20250514"),
    allowAgenticRepoSelection: boolean("allow_agentic_repo_selection").default(false),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    // I-9: renamed from default_prebuild_id, keeping the "default" meaning.
    defaultConfigurationId: uuid("default_configuration_id"),
    llmFilterPrompt: text("llm_filter_prompt"),
    enabledTools: jsonb("enabled_tools").default(sql`'{}'::jsonb`),
    llmAnalysisPrompt: text("llm_analysis_prompt"),
    notificationChannelId: text("notification_channel_id"),
    notificationSlackInstallationId: uuid("notification_slack_installation_id"),
    // I-25: NOT NULL DEFAULT '{}', like organization.action_modes.
    actionModes: jsonb("action_modes").$type<ActionModes>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    foreignKey({
      name: "automations_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "automations_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }),
    foreignKey({
      name: "automations_default_configuration_id_fkey",
      columns: [t.defaultConfigurationId],
      foreignColumns: [configurations.id],
    }).onDelete("set null"),
    foreignKey({
      name: "automations_notification_slack_installation_id_fkey",
      columns: [t.notificationSlackInstallationId],
      foreignColumns: [slackInstallations.id],
    }).onDelete("set null"),
    check("automations_action_modes_check", actionModesCheck),
    index("idx_automations_enabled").on(t.enabled).where(sql`enabled = true`),
    index("idx_automations_org").on(t.organizationId),
    index("idx_automations_configuration").on(t.defaultConfigurationId),
    pgPolicy("Users can delete automations in their org", {
      as: "permissive",
      for: "delete",
      to: "public",
      using: inCallerOrganizations,
    }),
    pgPolicy("Users can insert automations in their org", {
      as: "permissive",
      for: "insert",
      to: "public",
    }),
    pgPolicy("Users can update automations in their org", {
      as: "permissive",
      for: "update",
      to: "public",
    }),
    pgPolicy("Users can view automations in their org", {
      as: "permissive",
      for: "select",
      to: "public",
    }),
  ],
);

/** An `automations` row as read from the database. */
export type AutomationRow = typeof automations.$inferSelect;
/** Values accepted when inserting into `automations`; only `organizationId` is required. */
export type NewAutomation = typeof automations.$inferInsert;

/**
 * Cron schedule that starts an automation. `cronExpression` is required; `timezone` defaults
 * to `'UTC'`. The scheduler finds due rows by `nextRunAt` among enabled schedules
 * (`idx_schedules_next_run`). Deleted with the automation or organization.
 *
 * Row-level security is enabled with the same policy shape as `automations`: only DELETE has
 * a USING expression.
 */
export const schedules: SchedulesTable = pgTable(
  "schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    automationId: uuid("automation_id").notNull(),
    organizationId: text("organization_id").notNull(),
    name: text("name"),
    cronExpression: text("cron_expression").notNull(),
    timezone: text("timezone").default("UTC"),
    enabled: boolean("enabled").default(true),
    lastRunAt: timestamp("last_run_at", { withTimezone: true }),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "schedules_automation_id_fkey",
      columns: [t.automationId],
      foreignColumns: [automations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "schedules_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "schedules_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }),
    index("idx_schedules_automation").on(t.automationId),
    index("idx_schedules_next_run").on(t.nextRunAt).where(sql`enabled = true`),
    index("idx_schedules_org").on(t.organizationId),
    pgPolicy("Users can delete schedules in their org", {
      as: "permissive",
      for: "delete",
      to: "public",
      using: inCallerOrganizations,
    }),
    pgPolicy("Users can insert schedules in their org", {
      as: "permissive",
      for: "insert",
      to: "public",
    }),
    pgPolicy("Users can update schedules in their org", {
      as: "permissive",
      for: "update",
      to: "public",
    }),
    pgPolicy("Users can view schedules in their org", {
      as: "permissive",
      for: "select",
      to: "public",
    }),
  ],
);

/** A `schedules` row as read from the database. */
export type ScheduleRow = typeof schedules.$inferSelect;
/** Values accepted when inserting into `schedules`. */
export type NewSchedule = typeof schedules.$inferInsert;

/**
 * Links an automation to an integration it may use; each pair at most once. Deleted with
 * either side.
 */
export const automationConnections: AutomationConnectionsTable = pgTable(
  "automation_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    automationId: uuid("automation_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "automation_connections_automation_id_fkey",
      columns: [t.automationId],
      foreignColumns: [automations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "automation_connections_integration_id_fkey",
      columns: [t.integrationId],
      foreignColumns: [integrations.id],
    }).onDelete("cascade"),
    unique("automation_connections_automation_id_integration_id_key").on(
      t.automationId,
      t.integrationId,
    ),
    index("idx_automation_connections_automation").on(t.automationId),
    index("idx_automation_connections_integration").on(t.integrationId),
  ],
);

/** An `automation_connections` row as read from the database. */
export type AutomationConnectionRow = typeof automationConnections.$inferSelect;
/** Values accepted when inserting into `automation_connections`. */
export type NewAutomationConnection = typeof automationConnections.$inferInsert;

/**
 * One execution of an automation for one trigger event (at most one run per event,
 * `idx_automation_runs_trigger_event`). `status` starts at `'queued'`; workers claim a run
 * with a lease (`leaseOwner`, `leaseExpiresAt`, `leaseVersion`) and count `attempt`s.
 * Deleting the session, trigger or assignee only clears the reference.
 */
export const automationRuns: AutomationRunsTable = pgTable(
  "automation_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    automationId: uuid("automation_id").notNull(),
    triggerEventId: uuid("trigger_event_id").notNull(),
    triggerId: uuid("trigger_id"),
    status: text("status").notNull().default("queued"),
    statusReason: text("status_reason"),
    failureStage: text("failure_stage"),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    leaseVersion: integer("lease_version").notNull().default(0),
    attempt: integer("attempt").notNull().default(0),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    enrichmentStartedAt: timestamp("enrichment_started_at", { withTimezone: true }),
    enrichmentCompletedAt: timestamp("enrichment_completed_at", { withTimezone: true }),
    executionStartedAt: timestamp("execution_started_at", { withTimezone: true }),
    promptSentAt: timestamp("prompt_sent_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }),
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    sessionId: uuid("session_id"),
    sessionCreatedAt: timestamp("session_created_at", { withTimezone: true }),
    completionId: text("completion_id"),
    completionJson: jsonb("completion_json").$type<AutomationCompletion>(),
    completionArtifactRef: text("completion_artifact_ref"),
    enrichmentArtifactRef: text("enrichment_artifact_ref"),
    sourcesArtifactRef: text("sources_artifact_ref"),
    policyArtifactRef: text("policy_artifact_ref"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    // Drift D9: the migrated database appends assigned_to, assigned_at and enrichment_json
    // after updated_at (added by later ALTER TABLEs); the column order follows the database.
    assignedTo: text("assigned_to"),
    assignedAt: timestamp("assigned_at", { withTimezone: true }),
    enrichmentJson: jsonb("enrichment_json"),
  },
  (t) => [
    foreignKey({
      name: "automation_runs_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "automation_runs_automation_id_fkey",
      columns: [t.automationId],
      foreignColumns: [automations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "automation_runs_trigger_event_id_fkey",
      columns: [t.triggerEventId],
      foreignColumns: [triggerEvents.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "automation_runs_trigger_id_fkey",
      columns: [t.triggerId],
      foreignColumns: [triggers.id],
    }).onDelete("set null"),
    foreignKey({
      name: "automation_runs_session_id_fkey",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("set null"),
    foreignKey({
      name: "automation_runs_assigned_to_fkey",
      columns: [t.assignedTo],
      foreignColumns: [user.id],
    }).onDelete("set null"),
    index("idx_automation_runs_assigned_to").on(t.assignedTo),
    index("idx_automation_runs_org_status").on(t.organizationId, t.status),
    index("idx_automation_runs_session").on(t.sessionId),
    index("idx_automation_runs_status_lease").on(t.status, t.leaseExpiresAt),
    uniqueIndex("idx_automation_runs_trigger_event").on(t.triggerEventId),
  ],
);

/** An `automation_runs` row as read from the database. */
export type AutomationRunRow = typeof automationRuns.$inferSelect;
/** Values accepted when inserting into `automation_runs`. */
export type NewAutomationRun = typeof automationRuns.$inferInsert;

/**
 * Append-only history of a run: each row records an event `type` and, for transitions, the
 * `fromStatus`/`toStatus` pair. Read newest first per run. Deleted with the run.
 */
export const automationRunEvents: AutomationRunEventsTable = pgTable(
  "automation_run_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    data: jsonb("data"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "automation_run_events_run_id_fkey",
      columns: [t.runId],
      foreignColumns: [automationRuns.id],
    }).onDelete("cascade"),
    // Drift D8: the database has (run_id, created_at DESC), i.e. DESC NULLS FIRST without an
    // operator class; the old code said NULLS LAST with opclasses. The database is followed.
    index("idx_automation_run_events_run").on(t.runId, t.createdAt.desc().nullsFirst()),
  ],
);

/** An `automation_run_events` row as read from the database. */
export type AutomationRunEventRow = typeof automationRunEvents.$inferSelect;
/** Values accepted when inserting into `automation_run_events`. */
export type NewAutomationRunEvent = typeof automationRunEvents.$inferInsert;

/**
 * Record of an external side effect performed by a run, keyed by a caller-chosen `effectId`
 * that is unique per organization, so a retried run can detect work already done and reuse
 * `responseJson`. Deleted with the run or organization.
 */
export const automationSideEffects: AutomationSideEffectsTable = pgTable(
  "automation_side_effects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id").notNull(),
    organizationId: text("organization_id").notNull(),
    effectId: text("effect_id").notNull(),
    kind: text("kind").notNull(),
    provider: text("provider"),
    requestHash: text("request_hash"),
    responseJson: jsonb("response_json"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "automation_side_effects_run_id_fkey",
      columns: [t.runId],
      foreignColumns: [automationRuns.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "automation_side_effects_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    // Drift D6: a plain unique index in the database, not a unique constraint; followed here.
    uniqueIndex("automation_side_effects_org_effect_key").on(t.organizationId, t.effectId),
    index("idx_automation_side_effects_run").on(t.runId),
  ],
);

/** An `automation_side_effects` row as read from the database. */
export type AutomationSideEffectRow = typeof automationSideEffects.$inferSelect;
/** Values accepted when inserting into `automation_side_effects`. */
export type NewAutomationSideEffect = typeof automationSideEffects.$inferInsert;
