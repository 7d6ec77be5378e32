/**
 * Agent sessions (a coding agent running in a sandbox) and the integrations each may use.
 *
 * Not to be confused with the login sessions in `auth.ts` (`session`).
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
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  CLIENT_TYPES,
  type ClientType,
  SANDBOX_PROVIDER_TYPES,
  type SandboxProviderType,
  SESSION_ORIGINS,
  SESSION_STATUSES,
  SESSION_TYPES,
  type SessionOrigin,
  type SessionStatus,
  type SessionType,
  TOOL_INVOCATION_STATUSES,
  type ToolInvocationStatus,
} from "../sandbox/mod.ts";
import { oneOf, sessionIdempotencyPredicate } from "./_checks.ts";
import { user } from "./auth.ts";
import { automations } from "./automations.ts";
import { configurations } from "./configurations.ts";
import { integrations } from "./integrations.ts";
import type { ClientMetadata, JsonObject, SessionAgentConfig, ToolCallResult } from "./json.ts";
import { organization } from "./organizations.ts";
import { repos } from "./repos.ts";
import { triggerEvents, triggers } from "./triggers.ts";
import type {
  SessionConnectionsTable,
  SessionsTable,
  SessionToolInvocationsTable,
} from "./_tables.ts";

/**
 * An agent session of an organization, started from a configuration and/or repo, by a user, an
 * automation or a trigger. `sandbox_provider` is 'modal' or 'e2b'. Allowed values (CHECKs):
 * `status` pending, starting (default), running, paused, stopped, failed; `session_type` setup,
 * coding (default), cli and the legacy terminal; `client_type` web, slack, cli, automation;
 * `origin` web (default), cli. For Slack sessions (`client_type` = 'slack') `client_metadata`
 * carries installationId, channelId and threadTs, which are indexed. At most one session per
 * (automation_id, trigger_event_id) when both are set, and per (organization_id,
 * idempotency_key) when a key is given: a retried create returns the existing row. `snapshot_id`
 * may hold a memory-snapshot id (`mem:` prefix) or, for E2B auto-pause, the sandbox id.
 * `pause_reason` and `stop_reason` are free text (before vNext: manual, credit_limit,
 * inactivity, overage_cap, payment_failed / manual, error, sandbox_terminated,
 * auto_pause_failed). An organization cannot be deleted while it has sessions; deleting the
 * repo deletes the session, deleting its configuration (I-28), automation, trigger or trigger
 * event only clears the link.
 */
export const sessions: SessionsTable = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    repoId: uuid("repo_id"),
    organizationId: text("organization_id").notNull(),
    createdBy: text("created_by"),
    sessionType: text("session_type").$type<SessionType>().default("coding"),
    status: text("status").$type<SessionStatus>().default("starting"),
    sandboxId: text("sandbox_id"),
    snapshotId: text("snapshot_id"),
    branchName: text("branch_name"),
    baseCommitSha: text("base_commit_sha"),
    parentSessionId: uuid("parent_session_id"),
    initialPrompt: text("initial_prompt"),
    title: text("title"),
    automationId: uuid("automation_id"),
    triggerId: uuid("trigger_id"),
    triggerEventId: uuid("trigger_event_id"),
    startedAt: timestamp("started_at", { withTimezone: true }).defaultNow(),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).defaultNow(),
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    idleTimeoutMinutes: integer("idle_timeout_minutes").default(30),
    autoDeleteDays: integer("auto_delete_days").default(7),
    source: text("source").default("web"),
    sandboxProvider: text("sandbox_provider").$type<SandboxProviderType>().notNull().default(
      "modal",
    ),
    origin: text("origin").$type<SessionOrigin>().default("web"),
    localPathHash: text("local_path_hash"),
    sandboxUrl: text("sandbox_url"),
    codingAgentSessionId: text("coding_agent_session_id"),
    openCodeTunnelUrl: text("open_code_tunnel_url"),
    previewTunnelUrl: text("preview_tunnel_url"),
    agentConfig: jsonb("agent_config").$type<SessionAgentConfig>(),
    systemPrompt: text("system_prompt"),
    clientType: text("client_type").$type<ClientType>(),
    clientMetadata: jsonb("client_metadata").$type<ClientMetadata>(),
    configurationId: uuid("configuration_id"),
    sandboxExpiresAt: timestamp("sandbox_expires_at", { withTimezone: true }),
    meteredThroughAt: timestamp("metered_through_at", { withTimezone: true }),
    billingTokenVersion: integer("billing_token_version").default(1),
    lastSeenAliveAt: timestamp("last_seen_alive_at", { withTimezone: true }),
    aliveCheckFailures: integer("alive_check_failures").default(0),
    pauseReason: text("pause_reason"),
    stopReason: text("stop_reason"),
    idempotencyKey: text("idempotency_key"),
  },
  (t) => [
    foreignKey({
      name: "sessions_automation_id_fkey",
      columns: [t.automationId],
      foreignColumns: [automations.id],
    }).onDelete("set null"),
    foreignKey({
      name: "sessions_created_by_fkey",
      columns: [t.createdBy],
      foreignColumns: [user.id],
    }).onDelete("no action"),
    foreignKey({
      name: "sessions_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("no action"),
    foreignKey({
      name: "sessions_parent_session_id_fkey",
      columns: [t.parentSessionId],
      foreignColumns: [t.id],
    }).onDelete("no action"),
    // I-28: deleting a configuration keeps its sessions (baseline: CASCADE).
    foreignKey({
      name: "sessions_configuration_id_fkey",
      columns: [t.configurationId],
      foreignColumns: [configurations.id],
    }).onDelete("set null"),
    foreignKey({
      name: "sessions_repo_id_fkey",
      columns: [t.repoId],
      foreignColumns: [repos.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "sessions_trigger_event_id_trigger_events_id_fk",
      columns: [t.triggerEventId],
      foreignColumns: [triggerEvents.id],
    }).onDelete("set null"),
    foreignKey({
      name: "sessions_trigger_id_fkey",
      columns: [t.triggerId],
      foreignColumns: [triggers.id],
    }).onDelete("set null"),
    check("sessions_sandbox_provider_check", oneOf("sandbox_provider", SANDBOX_PROVIDER_TYPES)),
    // I-8: the gateway hub's in-memory states (creating, resuming, migrating, error) are never
    // written.
    check("sessions_status_check", oneOf("status", SESSION_STATUSES)),
    // I-6: writers emit cli; terminal is a legacy alias that production rows hold.
    check("sessions_session_type_check", oneOf("session_type", SESSION_TYPES)),
    // I-7: a caller's "browser" is stored as web.
    check("sessions_client_type_check", oneOf("client_type", CLIENT_TYPES)),
    check("sessions_origin_check", oneOf("origin", SESSION_ORIGINS)),
    index("idx_sessions_automation").on(t.automationId),
    // Drift D5: the migrated database has a unique index here, not a unique constraint.
    uniqueIndex("idx_sessions_automation_trigger_event").on(t.automationId, t.triggerEventId),
    index("idx_sessions_client_type").on(t.clientType),
    // Idempotent creation per organization: ON CONFLICT (organization_id, idempotency_key)
    // must repeat `WHERE idempotency_key IS NOT NULL` to infer this partial index
    // (`sessionIdempotencyConflict` in conflicts.ts carries both).
    uniqueIndex("idx_sessions_idempotency")
      .on(t.organizationId, t.idempotencyKey)
      .where(sessionIdempotencyPredicate),
    index("idx_sessions_local_path_hash")
      .on(t.localPathHash)
      .where(sql`local_path_hash IS NOT NULL`),
    index("idx_sessions_org").on(t.organizationId),
    // Not in the sheet: added after bench/ showed "sessions of an organization, newest first"
    // sorting every session of a large organization (35 ms at 27k sessions, 0.3 ms with it).
    index("idx_sessions_org_started").on(t.organizationId, t.startedAt.desc().nullsFirst()),
    index("idx_sessions_parent").on(t.parentSessionId),
    index("idx_sessions_configuration").on(t.configurationId),
    index("idx_sessions_repo").on(t.repoId),
    index("idx_sessions_sandbox_expires_at")
      .on(t.sandboxExpiresAt)
      .where(sql`sandbox_expires_at IS NOT NULL`),
    index("idx_sessions_sandbox_provider").on(t.sandboxProvider),
    index("idx_sessions_slack_lookup")
      .on(
        sql`(client_metadata ->> 'installationId'::text)`,
        sql`(client_metadata ->> 'channelId'::text)`,
        sql`(client_metadata ->> 'threadTs'::text)`,
      )
      .where(sql`client_type = 'slack'::text`),
    index("idx_sessions_status").on(t.status),
    index("idx_sessions_trigger").on(t.triggerId),
  ],
);

/** A `sessions` row as read from the database. */
export type SessionRow = typeof sessions.$inferSelect;
/** Values for inserting a `sessions` row; only `organization_id` is required. */
export type NewSession = typeof sessions.$inferInsert;

/**
 * An integration a session is allowed to use; one row per (session_id, integration_id),
 * removed with either side.
 */
export const sessionConnections: SessionConnectionsTable = pgTable(
  "session_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: uuid("session_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "session_connections_integration_id_fkey",
      columns: [t.integrationId],
      foreignColumns: [integrations.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "session_connections_session_id_fkey",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("cascade"),
    unique("session_connections_session_id_integration_id_key").on(t.sessionId, t.integrationId),
    index("idx_session_connections_integration").on(t.integrationId),
    index("idx_session_connections_session").on(t.sessionId),
  ],
);

/** A `session_connections` row as read from the database. */
export type SessionConnectionRow = typeof sessionConnections.$inferSelect;
/** Values for inserting a `session_connections` row. */
export type NewSessionConnection = typeof sessionConnections.$inferInsert;

/**
 * A gateway-mediated tool call of a session (verify, save_snapshot, save_service_commands,
 * automation.complete, …; `tool_name` is an open set), keyed by the `tool_call_id` the sandbox
 * wrapper generates once per logical call. Unique per (session_id, tool_call_id) (I-13): a retry
 * never re-executes, it receives the stored `result`; always look up with the session. `status`
 * is executing (default), completed or failed. Removed with the session.
 */
export const sessionToolInvocations: SessionToolInvocationsTable = pgTable(
  "session_tool_invocations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: uuid("session_id").notNull(),
    toolCallId: text("tool_call_id").notNull(),
    toolName: text("tool_name").notNull(),
    params: jsonb("params").$type<JsonObject>(),
    status: text("status").$type<ToolInvocationStatus>().notNull().default("executing"),
    result: jsonb("result").$type<ToolCallResult>(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: "session_tool_invocations_session_id_fkey",
      columns: [t.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("cascade"),
    unique("session_tool_invocations_session_id_tool_call_id_key").on(t.sessionId, t.toolCallId),
    check("session_tool_invocations_status_check", oneOf("status", TOOL_INVOCATION_STATUSES)),
    // Named by the spec; redundant next to the unique index's prefix.
    index("idx_tool_invocations_session").on(t.sessionId),
  ],
);

/** A `session_tool_invocations` row as read from the database. */
export type SessionToolInvocationRow = typeof sessionToolInvocations.$inferSelect;
/** Values for inserting a `session_tool_invocations` row. */
export type NewSessionToolInvocation = typeof sessionToolInvocations.$inferInsert;
