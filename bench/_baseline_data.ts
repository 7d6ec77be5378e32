/**
 * Fills a pre-vNext database (migration 0000 only) with production-like rows, set-based
 * (`INSERT … SELECT … FROM generate_series`), deterministic, and consistent: every foreign key
 * points at an existing row and every value passes the vNext CHECKs, including the legacy
 * values they keep (session_type terminal, invocation status approved/executing/completed)
 * and the NULLs the backfills of vnext-schema.md §5.3 repair (trigger_events dedup_key, status
 * and parsed_context; triggers enabled and config).
 *
 * Sizes scale with the organization count; at scale 1: 20,000 organizations, 1,000,000
 * sessions, 1,000,000 action_invocations, 500,000 trigger_events, 100,000 prebuilds.
 *
 * Loading runs with `synchronous_commit = off` and `session_replication_role = replica` (row
 * triggers off, so no per-row foreign-key lookups; the data is consistent by construction and
 * the upgrade's VALIDATE steps re-check it), then `VACUUM ANALYZE`. Tables stay logged: the
 * catalog is exactly the migration's.
 *
 * @module
 */
import type postgres from "postgres";
import { filler, pastTime, pick, rnd, skewed, uid, weighted } from "./_sqlgen.ts";

/** Row counts of the pre-vNext dataset. */
export interface BaselineSizes {
  organizations: number;
  users: number;
  repos: number;
  prebuilds: number;
  integrations: number;
  automations: number;
  triggers: number;
  triggerEvents: number;
  sessions: number;
  automationSessions: number;
  actionInvocations: number;
  secrets: number;
  secretBundles: number;
}

/** Sizes for a scale factor (1 = production-like: one million sessions). */
export function baselineSizes(scale = 1): BaselineSizes {
  const organizations = Math.max(10, Math.round(20_000 * scale));
  return {
    organizations,
    users: organizations * 3,
    repos: organizations * 3,
    prebuilds: organizations * 5,
    integrations: organizations * 3 / 2,
    automations: organizations,
    triggers: organizations * 3 / 2,
    triggerEvents: organizations * 25,
    sessions: organizations * 50,
    automationSessions: organizations * 10,
    actionInvocations: organizations * 50,
    secrets: organizations * 10,
    secretBundles: organizations / 2,
  };
}

/** One load step: the table it fills and its statement. */
interface Step {
  table: string;
  sql: string;
}

/**
 * The organization that owns session number `s`: for sessions started by trigger event `s`
 * the trigger's organization, for interactive ones a skewed pick (a few large organizations).
 */
function sessionOrg(s: string, z: BaselineSizes): string {
  const trigger = `((${s}) - 1) % ${z.triggers} + 1`;
  return `(case when (${s}) <= ${z.automationSessions} then ${roundRobinOrg(trigger, z)} ` +
    `else ${skewed(s, 1, z.organizations)} end)`;
}

/** Org of an object numbered round-robin over organizations (repos, users, triggers…). */
function roundRobinOrg(n: string, z: BaselineSizes): string {
  return `(((${n}) - 1) % ${z.organizations} + 1)`;
}

/** Builds every load statement, parents first. */
export function baselineSteps(z: BaselineSizes): Step[] {
  const o = z.organizations;
  const steps: Step[] = [];
  const add = (table: string, sql: string) => steps.push({ table, sql });

  add(
    "organization",
    `insert into organization (id, name, slug, "createdAt", is_personal, billing_state,
       billing_plan, onboarding_complete)
     select 'org_' || g, 'Organization ' || g, 'org-' || g, ${pastTime("g", 2, 900)},
       ${rnd("g", 3)} < 0.3, ${
      weighted("g", 4, [["active", 70], ["trial", 20], ["unconfigured", 10]])
    },
       'pro', true
     from generate_series(1, ${o}) g`,
  );
  add(
    "user",
    `insert into "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
     select 'user_' || g, 'User ' || g, 'user' || g || '@example.com', true, now(), now()
     from generate_series(1, ${z.users}) g`,
  );
  add(
    "member",
    `insert into member (id, "organizationId", "userId", role, "createdAt")
     select 'mem_' || g, 'org_' || ${roundRobinOrg("g", z)}, 'user_' || g,
       case when g <= ${o} then 'owner' else 'member' end, now()
     from generate_series(1, ${z.users}) g`,
  );
  add(
    "account",
    `insert into account (id, "accountId", "providerId", "userId", "createdAt", "updatedAt")
     select 'acc_' || g, 'gh-' || g, 'github', 'user_' || g, now(), now()
     from generate_series(1, ${z.users}) g`,
  );
  add(
    "session (auth)",
    `insert into session (id, "expiresAt", token, "createdAt", "updatedAt", "userId",
       "activeOrganizationId")
     select 'ses_' || g, now() + interval '7 days', md5('token:' || g), now(), now(),
       'user_' || g, 'org_' || ${roundRobinOrg("g", z)}
     from generate_series(1, ${z.users / 2}) g`,
  );
  add(
    "repos",
    `insert into repos (id, organization_id, github_url, github_repo_id, github_repo_name,
       added_by, source, is_private, repo_snapshot_status, created_at)
     select ${uid("repo", "g")}, 'org_' || ${roundRobinOrg("g", z)},
       'https://github.com/acme/repo-' || g, 'gh' || g, 'acme/repo-' || g,
       'user_' || ${roundRobinOrg("g", z)}, 'github', ${rnd("g", 5)} < 0.6,
       ${weighted("g", 6, [["ready", 60], ["building", 5], [null, 35]])}, ${pastTime("g", 7, 700)}
     from generate_series(1, ${z.repos}) g`,
  );
  // prebuild p's first repo is repo ((p-1) % repos)+1, so its organization is round-robin too.
  add(
    "prebuilds",
    `insert into prebuilds (id, snapshot_id, status, created_by, name, notes, created_at,
       sandbox_provider, user_id, local_path_hash, type, service_commands, env_files)
     select ${uid("prebuild", "g")}, 'snap-' || g,
       ${weighted("g", 8, [["ready", 85], ["building", 5], ["failed", 5], ["pending", 5]])},
       'user_' || ${roundRobinOrg("g", z)}, 'Configuration ' || g, null, ${pastTime("g", 9, 600)},
       case when ${rnd("g", 10)} < 0.8 then 'modal' else 'e2b' end,
       case when g % 10 = 0 then 'user_' || ${roundRobinOrg("g", z)} end,
       case when g % 10 = 0 then md5('path:' || g) end,
       case when g % 10 = 0 then 'cli' when g % 10 < 4 then 'managed' else 'manual' end,
       case when g % 3 = 0 then jsonb_build_array(jsonb_build_object('name', 'dev',
         'command', 'npm run dev', 'cwd', '.')) end,
       case when g % 7 = 0 then '[]'::jsonb end
     from generate_series(1, ${z.prebuilds}) g`,
  );
  add(
    "prebuild_repos",
    `insert into prebuild_repos (prebuild_id, repo_id, workspace_path)
     select ${uid("prebuild", "g")}, ${uid("repo", `(g - 1) % ${z.repos} + 1`)}, '.'
     from generate_series(1, ${z.prebuilds}) g
     union all
     select ${uid("prebuild", "g")}, ${uid("repo", `(g - 1 + ${o}) % ${z.repos} + 1`)}, 'second'
     from generate_series(1, ${z.prebuilds / 2}) g`,
  );
  add(
    "integrations",
    `insert into integrations (id, organization_id, provider, integration_id, connection_id,
       display_name, status, visibility, created_by, github_installation_id)
     select ${uid("integration", "g")}, 'org_' || ${roundRobinOrg("g", z)},
       case when g % 3 = 0 then 'github-app' else 'nango' end,
       (array['github', 'sentry', 'linear'])[1 + g % 3], 'conn-' || g, 'Integration ' || g,
       ${
      weighted("g", 11, [["active", 90], ["expired", 5], ["revoked", 3], ["deleted", 1], [
        "suspended",
        1,
      ]])
    },
       'org', 'user_' || ${roundRobinOrg("g", z)},
       case when g % 3 = 0 then 'inst-' || g end
     from generate_series(1, ${z.integrations}) g`,
  );
  add(
    "repo_connections",
    `insert into repo_connections (repo_id, integration_id)
     select ${uid("repo", "g")}, ${uid("integration", roundRobinOrg("g", z))}
     from generate_series(1, ${z.repos}) g`,
  );
  add(
    "automations",
    `insert into automations (id, organization_id, name, enabled, agent_instructions,
       created_by, default_prebuild_id, llm_filter_prompt)
     select ${uid("automation", "g")}, 'org_' || g, 'Automation ' || g, ${rnd("g", 12)} < 0.85,
       ${filler("g", 300)}, 'user_' || g,
       case when g % 2 = 0 then ${uid("prebuild", "g")} end, 'Only act on errors'
     from generate_series(1, ${z.automations}) g`,
  );
  add(
    "schedules",
    `insert into schedules (automation_id, organization_id, name, cron_expression, enabled)
     select ${uid("automation", "g")}, 'org_' || g, 'Nightly', '0 3 * * *', true
     from generate_series(1, ${Math.ceil(z.automations / 4)}) g`,
  );
  // Trigger t belongs to organization and automation ((t-1) % organizations)+1.
  add(
    "triggers",
    `insert into triggers (id, organization_id, automation_id, name, trigger_type, provider,
       enabled, webhook_secret, webhook_url_path, polling_cron, config, integration_id,
       created_by, created_at)
     select ${uid("trigger", "g")}, 'org_' || ${roundRobinOrg("g", z)},
       ${uid("automation", roundRobinOrg("g", z))}, 'Trigger ' || g,
       case when g % 10 < 7 then 'webhook' else 'polling' end,
       (array['sentry', 'linear', 'github', 'posthog', 'scheduled'])[1 + g % 5],
       ${weighted("g", 13, [["true", 80], ["false", 15], [null, 5]])}::boolean,
       case when g % 10 < 7 then md5('secret:' || g) end,
       case when g % 10 < 7 then '/webhooks/t/' || g end,
       case when g % 10 >= 7 then '*/5 * * * *' end,
       case when g % 20 = 0 then null else '{"minSeverity": "error"}'::jsonb end,
       ${uid("integration", roundRobinOrg("g", z))}, 'user_' || ${roundRobinOrg("g", z)},
       ${pastTime("g", 14, 500)}
     from generate_series(1, ${z.triggers}) g`,
  );
  // Event e belongs to trigger ((e-1) % triggers)+1; events 1..automationSessions started
  // session e (created below), so session_id is set for them.
  const eventTrigger = `((g - 1) % ${z.triggers} + 1)`;
  add(
    "trigger_events",
    `insert into trigger_events (id, trigger_id, organization_id, external_event_id,
       provider_event_type, status, session_id, raw_payload, parsed_context, error_message,
       processed_at, skip_reason, dedup_key, created_at, enriched_data)
     select ${uid("event", "g")}, ${uid("trigger", eventTrigger)},
       'org_' || ${roundRobinOrg(eventTrigger, z)}, 'ext-' || g,
       ${
      weighted("g", 15, [
        ["issue.created", 40],
        ["error.created", 40],
        ["pull_request.opened", 15],
        [
          null,
          5,
        ],
      ])
    },
       ${
      weighted("g", 16, [["completed", 80], ["skipped", 10], ["failed", 5], ["queued", 2], [
        "processing",
        1,
      ], [null, 2]])
    },
       case when g <= ${z.automationSessions} then ${uid("session", "g")} end,
       jsonb_build_object('action', 'created', 'id', g, 'body', ${filler("g", 500)},
         'url', 'https://example.com/e/' || g),
       case when ${rnd("g", 17)} < 0.9 then jsonb_build_object('title', 'Event ' || g,
         'severity', 'error', 'summary', ${filler("g", 120)}) end,
       case when g % 20 = 0 then 'upstream returned 502' end,
       ${pastTime("g", 18, 180)},
       case when g % 10 = 0 then 'filter_mismatch' end,
       case when ${rnd("g", 19)} < 0.85 then 'sentry:' || g end,
       ${pastTime("g", 18, 180)},
       case when g % 4 = 0 then '{"enriched": true}'::jsonb end
     from generate_series(1, ${z.triggerEvents}) g`,
  );
  // Sessions 1..automationSessions were started by trigger event g (its trigger, automation
  // and organization); the others are interactive, with a skewed organization.
  add("sessions (automation)", sessionInsert(z, 1, z.automationSessions, true));
  add("sessions (interactive)", sessionInsert(z, z.automationSessions + 1, z.sessions, false));
  add(
    "session_connections",
    `insert into session_connections (session_id, integration_id)
     select ${uid("session", "g * 5")}, ${uid("integration", sessionOrg("g * 5", z))}
     from generate_series(${z.automationSessions / 5 + 1}, ${z.sessions / 5}) g`,
  );
  // Invocation g belongs to a uniformly chosen session and to that session's organization.
  const invocationSession = pick("g", 30, z.sessions);
  add(
    "action_invocations",
    `insert into action_invocations (id, session_id, organization_id, integration_id,
       integration, action, risk_level, params, status, result, error, duration_ms,
       approved_by, approved_at, completed_at, expires_at, created_at)
     select ${uid("invocation", "g")}, ${uid("session", "session_no")},
       'org_' || org_no,
       case when g % 4 <> 0 then ${uid("integration", "org_no")} end,
       case when g % 4 = 0 then 'connector:' || ${uid("connector", "org_no")}
         else (array['linear', 'github', 'sentry'])[1 + g % 3] end,
       (array['create_issue', 'list_issues', 'add_comment', 'close_issue'])[1 + g % 4],
       risk_level, jsonb_build_object('title', 'Issue ' || g, 'body', ${filler("g", 80)}),
       status,
       case when status in ('completed', 'executed') then jsonb_build_object('id', g,
         'url', 'https://example.com/i/' || g, 'note', ${filler("g", 150)}) end,
       case when status = 'failed' then 'provider returned 500' end,
       case when status in ('completed', 'executed', 'failed') then 50 + g % 900 end,
       case when status in ('approved', 'denied', 'completed') and g % 2 = 0
         then 'user_' || org_no end,
       case when status in ('approved', 'denied', 'completed') and g % 2 = 0
         then created_at + interval '1 minute' end,
       case when status not in ('pending', 'approved', 'executing')
         then created_at + interval '2 seconds' end,
       case when status = 'pending' then now() + (g % 600 - 120) * interval '1 second'
         else created_at + interval '5 minutes' end,
       created_at
     from (
       select g, ${invocationSession} as session_no,
         ${sessionOrg(invocationSession, z)} as org_no,
         ${weighted("g", 31, [["read", 60], ["write", 35], ["danger", 5]])} as risk_level,
         ${
      weighted("g", 32, [
        ["completed", 55],
        ["executed", 15],
        ["denied", 8],
        ["failed", 7],
        ["expired", 12],
        ["approved", 1.5],
        ["executing", 1],
        ["pending", 0.5],
      ])
    } as status,
         ${pastTime("g", 33, 180)} as created_at
       from generate_series(1, ${z.actionInvocations}) g
     ) i`,
  );
  add(
    "action_grants",
    `insert into action_grants (organization_id, created_by, session_id, integration, action,
       max_calls, used_calls, expires_at)
     select 'org_' || ${roundRobinOrg("g", z)}, 'user_' || ${roundRobinOrg("g", z)},
       case when g % 2 = 0 then ${uid("session", "g")} end, 'linear', '*',
       case when g % 3 = 0 then 10 end, g % 5, now() + interval '30 days'
     from generate_series(1, ${z.organizations}) g`,
  );
  add(
    "org_connectors",
    `insert into org_connectors (id, organization_id, name, url, auth, risk_policy, created_by)
     select ${uid("connector", "g")}, 'org_' || g, 'Docs ' || g, 'https://mcp.example.com/' || g,
       '{"type": "secret", "secretKey": "MCP_TOKEN"}'::jsonb, '{"defaultRisk": "read"}'::jsonb,
       'user_' || g
     from generate_series(1, ${z.organizations}) g`,
  );
  // Bundle b belongs to organization b; a third have no target_path (they lose their label).
  add(
    "secret_bundles",
    `insert into secret_bundles (id, organization_id, name, description, created_by,
       target_path)
     select ${uid("bundle", "g")}, 'org_' || g, 'Bundle ' || g, 'Shared variables',
       'user_' || g,
       (array['.env', 'apps/web/.env.local', null])[1 + g % 3]
     from generate_series(1, ${z.secretBundles}) g`,
  );
  add(
    "secrets",
    `insert into secrets (organization_id, repo_id, key, encrypted_value, secret_type,
       description, created_by, prebuild_id, bundle_id)
     select 'org_' || ${roundRobinOrg("g", z)},
       case when g % 4 = 1 then ${uid("repo", roundRobinOrg("g", z))} end,
       'KEY_' || g, encode(sha256(('value:' || g)::bytea), 'base64'), 'env', null,
       'user_' || ${roundRobinOrg("g", z)},
       case when g % 5 = 2 then ${uid("prebuild", roundRobinOrg("g", z))} end,
       case when ${roundRobinOrg("g", z)} <= ${z.secretBundles} and g % 2 = 0
         then ${uid("bundle", roundRobinOrg("g", z))} end
     from generate_series(1, ${z.secrets}) g`,
  );
  add(
    "slack_installations",
    `insert into slack_installations (id, organization_id, team_id, team_name,
       encrypted_bot_token, bot_user_id, installed_by, status)
     select ${uid("slack", "g")}, 'org_' || g, 'T' || g, 'Team ' || g, md5('bot:' || g),
       'U' || g, 'user_' || g, case when g % 10 = 0 then 'revoked' else 'active' end
     from generate_series(1, ${z.organizations / 4}) g`,
  );
  add(
    "slack_conversations",
    `insert into slack_conversations (slack_installation_id, channel_id, thread_ts, session_id,
       started_by_slack_user_id)
     select ${uid("slack", `(g - 1) % ${z.organizations / 4} + 1`)}, 'C' || g, g || '.0001',
       ${uid("session", "g")}, 'U' || g
     from generate_series(1, ${z.organizations * 5 / 2}) g`,
  );
  add(
    "automation_runs",
    `insert into automation_runs (id, organization_id, automation_id, trigger_event_id,
       trigger_id, status, session_id, completed_at)
     select ${uid("run", "g")}, 'org_' || ${roundRobinOrg(eventTrigger, z)},
       ${uid("automation", roundRobinOrg(eventTrigger, z))}, ${uid("event", "g")},
       ${uid("trigger", eventTrigger)},
       ${weighted("g", 34, [["succeeded", 80], ["failed", 15], ["queued", 5]])},
       ${uid("session", "g")}, now()
     from generate_series(1, ${z.automationSessions / 2}) g`,
  );
  add(
    "automation_run_events",
    `insert into automation_run_events (run_id, type, from_status, to_status)
     select ${uid("run", "(g + 1) / 2")}, 'status_changed', 'queued', 'running'
     from generate_series(1, ${z.automationSessions}) g`,
  );
  add(
    "outbox",
    `insert into outbox (organization_id, kind, payload, status, attempts)
     select 'org_' || ${roundRobinOrg("g", z)}, 'enqueue_enrich',
       jsonb_build_object('runId', ${uid("run", "g")}),
       case when g % 100 = 0 then 'pending' else 'dispatched' end, 1
     from generate_series(1, ${z.automationSessions / 2}) g`,
  );
  add(
    "billing_events",
    `insert into billing_events (organization_id, event_type, quantity, credits,
       idempotency_key, session_ids, status)
     select 'org_' || ${sessionOrg("g", z)}, 'compute', 0.5, 1.25, 'bill:' || g,
       array[${uid("session", "g")}::text], 'posted'
     from generate_series(1, ${z.automationSessions / 2}) g`,
  );
  return steps;
}

/** The INSERT of sessions `from`..`to`; see {@linkcode baselineSteps} for the two kinds. */
function sessionInsert(z: BaselineSizes, from: number, to: number, automation: boolean): string {
  const o = z.organizations;
  const trigger = `((g - 1) % ${z.triggers} + 1)`;
  const org = sessionOrg("g", z);
  const clientType = automation
    ? "'automation'"
    : weighted("g", 23, [["web", 70], ["slack", 15], ["cli", 15]]);
  return `insert into sessions (id, repo_id, organization_id, created_by, session_type, status,
       sandbox_id, snapshot_id, branch_name, base_commit_sha, initial_prompt, title,
       automation_id, trigger_id, trigger_event_id, started_at, last_activity_at, paused_at,
       ended_at, sandbox_provider, origin, client_type, client_metadata, agent_config,
       prebuild_id, sandbox_expires_at, pause_reason, stop_reason)
     select ${uid("session", "g")}, ${uid("repo", `org_no + ${o} * (g % 3)`)}, 'org_' || org_no,
       'user_' || (org_no + ${o} * (g % 3)),
       ${weighted("g", 20, [["coding", 80], ["setup", 10], ["cli", 7], ["terminal", 3]])},
       status, 'sb-' || g, case when g % 2 = 0 then 'snap-s' || g end,
       'proliferate/session-' || g, md5('commit:' || g), ${filler("g", 220)},
       'Fix flaky test #' || g,
       ${automation ? uid("automation", "org_no") : "null::uuid"},
       ${automation ? uid("trigger", trigger) : "null::uuid"},
       ${automation ? uid("event", "g") : "null::uuid"},
       started_at, started_at + interval '20 minutes',
       case when status = 'paused' then started_at + interval '30 minutes' end,
       case when status in ('stopped', 'failed') then started_at + interval '1 hour' end,
       case when g % 5 = 0 then 'e2b' else 'modal' end,
       case when client_type = 'cli' then 'cli' else 'web' end, client_type,
       case when client_type = 'slack' then jsonb_build_object('installationId',
         ${uid("slack", `(org_no - 1) % ${o / 4} + 1`)}, 'channelId', 'C' || g,
         'threadTs', g || '.0001') end,
       '{"modelId": "claude-sonnet-4"}'::jsonb,
       case when g % 5 <> 4 then ${uid("prebuild", `org_no + ${o} * (g % 5)`)} end,
       case when status in ('running', 'paused') then started_at + interval '1 hour' end,
       case when status = 'paused' then 'inactivity' end,
       case when status = 'stopped' then 'manual' end
     from (
       select g, ${org} as org_no, ${clientType} as client_type,
         ${
    weighted("g", 21, [
      ["stopped", 70],
      ["paused", 15],
      ["running", 5],
      ["failed", 5],
      ["starting", 3],
      ["pending", 2],
    ])
  } as status,
         ${pastTime("g", 22, 365)} as started_at
       from generate_series(${from}, ${to}) g
     ) s`;
}

/** Loads the steps into the database at `sql`, timing each; returns rows per table. */
export async function loadBaseline(
  sql: postgres.Sql,
  z: BaselineSizes,
  log: (line: string) => void,
): Promise<{ table: string; ms: number }[]> {
  const timings: { table: string; ms: number }[] = [];
  await sql.unsafe("set synchronous_commit = off");
  // Sessions and trigger_events point at each other, so rows are loaded with row triggers
  // (foreign-key checks) off; that needs a superuser.
  await sql.unsafe("set session_replication_role = replica").catch((error) => {
    throw new Error(`the load needs a superuser (session_replication_role): ${error}`);
  });
  for (const step of baselineSteps(z)) {
    const started = performance.now();
    await sql.unsafe(step.sql);
    const elapsed = performance.now() - started;
    timings.push({ table: step.table, ms: elapsed });
    log(`  loaded ${step.table} in ${(elapsed / 1000).toFixed(1)} s`);
  }
  await sql.unsafe("reset session_replication_role").catch(() => {});
  return timings;
}
