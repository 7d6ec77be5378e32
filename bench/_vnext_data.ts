/**
 * Fills a vNext database (every migration applied) with the rows the query-pattern benchmark
 * reads: 1,000,000 rows in each table a pattern reads (sessions, session_tool_invocations,
 * action_invocations, trigger_events, webhook_inbox, user_connections, trigger_poll_groups),
 * set-based and deterministic, with skewed, production-like distributions:
 *
 * - 50,000 organizations; sessions, invocations and events of an organization follow a
 *   power law (the largest organization owns about 3% of the rows, most own a few dozen);
 *   timestamps grow with insertion order, as in append-mostly production tables;
 * - webhook_inbox: 7 days and 2 hours of traffic in arrival order (the GC runs hourly and
 *   missed one run, so about 1% of the rows are past the 7-day cut-off); the newest 0.4% are
 *   pending and the 0.1% before them processing, the rest completed (0.6% failed);
 * - action_invocations: 0.5% pending, a third of those already past expires_at;
 * - sessions: 30% carry an idempotency key; session_tool_invocations: about 5 per session;
 * - user_connections: 200,000 users × 5 providers; trigger_poll_groups: 50,000 organizations
 *   × 4 providers × 5 integrations, 90% enabled.
 *
 * Loading uses `session_replication_role = replica` (no per-row foreign-key checks; the rows
 * are consistent by construction), then `VACUUM ANALYZE`.
 *
 * @module
 */
import type postgres from "postgres";
import { filler, pick, rnd, skewed, timeline, uid, weighted } from "./_sqlgen.ts";

/** Row counts of the vNext dataset. */
export interface VnextSizes {
  organizations: number;
  users: number;
  integrationsPerOrg: number;
  rows: number;
}

/** Sizes for a scale factor (1 = one million rows per table read by a pattern). */
export function vnextSizes(scale = 1): VnextSizes {
  const organizations = Math.max(20, Math.round(50_000 * scale));
  return {
    organizations,
    users: organizations * 4,
    integrationsPerOrg: 5,
    rows: organizations * 20,
  };
}

/** Organization of session `s`: power-law skew over organizations. */
export function sessionOrgSql(s: string, z: VnextSizes): string {
  return skewed(s, 101, z.organizations, 3);
}

/** The load statements, parents first. */
export function vnextSteps(z: VnextSizes): { table: string; sql: string }[] {
  const o = z.organizations;
  const n = z.rows;
  const integrations = o * z.integrationsPerOrg;
  const steps: { table: string; sql: string }[] = [];
  const add = (table: string, sql: string) => steps.push({ table, sql });
  add(
    "organization",
    `insert into organization (id, name, slug, "createdAt")
     select 'org_' || g, 'Organization ' || g, 'org-' || g, now() from generate_series(1, ${o}) g`,
  );
  add(
    "user",
    `insert into "user" (id, name, email, "emailVerified")
     select 'user_' || g, 'User ' || g, 'user' || g || '@example.com', true
     from generate_series(1, ${z.users}) g`,
  );
  // Integration i belongs to organization ((i-1) % organizations)+1.
  add(
    "integrations",
    `insert into integrations (id, organization_id, provider, integration_id, connection_id)
     select ${uid("integration", "g")}, 'org_' || ((g - 1) % ${o} + 1), 'nango',
       (array['github', 'sentry', 'linear', 'posthog', 'jira'])[1 + (g - 1) / ${o}],
       'conn-' || g
     from generate_series(1, ${integrations}) g`,
  );
  add(
    "automations",
    `insert into automations (id, organization_id, name)
     select ${uid("automation", "g")}, 'org_' || g, 'Automation ' || g
     from generate_series(1, ${o}) g`,
  );
  // Trigger t belongs to organization ((t-1) % organizations)+1, two per organization.
  add(
    "triggers",
    `insert into triggers (id, organization_id, automation_id, trigger_type, provider, enabled,
       config)
     select ${uid("trigger", "g")}, 'org_' || ((g - 1) % ${o} + 1),
       ${uid("automation", `(g - 1) % ${o} + 1`)}, 'webhook', 'sentry', true, '{}'::jsonb
     from generate_series(1, ${o * 2}) g`,
  );
  add(
    "sessions",
    `insert into sessions (id, organization_id, created_by, session_type, status, sandbox_id,
       initial_prompt, title, started_at, last_activity_at, ended_at, client_type, origin,
       idempotency_key)
     select ${uid("session", "g")}, 'org_' || org_no, 'user_' || org_no, 'coding', status,
       'sb-' || g, ${filler("g", 200)}, 'Session ' || g, started_at, started_at,
       case when status = 'stopped' then started_at + interval '1 hour' end, 'web', 'web',
       case when ${rnd("g", 102)} < 0.3 then 'idem-' || g end
     from (
       select g, ${sessionOrgSql("g", z)} as org_no,
         ${
      weighted("g", 103, [["stopped", 75], ["paused", 12], ["running", 8], ["failed", 5]])
    } as status,
         ${timeline("g", n, 365)} as started_at
       from generate_series(1, ${n}) g
     ) s`,
  );
  add(
    "session_tool_invocations",
    `insert into session_tool_invocations (session_id, tool_call_id, tool_name, params, status,
       result, created_at, completed_at)
     select ${uid("session", pick("g", 105, n))}, 'call_' || md5('call:' || g),
       (array['verify', 'save_snapshot', 'save_service_commands', 'automation.complete'])[1 + g % 4],
       '{"path": "."}'::jsonb, case when g % 50 = 0 then 'failed' else 'completed' end,
       jsonb_build_object('success', true, 'result', ${filler("g", 120)}),
       ${timeline("g", n, 365)}, ${timeline("g", n, 365)} + interval '2 seconds'
     from generate_series(1, ${n}) g`,
  );
  const invocationSession = pick("g", 107, n);
  add(
    "action_invocations",
    `insert into action_invocations (session_id, organization_id, integration, action,
       risk_level, mode, mode_source, params, status, result, expires_at, completed_at,
       created_at)
     select ${uid("session", "session_no")}, 'org_' || ${sessionOrgSql("session_no", z)},
       'linear', 'create_issue', risk_level,
       case risk_level when 'read' then 'allow' when 'write' then 'require_approval'
         else 'deny' end, 'inferred_default',
       jsonb_build_object('title', 'Issue ' || g), status,
       case when status = 'executed' then '{"ok": true}'::jsonb end,
       case when status = 'pending' then now() + (${
      rnd("g", 108)
    } * 900 - 300) * interval '1 second'
         else created_at + interval '5 minutes' end,
       case when status <> 'pending' then created_at + interval '3 seconds' end, created_at
     from (
       select g, ${invocationSession} as session_no,
         ${weighted("g", 109, [["read", 60], ["write", 35], ["danger", 5]])} as risk_level,
         ${
      weighted("g", 110, [["executed", 80], ["denied", 8], ["failed", 6], ["expired", 5.5], [
        "pending",
        0.5,
      ]])
    } as status,
         ${timeline("g", n, 180)} as created_at
       from generate_series(1, ${n}) g
     ) i`,
  );
  const eventTrigger = pick("g", 112, o * 2);
  add(
    "trigger_events",
    `insert into trigger_events (trigger_id, organization_id, provider, event_type,
       provider_event_type, occurred_at, dedup_key, title, context, raw_payload, status,
       created_at, processed_at)
     select ${uid("trigger", "t")}, 'org_' || ((t - 1) % ${o} + 1), 'sentry', 'error_created',
       'issue.created', created_at, 'sentry:' || g, 'Event ' || g,
       jsonb_build_object('level', 'error', 'summary', ${filler("g", 100)}),
       case when g % 2 = 0 then jsonb_build_object('id', g) end,
       ${weighted("g", 113, [["completed", 85], ["skipped", 10], ["failed", 4], ["queued", 1]])},
       created_at, created_at + interval '5 seconds'
     from (select g, ${eventTrigger} as t, ${timeline("g", n, 180)} as created_at
       from generate_series(1, ${n}) g) e`,
  );
  add(
    "webhook_inbox",
    `insert into webhook_inbox (organization_id, provider, provider_event_type, headers,
       payload, status, error, received_at, processed_at, identity_kind, identity_id)
     select 'org_' || ${skewed("g", 115, o)}, 'sentry', 'issue.created',
       '{"content-type": "application/json"}'::jsonb,
       jsonb_build_object('id', g, 'body', ${filler("g", 300)}), status,
       case when status = 'failed' then 'parse error' end, received_at,
       case when status in ('completed', 'failed') then received_at + interval '3 seconds' end,
       'org', 'org_' || ${skewed("g", 115, o)}
     from (
       select g,
         case when g > ${Math.round(n * 0.996)} then 'pending'
           when g > ${Math.round(n * 0.995)} then 'processing'
           when ${rnd("g", 116)} < 0.006 then 'failed'
           else 'completed' end as status,
         ${timeline("g", n, 7 + 2 / 24)} as received_at
       from generate_series(1, ${n}) g
     ) w`,
  );
  add(
    "user_connections",
    `insert into user_connections (user_id, organization_id, provider, connection_id, status)
     select 'user_' || u, 'org_' || ((u - 1) % ${o} + 1),
       (array['github', 'linear', 'sentry', 'jira', 'notion'])[1 + (g - 1) / ${z.users}],
       'uconn-' || g,
       ${weighted("g", 118, [["active", 90], ["expired", 6], ["revoked", 4]])}
     from (select g, (g - 1) % ${z.users} + 1 as u
       from generate_series(1, ${z.users * 5}) g) c`,
  );
  // Group g: organization ((g-1) % o)+1, provider by ((g-1) / o) % 4, integration k of that
  // organization by (g-1) / (4 o); so (organization, provider, integration) is unique.
  add(
    "trigger_poll_groups",
    `insert into trigger_poll_groups (organization_id, provider, integration_id,
       cron_expression, enabled, last_polled_at, cursor)
     select 'org_' || ((g - 1) % ${o} + 1),
       (array['sentry', 'linear', 'github', 'posthog'])[1 + ((g - 1) / ${o}) % 4],
       ${uid("integration", `(g - 1) % ${o} + 1 + ${o} * ((g - 1) / (${o} * 4))`)},
       '*/5 * * * *', ${rnd("g", 119)} < 0.9,
       case when g % 50 <> 0 then now() - ${rnd("g", 120)} * interval '10 minutes' end,
       jsonb_build_object('since', g)
     from generate_series(1, ${o * 4 * z.integrationsPerOrg}) g`,
  );
  return steps;
}

/** Loads the dataset into the database at `sql`. */
export async function loadVnext(
  sql: postgres.Sql,
  z: VnextSizes,
  log: (line: string) => void,
): Promise<void> {
  await sql.unsafe("set synchronous_commit = off");
  await sql.unsafe("set session_replication_role = replica").catch((error) => {
    throw new Error(`the load needs a superuser (session_replication_role): ${error}`);
  });
  for (const step of vnextSteps(z)) {
    const started = performance.now();
    await sql.unsafe(step.sql);
    log(`  loaded ${step.table} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await sql.unsafe("reset session_replication_role");
}
