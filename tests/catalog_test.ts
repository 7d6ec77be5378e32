/**
 * Proves the catalog comparison against real PostgreSQL: hand-written DDL for a few baseline
 * tables introspects to exactly the fixture's facts, one changed fact gives exactly one line,
 * and every fact of both fixtures is in the form PostgreSQL prints back.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import {
  assertCatalogEquals,
  type Catalog,
  type CatalogConstraint,
  collapseWhitespace,
  diffCatalogs,
  introspectCatalog,
  pickTables,
} from "./_catalog.ts";
import { freshDatabase } from "./_db.ts";
import baselineJson from "./fixtures/baseline_catalog.json" with { type: "json" };
import { vnextCatalog } from "./fixtures/vnext_catalog.ts";

const baselineCatalog = baselineJson as Catalog;

/** Written by hand from the baseline sheet, independently of the fixture. */
const HAND_DDL = `
create schema auth;
create function auth.uid() returns text language plpgsql as $$ begin return null; end $$;

create table "user" (
  id text primary key,
  name text not null,
  email text not null constraint user_email_key unique,
  "emailVerified" boolean not null,
  image text,
  "createdAt" timestamptz not null default current_timestamp,
  "updatedAt" timestamptz not null default current_timestamp
);

create table organization (
  id text primary key,
  name text not null,
  slug text not null constraint organization_slug_key unique,
  logo text,
  "createdAt" timestamptz not null,
  metadata text,
  allowed_domains text[],
  is_personal boolean default false,
  autumn_customer_id text,
  billing_settings jsonb default '{"overage_policy": "pause", "overage_cap_cents": null,
    "overage_used_this_month_cents": 0}'::jsonb,
  onboarding_complete boolean default false,
  billing_state text not null default 'unconfigured',
  billing_plan text,
  shadow_balance numeric(12, 6) default '0',
  shadow_balance_updated_at timestamptz,
  grace_entered_at timestamptz,
  grace_expires_at timestamptz
);
create index organization_allowed_domains_idx on organization using gin (allowed_domains);
create index organization_autumn_customer_idx on organization (autumn_customer_id)
  where autumn_customer_id is not null;
create index organization_billing_state_idx on organization (billing_state);
create unique index organization_slug_uidx on organization (slug);

create table member (
  id text primary key,
  "organizationId" text not null references organization (id) on delete cascade,
  "userId" text not null references "user" (id) on delete cascade,
  role text not null,
  "createdAt" timestamptz not null
);
create index "member_organizationId_idx" on member ("organizationId");
create index "member_userId_idx" on member ("userId");

create table account (
  id text primary key,
  "accountId" text not null,
  "providerId" text not null,
  "userId" text not null references "user" (id) on delete cascade,
  "accessToken" text,
  "refreshToken" text,
  "idToken" text,
  "accessTokenExpiresAt" timestamptz,
  "refreshTokenExpiresAt" timestamptz,
  scope text,
  password text,
  "createdAt" timestamptz not null default current_timestamp,
  "updatedAt" timestamptz not null
);
create index "account_userId_idx" on account ("userId");

create table llm_spend_cursors (
  organization_id text not null,
  last_start_time timestamptz not null,
  last_request_id text,
  records_processed integer not null default 0,
  synced_at timestamptz not null default now(),
  constraint llm_spend_cursors_pkey1 primary key (organization_id),
  constraint llm_spend_cursors_organization_id_organization_id_fk foreign key (organization_id)
    references organization (id) on delete cascade
);

-- Targets of automations' foreign keys; not compared.
create table prebuilds (id uuid primary key);
create table slack_installations (id uuid primary key);

create table automations (
  id uuid primary key default gen_random_uuid(),
  organization_id text not null references organization (id) on delete cascade,
  name text not null default 'Untitled Automation',
  description text,
  enabled boolean default true,
  agent_instructions text,
  agent_type text default 'opencode',
  model_id text default 'claude-sonnet-4-20250514',
  allow_agentic_repo_selection boolean default false,
  created_by text references "user" (id),
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  default_prebuild_id uuid references prebuilds (id) on delete set null,
  llm_filter_prompt text,
  enabled_tools jsonb default '{}',
  llm_analysis_prompt text,
  notification_channel_id text,
  notification_slack_installation_id uuid references slack_installations (id) on delete set null
);
create index idx_automations_enabled on automations (enabled) where enabled = true;
create index idx_automations_org on automations (organization_id);
create index idx_automations_prebuild on automations (default_prebuild_id);
alter table automations enable row level security;
create policy "Users can delete automations in their org" on automations for delete
  using (organization_id in (
    select member."organizationId" from member where member."userId" = auth.uid()));
create policy "Users can insert automations in their org" on automations for insert;
create policy "Users can update automations in their org" on automations for update;
create policy "Users can view automations in their org" on automations for select;
`;

const HAND_TABLES = [
  "user",
  "organization",
  "member",
  "account",
  "llm_spend_cursors",
  "automations",
];

/** Runs `change` in a transaction that is rolled back, and returns the catalog it saw. */
async function catalogAfter(
  sql: postgres.Sql,
  change: (tx: postgres.TransactionSql) => Promise<unknown>,
): Promise<Catalog> {
  let seen: Catalog | undefined;
  const rollback = new Error("rollback");
  try {
    await sql.begin(async (tx) => {
      await change(tx);
      seen = await introspectCatalog(tx as unknown as postgres.Sql);
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return pickTables(seen!, HAND_TABLES);
}

Deno.test("hand-written baseline DDL introspects to the fixture's facts, and each changed fact to one line", async (t) => {
  await using db = await freshDatabase({ migrations: "none" });
  await db.sql.unsafe(HAND_DDL);
  const expected = pickTables(baselineCatalog, HAND_TABLES);

  await t.step("matching facts give no difference", async () => {
    const actual = pickTables(await introspectCatalog(db.sql), HAND_TABLES);
    assert.deepEqual(diffCatalogs(expected, actual), []);
    assertCatalogEquals(actual, expected);
  });

  // [what changes, statement, every expected line]
  const cases: [string, string, string | string[]][] = [
    [
      "a changed default",
      `alter table account alter column "createdAt" set default now()`,
      "public.account.createdAt: default expected CURRENT_TIMESTAMP, actual now()",
    ],
    [
      "a renamed index",
      `alter index "account_userId_idx" rename to account_user_id_idx`,
      'public.account: index expected as account_userId_idx is named account_user_id_idx (btree ("userId"))',
    ],
    [
      "a renamed primary key (PostgreSQL renames its index with it: two objects, two lines)",
      `alter table llm_spend_cursors rename constraint llm_spend_cursors_pkey1 ` +
      `to llm_spend_cursors_pkey`,
      [
        "public.llm_spend_cursors: constraint expected as llm_spend_cursors_pkey1 is named " +
        "llm_spend_cursors_pkey (PRIMARY KEY (organization_id))",
        "public.llm_spend_cursors: index expected as llm_spend_cursors_pkey1 is named " +
        "llm_spend_cursors_pkey (UNIQUE btree (organization_id) [backs PRIMARY KEY])",
      ],
    ],
    [
      "a changed ON DELETE",
      `alter table account drop constraint "account_userId_fkey",
         add constraint "account_userId_fkey" foreign key ("userId") references "user" (id)
         on delete set null`,
      "public.account: constraint account_userId_fkey differs: expected FOREIGN KEY (userId) " +
      "REFERENCES public.user(id) ON DELETE CASCADE ON UPDATE NO ACTION MATCH SIMPLE, actual " +
      "FOREIGN KEY (userId) REFERENCES public.user(id) ON DELETE SET NULL ON UPDATE NO ACTION " +
      "MATCH SIMPLE",
    ],
    [
      "a changed partial-index predicate",
      `drop index idx_automations_enabled;
       create index idx_automations_enabled on automations (enabled) where enabled`,
      "public.automations: index idx_automations_enabled differs: expected btree (enabled) " +
      "WHERE enabled = true, actual btree (enabled) WHERE enabled",
    ],
    [
      "a loosened column",
      `alter table member alter column role drop not null`,
      "public.member.role: expected NOT NULL, actual nullable",
    ],
    [
      "a changed column type",
      `alter table organization alter column shadow_balance type numeric(14, 6)`,
      "public.organization.shadow_balance: type expected numeric(12,6), actual numeric(14,6)",
    ],
    [
      "a policy with a WITH CHECK",
      `alter policy "Users can insert automations in their org" on automations
         with check (organization_id is not null)`,
      "public.automations: policy Users can insert automations in their org differs: expected " +
      "PERMISSIVE FOR INSERT TO public, actual PERMISSIVE FOR INSERT TO public WITH CHECK " +
      "(organization_id IS NOT NULL)",
    ],
    [
      "row-level security disabled",
      `alter table automations disable row level security`,
      "public.automations: row-level security expected enabled, actual disabled",
    ],
    [
      "a column added in the middle of the order",
      `alter table llm_spend_cursors drop column synced_at, add column extra text,
         add column synced_at timestamptz not null default now()`,
      "public.llm_spend_cursors: unexpected column extra text",
    ],
    [
      "two columns swapped by rename",
      `alter table account rename column scope to tmp;
       alter table account rename column password to scope;
       alter table account rename column tmp to password`,
      "public.account: column order expected (id, accountId, providerId, userId, accessToken, " +
      "refreshToken, idToken, accessTokenExpiresAt, refreshTokenExpiresAt, scope, password, " +
      "createdAt, updatedAt), actual (id, accountId, providerId, userId, accessToken, " +
      "refreshToken, idToken, accessTokenExpiresAt, refreshTokenExpiresAt, password, scope, " +
      "createdAt, updatedAt)",
    ],
    [
      "a renamed column",
      `alter table llm_spend_cursors rename column last_request_id to last_id`,
      "public.llm_spend_cursors: column expected as last_request_id is named last_id (text)",
    ],
    [
      "a missing function",
      `drop function auth.uid() cascade`,
      [
        // cascade drops the policy that calls it as well
        "public.automations: missing policy Users can delete automations in their org " +
        "PERMISSIVE FOR DELETE TO public USING (organization_id IN ( SELECT " +
        'member."organizationId" FROM member WHERE (member."userId" = auth.uid())))',
        "missing function auth.uid() RETURNS text LANGUAGE plpgsql",
      ],
    ],
  ];
  for (const [name, statement, lines] of cases) {
    const step = typeof lines === "string" ? `${name} gives exactly one line` : name;
    await t.step(step, async () => {
      const actual = await catalogAfter(db.sql, (tx) => tx.unsafe(statement));
      assert.deepEqual(diffCatalogs(expected, actual), typeof lines === "string" ? [lines] : lines);
    });
  }

  await t.step("the assertion prints every difference", async () => {
    const actual = await catalogAfter(
      db.sql,
      (tx) =>
        tx.unsafe(`alter table account alter column "createdAt" set default now();
                 alter index "account_userId_idx" rename to account_user_id_idx`),
    );
    assert.throws(() => assertCatalogEquals(actual, expected), (error: Error) => {
      assert.match(error.message, /2 differences/);
      assert.match(error.message, /default expected CURRENT_TIMESTAMP, actual now\(\)/);
      assert.match(error.message, /is named account_user_id_idx/);
      return true;
    });
  });
});

Deno.test("whitespace is collapsed outside quotes only", () => {
  assert.equal(
    collapseWhitespace("  (a IN ( SELECT m.\"x  y\"\n   FROM m\n  WHERE (m.z = 'p  q')))  "),
    "(a IN ( SELECT m.\"x  y\" FROM m WHERE (m.z = 'p  q')))",
  );
});

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** DDL that recreates every fact of `catalog` (function bodies are stubs). */
function catalogDdl(catalog: Catalog): string[] {
  const out: string[] = [];
  const schemas = new Set([
    ...catalog.tables.map((t) => t.schema),
    ...catalog.functions.map((f) => f.schema),
  ]);
  for (const schema of schemas) out.push(`create schema if not exists ${quote(schema)}`);
  assert.deepEqual(catalog.relations, [], "relations are not recreated");
  for (const f of catalog.functions) {
    assert.equal(f.kind, "function");
    const body = f.language === "plpgsql" ? "begin return null; end" : `select null::${f.result}`;
    out.push(
      `create function ${quote(f.schema)}.${quote(f.name)}(${f.arguments}) returns ${f.result} ` +
        `language ${f.language} as $body$ ${body} $body$`,
    );
  }
  const qualified = (schema: string, name: string) => `${quote(schema)}.${quote(name)}`;
  const columnList = (columns: string[]) => columns.map(quote).join(", ");
  for (const t of catalog.tables) {
    const columns = t.columns.map((c) =>
      `${quote(c.name)} ${c.type}${c.notNull ? " not null" : ""}` +
      (c.default === null
        ? ""
        : c.default.startsWith("GENERATED ")
        ? ` ${c.default}`
        : ` default ${c.default}`)
    );
    out.push(`create table ${qualified(t.schema, t.name)} (${columns.join(", ")})`);
  }
  const constraintSql = (c: CatalogConstraint): string => {
    let text: string;
    if (c.type === "p") text = `primary key (${columnList(c.columns)})`;
    else if (c.type === "u") {
      text = `unique ${c.nullsNotDistinct ? "nulls not distinct " : ""}(${columnList(c.columns)})`;
    } else if (c.type === "f") {
      const r = c.references!;
      text = `foreign key (${columnList(c.columns)}) references ${qualified(r.schema, r.table)} ` +
        `(${columnList(r.columns)}) match ${r.match} on delete ${r.onDelete} ` +
        `on update ${r.onUpdate}`;
    } else return c.definition!;
    if (c.deferrable) text += c.deferred ? " deferrable initially deferred" : " deferrable";
    return c.validated ? text : `${text} not valid`;
  };
  // Keys first, so that foreign keys find their referenced unique index.
  for (const kinds of [["p", "u"], ["c", "x", "t"], ["f"]]) {
    for (const t of catalog.tables) {
      for (const c of t.constraints.filter((c) => kinds.includes(c.type))) {
        out.push(
          `alter table ${qualified(t.schema, t.name)} add constraint ${quote(c.name)} ` +
            constraintSql(c),
        );
      }
    }
  }
  for (const t of catalog.tables) {
    const table = qualified(t.schema, t.name);
    for (const i of t.indexes.filter((i) => i.constraint === null)) {
      out.push(
        `create ${i.unique ? "unique " : ""}index ${quote(i.name)} on ${table} using ${i.method} ` +
          `(${i.keys})${i.include === null ? "" : ` include (${i.include})`}` +
          `${i.nullsNotDistinct ? " nulls not distinct" : ""}` +
          `${i.predicate === null ? "" : ` where ${i.predicate}`}`,
      );
    }
    if (t.rowSecurity) out.push(`alter table ${table} enable row level security`);
    if (t.forceRowSecurity) out.push(`alter table ${table} force row level security`);
    for (const p of t.policies) {
      const roles = p.roles.map((r) => (r === "public" ? "public" : quote(r))).join(", ");
      out.push(
        `create policy ${quote(p.name)} on ${table} as ${
          p.permissive ? "permissive" : "restrictive"
        } for ${p.command} to ${roles}` +
          `${p.using === null ? "" : ` using (${p.using})`}` +
          `${p.withCheck === null ? "" : ` with check (${p.withCheck})`}`,
      );
    }
    for (const trigger of t.triggers) out.push(trigger.definition);
  }
  return out;
}

for (const [name, fixture] of [["baseline", baselineCatalog], ["vNext", vnextCatalog]] as const) {
  Deno.test(`every fact of the ${name} fixture is in the form PostgreSQL prints back`, async () => {
    await using db = await freshDatabase({ migrations: "none" });
    for (const statement of catalogDdl(fixture)) await db.sql.unsafe(statement);
    assertCatalogEquals(await introspectCatalog(db.sql), fixture);
  });
}
