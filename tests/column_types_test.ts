/**
 * Compile-time tests of the columns whose values a CHECK limits: each one's select type is exactly
 * the union of the list its CHECK is built from (plus `null` where the column is nullable), and
 * an insert with a value outside the list does not compile (`@ts-expect-error`; an unused one
 * fails the type check). The runtime part reads each CHECK back from a migrated database and
 * compares its values with the list the column's type is built from.
 */
import assert from "node:assert/strict";
import * as P from "@proliferate/core/providers";
import * as X from "@proliferate/core/sandbox";
import * as S from "@proliferate/core/schema";
import { freshDatabase } from "./_db.ts";

/** True iff A and B are the same type. */
type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true
  : false;

/** Compiles only when its argument is `true`. */
function assertType<T extends true>(_proof?: T): void {}

/** Accepts exactly an insert shape of table T (used for the `@ts-expect-error` lines). */
function insertOf<T>(_values: T): void {}

type LegacyInvocationStatus = "approved" | "executing" | "completed";

Deno.test("every CHECK-limited column is typed with its value list", async (t) => {
  await t.step("sessions", () => {
    assertType<Equals<S.SessionRow["status"], X.SessionStatus | null>>();
    assertType<Equals<S.SessionRow["sessionType"], X.SessionType | null>>();
    assertType<Equals<S.SessionRow["clientType"], X.ClientType | null>>();
    assertType<Equals<S.SessionRow["origin"], X.SessionOrigin | null>>();
    assertType<Equals<S.SessionRow["sandboxProvider"], X.SandboxProviderType>>();
    const ok: S.NewSession = {
      organizationId: "org",
      status: "running",
      sessionType: "terminal",
      clientType: "slack",
      origin: "cli",
      sandboxProvider: "e2b",
    };
    insertOf<S.NewSession>(ok);
    // @ts-expect-error the gateway hub's in-memory state is never stored (I-8)
    insertOf<S.NewSession>({ organizationId: "org", status: "migrating" });
    // @ts-expect-error not a session type
    insertOf<S.NewSession>({ organizationId: "org", sessionType: "batch" });
    // @ts-expect-error a caller's "browser" is stored as web (I-7)
    insertOf<S.NewSession>({ organizationId: "org", clientType: "browser" });
    // @ts-expect-error not an origin
    insertOf<S.NewSession>({ organizationId: "org", origin: "slack" });
    // @ts-expect-error not a sandbox provider
    insertOf<S.NewSession>({ organizationId: "org", sandboxProvider: "docker" });
  });

  await t.step("session_tool_invocations", () => {
    assertType<Equals<S.SessionToolInvocationRow["status"], X.ToolInvocationStatus>>();
    const base = { sessionId: "s", toolCallId: "c", toolName: "verify" };
    insertOf<S.NewSessionToolInvocation>({ ...base, status: "completed" });
    // @ts-expect-error not a tool invocation status
    insertOf<S.NewSessionToolInvocation>({ ...base, status: "pending" });
  });

  await t.step("configurations and sandbox_base_snapshots", () => {
    assertType<Equals<S.ConfigurationRow["sandboxProvider"], X.SandboxProviderType>>();
    assertType<Equals<S.SandboxBaseSnapshotRow["status"], S.SandboxBaseSnapshotStatus>>();
    assertType<Equals<S.SandboxBaseSnapshotStatus, "building" | "ready" | "failed">>();
    // @ts-expect-error not a sandbox provider
    insertOf<S.NewConfiguration>({ name: "c", sandboxProvider: "docker" });
    const snapshot = { versionKey: "v", modalAppName: "app" };
    insertOf<S.NewSandboxBaseSnapshot>({ ...snapshot, status: "ready" });
    // @ts-expect-error not a base snapshot status
    insertOf<S.NewSandboxBaseSnapshot>({ ...snapshot, status: "default" });
  });

  await t.step("action_invocations", () => {
    type Row = S.ActionInvocationRow;
    assertType<Equals<Row["mode"], P.ActionMode>>();
    assertType<Equals<Row["modeSource"], P.ModeSource>>();
    assertType<Equals<Row["riskLevel"], P.RiskLevel>>();
    assertType<Equals<Row["deniedReason"], P.ActionDeniedReason | null>>();
    // I-11: the legacy values stay readable, since the CHECK keeps them.
    assertType<Equals<Row["status"], P.ActionInvocationStatus | LegacyInvocationStatus>>();
    const base: S.NewActionInvocation = {
      sessionId: "s",
      organizationId: "org",
      integration: "linear",
      action: "create_issue",
      riskLevel: "write",
      mode: "require_approval",
      modeSource: "org_default",
    };
    insertOf<S.NewActionInvocation>({ ...base, status: "executed", deniedReason: "human" });
    // @ts-expect-error not a mode
    insertOf<S.NewActionInvocation>({ ...base, mode: "ask" });
    // @ts-expect-error not a mode source
    insertOf<S.NewActionInvocation>({ ...base, modeSource: "default" });
    // @ts-expect-error not a risk level
    insertOf<S.NewActionInvocation>({ ...base, riskLevel: "low" });
    // @ts-expect-error not a denied reason
    insertOf<S.NewActionInvocation>({ ...base, deniedReason: "timeout" });
    // @ts-expect-error not an invocation status, legacy or current
    insertOf<S.NewActionInvocation>({ ...base, status: "running" });
  });

  await t.step("integrations, user_connections and slack_installations", () => {
    assertType<Equals<S.IntegrationRow["status"], P.IntegrationStatus | null>>();
    assertType<Equals<S.IntegrationRow["visibility"], P.IntegrationVisibility | null>>();
    assertType<Equals<S.UserConnectionRow["status"], P.UserConnectionStatus>>();
    assertType<Equals<S.SlackInstallationRow["status"], P.SlackInstallationStatus | null>>();
    const integration: S.NewIntegration = {
      organizationId: "org",
      provider: "github",
      integrationId: "github",
      connectionId: "c",
    };
    // @ts-expect-error not an integration status
    insertOf<S.NewIntegration>({ ...integration, status: "inactive" });
    // @ts-expect-error not a visibility
    insertOf<S.NewIntegration>({ ...integration, visibility: "public" });
    const connection: S.NewUserConnection = {
      userId: "u",
      organizationId: "org",
      provider: "github",
      connectionId: "c",
    };
    insertOf<S.NewUserConnection>({ ...connection, status: "inactive" });
    // @ts-expect-error not in user_connections_status_check
    insertOf<S.NewUserConnection>({ ...connection, status: "paused" });
    const slack: S.NewSlackInstallation = {
      organizationId: "org",
      teamId: "T1",
      encryptedBotToken: "x",
      botUserId: "B1",
    };
    // @ts-expect-error not a Slack installation status
    insertOf<S.NewSlackInstallation>({ ...slack, status: "expired" });
  });

  await t.step("triggers and webhook_inbox", () => {
    assertType<Equals<S.TriggerRow["triggerType"], P.TriggerKind>>();
    assertType<Equals<S.WebhookInboxEntryRow["status"], P.WebhookInboxStatus>>();
    assertType<Equals<S.WebhookInboxEntryRow["identityKind"], P.WebhookIdentityKind | null>>();
    const trigger = { organizationId: "org", automationId: "a", provider: "sentry" };
    // @ts-expect-error scheduled triggers are provider 'scheduled', not a trigger type
    insertOf<S.NewTrigger>({ ...trigger, triggerType: "scheduled" });
    const inbox = { provider: "github", payload: {} };
    // @ts-expect-error not an inbox status
    insertOf<S.NewWebhookInboxEntry>({ ...inbox, status: "queued" });
    // @ts-expect-error not an identity kind
    insertOf<S.NewWebhookInboxEntry>({ ...inbox, identityKind: "user" });
  });
});

// The CHECK of each column above and the list its type is built from, as the migrated database
// holds them.
const CHECKED_COLUMNS: [constraint: string, values: readonly string[]][] = [
  ["sessions_status_check", X.SESSION_STATUSES],
  ["sessions_session_type_check", X.SESSION_TYPES],
  ["sessions_client_type_check", X.CLIENT_TYPES],
  ["sessions_origin_check", X.SESSION_ORIGINS],
  ["sessions_sandbox_provider_check", X.SANDBOX_PROVIDER_TYPES],
  ["session_tool_invocations_status_check", X.TOOL_INVOCATION_STATUSES],
  ["configurations_sandbox_provider_check", X.SANDBOX_PROVIDER_TYPES],
  ["sandbox_base_snapshots_status_check", S.SANDBOX_BASE_SNAPSHOT_STATUSES],
  ["action_invocations_mode_check", P.ACTION_MODES],
  ["action_invocations_mode_source_check", P.MODE_SOURCES],
  ["action_invocations_risk_level_check", P.RISK_LEVELS],
  ["action_invocations_denied_reason_check", P.ACTION_DENIED_REASONS],
  ["action_invocations_status_check", [
    ...P.ACTION_INVOCATION_STATUSES,
    ...["approved", "executing", "completed"] satisfies LegacyInvocationStatus[],
  ]],
  ["integrations_status_check", P.INTEGRATION_STATUSES],
  ["integrations_visibility_check", P.INTEGRATION_VISIBILITIES],
  ["user_connections_status_check", P.USER_CONNECTION_STATUSES],
  ["slack_installations_status_check", P.SLACK_INSTALLATION_STATUSES],
  ["triggers_trigger_type_check", P.TRIGGER_KINDS],
  ["webhook_inbox_status_check", P.WEBHOOK_INBOX_STATUSES],
  ["webhook_inbox_identity_kind_check", P.WEBHOOK_IDENTITY_KINDS],
];

Deno.test("each typed column's CHECK allows exactly its type's values", async (t) => {
  await using db = await freshDatabase({ migrations: "all" });
  const rows = await db.sql<{ name: string; def: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where contype = 'c' and conname = any(${CHECKED_COLUMNS.map(([name]) => name)})`;
  const defs = new Map(rows.map((row) => [row.name, row.def]));
  assert.equal(CHECKED_COLUMNS.length, 20);
  for (const [constraint, values] of CHECKED_COLUMNS) {
    await t.step(constraint, () => {
      const def = defs.get(constraint);
      assert.ok(def, `${constraint} is missing`);
      const allowed = [...def.matchAll(/'((?:[^']|'')*)'::text/g)].map((m) => m[1]);
      assert.deepEqual(allowed.toSorted(), [...values].toSorted());
    });
  }
});
