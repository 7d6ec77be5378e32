/**
 * Fills a database that stands at migration 0000 (the pre-vNext baseline) with realistic rows in
 * every one of its 38 tables, so that the upgrade tests have something to lose.
 *
 * The rows are chosen for the upgrade's edge cases: prebuilds linked to one, two or no repos;
 * sessions with and without a prebuild, of every legacy session type; secrets org-wide, per repo,
 * per prebuild and inside bundles with and without a target path (including two bundles that
 * write the same file, bundles of two organizations that write the same file of a prebuild linked
 * to repos of both, an empty bundle and a bundle without a file of an organization without
 * prebuilds: one with a file would be refused);
 * action invocations of every risk level and of the legacy statuses approved, executing and
 * completed; triggers with NULL `enabled` / `config`; trigger events with NULL dedup key, status,
 * parsed context and created_at, with and without a provider event type; action grants whose
 * values carry {@linkcode GRANT_MARKERS} so that a test can prove no copy survives.
 *
 * Every statement uses the baseline names (`prebuilds`, `prebuild_id`, `parsed_context`, …).
 *
 * {@linkcode seedDrift} then adds what the unjournaled pre-vNext files left on some deployed
 * databases (drift D1–D3 of the baseline sheet), with rows and values the upgrade must keep.
 *
 * @module
 */
import type postgres from "postgres";

/** The 38 tables of the baseline, sorted by name. */
export const BASELINE_TABLES: readonly string[] = [
  "account",
  "action_grants",
  "action_invocations",
  "apikey",
  "automation_connections",
  "automation_run_events",
  "automation_runs",
  "automation_side_effects",
  "automations",
  "billing_events",
  "billing_reconciliations",
  "cli_device_codes",
  "cli_github_selections",
  "integrations",
  "invitation",
  "llm_spend_cursors",
  "member",
  "org_connectors",
  "organization",
  "outbox",
  "prebuild_repos",
  "prebuilds",
  "repo_connections",
  "repos",
  "schedules",
  "secret_bundles",
  "secrets",
  "session",
  "session_connections",
  "sessions",
  "slack_conversations",
  "slack_installations",
  "trigger_event_actions",
  "trigger_events",
  "triggers",
  "user",
  "user_ssh_keys",
  "verification",
];

/** Strings that appear only in `action_grants` rows; none may survive the upgrade anywhere. */
export const GRANT_MARKERS: readonly string[] = [
  "grant-only-integration-7d1e",
  "grant-only-action-5b9c",
  "grant-only-action-c4a0",
];

/** A bundle as seeded, with the ids of its member secrets. */
export interface SeededBundle {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  createdBy: string | null;
  targetPath: string | null;
  secretIds: string[];
}

/** An action invocation as seeded, with the values the backfill reads. */
export interface SeededInvocation {
  id: string;
  riskLevel: string;
  status: string;
  approvedBy: string | null;
}

/** A trigger event as seeded, with the values the backfill reads (baseline names). */
export interface SeededTriggerEvent {
  id: string;
  triggerId: string;
  providerEventType: string | null;
  status: string | null;
  dedupKey: string | null;
  parsedContext: Record<string, unknown> | null;
  createdAt: string | null;
}

/** The ids (and some values) of everything {@linkcode seedBaseline} inserted. */
export interface BaselineSeed {
  users: { alice: string; bob: string; carol: string; dave: string };
  orgs: { acme: string; globex: string; personal: string };
  repos: { web: string; api: string; local: string; globex: string };
  integrations: { githubApp: string; sentry: string; linear: string; globexLinear: string };
  /** Prebuilds: `web` → repo web; `multi` → repos web, api (acme) and globex; `globex` → repo globex; `cli` and `orphan` → no repo. */
  prebuilds: { web: string; multi: string; globex: string; cli: string; orphan: string };
  /** `prebuild_id` of each seeded session (null where the session has none). */
  sessionPrebuild: Record<string, string | null>;
  sessions: {
    webRunning: string;
    multiPaused: string;
    cli: string;
    terminal: string;
    slack: string;
    automation: string;
    setupFailed: string;
    pendingNoClient: string;
    child: string;
  };
  automations: { sentry: string; linear: string; globex: string };
  /** `default_prebuild_id` of each seeded automation. */
  automationDefaultPrebuild: Record<string, string | null>;
  /** Triggers with their seeded `enabled` and `config` (NULL kept as null). */
  triggers: Record<
    "sentryWebhook" | "linearPoll" | "scheduled" | "globexGithub",
    { id: string; provider: string; enabled: boolean | null; config: unknown }
  >;
  triggerEvents: SeededTriggerEvent[];
  invocations: SeededInvocation[];
  grants: string[];
  bundles: SeededBundle[];
  secrets: {
    orgWide: string;
    repoScoped: string;
    prebuildScoped: string;
    inBundles: string[];
  };
  /** `prebuild_id` of each seeded secret (null where none). */
  secretPrebuild: Record<string, string | null>;
  /** Rows of `prebuild_repos` as [prebuild_id, repo_id]. */
  prebuildRepos: [string, string][];
  orgConnector: string;
}

const T0 = "2026-01-12T09:00:00Z";

function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

/**
 * Inserts the seed rows into the baseline database behind `sql` and returns their ids.
 * The database must be at migration 0000 and empty.
 */
export async function seedBaseline(sql: postgres.Sql): Promise<BaselineSeed> {
  const json = (value: unknown) => sql.json(value as postgres.JSONValue);
  const uuid = () => crypto.randomUUID();

  // --- users, organizations, auth -------------------------------------------------------
  const users = { alice: "usr_alice", bob: "usr_bob", carol: "usr_carol", dave: "usr_dave" };
  for (const [handle, id] of Object.entries(users)) {
    await sql`insert into "user" (id, name, email, "emailVerified", image, "createdAt", "updatedAt")
      values (${id}, ${handle[0].toUpperCase() + handle.slice(1)}, ${`${handle}@example.com`},
              ${handle !== "dave"}, ${handle === "alice" ? "https://avatars.example/alice" : null},
              ${T0}, ${T0})`;
  }
  const orgs = { acme: "org_acme", globex: "org_globex", personal: "org_alice_personal" };
  await sql`insert into organization (id, name, slug, "createdAt", allowed_domains, is_personal,
      autumn_customer_id, onboarding_complete, billing_state, billing_plan, shadow_balance,
      shadow_balance_updated_at)
    values (${orgs.acme}, 'Acme', 'acme', ${T0}, ${["acme.dev"]}, false, 'cus_acme', true,
            'active', 'pro', 1234.5, ${at(5)})`;
  await sql`insert into organization (id, name, slug, "createdAt", metadata, billing_state,
      grace_entered_at, grace_expires_at)
    values (${orgs.globex}, 'Globex', 'globex', ${at(1)}, '{"region":"eu"}', 'grace',
            ${at(60)}, ${at(60 * 24 * 3)})`;
  await sql`insert into organization (id, name, slug, "createdAt", is_personal)
    values (${orgs.personal}, 'Alice (personal)', 'alice-personal', ${at(2)}, true)`;
  await sql`insert into member (id, "organizationId", "userId", role, "createdAt") values
    ('mem_1', ${orgs.acme}, ${users.alice}, 'owner', ${T0}),
    ('mem_2', ${orgs.acme}, ${users.bob}, 'member', ${at(3)}),
    ('mem_3', ${orgs.globex}, ${users.carol}, 'owner', ${at(4)}),
    ('mem_4', ${orgs.personal}, ${users.alice}, 'owner', ${at(2)})`;
  await sql`insert into account (id, "accountId", "providerId", "userId", "accessToken", scope,
      "createdAt", "updatedAt") values
    ('acc_1', '1001', 'github', ${users.alice}, 'gho_alice', 'read:user,repo', ${T0}, ${T0}),
    ('acc_2', '1002', 'github', ${users.bob}, 'gho_bob', 'read:user', ${at(3)}, ${at(3)}),
    ('acc_3', 'carol@example.com', 'credential', ${users.carol}, null, null, ${at(4)}, ${at(4)})`;
  await sql`update account set password = 'scrypt$hash' where id = 'acc_3'`;
  await sql`insert into session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress",
      "userAgent", "userId", "activeOrganizationId") values
    ('ses_1', ${at(60 * 24 * 30)}, 'tok_alice_1', ${at(10)}, ${at(10)}, '203.0.113.7',
     'Mozilla/5.0', ${users.alice}, ${orgs.acme}),
    ('ses_2', ${at(60 * 24 * 30)}, 'tok_carol_1', ${at(11)}, ${at(11)}, null, null,
     ${users.carol}, null)`;
  await sql`insert into verification (id, identifier, value, "expiresAt") values
    ('ver_1', 'email-verification:dave@example.com', 'code-839201', ${at(60)})`;
  await sql`insert into apikey (id, name, start, prefix, key, "userId", enabled,
      "rateLimitEnabled", "rateLimitTimeWindow", "rateLimitMax", "requestCount", "createdAt",
      "updatedAt", permissions, metadata) values
    ('key_1', 'ci', 'pk_live', 'pk', 'hashed-key-1', ${users.bob}, true, true, 60000, 100, 7,
     ${at(20)}, ${at(20)}, '{"sessions":["create"]}', '{"orgId":"org_acme"}')`;
  await sql`insert into invitation (id, "organizationId", email, role, status, "expiresAt",
      "inviterId") values
    ('inv_1', ${orgs.acme}, 'dave@example.com', 'member', 'pending', ${at(60 * 24 * 7)},
     ${users.alice})`;
  await sql`insert into user_ssh_keys (user_id, public_key, fingerprint, name) values
    (${users.alice}, 'ssh-ed25519 AAAAC3Nza alice@laptop', 'SHA256:alice1', 'laptop')`;

  // --- repos and integrations ------------------------------------------------------------
  const repos = { web: uuid(), api: uuid(), local: uuid(), globex: uuid() };
  await sql`insert into repos (id, organization_id, github_url, github_repo_id, github_repo_name,
      default_branch, setup_commands, detected_stack, added_by, is_private, repo_snapshot_id,
      repo_snapshot_status, repo_snapshot_commit_sha, repo_snapshot_provider, service_commands)
    values
    (${repos.web}, ${orgs.acme}, 'https://github.com/acme/web', '5001', 'acme/web', 'main',
     ${["pnpm install"]}, ${json({ language: "typescript", framework: "next" })}, ${users.alice},
     true, 'im-web-1', 'ready', 'a1b2c3', 'modal',
     ${json([{ name: "dev", command: "pnpm dev" }])}),
    (${repos.api}, ${orgs.acme}, 'https://github.com/acme/api', '5002', 'acme/api', 'develop',
     null, null, ${users.bob}, false, null, 'failed', null, null, null),
    (${repos.globex}, ${orgs.globex}, 'https://github.com/globex/site', '7001', 'globex/site',
     'main', null, null, ${users.carol}, false, null, null, null, null, null)`;
  await sql`insert into repos (id, organization_id, github_url, github_repo_id, github_repo_name,
      source, local_path_hash, is_orphaned)
    values (${repos.local}, ${orgs.acme}, 'file:///home/alice/scratch', 'local-9f8e',
            'scratch', 'local', 'lph-alice-scratch', true)`;

  const integrations = { githubApp: uuid(), sentry: uuid(), linear: uuid(), globexLinear: uuid() };
  await sql`insert into integrations (id, organization_id, provider, integration_id,
      connection_id, display_name, scopes, status, visibility, created_by, github_installation_id)
    values
    (${integrations.githubApp}, ${orgs.acme}, 'github-app', 'github-app', 'github-app-4401',
     'acme (GitHub App)', ${["contents:read", "pull_requests:write"]}, 'active', 'org',
     ${users.alice}, '4401'),
    (${integrations.sentry}, ${orgs.acme}, 'nango', 'sentry', 'conn-sentry-acme', 'Sentry',
     null, 'active', 'org', ${users.alice}, null),
    (${integrations.linear}, ${orgs.acme}, 'nango', 'linear', 'conn-linear-acme', 'Linear',
     ${["read", "write"]}, 'expired', 'private', ${users.bob}, null),
    (${integrations.globexLinear}, ${orgs.globex}, 'nango', 'linear', 'conn-linear-globex',
     null, null, 'revoked', 'org', ${users.carol}, null)`;
  await sql`insert into repo_connections (repo_id, integration_id) values
    (${repos.web}, ${integrations.githubApp}), (${repos.api}, ${integrations.githubApp})`;

  // --- prebuilds -------------------------------------------------------------------------
  const prebuilds = { web: uuid(), multi: uuid(), globex: uuid(), cli: uuid(), orphan: uuid() };
  await sql`insert into prebuilds (id, snapshot_id, status, created_by, name, notes, created_at,
      sandbox_provider, type, service_commands, service_commands_updated_at,
      service_commands_updated_by, env_files, env_files_updated_at, env_files_updated_by,
      connectors, connectors_updated_at, connectors_updated_by)
    values
    (${prebuilds.web}, 'snap-web-3', 'ready', ${users.alice}, 'Web app', 'single repo',
     ${at(30)}, 'modal', 'manual', ${json([{ name: "web", command: "pnpm dev", cwd: "." }])},
     ${at(31)}, ${users.alice}, null, null, null, null, null, null),
    (${prebuilds.multi}, 'snap-multi-1', 'ready', ${users.bob}, 'Web + API', null, ${at(32)},
     'e2b', 'managed', null, null, null,
     ${json([{ path: ".env", keys: ["API_URL"] }])}, ${at(33)}, ${users.bob},
     ${json([{ name: "docs", url: "https://mcp.example/docs" }])}, ${at(34)}, ${users.bob}),
    (${prebuilds.globex}, null, 'building', ${users.carol}, 'Globex site', null, ${at(35)},
     'modal', 'manual', null, null, null, null, null, null, null, null, null),
    (${prebuilds.orphan}, null, 'failed', ${users.alice}, 'Abandoned', null, ${at(36)},
     'modal', 'manual', null, null, null, null, null, null, null, null, null)`;
  await sql`update prebuilds set error = 'snapshot build timed out' where id = ${prebuilds.orphan}`;
  await sql`insert into prebuilds (id, name, created_at, user_id, local_path_hash, type, status)
    values (${prebuilds.cli}, 'scratch (cli)', ${at(37)}, ${users.alice}, 'lph-alice-scratch',
            'cli', 'ready')`;
  const prebuildRepos: [string, string][] = [
    [prebuilds.web, repos.web],
    [prebuilds.multi, repos.web],
    [prebuilds.multi, repos.api],
    [prebuilds.globex, repos.globex],
    // One configuration over repos of two organizations: both name the file .env.
    [prebuilds.multi, repos.globex],
  ];
  const workspace = ["." as string, "web", "api", ".", "site"];
  for (const [i, [prebuildId, repoId]] of prebuildRepos.entries()) {
    await sql`insert into prebuild_repos (prebuild_id, repo_id, workspace_path, created_at)
      values (${prebuildId}, ${repoId}, ${workspace[i]}, ${at(38 + i)})`;
  }

  // --- slack, automations, triggers ------------------------------------------------------
  const slackAcme = uuid();
  const slackGlobex = uuid();
  await sql`insert into slack_installations (id, organization_id, team_id, team_name,
      encrypted_bot_token, bot_user_id, scopes, installed_by, status, support_channel_id,
      support_channel_name, support_invite_id, support_invite_url) values
    (${slackAcme}, ${orgs.acme}, 'T0ACME', 'Acme', 'enc:xoxb-acme', 'U0BOT', ${["chat:write"]},
     ${users.alice}, 'active', 'C0SUPPORT', 'acme-support', 'I0INV', 'https://slack.example/i'),
    (${slackGlobex}, ${orgs.globex}, 'T0GLOBEX', 'Globex', 'enc:xoxb-globex', 'U0BOT2', null,
     ${users.carol}, 'revoked', null, null, null, null)`;

  const automations = { sentry: uuid(), linear: uuid(), globex: uuid() };
  await sql`insert into automations (id, organization_id, name, description, enabled,
      agent_instructions, model_id, allow_agentic_repo_selection, created_by, default_prebuild_id,
      llm_filter_prompt, enabled_tools, llm_analysis_prompt, notification_channel_id,
      notification_slack_installation_id) values
    (${automations.sentry}, ${orgs.acme}, 'Fix Sentry errors', 'triage new issues', true,
     'Find the root cause and open a PR.', 'claude-sonnet-4-20250514', false, ${users.alice},
     ${prebuilds.web}, 'Only production errors', ${json({ slack: { enabled: true } })},
     'Summarise the stack trace', 'C0ALERTS', ${slackAcme}),
    (${automations.linear}, ${orgs.acme}, 'Linear triage', null, false, null, 'claude-opus-4.5',
     true, ${users.bob}, null, null, ${json({})}, null, null, null),
    (${automations.globex}, ${orgs.globex}, 'Globex PR review', null, true, 'Review the PR',
     'claude-sonnet-4', false, ${users.carol}, ${prebuilds.globex}, null, null, null, null, null)`;
  const automationDefaultPrebuild = {
    [automations.sentry]: prebuilds.web,
    [automations.linear]: null,
    [automations.globex]: prebuilds.globex,
  };
  await sql`insert into automation_connections (automation_id, integration_id) values
    (${automations.sentry}, ${integrations.sentry})`;
  await sql`insert into schedules (automation_id, organization_id, name, cron_expression,
      timezone, enabled, last_run_at, next_run_at, created_by) values
    (${automations.linear}, ${orgs.acme}, 'weekday mornings', '0 9 * * 1-5', 'Europe/Berlin',
     true, ${at(60 * 24)}, ${at(60 * 48)}, ${users.bob})`;

  const triggerIds = {
    sentryWebhook: uuid(),
    linearPoll: uuid(),
    scheduled: uuid(),
    globexGithub: uuid(),
  };
  await sql`insert into triggers (id, organization_id, automation_id, name, trigger_type,
      provider, enabled, execution_mode, webhook_secret, webhook_url_path, config,
      integration_id, created_by) values
    (${triggerIds.sentryWebhook}, ${orgs.acme}, ${automations.sentry}, 'Sentry issues',
     'webhook', 'sentry', true, 'auto', 'whsec_1', 'wh-sentry-acme',
     ${json({ minSeverity: "error" })}, ${integrations.sentry}, ${users.alice})`;
  await sql`insert into triggers (id, organization_id, automation_id, trigger_type, provider,
      enabled, polling_cron, polling_endpoint, polling_state, last_polled_at, config,
      integration_id, created_by) values
    (${triggerIds.linearPoll}, ${orgs.acme}, ${automations.linear}, 'polling', 'linear',
     null, '*/5 * * * *', 'https://api.linear.app/graphql', ${json({ cursor: "c-118" })},
     ${at(90)}, null, ${integrations.linear}, ${users.bob})`;
  await sql`insert into triggers (id, organization_id, automation_id, trigger_type, provider,
      enabled, polling_cron, config, repeat_job_key, description) values
    (${triggerIds.scheduled}, ${orgs.acme}, ${automations.linear}, 'polling', 'scheduled',
     false, '0 * * * *', null, 'repeat:scheduled:acme:1', 'hourly digest')`;
  await sql`insert into triggers (id, organization_id, automation_id, trigger_type, provider,
      enabled, webhook_url_path, config, allow_agentic_repo_selection) values
    (${triggerIds.globexGithub}, ${orgs.globex}, ${automations.globex}, 'webhook', 'github',
     null, 'wh-github-globex', ${json({})}, true)`;
  const triggers = {
    sentryWebhook: {
      id: triggerIds.sentryWebhook,
      provider: "sentry",
      enabled: true,
      config: { minSeverity: "error" },
    },
    linearPoll: { id: triggerIds.linearPoll, provider: "linear", enabled: null, config: null },
    scheduled: { id: triggerIds.scheduled, provider: "scheduled", enabled: false, config: null },
    globexGithub: { id: triggerIds.globexGithub, provider: "github", enabled: null, config: {} },
  };

  // --- trigger events (sessions reference one, so they come first) -----------------------
  const triggerEvents: SeededTriggerEvent[] = [
    {
      id: uuid(),
      triggerId: triggerIds.sentryWebhook,
      providerEventType: "issue.created",
      status: "completed",
      dedupKey: "sentry:issue:901",
      parsedContext: { title: "TypeError in checkout", severity: "error" },
      createdAt: at(100),
    },
    {
      id: uuid(),
      triggerId: triggerIds.sentryWebhook,
      providerEventType: "issue.resolved",
      status: null,
      dedupKey: null,
      parsedContext: null,
      createdAt: at(101),
    },
    {
      id: uuid(),
      triggerId: triggerIds.linearPoll,
      providerEventType: null,
      status: "queued",
      dedupKey: null,
      parsedContext: { issueId: "LIN-118" },
      createdAt: at(102),
    },
    {
      id: uuid(),
      triggerId: triggerIds.linearPoll,
      providerEventType: null,
      status: null,
      dedupKey: null,
      parsedContext: null,
      createdAt: null,
    },
    {
      id: uuid(),
      triggerId: triggerIds.globexGithub,
      providerEventType: "pull_request.opened",
      status: "skipped",
      dedupKey: "github:pr:42",
      parsedContext: { title: "Add dark mode", number: 42 },
      createdAt: at(104),
    },
    {
      id: uuid(),
      triggerId: triggerIds.linearPoll,
      providerEventType: "Issue",
      status: "failed",
      dedupKey: "linear:LIN-119",
      parsedContext: { title: 7, note: "title is not a string" },
      createdAt: at(105),
    },
    {
      id: uuid(),
      triggerId: triggerIds.sentryWebhook,
      providerEventType: null,
      status: "processing",
      dedupKey: "sentry:issue:902",
      parsedContext: { culprit: "api/payments" },
      createdAt: at(106),
    },
  ];
  for (const [i, event] of triggerEvents.entries()) {
    const org = event.triggerId === triggerIds.globexGithub ? orgs.globex : orgs.acme;
    await sql`insert into trigger_events (id, trigger_id, organization_id, external_event_id,
        provider_event_type, status, raw_payload, parsed_context, dedup_key, created_at,
        skip_reason, error_message, processed_at, enriched_data)
      values (${event.id}, ${event.triggerId}, ${org}, ${`ext-${i}`}, ${event.providerEventType},
              ${event.status}, ${json({ delivery: i, body: { action: "created" } })},
              ${event.parsedContext === null ? null : json(event.parsedContext)},
              ${event.dedupKey}, ${event.createdAt},
              ${event.status === "skipped" ? "filter_mismatch" : null},
              ${event.status === "failed" ? "enrichment failed: 502" : null},
              ${event.status === "completed" ? at(110) : null},
              ${event.status === "completed" ? json({ stack: ["a.ts:1"] }) : null})`;
  }
  // created_at has a default; the legacy row without one is made explicitly.
  await sql`update trigger_events set created_at = null where id = ${triggerEvents[3].id}`;

  // --- sessions --------------------------------------------------------------------------
  const sessions = {
    webRunning: uuid(),
    multiPaused: uuid(),
    cli: uuid(),
    terminal: uuid(),
    slack: uuid(),
    automation: uuid(),
    setupFailed: uuid(),
    pendingNoClient: uuid(),
    child: uuid(),
  };
  const sessionPrebuild: Record<string, string | null> = {};
  const addSession = async (row: Record<string, unknown>) => {
    sessionPrebuild[row.id as string] = (row.prebuild_id as string | undefined) ?? null;
    await sql`insert into sessions ${sql(row as Record<string, postgres.ParameterOrJSON<never>>)}`;
  };
  await addSession({
    id: sessions.webRunning,
    organization_id: orgs.acme,
    created_by: users.alice,
    prebuild_id: prebuilds.web,
    repo_id: repos.web,
    session_type: "coding",
    status: "running",
    sandbox_id: "sb-1",
    sandbox_provider: "modal",
    client_type: "web",
    origin: "web",
    title: "Fix flaky test",
    initial_prompt: "The checkout test is flaky",
    started_at: at(200),
    coding_agent_session_id: "oc-1",
    open_code_tunnel_url: "https://tunnel.example/1",
    agent_config: json({ modelId: "claude-sonnet-4" }),
    sandbox_expires_at: at(260),
    metered_through_at: at(230),
  });
  await addSession({
    id: sessions.multiPaused,
    organization_id: orgs.acme,
    created_by: users.bob,
    prebuild_id: prebuilds.multi,
    session_type: "coding",
    status: "paused",
    sandbox_provider: "e2b",
    snapshot_id: "mem:snap-77",
    pause_reason: "inactivity",
    paused_at: at(230),
    client_type: "web",
    branch_name: "feature/api",
    base_commit_sha: "f00dfeed",
  });
  await addSession({
    id: sessions.cli,
    organization_id: orgs.acme,
    created_by: users.alice,
    prebuild_id: prebuilds.cli,
    session_type: "cli",
    status: "stopped",
    origin: "cli",
    source: "cli",
    client_type: "cli",
    local_path_hash: "lph-alice-scratch",
    stop_reason: "manual",
    ended_at: at(300),
  });
  await addSession({
    id: sessions.terminal,
    organization_id: orgs.acme,
    created_by: users.alice,
    session_type: "terminal",
    status: "stopped",
    origin: "cli",
    stop_reason: "sandbox_terminated",
  });
  await addSession({
    id: sessions.slack,
    organization_id: orgs.acme,
    prebuild_id: prebuilds.web,
    status: "stopped",
    client_type: "slack",
    client_metadata: json({ installationId: slackAcme, channelId: "C0DEV", threadTs: "17.1" }),
    stop_reason: "error",
  });
  await addSession({
    id: sessions.automation,
    organization_id: orgs.acme,
    prebuild_id: prebuilds.web,
    status: "stopped",
    client_type: "automation",
    automation_id: automations.sentry,
    trigger_id: triggerIds.sentryWebhook,
    trigger_event_id: triggerEvents[0].id,
    system_prompt: "You are fixing a production error.",
    billing_token_version: 2,
    alive_check_failures: 1,
    last_seen_alive_at: at(150),
  });
  await addSession({
    id: sessions.setupFailed,
    organization_id: orgs.globex,
    created_by: users.carol,
    prebuild_id: prebuilds.globex,
    session_type: "setup",
    status: "failed",
    client_type: "web",
    stop_reason: "auto_pause_failed",
  });
  await addSession({
    id: sessions.pendingNoClient,
    organization_id: orgs.acme,
    status: "pending",
    idle_timeout_minutes: 90,
    auto_delete_days: 14,
  });
  await addSession({
    id: sessions.child,
    organization_id: orgs.acme,
    created_by: users.alice,
    prebuild_id: prebuilds.web,
    parent_session_id: sessions.webRunning,
    status: "starting",
    client_type: "web",
  });
  await sql`update trigger_events set session_id = ${sessions.automation}
    where id = ${triggerEvents[0].id}`;
  await sql`insert into session_connections (session_id, integration_id) values
    (${sessions.webRunning}, ${integrations.githubApp}),
    (${sessions.automation}, ${integrations.sentry})`;
  await sql`insert into slack_conversations (slack_installation_id, channel_id, thread_ts,
      session_id, repo_id, started_by_slack_user_id, status, pending_prompt) values
    (${slackAcme}, 'C0DEV', '17.1', ${sessions.slack}, ${repos.web}, 'U0ALICE', 'active', null),
    (${slackAcme}, 'C0DEV', '18.4', null, null, 'U0BOB', 'completed', 'try again later')`;

  // --- automation runs and their children ------------------------------------------------
  const runDone = uuid();
  const runSkipped = uuid();
  await sql`insert into automation_runs (id, organization_id, automation_id, trigger_event_id,
      trigger_id, status, attempt, lease_version, queued_at, execution_started_at, completed_at,
      session_id, session_created_at, completion_id, completion_json, enrichment_json,
      assigned_to, assigned_at) values
    (${runDone}, ${orgs.acme}, ${automations.sentry}, ${triggerEvents[0].id},
     ${triggerIds.sentryWebhook}, 'succeeded', 1, 3, ${at(100)}, ${at(102)}, ${at(140)},
     ${sessions.automation}, ${at(102)}, 'cmp-1',
     ${json({ run_id: runDone, completion_id: "cmp-1", outcome: "succeeded" })},
     ${json({ summary: "null deref" })}, ${users.bob}, ${at(141)})`;
  await sql`insert into automation_runs (id, organization_id, automation_id, trigger_event_id,
      trigger_id, status, status_reason, failure_stage, error_code, error_message) values
    (${runSkipped}, ${orgs.globex}, ${automations.globex}, ${triggerEvents[4].id},
     ${triggerIds.globexGithub}, 'skipped', 'filter_mismatch', 'filter', 'E_FILTER',
     'did not match')`;
  await sql`insert into automation_run_events (run_id, type, from_status, to_status, data) values
    (${runDone}, 'status_change', 'queued', 'enriching', null),
    (${runDone}, 'status_change', 'running', 'succeeded', ${json({ by: "agent" })})`;
  await sql`insert into automation_side_effects (run_id, organization_id, effect_id, kind,
      provider, request_hash, response_json) values
    (${runDone}, ${orgs.acme}, 'eff-pr-1', 'create_pull_request', 'github', 'sha256:abc',
     ${json({ number: 311 })})`;
  await sql`insert into trigger_event_actions (trigger_event_id, tool_name, status, input_data,
      output_data, started_at, completed_at, duration_ms) values
    (${triggerEvents[0].id}, 'sentry.get_issue', 'completed', ${json({ id: 901 })},
     ${json({ title: "TypeError" })}, ${at(101)}, ${at(101)}, 420)`;
  await sql`insert into outbox (organization_id, kind, payload, status, attempts, last_error,
      claimed_at) values
    (${orgs.acme}, 'enqueue_enrich', ${json({ runId: runDone })}, 'completed', 1, null, ${at(100)}),
    (${orgs.globex}, 'enqueue_execute', ${json({ runId: runSkipped })}, 'failed', 5,
     'worker unavailable', null)`;

  // --- actions ---------------------------------------------------------------------------
  const invocationSpecs: Omit<SeededInvocation, "id">[] = [
    { riskLevel: "read", status: "completed", approvedBy: null },
    { riskLevel: "write", status: "approved", approvedBy: users.bob },
    { riskLevel: "write", status: "executing", approvedBy: users.alice },
    { riskLevel: "write", status: "completed", approvedBy: users.alice },
    { riskLevel: "danger", status: "denied", approvedBy: users.alice },
    { riskLevel: "write", status: "denied", approvedBy: null },
    { riskLevel: "read", status: "expired", approvedBy: null },
    { riskLevel: "write", status: "pending", approvedBy: null },
    { riskLevel: "danger", status: "failed", approvedBy: users.bob },
    { riskLevel: "danger", status: "pending", approvedBy: null },
  ];
  const orgConnector = uuid();
  const invocations: SeededInvocation[] = [];
  for (const [i, spec] of invocationSpecs.entries()) {
    const id = uuid();
    invocations.push({ id, ...spec });
    const pending = spec.status === "pending";
    await sql`insert into action_invocations (id, session_id, organization_id, integration_id,
        integration, action, risk_level, params, status, result, error, duration_ms, approved_by,
        approved_at, completed_at, expires_at, created_at)
      values (${id}, ${i % 2 === 0 ? sessions.webRunning : sessions.automation}, ${orgs.acme},
              ${i % 3 === 0 ? integrations.linear : null},
              ${i % 3 === 0 ? "linear" : `connector:${orgConnector}`}, ${`action_${i}`},
              ${spec.riskLevel}, ${json({ title: `call ${i}`, token: "[REDACTED]" })},
              ${spec.status}, ${spec.status === "completed" ? json({ ok: true }) : null},
              ${spec.status === "failed" ? "upstream 500" : null},
              ${spec.status === "completed" ? 120 + i : null}, ${spec.approvedBy},
              ${spec.approvedBy ? at(400 + i) : null},
              ${pending ? null : at(401 + i)}, ${at(405 + i)}, ${at(399 + i)})`;
  }
  const grants = [uuid(), uuid()];
  await sql`insert into action_grants (id, organization_id, created_by, session_id, integration,
      action, max_calls, used_calls, expires_at, revoked_at) values
    (${grants[0]}, ${orgs.acme}, ${users.alice}, null, ${GRANT_MARKERS[0]}, ${GRANT_MARKERS[1]},
     null, 12, null, null),
    (${grants[1]}, ${orgs.acme}, ${users.bob}, ${sessions.webRunning}, 'linear',
     ${GRANT_MARKERS[2]}, 5, 2, ${at(60 * 24)}, ${at(60 * 12)})`;
  await sql`insert into org_connectors (id, organization_id, name, transport, url, auth,
      risk_policy, enabled, created_by) values
    (${orgConnector}, ${orgs.acme}, 'Docs MCP', 'remote_http', 'https://mcp.example/docs',
     ${json({ type: "secret", secretKey: "DOCS_TOKEN" })}, ${json({ defaultRisk: "read" })},
     true, ${users.alice})`;

  // --- secrets and bundles ---------------------------------------------------------------
  const bundleSpecs: Omit<SeededBundle, "id" | "secretIds">[] = [
    {
      organizationId: orgs.acme,
      name: "web env",
      description: "variables of the web app",
      createdBy: users.alice,
      targetPath: ".env",
    },
    {
      organizationId: orgs.acme,
      name: "labels only",
      description: "no file",
      createdBy: users.bob,
      targetPath: null,
    },
    {
      organizationId: orgs.acme,
      name: "nested file",
      description: null,
      createdBy: null,
      targetPath: "apps/web/.env.local",
    },
    {
      organizationId: orgs.acme,
      name: "web env extras",
      description: "more for the same file",
      createdBy: users.bob,
      targetPath: ".env",
    },
    {
      organizationId: orgs.acme,
      name: "empty",
      description: "nothing in it yet",
      createdBy: users.alice,
      targetPath: "config/empty.env",
    },
    {
      organizationId: orgs.globex,
      name: "globex env",
      description: "site variables",
      createdBy: users.carol,
      targetPath: ".env",
    },
    {
      organizationId: orgs.personal,
      name: "personal env",
      description: "org without prebuilds, no file",
      createdBy: users.alice,
      targetPath: null,
    },
  ];
  const bundles: SeededBundle[] = [];
  for (const [i, spec] of bundleSpecs.entries()) {
    const id = uuid();
    bundles.push({ id, ...spec, secretIds: [] });
    await sql`insert into secret_bundles (id, organization_id, name, description, created_by,
        created_at, updated_at, target_path)
      values (${id}, ${spec.organizationId}, ${spec.name}, ${spec.description}, ${spec.createdBy},
              ${at(500 + i)}, ${at(510 + i)}, ${spec.targetPath})`;
  }
  const secretPrebuild: Record<string, string | null> = {};
  const addSecret = async (
    key: string,
    scope: { org: string; repo?: string; prebuild?: string; bundle?: SeededBundle },
  ) => {
    const id = uuid();
    secretPrebuild[id] = scope.prebuild ?? null;
    scope.bundle?.secretIds.push(id);
    await sql`insert into secrets (id, organization_id, repo_id, key, encrypted_value,
        secret_type, description, created_by, prebuild_id, bundle_id)
      values (${id}, ${scope.org}, ${scope.repo ?? null}, ${key}, ${`enc:v1:${key}`}, 'env',
              ${`${key} for tests`}, ${users.alice}, ${scope.prebuild ?? null},
              ${scope.bundle?.id ?? null})`;
    return id;
  };
  const secrets = {
    orgWide: await addSecret("OPENAI_API_KEY", { org: orgs.acme }),
    repoScoped: await addSecret("DATABASE_URL", { org: orgs.acme, repo: repos.web }),
    prebuildScoped: await addSecret("STRIPE_KEY", { org: orgs.acme, prebuild: prebuilds.multi }),
    inBundles: [
      await addSecret("NEXT_PUBLIC_URL", { org: orgs.acme, bundle: bundles[0] }),
      await addSecret("SESSION_SECRET", { org: orgs.acme, repo: repos.api, bundle: bundles[0] }),
      await addSecret("SENTRY_DSN", { org: orgs.acme, bundle: bundles[1] }),
      await addSecret("API_TOKEN", { org: orgs.acme, bundle: bundles[2] }),
      await addSecret("FEATURE_FLAGS", { org: orgs.acme, bundle: bundles[3] }),
      await addSecret("GLOBEX_KEY", { org: orgs.globex, bundle: bundles[5] }),
      await addSecret("PERSONAL_TOKEN", { org: orgs.personal, bundle: bundles[6] }),
    ],
  };
  await addSecret("CLI_ONLY", { org: orgs.acme, prebuild: prebuilds.cli });

  // --- billing and cli -------------------------------------------------------------------
  await sql`insert into billing_events (organization_id, event_type, quantity, credits,
      idempotency_key, session_ids, status, retry_count, autumn_response, metadata) values
    (${orgs.acme}, 'compute', 1.5, 0.75, 'bill-acme-1', ${[sessions.webRunning]}, 'posted', 0,
     ${json({ ok: true })}, ${json({ minutes: 90 })}),
    (${orgs.acme}, 'llm', 0.000123, 0.01, 'bill-acme-2', ${[]}, 'failed', 3, null, ${json({})})`;
  await sql`insert into billing_reconciliations (organization_id, type, previous_balance,
      new_balance, delta, reason, performed_by, metadata) values
    (${orgs.acme}, 'manual_adjustment', 100, 150, 50, 'goodwill credit', ${users.alice},
     ${json({ ticket: "SUP-12" })})`;
  await sql`insert into llm_spend_cursors (organization_id, last_start_time, last_request_id,
      records_processed) values (${orgs.acme}, ${at(600)}, 'req-991', 4412)`;
  await sql`insert into cli_device_codes (user_code, device_code, user_id, org_id, status,
      expires_at, authorized_at) values
    ('ABCD-EFGH', 'dev-code-1', ${users.alice}, ${orgs.acme}, 'authorized', ${at(615)}, ${at(601)}),
    ('WXYZ-1234', 'dev-code-2', null, null, 'pending', ${at(620)}, null)`;
  await sql`insert into cli_github_selections (user_id, organization_id, connection_id,
      expires_at) values (${users.alice}, ${orgs.acme}, 'github-app-4401', ${at(700)})`;

  return {
    users,
    orgs,
    repos,
    integrations,
    prebuilds,
    sessionPrebuild,
    sessions,
    automations,
    automationDefaultPrebuild,
    triggers,
    triggerEvents,
    invocations,
    grants,
    bundles,
    secrets,
    secretPrebuild,
    prebuildRepos,
    orgConnector,
  };
}

/** The tables {@linkcode seedDrift} adds to the 38 of the baseline. */
export const DRIFT_TABLES: readonly string[] = ["sandbox_base_snapshots"];

/**
 * Applies drift D1–D3 of the baseline sheet to a seeded baseline database, as the unjournaled
 * files `0009_sandbox_base_snapshots.sql`, `0024_onboarding_meta.sql` and
 * `0023_org_secret_key_unique.sql` left them, and fills the new table and column with rows.
 */
export async function seedDrift(sql: postgres.Sql, seed: BaselineSeed): Promise<void> {
  await sql.unsafe(`
    create table sandbox_base_snapshots (
      id uuid primary key default gen_random_uuid() not null,
      version_key text not null,
      snapshot_id text,
      status text default 'building' not null,
      error text,
      provider text default 'modal' not null,
      modal_app_name text not null,
      built_at timestamp with time zone,
      created_at timestamp with time zone default now(),
      updated_at timestamp with time zone default now(),
      constraint sandbox_base_snapshots_status_check
        check (status = any (array['building'::text, 'ready'::text, 'failed'::text]))
    );
    create index idx_sandbox_base_snapshots_status on sandbox_base_snapshots (status);
    create unique index idx_sandbox_base_snapshots_version_provider_app
      on sandbox_base_snapshots (version_key, provider, modal_app_name);
    alter table organization add column onboarding_meta jsonb;
    create unique index secrets_org_key_unique_when_org_wide on secrets (organization_id, key)
      where repo_id is null and prebuild_id is null;
  `);
  await sql`insert into sandbox_base_snapshots (version_key, snapshot_id, status, error, provider,
      modal_app_name, built_at, created_at, updated_at) values
    ('base-v41', 'im-base-41', 'ready', null, 'modal', 'sandbox-base', ${at(800)}, ${at(790)},
     ${at(800)}),
    ('base-v42', null, 'failed', 'image build exited 1', 'modal', 'sandbox-base', null,
     ${at(810)}, ${at(811)}),
    ('base-v42', null, 'building', null, 'e2b', 'sandbox-base', null, ${at(812)}, ${at(812)})`;
  await sql`update organization set onboarding_meta = ${
    sql.json({ step: "connect_github", skipped: ["slack"] })
  } where id = ${seed.orgs.acme}`;
}
