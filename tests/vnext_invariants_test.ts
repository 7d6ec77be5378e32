/**
 * Every invariant the vNext database enforces, proved from both sides on a freshly migrated
 * database: a write that breaks it is rejected with an error naming the constraint (or, for NOT
 * NULL, the column and SQLSTATE 23502), and its nearest valid neighbour is accepted, so each
 * constraint is shown to be neither missing nor too strict.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { freshDatabase } from "./_db.ts";

type Sql = postgres.Sql;

interface PgError {
  code?: string;
  constraint_name?: string;
  column_name?: string;
  message?: string;
}

/** Runs `write` and asserts it fails with `code`, naming `constraint`. */
async function rejectsWith(
  write: () => Promise<unknown>,
  code: string,
  constraint: string,
): Promise<void> {
  await assert.rejects(write, (error: PgError) => {
    assert.equal(error.code, code, `expected SQLSTATE ${code}, got: ${error.message}`);
    assert.ok(
      error.constraint_name === constraint || (error.message ?? "").includes(`"${constraint}"`),
      `expected constraint ${constraint}, got ${error.constraint_name}: ${error.message}`,
    );
    return true;
  });
}

/** Runs `write` and asserts it fails with SQLSTATE 23502 on `column`. */
async function rejectsNull(write: () => Promise<unknown>, column: string): Promise<void> {
  await assert.rejects(write, (error: PgError) => {
    assert.equal(error.code, "23502", `expected a NOT NULL violation, got: ${error.message}`);
    assert.ok(
      error.column_name === column || (error.message ?? "").includes(`"${column}"`),
      `expected column ${column}, got ${error.column_name}: ${error.message}`,
    );
    return true;
  });
}

/** Runs `write` and asserts it changed exactly `rows` rows. */
async function accepts(write: () => Promise<{ count: number }>, rows = 1): Promise<void> {
  const result = await write();
  assert.equal(result.count, rows, "the valid write must be accepted");
}

/** Rejects every bad value and accepts every good value of one CHECK-constrained column. */
async function checkColumn(
  sql: Sql,
  options: {
    table: string;
    column: string;
    id: string;
    constraint: string;
    bad: unknown[];
    good: unknown[];
    json?: boolean;
  },
): Promise<void> {
  const { table, column, id, constraint } = options;
  const value = (v: unknown) => options.json ? sql.json(v as postgres.JSONValue) : v as string;
  for (const bad of options.bad) {
    await rejectsWith(
      () => sql`update ${sql(table)} set ${sql(column)} = ${value(bad)} where id = ${id}`,
      "23514",
      constraint,
    );
  }
  for (const good of options.good) {
    await accepts(() =>
      sql`update ${sql(table)} set ${sql(column)} = ${value(good)} where id = ${id}`
    );
  }
}

/** Rows shared by the steps; each step adds only what it needs. */
interface Fixture {
  user: string;
  org: string;
  otherOrg: string;
  repo: string;
  configuration: string;
  otherConfiguration: string;
  session: string;
  otherSession: string;
  integration: string;
  automation: string;
  trigger: string;
  otherTrigger: string;
  triggerEvent: string;
  invocation: string;
  connector: string;
  slack: string;
  secret: string;
  otherSecret: string;
  file: string;
  otherFile: string;
  inbox: string;
  toolInvocation: string;
  userConnection: string;
}

async function createFixture(sql: Sql): Promise<Fixture> {
  const id = () => crypto.randomUUID();
  const f: Fixture = {
    user: "usr_inv",
    org: "org_inv",
    otherOrg: "org_inv_other",
    repo: id(),
    configuration: id(),
    otherConfiguration: id(),
    session: id(),
    otherSession: id(),
    integration: id(),
    automation: id(),
    trigger: id(),
    otherTrigger: id(),
    triggerEvent: id(),
    invocation: id(),
    connector: id(),
    slack: id(),
    secret: id(),
    otherSecret: id(),
    file: id(),
    otherFile: id(),
    inbox: id(),
    toolInvocation: id(),
    userConnection: id(),
  };
  await sql`insert into "user" (id, name, email, "emailVerified")
    values (${f.user}, 'Inv', 'inv@example.com', true)`;
  await sql`insert into organization (id, name, slug, "createdAt") values
    (${f.org}, 'Inv', 'inv', now()), (${f.otherOrg}, 'Other', 'inv-other', now())`;
  await sql`insert into repos (id, organization_id, github_url, github_repo_id, github_repo_name)
    values (${f.repo}, ${f.org}, 'https://github.com/inv/app', '1', 'inv/app')`;
  await sql`insert into configurations (id, name) values
    (${f.configuration}, 'main'), (${f.otherConfiguration}, 'other')`;
  await sql`insert into configuration_repos (configuration_id, repo_id, workspace_path) values
    (${f.configuration}, ${f.repo}, '.'), (${f.otherConfiguration}, ${f.repo}, '.')`;
  await sql`insert into sessions (id, organization_id, configuration_id) values
    (${f.session}, ${f.org}, ${f.configuration}), (${f.otherSession}, ${f.org}, null)`;
  await sql`insert into integrations (id, organization_id, provider, integration_id,
      connection_id) values (${f.integration}, ${f.org}, 'nango', 'linear', 'conn-inv')`;
  await sql`insert into automations (id, organization_id) values (${f.automation}, ${f.org})`;
  await sql`insert into triggers (id, organization_id, automation_id, provider) values
    (${f.trigger}, ${f.org}, ${f.automation}, 'sentry'),
    (${f.otherTrigger}, ${f.org}, ${f.automation}, 'linear')`;
  await sql`insert into trigger_events (id, trigger_id, organization_id, provider, event_type,
      occurred_at, dedup_key, title, context) values
    (${f.triggerEvent}, ${f.trigger}, ${f.org}, 'sentry', 'error_created', now(), 'evt-1',
     'Boom', '{}')`;
  await sql`insert into action_invocations (id, session_id, organization_id, integration,
      action, risk_level, mode, mode_source, status, expires_at) values
    (${f.invocation}, ${f.session}, ${f.org}, 'linear', 'create_issue', 'write',
     'require_approval', 'inferred_default', 'pending', now() + interval '5 minutes')`;
  await sql`insert into org_connectors (id, organization_id, name, url, auth) values
    (${f.connector}, ${f.org}, 'Docs', 'https://mcp.example/docs', '{"type":"none"}')`;
  await sql`insert into slack_installations (id, organization_id, team_id, encrypted_bot_token,
      bot_user_id) values (${f.slack}, ${f.org}, 'T1', 'enc', 'U1')`;
  await sql`insert into secrets (id, organization_id, key, encrypted_value) values
    (${f.secret}, ${f.org}, 'API_KEY', 'enc:1'), (${f.otherSecret}, ${f.org}, 'OTHER', 'enc:2')`;
  await sql`insert into secret_files (id, organization_id, configuration_id, file_path) values
    (${f.file}, ${f.org}, ${f.configuration}, '.env'),
    (${f.otherFile}, ${f.org}, ${f.otherConfiguration}, '.env')`;
  await sql`insert into webhook_inbox (id, provider, payload)
    values (${f.inbox}, 'sentry', '{"action":"created"}')`;
  await sql`insert into session_tool_invocations (id, session_id, tool_call_id, tool_name)
    values (${f.toolInvocation}, ${f.session}, 'call-1', 'verify')`;
  await sql`insert into user_connections (id, user_id, organization_id, provider, connection_id)
    values (${f.userConnection}, ${f.user}, ${f.org}, 'github', 'conn-user-1')`;
  return f;
}

/** Valid and invalid `action_modes` objects (§2.2). */
const ACTION_MODES_GOOD = [
  {},
  { "linear:create_issue": "allow" },
  { "connector:8f0c1c1e-1111-4222-8333-944455556666:search_docs": "require_approval" },
  { "github:merge": "deny", "sentry:resolve": "allow" },
];
const ACTION_MODES_BAD = [
  [],
  "allow",
  { "no-colon": "allow" },
  { ":create_issue": "allow" },
  { "linear:": "allow" },
  { "linear:create_issue": "always" },
  { "linear:create_issue": "Allow" },
  { "linear:create_issue": true },
  { "linear:create_issue": ["allow"] },
  { "linear:create_issue": { mode: "allow" } },
];

Deno.test("vNext invariants: each constraint rejects what breaks it and accepts its neighbour", async (t) => {
  await using db = await freshDatabase({ migrations: "all" });
  const sql = db.sql;
  const f = await createFixture(sql);

  // --- CHECK constraints on value lists ------------------------------------------------

  await t.step(
    "sessions_status_check: pending/starting/running/paused/stopped/failed only",
    () =>
      checkColumn(sql, {
        table: "sessions",
        column: "status",
        id: f.session,
        constraint: "sessions_status_check",
        bad: ["bogus", "creating", "error", "RUNNING", ""],
        good: ["pending", "starting", "running", "paused", "stopped", "failed"],
      }),
  );

  await t.step(
    "sessions_session_type_check: setup/coding/cli and legacy terminal only",
    () =>
      checkColumn(sql, {
        table: "sessions",
        column: "session_type",
        id: f.session,
        constraint: "sessions_session_type_check",
        bad: ["automation", "notebook", ""],
        good: ["setup", "coding", "cli", "terminal"],
      }),
  );

  await t.step(
    "sessions_client_type_check: web/slack/cli/automation only ('browser' is web)",
    () =>
      checkColumn(sql, {
        table: "sessions",
        column: "client_type",
        id: f.session,
        constraint: "sessions_client_type_check",
        bad: ["browser", "api", ""],
        good: ["web", "slack", "cli", "automation", null],
      }),
  );

  await t.step("sessions_origin_check: web/cli only", () =>
    checkColumn(sql, {
      table: "sessions",
      column: "origin",
      id: f.session,
      constraint: "sessions_origin_check",
      bad: ["slack", "api"],
      good: ["cli", "web"],
    }));

  await t.step(
    "sessions_sandbox_provider_check: modal/e2b only (carried over)",
    () =>
      checkColumn(sql, {
        table: "sessions",
        column: "sandbox_provider",
        id: f.session,
        constraint: "sessions_sandbox_provider_check",
        bad: ["docker"],
        good: ["e2b", "modal"],
      }),
  );

  await t.step(
    "action_invocations_risk_level_check: read/write/danger only",
    () =>
      checkColumn(sql, {
        table: "action_invocations",
        column: "risk_level",
        id: f.invocation,
        constraint: "action_invocations_risk_level_check",
        bad: ["extreme", "admin", ""],
        good: ["read", "danger", "write"],
      }),
  );

  await t.step(
    "action_invocations_mode_check: allow/deny/require_approval only",
    () =>
      checkColumn(sql, {
        table: "action_invocations",
        column: "mode",
        id: f.invocation,
        constraint: "action_invocations_mode_check",
        bad: ["ask", "always_allow", ""],
        good: ["allow", "deny", "require_approval"],
      }),
  );

  await t.step(
    "action_invocations_mode_source_check: automation_override/org_default/inferred_default only",
    () =>
      checkColumn(sql, {
        table: "action_invocations",
        column: "mode_source",
        id: f.invocation,
        constraint: "action_invocations_mode_source_check",
        bad: ["grant", "user", ""],
        good: ["automation_override", "org_default", "inferred_default"],
      }),
  );

  await t.step(
    "action_invocations_denied_reason_check: policy/human/expired or NULL only",
    () =>
      checkColumn(sql, {
        table: "action_invocations",
        column: "denied_reason",
        id: f.invocation,
        constraint: "action_invocations_denied_reason_check",
        bad: ["timeout", "grant_revoked", ""],
        good: ["policy", "human", "expired", null],
      }),
  );

  await t.step(
    "action_invocations_status_check: the five vNext statuses plus legacy approved/executing/completed",
    () =>
      checkColumn(sql, {
        table: "action_invocations",
        column: "status",
        id: f.invocation,
        constraint: "action_invocations_status_check",
        bad: ["cancelled", "running", ""],
        good: [
          "executed",
          "denied",
          "expired",
          "failed",
          "approved",
          "executing",
          "completed",
          "pending",
        ],
      }),
  );

  await t.step(
    "action_invocations_pending_expiry_check: a pending invocation needs expires_at",
    async () => {
      await rejectsWith(
        () =>
          sql`update action_invocations set status = 'pending', expires_at = null
          where id = ${f.invocation}`,
        "23514",
        "action_invocations_pending_expiry_check",
      );
      await rejectsWith(
        () =>
          sql`insert into action_invocations (session_id, organization_id, integration, action,
            risk_level, mode, mode_source) values (${f.session}, ${f.org}, 'linear', 'list',
            'read', 'allow', 'inferred_default')`,
        "23514",
        "action_invocations_pending_expiry_check",
      );
      await accepts(() =>
        sql`update action_invocations set status = 'executed', expires_at = null
        where id = ${f.invocation}`
      );
      await accepts(() =>
        sql`update action_invocations set status = 'pending', expires_at = now()
        where id = ${f.invocation}`
      );
    },
  );

  await t.step("triggers_trigger_type_check: webhook/polling only", () =>
    checkColumn(sql, {
      table: "triggers",
      column: "trigger_type",
      id: f.trigger,
      constraint: "triggers_trigger_type_check",
      bad: ["cron", "scheduled", ""],
      good: ["polling", "webhook"],
    }));

  await t.step(
    "integrations_status_check: active/expired/revoked/deleted/suspended only",
    () =>
      checkColumn(sql, {
        table: "integrations",
        column: "status",
        id: f.integration,
        constraint: "integrations_status_check",
        bad: ["paused", "error", ""],
        good: ["expired", "revoked", "deleted", "suspended", "active"],
      }),
  );

  await t.step(
    "integrations_visibility_check: org/private only (carried over)",
    () =>
      checkColumn(sql, {
        table: "integrations",
        column: "visibility",
        id: f.integration,
        constraint: "integrations_visibility_check",
        bad: ["public"],
        good: ["private", "org"],
      }),
  );

  await t.step("slack_installations_status_check: active/revoked only", () =>
    checkColumn(sql, {
      table: "slack_installations",
      column: "status",
      id: f.slack,
      constraint: "slack_installations_status_check",
      bad: ["disabled", "deleted", ""],
      good: ["revoked", "active"],
    }));

  await t.step("webhook_inbox_status_check: pending/processing/completed/failed only", async () => {
    await sql`update webhook_inbox set processed_at = now() where id = ${f.inbox}`;
    await checkColumn(sql, {
      table: "webhook_inbox",
      column: "status",
      id: f.inbox,
      constraint: "webhook_inbox_status_check",
      bad: ["done", "queued", ""],
      good: ["processing", "completed", "failed", "pending"],
    });
  });

  await t.step(
    "webhook_inbox_processed_check: completed and failed rows need processed_at",
    async () => {
      for (const status of ["completed", "failed"]) {
        await rejectsWith(
          () =>
            sql`update webhook_inbox set status = ${status}, processed_at = null
            where id = ${f.inbox}`,
          "23514",
          "webhook_inbox_processed_check",
        );
        await accepts(() =>
          sql`update webhook_inbox set status = ${status}, processed_at = now()
          where id = ${f.inbox}`
        );
      }
      for (const status of ["pending", "processing"]) {
        await accepts(() =>
          sql`update webhook_inbox set status = ${status}, processed_at = null
          where id = ${f.inbox}`
        );
      }
    },
  );

  await t.step(
    "webhook_inbox_identity_kind_check: org/integration/trigger or NULL only",
    () =>
      checkColumn(sql, {
        table: "webhook_inbox",
        column: "identity_kind",
        id: f.inbox,
        constraint: "webhook_inbox_identity_kind_check",
        bad: ["user", "organization", ""],
        good: ["org", "integration", "trigger", null],
      }),
  );

  await t.step(
    "session_tool_invocations_status_check: executing/completed/failed only",
    () =>
      checkColumn(sql, {
        table: "session_tool_invocations",
        column: "status",
        id: f.toolInvocation,
        constraint: "session_tool_invocations_status_check",
        bad: ["pending", "done", ""],
        good: ["completed", "failed", "executing"],
      }),
  );

  await t.step(
    "user_connections_status_check: active/expired/revoked/deleted/suspended only",
    () =>
      checkColumn(sql, {
        table: "user_connections",
        column: "status",
        id: f.userConnection,
        constraint: "user_connections_status_check",
        bad: ["paused", ""],
        good: ["expired", "revoked", "deleted", "suspended", "active"],
      }),
  );

  await t.step(
    "configurations_sandbox_provider_check: renamed from prebuilds, modal/e2b only",
    () =>
      checkColumn(sql, {
        table: "configurations",
        column: "sandbox_provider",
        id: f.configuration,
        constraint: "configurations_sandbox_provider_check",
        bad: ["docker"],
        good: ["e2b", "modal"],
      }),
  );

  await t.step(
    "configurations_cli_requires_path: user_id and local_path_hash both or neither",
    async () => {
      await rejectsWith(
        () => sql`update configurations set user_id = ${f.user} where id = ${f.configuration}`,
        "23514",
        "configurations_cli_requires_path",
      );
      await accepts(() =>
        sql`update configurations set user_id = ${f.user}, local_path_hash = 'lph-1'
        where id = ${f.configuration}`
      );
      await accepts(() =>
        sql`update configurations set user_id = null, local_path_hash = null
        where id = ${f.configuration}`
      );
    },
  );

  await t.step(
    "configurations_user_path_unique: renamed, one configuration per user and local path",
    async () => {
      const insert = (path: string) =>
        sql`insert into configurations (name, user_id, local_path_hash)
        values ('cli', ${f.user}, ${path})`;
      await accepts(() => insert("lph-unique"));
      await rejectsWith(() => insert("lph-unique"), "23505", "configurations_user_path_unique");
      await accepts(() => insert("lph-other"));
    },
  );

  await t.step(
    "sandbox_base_snapshots (drift D1): status building/ready/failed, one row per version, provider and app",
    async () => {
      const insert = (provider: string) =>
        sql<{ id: string; status: string }[]>`
        insert into sandbox_base_snapshots (version_key, provider, modal_app_name)
        values ('base-v1', ${provider}, 'sandbox-base') returning id, status`;
      const [row] = await insert("modal");
      assert.equal(row.status, "building", "status defaults to building");
      await checkColumn(sql, {
        table: "sandbox_base_snapshots",
        column: "status",
        id: row.id,
        constraint: "sandbox_base_snapshots_status_check",
        bad: ["queued", "pending", ""],
        good: ["ready", "failed", "building"],
      });
      await rejectsWith(
        () => insert("modal"),
        "23505",
        "idx_sandbox_base_snapshots_version_provider_app",
      );
      await accepts(() => insert("e2b"));
    },
  );

  // --- JSONB shape and path CHECKs ---------------------------------------------------------

  await t.step(
    "organization_action_modes_check: an object of '<source>:<action>' → allow/deny/require_approval",
    () =>
      checkColumn(sql, {
        table: "organization",
        column: "action_modes",
        id: f.org,
        constraint: "organization_action_modes_check",
        bad: ACTION_MODES_BAD,
        good: ACTION_MODES_GOOD,
        json: true,
      }),
  );

  await t.step(
    "automations_action_modes_check: the same shape as the organization's",
    () =>
      checkColumn(sql, {
        table: "automations",
        column: "action_modes",
        id: f.automation,
        constraint: "automations_action_modes_check",
        bad: ACTION_MODES_BAD,
        good: ACTION_MODES_GOOD,
        json: true,
      }),
  );

  await t.step(
    "org_connectors_tool_risk_overrides_check: tool → { mode, hash } strings only",
    () =>
      checkColumn(sql, {
        table: "org_connectors",
        column: "tool_risk_overrides",
        id: f.connector,
        constraint: "org_connectors_tool_risk_overrides_check",
        bad: [
          [],
          [{ mode: "allow", hash: "h" }],
          "allow",
          { search: "allow" },
          { search: { mode: "allow" } },
          { search: { hash: "ab12" } },
          { search: { mode: "always", hash: "ab12" } },
          { search: { mode: ["allow"], hash: "ab12" } },
          { search: { mode: "allow", hash: 12 } },
          { search: { mode: "allow", hash: null } },
          { search: { mode: "allow", hash: "ab12" }, fetch: { mode: "nope", hash: "cd34" } },
        ],
        good: [
          { search: { mode: "allow", hash: "ab12" } },
          {
            search: { mode: "deny", hash: "ab12" },
            fetch: { mode: "require_approval", hash: "cd34", reviewedBy: "usr_inv" },
          },
          {},
        ],
        json: true,
      }),
  );

  await t.step(
    "secret_files_path_check: relative paths only, no '..', no drive letter",
    () =>
      checkColumn(sql, {
        table: "secret_files",
        column: "file_path",
        id: f.file,
        constraint: "secret_files_path_check",
        bad: [
          "",
          "/etc/app.env",
          "C:\\app\\.env",
          "c:/app/.env",
          "..",
          "../.env",
          "app/../../.env",
          "app/..",
        ],
        good: ["apps/web/.env.local", "..env", "app/..hidden/.env", "config/x..y.env", ".env"],
      }),
  );

  // --- unique keys ---------------------------------------------------------------------

  await t.step(
    "secret_files_configuration_id_file_path_key: one file per path per configuration",
    async () => {
      await rejectsWith(
        () =>
          sql`insert into secret_files (organization_id, configuration_id, file_path)
          values (${f.org}, ${f.configuration}, '.env')`,
        "23505",
        "secret_files_configuration_id_file_path_key",
      );
      await accepts(() =>
        sql`insert into secret_files (organization_id, configuration_id, file_path)
        values (${f.org}, ${f.configuration}, 'apps/api/.env')`
      );
    },
  );

  await t.step(
    "secret_files_configuration_id_id_key: unique (configuration_id, id), the composite FK's target",
    async () => {
      const rows = await sql<{ columns: string[]; type: string }[]>`
      select c.contype::text as type,
             array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
                   join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n
                   order by k.i) as columns
      from pg_constraint c
      where c.conname = 'secret_files_configuration_id_id_key'
        and c.conrelid = 'secret_files'::regclass`;
      assert.deepEqual(rows.map((r) => ({ ...r })), [{
        type: "u",
        columns: ["configuration_id", "id"],
      }]);
    },
  );

  await t.step(
    "configuration_secrets_configuration_id_secret_id_key: a secret once per configuration",
    async () => {
      await accepts(() =>
        sql`insert into configuration_secrets (configuration_id, secret_id)
        values (${f.configuration}, ${f.secret})`
      );
      await rejectsWith(
        () =>
          sql`insert into configuration_secrets (configuration_id, secret_id, secret_file_id)
          values (${f.configuration}, ${f.secret}, ${f.file})`,
        "23505",
        "configuration_secrets_configuration_id_secret_id_key",
      );
      await accepts(() =>
        sql`insert into configuration_secrets (configuration_id, secret_id)
        values (${f.otherConfiguration}, ${f.secret})`
      );
    },
  );

  await t.step(
    "user_connections_user_org_provider_connection_key: one row per user/org/provider/connection",
    async () => {
      await rejectsWith(
        () =>
          sql`insert into user_connections (user_id, organization_id, provider, connection_id)
          values (${f.user}, ${f.org}, 'github', 'conn-user-1')`,
        "23505",
        "user_connections_user_org_provider_connection_key",
      );
      await accepts(() =>
        sql`insert into user_connections (user_id, organization_id, provider, connection_id)
        values (${f.user}, ${f.otherOrg}, 'github', 'conn-user-1')`
      );
      await accepts(() =>
        sql`insert into user_connections (user_id, organization_id, provider, connection_id)
        values (${f.user}, ${f.org}, 'github', 'conn-user-2')`
      );
    },
  );

  await t.step(
    "session_tool_invocations_session_id_tool_call_id_key: a tool call id once per session",
    async () => {
      await rejectsWith(
        () =>
          sql`insert into session_tool_invocations (session_id, tool_call_id, tool_name)
          values (${f.session}, 'call-1', 'save_snapshot')`,
        "23505",
        "session_tool_invocations_session_id_tool_call_id_key",
      );
      await accepts(() =>
        sql`insert into session_tool_invocations (session_id, tool_call_id, tool_name)
        values (${f.otherSession}, 'call-1', 'verify')`
      );
    },
  );

  await t.step(
    "trigger_poll_groups_org_provider_integration_key: NULLS NOT DISTINCT, so one NULL-integration group",
    async () => {
      const insert = (provider: string, integration: string | null) =>
        sql`insert into trigger_poll_groups (organization_id, provider, integration_id,
          cron_expression) values (${f.org}, ${provider}, ${integration}, '*/5 * * * *')`;
      await accepts(() => insert("linear", null));
      await rejectsWith(
        () => insert("linear", null),
        "23505",
        "trigger_poll_groups_org_provider_integration_key",
      );
      await accepts(() => insert("sentry", null));
      await accepts(() => insert("linear", f.integration));
      await rejectsWith(
        () => insert("linear", f.integration),
        "23505",
        "trigger_poll_groups_org_provider_integration_key",
      );
    },
  );

  await t.step(
    "trigger_events_trigger_id_dedup_key_key: a dedup key once per trigger",
    async () => {
      const insert = (trigger: string, key: string) =>
        sql`insert into trigger_events (trigger_id, organization_id, provider, event_type,
          occurred_at, dedup_key, title, context)
        values (${trigger}, ${f.org}, 'sentry', 'error_created', now(), ${key}, 'Again', '{}')`;
      await rejectsWith(
        () => insert(f.trigger, "evt-1"),
        "23505",
        "trigger_events_trigger_id_dedup_key_key",
      );
      await accepts(() => insert(f.otherTrigger, "evt-1"));
      await accepts(() => insert(f.trigger, "evt-2"));
    },
  );

  await t.step(
    "idx_sessions_idempotency: a key once per organization; NULL keys unlimited",
    async () => {
      const insert = (org: string, key: string | null) =>
        sql`insert into sessions (organization_id, idempotency_key) values (${org}, ${key})`;
      await accepts(() => insert(f.org, "req-1"));
      await rejectsWith(() => insert(f.org, "req-1"), "23505", "idx_sessions_idempotency");
      await accepts(() => insert(f.otherOrg, "req-1"));
      await accepts(() => insert(f.org, null));
      await accepts(() => insert(f.org, null));
      const [index] = await sql<{ def: string }[]>`
      select pg_get_indexdef('idx_sessions_idempotency'::regclass) as def`;
      assert.match(
        index.def,
        /UNIQUE INDEX .* \(organization_id, idempotency_key\) WHERE \(idempotency_key IS NOT NULL\)/,
      );
    },
  );

  await t.step(
    "secrets_org_key_unique_when_org_wide: an org-wide key once per organization",
    async () => {
      await rejectsWith(
        () =>
          sql`insert into secrets (organization_id, key, encrypted_value)
          values (${f.org}, 'API_KEY', 'enc:again')`,
        "23505",
        "secrets_org_key_unique_when_org_wide",
      );
      await accepts(() =>
        sql`insert into secrets (organization_id, repo_id, key, encrypted_value)
        values (${f.org}, ${f.repo}, 'API_KEY', 'enc:repo')`
      );
      await accepts(() =>
        sql`insert into secrets (organization_id, configuration_id, key, encrypted_value)
        values (${f.org}, ${f.configuration}, 'API_KEY', 'enc:configuration')`
      );
    },
  );

  await t.step(
    "secrets_org_repo_configuration_key_unique: renamed, keyed on configuration_id",
    async () => {
      await rejectsWith(
        () =>
          sql`insert into secrets (organization_id, repo_id, key, encrypted_value,
            configuration_id) values (${f.org}, ${f.repo}, 'SCOPED', 'a', ${f.configuration}),
            (${f.org}, ${f.repo}, 'SCOPED', 'b', ${f.configuration})`,
        "23505",
        "secrets_org_repo_configuration_key_unique",
      );
      await accepts(
        () =>
          sql`insert into secrets (organization_id, repo_id, key, encrypted_value,
            configuration_id) values (${f.org}, ${f.repo}, 'SCOPED', 'a', ${f.configuration}),
            (${f.org}, ${f.repo}, 'SCOPED', 'b', ${f.otherConfiguration})`,
        2,
      );
    },
  );

  // --- NOT NULL ------------------------------------------------------------------------

  await t.step(
    "triggers.enabled and triggers.config are NOT NULL, defaulting to true and {}",
    async () => {
      await rejectsNull(
        () => sql`update triggers set enabled = null where id = ${f.trigger}`,
        "enabled",
      );
      await rejectsNull(
        () => sql`update triggers set config = null where id = ${f.trigger}`,
        "config",
      );
      const [row] = await sql<{ enabled: boolean; config: unknown }[]>`
      select enabled, config from triggers where id = ${f.trigger}`;
      assert.deepEqual({ ...row }, { enabled: true, config: {} });
      await accepts(() =>
        sql`update triggers set enabled = false, config = '{"minSeverity":"fatal"}' where id = ${f.trigger}`
      );
    },
  );

  await t.step(
    "trigger_events: provider, event_type, occurred_at, dedup_key, title, context, status are NOT NULL",
    async () => {
      const values: Record<string, postgres.ParameterOrFragment<never>> = {
        provider: "sentry",
        event_type: "error_created",
        occurred_at: new Date("2026-02-01T00:00:00Z"),
        dedup_key: "evt-1",
        title: "Boom",
        context: sql.json({ title: "Boom" }),
        status: "processing",
      };
      for (const [column, value] of Object.entries(values)) {
        await rejectsNull(
          () => sql`update trigger_events set ${sql(column)} = null where id = ${f.triggerEvent}`,
          column,
        );
        await accepts(() =>
          sql`update trigger_events set ${sql(column)} = ${value} where id = ${f.triggerEvent}`
        );
      }
      const [row] = await sql<{ status: string }[]>`
      insert into trigger_events (trigger_id, organization_id, provider, event_type, occurred_at,
        dedup_key, title, context)
      values (${f.trigger}, ${f.org}, 'sentry', 'error_created', now(), 'evt-default', 'T', '{}')
      returning status`;
      assert.equal(row.status, "queued", "status defaults to queued");
    },
  );

  await t.step("trigger_events.raw_payload is nullable now", async () => {
    await accepts(() =>
      sql`update trigger_events set raw_payload = null where id = ${f.triggerEvent}`
    );
  });

  await t.step("action_invocations.mode and mode_source are NOT NULL", async () => {
    for (const column of ["mode", "mode_source"]) {
      await rejectsNull(
        () => sql`update action_invocations set ${sql(column)} = null where id = ${f.invocation}`,
        column,
      );
    }
    await rejectsNull(
      () =>
        sql`insert into action_invocations (session_id, organization_id, integration, action,
            risk_level, mode_source, status) values (${f.session}, ${f.org}, 'linear', 'list',
            'read', 'inferred_default', 'executed')`,
      "mode",
    );
    await accepts(() =>
      sql`insert into action_invocations (session_id, organization_id, integration, action,
          risk_level, mode, mode_source, status) values (${f.session}, ${f.org}, 'linear',
          'list', 'read', 'allow', 'inferred_default', 'executed')`
    );
  });

  await t.step("action_modes and tool_risk_overrides are NOT NULL, defaulting to {}", async () => {
    const cases: [string, string, string][] = [
      ["organization", "action_modes", f.org],
      ["automations", "action_modes", f.automation],
      ["org_connectors", "tool_risk_overrides", f.connector],
    ];
    for (const [table, column, id] of cases) {
      await rejectsNull(
        () => sql`update ${sql(table)} set ${sql(column)} = null where id = ${id}`,
        column,
      );
    }
    const [org] = await sql<{ action_modes: unknown }[]>`
      insert into organization (id, name, slug, "createdAt")
      values ('org_inv_default', 'D', 'inv-default', now()) returning action_modes`;
    assert.deepEqual(org.action_modes, {});
  });

  // --- foreign keys --------------------------------------------------------------------

  await t.step(
    "sessions_configuration_id_fkey: deleting a configuration keeps its sessions (SET NULL)",
    async () => {
      const configuration = crypto.randomUUID();
      const session = crypto.randomUUID();
      await sql`insert into configurations (id, name) values (${configuration}, 'doomed')`;
      await sql`insert into sessions (id, organization_id, configuration_id)
      values (${session}, ${f.org}, ${configuration})`;
      await sql`insert into action_invocations (session_id, organization_id, integration, action,
        risk_level, mode, mode_source, status)
      values (${session}, ${f.org}, 'linear', 'list', 'read', 'allow', 'inferred_default',
              'executed')`;
      await accepts(() => sql`delete from configurations where id = ${configuration}`);
      const rows = await sql`select configuration_id from sessions where id = ${session}`;
      assert.deepEqual(rows.map((r) => r.configuration_id), [null]);
      const kept = await sql`select 1 from action_invocations where session_id = ${session}`;
      assert.equal(kept.length, 1, "the session's invocations survive too");
      await rejectsWith(
        () =>
          sql`update sessions set configuration_id = ${crypto.randomUUID()} where id = ${session}`,
        "23503",
        "sessions_configuration_id_fkey",
      );
    },
  );

  await t.step(
    "trigger_poll_groups_integration_id_fkey: deleting an integration deletes its poll groups (CASCADE)",
    async () => {
      const integration = crypto.randomUUID();
      await sql`insert into integrations (id, organization_id, provider, integration_id,
        connection_id) values (${integration}, ${f.org}, 'nango', 'posthog', 'conn-ph')`;
      await sql`insert into trigger_poll_groups (organization_id, provider, integration_id,
        cron_expression) values (${f.org}, 'posthog', ${integration}, '0 * * * *'),
        (${f.org}, 'posthog', null, '0 * * * *')`;
      await accepts(() => sql`delete from integrations where id = ${integration}`);
      const rows = await sql<{ integration_id: string | null }[]>`
      select integration_id from trigger_poll_groups where provider = 'posthog'`;
      assert.deepEqual(rows.map((r) => r.integration_id), [null]);
      await rejectsWith(
        () =>
          sql`insert into trigger_poll_groups (organization_id, provider, integration_id,
            cron_expression) values (${f.org}, 'x', ${crypto.randomUUID()}, '* * * * *')`,
        "23503",
        "trigger_poll_groups_integration_id_fkey",
      );
    },
  );

  await t.step(
    "configuration_secrets_secret_file_id_fkey: the file must belong to the same configuration",
    async () => {
      await rejectsWith(
        () =>
          sql`insert into configuration_secrets (configuration_id, secret_id, secret_file_id)
          values (${f.configuration}, ${f.otherSecret}, ${f.otherFile})`,
        "23503",
        "configuration_secrets_secret_file_id_fkey",
      );
      await accepts(() =>
        sql`insert into configuration_secrets (configuration_id, secret_id, secret_file_id)
        values (${f.configuration}, ${f.otherSecret}, ${f.file})`
      );
      await accepts(() =>
        sql`insert into configuration_secrets (configuration_id, secret_id, secret_file_id)
        values (${f.otherConfiguration}, ${f.otherSecret}, null)`
      );
      await rejectsWith(
        () =>
          sql`update configuration_secrets set secret_file_id = ${f.file}
          where configuration_id = ${f.otherConfiguration} and secret_id = ${f.otherSecret}`,
        "23503",
        "configuration_secrets_secret_file_id_fkey",
      );
    },
  );

  await t.step(
    "every foreign key of the new and renamed tables rejects a missing parent, by name",
    async () => {
      const missing = crypto.randomUUID();
      const cases: [string, () => Promise<unknown>][] = [
        [
          "configuration_repos_configuration_id_fkey",
          () =>
            sql`insert into configuration_repos (configuration_id, repo_id, workspace_path)
            values (${missing}, ${f.repo}, '.')`,
        ],
        [
          "configuration_repos_repo_id_fkey",
          () =>
            sql`insert into configuration_repos (configuration_id, repo_id, workspace_path)
            values (${f.configuration}, ${missing}, 'gone')`,
        ],
        [
          "configurations_created_by_fkey",
          () =>
            sql`update configurations set created_by = 'usr_missing' where id = ${f.configuration}`,
        ],
        [
          "configurations_user_id_fkey",
          () =>
            sql`update configurations set user_id = 'usr_missing', local_path_hash = 'lph-missing'
            where id = ${f.configuration}`,
        ],
        [
          "automations_default_configuration_id_fkey",
          () =>
            sql`update automations set default_configuration_id = ${missing}
            where id = ${f.automation}`,
        ],
        [
          "secrets_configuration_id_fkey",
          () => sql`update secrets set configuration_id = ${missing} where id = ${f.otherSecret}`,
        ],
        [
          "secret_files_organization_id_fkey",
          () =>
            sql`insert into secret_files (organization_id, configuration_id, file_path)
            values ('org_missing', ${f.configuration}, 'missing.env')`,
        ],
        [
          "secret_files_configuration_id_fkey",
          () =>
            sql`insert into secret_files (organization_id, configuration_id, file_path)
            values (${f.org}, ${missing}, 'missing.env')`,
        ],
        [
          "secret_files_created_by_fkey",
          () =>
            sql`insert into secret_files (organization_id, configuration_id, file_path, created_by)
            values (${f.org}, ${f.configuration}, 'missing.env', 'usr_missing')`,
        ],
        [
          "configuration_secrets_configuration_id_fkey",
          () =>
            sql`insert into configuration_secrets (configuration_id, secret_id)
            values (${missing}, ${f.secret})`,
        ],
        [
          "configuration_secrets_secret_id_fkey",
          () =>
            sql`insert into configuration_secrets (configuration_id, secret_id)
            values (${f.configuration}, ${missing})`,
        ],
        [
          "session_tool_invocations_session_id_fkey",
          () =>
            sql`insert into session_tool_invocations (session_id, tool_call_id, tool_name)
            values (${missing}, 'call-missing', 'verify')`,
        ],
        [
          "user_connections_user_id_fkey",
          () =>
            sql`insert into user_connections (user_id, organization_id, provider, connection_id)
            values ('usr_missing', ${f.org}, 'github', 'conn-missing')`,
        ],
        [
          "user_connections_organization_id_fkey",
          () =>
            sql`insert into user_connections (user_id, organization_id, provider, connection_id)
            values (${f.user}, 'org_missing', 'github', 'conn-missing')`,
        ],
        [
          "trigger_poll_groups_organization_id_fkey",
          () =>
            sql`insert into trigger_poll_groups (organization_id, provider, cron_expression)
            values ('org_missing', 'linear', '*/5 * * * *')`,
        ],
      ];
      for (const [constraint, write] of cases) await rejectsWith(write, "23503", constraint);
    },
  );

  await t.step(
    "deleting a configuration takes its repo links, scoped secrets, files and secret links along; automations only lose their default",
    async () => {
      const configuration = crypto.randomUUID();
      const automation = crypto.randomUUID();
      await sql`insert into configurations (id, name) values (${configuration}, 'doomed')`;
      await sql`insert into configuration_repos (configuration_id, repo_id, workspace_path)
        values (${configuration}, ${f.repo}, '.')`;
      await sql`insert into secrets (organization_id, key, encrypted_value, configuration_id)
        values (${f.org}, 'DOOMED', 'enc:doomed', ${configuration})`;
      await sql`insert into secret_files (organization_id, configuration_id, file_path)
        values (${f.org}, ${configuration}, '.env')`;
      // Without a file, so that only the configuration's own key can remove the link.
      await sql`insert into configuration_secrets (configuration_id, secret_id)
        values (${configuration}, ${f.otherSecret})`;
      await sql`insert into automations (id, organization_id, default_configuration_id)
        values (${automation}, ${f.org}, ${configuration})`;
      await accepts(() => sql`delete from configurations where id = ${configuration}`);
      const [left] = await sql<Record<string, number>[]>`select
        (select count(*)::int from configuration_repos where configuration_id = ${configuration})
          as configuration_repos,
        (select count(*)::int from secrets where configuration_id = ${configuration}) as secrets,
        (select count(*)::int from secret_files where configuration_id = ${configuration})
          as secret_files,
        (select count(*)::int from configuration_secrets where configuration_id = ${configuration})
          as configuration_secrets,
        (select count(*)::int from automations
         where id = ${automation} and default_configuration_id is null) as automations_kept,
        (select count(*)::int from secrets where id = ${f.otherSecret}) as linked_secret_kept`;
      assert.deepEqual({ ...left }, {
        configuration_repos: 0,
        secrets: 0,
        secret_files: 0,
        configuration_secrets: 0,
        automations_kept: 1,
        linked_secret_kept: 1,
      });
    },
  );

  await t.step(
    "deleting a secret file or a secret removes the links to it; the file's secrets stay",
    async () => {
      const [inFile, asEnv] = [crypto.randomUUID(), crypto.randomUUID()];
      const file = crypto.randomUUID();
      await sql`insert into secrets (id, organization_id, key, encrypted_value) values
        (${inFile}, ${f.org}, 'IN_FILE', 'enc:a'), (${asEnv}, ${f.org}, 'AS_ENV', 'enc:b')`;
      await sql`insert into secret_files (id, organization_id, configuration_id, file_path)
        values (${file}, ${f.org}, ${f.otherConfiguration}, 'doomed/.env')`;
      await sql`insert into configuration_secrets (configuration_id, secret_id, secret_file_id)
        values (${f.otherConfiguration}, ${inFile}, ${file}),
               (${f.otherConfiguration}, ${asEnv}, null)`;
      const links = async () =>
        (await sql<{ secret_id: string }[]>`
          select secret_id from configuration_secrets where secret_id in ${sql([inFile, asEnv])}`)
          .map((r) => r.secret_id).sort();
      assert.deepEqual(await links(), [inFile, asEnv].sort());
      await accepts(() => sql`delete from secret_files where id = ${file}`);
      assert.deepEqual(await links(), [asEnv], "the file's link goes with the file");
      await accepts(() => sql`delete from secrets where id = ${asEnv}`);
      assert.deepEqual(await links(), [], "the secret's link goes with the secret");
      const kept = await sql`select 1 from secrets where id = ${inFile}`;
      assert.equal(kept.length, 1, "a deleted file leaves its secrets in place");
    },
  );

  await t.step(
    "deleting a session, user or organization removes its tool calls, user connections, poll groups and secret files",
    async () => {
      const session = crypto.randomUUID();
      await sql`insert into sessions (id, organization_id) values (${session}, ${f.org})`;
      await sql`insert into session_tool_invocations (session_id, tool_call_id, tool_name)
        values (${session}, 'call-doomed', 'verify')`;
      await sql`insert into "user" (id, name, email, "emailVerified")
        values ('usr_doomed', 'Doomed', 'doomed@example.com', false)`;
      await sql`insert into organization (id, name, slug, "createdAt")
        values ('org_doomed', 'Doomed', 'doomed', now())`;
      await sql`insert into user_connections (user_id, organization_id, provider, connection_id)
        values ('usr_doomed', ${f.org}, 'github', 'conn-doomed-user'),
               (${f.user}, 'org_doomed', 'github', 'conn-doomed-org')`;
      await sql`insert into trigger_poll_groups (organization_id, provider, cron_expression)
        values ('org_doomed', 'linear', '*/5 * * * *')`;
      await sql`insert into secret_files (organization_id, configuration_id, file_path)
        values ('org_doomed', ${f.configuration}, 'doomed.env')`;

      await accepts(() => sql`delete from sessions where id = ${session}`);
      await accepts(() => sql`delete from "user" where id = 'usr_doomed'`);
      await accepts(() => sql`delete from organization where id = 'org_doomed'`);
      const [left] = await sql<Record<string, number>[]>`select
        (select count(*)::int from session_tool_invocations where session_id = ${session})
          as session_tool_invocations,
        (select count(*)::int from user_connections
         where user_id = 'usr_doomed' or organization_id = 'org_doomed') as user_connections,
        (select count(*)::int from trigger_poll_groups where organization_id = 'org_doomed')
          as trigger_poll_groups,
        (select count(*)::int from secret_files where organization_id = 'org_doomed')
          as secret_files`;
      assert.deepEqual({ ...left }, {
        session_tool_invocations: 0,
        user_connections: 0,
        trigger_poll_groups: 0,
        secret_files: 0,
      });
    },
  );

  await t.step(
    "webhook_inbox.organization_id has no FK: an unresolved org hint is accepted",
    async () => {
      await accepts(() =>
        sql`insert into webhook_inbox (organization_id, provider, payload, identity_kind,
          identity_id) values ('sentry-org-1234', 'sentry', '{}', 'org', 'sentry-org-1234')`
      );
    },
  );

  // --- ON CONFLICT behaviour -----------------------------------------------------------

  await t.step(
    "sessions ON CONFLICT (organization_id, idempotency_key) WHERE … DO NOTHING keeps the first row",
    async () => {
      const create = () =>
        sql<{ id: string }[]>`
        insert into sessions (organization_id, idempotency_key, title)
        values (${f.org}, 'create-42', ${"attempt " + crypto.randomUUID()})
        on conflict (organization_id, idempotency_key) where idempotency_key is not null
        do nothing
        returning id`;
      const first = await create();
      assert.equal(first.length, 1);
      const second = await create();
      assert.equal(second.length, 0, "the retry inserts nothing");
      const rows = await sql<{ id: string }[]>`
      select id from sessions where organization_id = ${f.org} and idempotency_key = 'create-42'`;
      assert.deepEqual(rows.map((r) => r.id), [first[0].id], "the existing row is the answer");
      await assert.rejects(
        () =>
          sql`insert into sessions (organization_id, idempotency_key) values (${f.org}, 'create-42')
          on conflict (organization_id, idempotency_key) do nothing`,
        (error: PgError) => {
          assert.equal(error.code, "42P10", "without the predicate no index matches");
          return true;
        },
      );
    },
  );

  await t.step(
    "trigger_events ON CONFLICT (trigger_id, dedup_key) DO NOTHING makes re-delivery a no-op",
    async () => {
      const deliver = (title: string) =>
        sql<{ id: string }[]>`
        insert into trigger_events (trigger_id, organization_id, provider, event_type,
          occurred_at, dedup_key, title, context)
        values (${f.otherTrigger}, ${f.org}, 'linear', 'issue_created', now(), 'LIN-7', ${title},
                '{}')
        on conflict (trigger_id, dedup_key) do nothing
        returning id`;
      const first = await deliver("first delivery");
      assert.equal(first.length, 1);
      assert.equal((await deliver("re-delivery")).length, 0);
      const rows = await sql<{ id: string; title: string }[]>`
      select id, title from trigger_events
      where trigger_id = ${f.otherTrigger} and dedup_key = 'LIN-7'`;
      assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: first[0].id, title: "first delivery" }]);
    },
  );
});
