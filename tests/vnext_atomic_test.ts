/**
 * An upgrade that meets a legacy value the vNext constraints forbid aborts as a whole: the
 * runner's online precheck names the table, column and value, and the database is left exactly
 * as it was — same catalog, same rows byte for byte, only migration 0000 recorded. 0001 applied
 * as a plain file refuses the same value itself. Once the value is fixed, the same upgrade
 * completes.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { migrate, MigrationError } from "../migrate/mod.ts";
import { ALL_MIGRATIONS, BASELINE_MIGRATIONS, freshDatabase } from "./_db.ts";
import { type BaselineSeed, seedBaseline, type SeededTriggerEvent } from "./_seed_baseline.ts";

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"];

/** Everything the upgrade could change in the catalog, as sorted lines. */
async function catalogSnapshot(sql: postgres.Sql): Promise<Record<string, string[]>> {
  const lines = async (query: postgres.PendingQuery<{ line: string }[]>) =>
    (await query).map((row) => row.line).sort();
  const userSchema = sql`n.nspname <> all(${SYSTEM_SCHEMAS}) and n.nspname not like 'pg_temp%'
    and n.nspname not like 'pg_toast_temp%'`;
  return {
    schemas: await lines(sql`
      select n.nspname as line from pg_namespace n where ${userSchema}`),
    relations: await lines(sql`
      select n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity
        as line
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${userSchema}`),
    columns: await lines(sql`
      select n.nspname || '.' || c.relname || '.' || a.attname || ' #' || a.attnum || ' '
        || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null'
        else '' end || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') as line
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where ${userSchema} and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0
        and not a.attisdropped`),
    constraints: await lines(sql`
      select n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || k.contype::text || ' '
        || pg_get_constraintdef(k.oid) || case when k.convalidated then '' else ' NOT VALID' end
        as line
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      where ${userSchema}`),
    indexes: await lines(sql`
      select schemaname || '.' || indexname || ' ' || indexdef as line from pg_indexes n2
      join pg_namespace n on n.nspname = n2.schemaname where ${userSchema}`),
    policies: await lines(sql`
      select schemaname || '.' || tablename || ' ' || policyname || ' ' || cmd || ' '
        || coalesce(qual, '') || ' ' || coalesce(with_check, '') as line
      from pg_policies p join pg_namespace n on n.nspname = p.schemaname where ${userSchema}`),
    functions: await lines(sql`
      select n.nspname || '.' || p.proname || '(' || pg_get_function_arguments(p.oid) || ') '
        || md5(p.prosrc) as line
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${userSchema}`),
    triggers: await lines(sql`
      select c.relname || ' ' || t.tgname as line
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
      where ${userSchema} and not t.tgisinternal`),
  };
}

/** Row count and an order-independent checksum of every table in every user schema. */
async function dataSnapshot(sql: postgres.Sql): Promise<Record<string, string>> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname <> all(${SYSTEM_SCHEMAS}) and n.nspname not like 'pg_temp%'
      and c.relkind in ('r', 'p')
    order by 1, 2`;
  const snapshot: Record<string, string> = {};
  for (const { schema, name } of tables) {
    const [{ n, sum }] = await sql<{ n: number; sum: string }[]>`
      select count(*)::int as n,
             md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum
      from ${sql(schema)}.${sql(name)} t`;
    snapshot[`${schema}.${name}`] = `${n} rows, md5 ${sum}`;
  }
  return snapshot;
}

async function recordedHashes(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ hash: string }[]>`
    select hash from drizzle.__drizzle_migrations order by created_at`;
  return rows.map((row) => row.hash);
}

/** The fields of a PostgreSQL error that the precheck fills. */
interface ServerError {
  message: string;
  detail?: string;
  code: string;
  table_name?: string;
  column_name?: string;
  constraint_name?: string;
}

/** The PostgreSQL error at the end of a chain of causes. */
function serverError(error: unknown): ServerError {
  let current = error as { cause?: unknown; code?: unknown; message?: string } | undefined;
  let found: ServerError | undefined;
  while (current && typeof current === "object") {
    if (typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code)) {
      found = current as ServerError;
    }
    current = current.cause as typeof current;
  }
  assert.ok(found, `no PostgreSQL error in the cause chain of: ${String(error)}`);
  return found;
}

/** A legacy value that a vNext constraint forbids, where to plant it and how to fix it. */
interface IllegalValue {
  table: string;
  column: string;
  /** The value as the message must show it; null when the offence is a missing value. */
  value: string | null;
  /** The constraint the value breaks, as the error must name it; none for a bundle refusal. */
  constraint?: string;
  /**
   * SQLSTATE of the error: check_violation, unique_violation for a key clash,
   * object_not_in_prerequisite_state for a bundle without a configuration, foreign_key_violation
   * for a secret in another organization's bundle.
   */
  code: "23514" | "23505" | "55000" | "23503";
  /** The step's name, when `table.column = value` would not say what is planted. */
  label?: string;
  plant(sql: postgres.Sql, seed: BaselineSeed): Promise<unknown>;
  fix(sql: postgres.Sql, seed: BaselineSeed): Promise<unknown>;
}

const ILLEGAL_VALUES: IllegalValue[] = [
  {
    table: "sessions",
    column: "status",
    value: "bogus",
    constraint: "sessions_status_check",
    code: "23514",
    plant: (sql, s) => sql`update sessions set status = 'bogus' where id = ${s.sessions.cli}`,
    fix: (sql, s) => sql`update sessions set status = 'stopped' where id = ${s.sessions.cli}`,
  },
  {
    table: "sessions",
    column: "session_type",
    value: "notebook",
    constraint: "sessions_session_type_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update sessions set session_type = 'notebook' where id = ${s.sessions.terminal}`,
    fix: (sql, s) =>
      sql`update sessions set session_type = 'terminal' where id = ${s.sessions.terminal}`,
  },
  {
    table: "sessions",
    column: "client_type",
    value: "browser",
    constraint: "sessions_client_type_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update sessions set client_type = 'browser' where id = ${s.sessions.webRunning}`,
    fix: (sql, s) =>
      sql`update sessions set client_type = 'web' where id = ${s.sessions.webRunning}`,
  },
  {
    table: "sessions",
    column: "origin",
    value: "api",
    constraint: "sessions_origin_check",
    code: "23514",
    plant: (sql, s) => sql`update sessions set origin = 'api' where id = ${s.sessions.child}`,
    fix: (sql, s) => sql`update sessions set origin = 'web' where id = ${s.sessions.child}`,
  },
  {
    table: "action_invocations",
    column: "risk_level",
    value: "extreme",
    constraint: "action_invocations_risk_level_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update action_invocations set risk_level = 'extreme' where id = ${s.invocations[0].id}`,
    fix: (sql, s) =>
      sql`update action_invocations set risk_level = 'read' where id = ${s.invocations[0].id}`,
  },
  {
    table: "action_invocations",
    column: "status",
    value: "cancelled",
    constraint: "action_invocations_status_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update action_invocations set status = 'cancelled' where id = ${s.invocations[1].id}`,
    fix: (sql, s) =>
      sql`update action_invocations set status = 'approved' where id = ${s.invocations[1].id}`,
  },
  {
    table: "action_invocations",
    column: "expires_at",
    value: null,
    constraint: "action_invocations_pending_expiry_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update action_invocations set expires_at = null
        where id = ${s.invocations.find((i) => i.status === "pending")!.id}`,
    fix: (sql, s) =>
      sql`update action_invocations set expires_at = created_at + interval '5 minutes'
        where id = ${s.invocations.find((i) => i.status === "pending")!.id}`,
  },
  {
    table: "triggers",
    column: "trigger_type",
    value: "cron",
    constraint: "triggers_trigger_type_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update triggers set trigger_type = 'cron' where id = ${s.triggers.scheduled.id}`,
    fix: (sql, s) =>
      sql`update triggers set trigger_type = 'polling' where id = ${s.triggers.scheduled.id}`,
  },
  {
    table: "integrations",
    column: "status",
    value: "paused",
    constraint: "integrations_status_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update integrations set status = 'paused' where id = ${s.integrations.sentry}`,
    fix: (sql, s) =>
      sql`update integrations set status = 'active' where id = ${s.integrations.sentry}`,
  },
  {
    table: "slack_installations",
    column: "status",
    value: "disabled",
    constraint: "slack_installations_status_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update slack_installations set status = 'disabled' where organization_id = ${s.orgs.acme}`,
    fix: (sql, s) =>
      sql`update slack_installations set status = 'active' where organization_id = ${s.orgs.acme}`,
  },
  {
    table: "secret_bundles",
    column: "target_path",
    value: "../outside.env",
    constraint: "secret_files_path_check",
    code: "23514",
    plant: (sql, s) =>
      sql`update secret_bundles set target_path = '../outside.env' where id = ${s.bundles[2].id}`,
    fix: (sql, s) =>
      sql`update secret_bundles set target_path = 'outside.env' where id = ${s.bundles[2].id}`,
  },
  {
    // A bundle with a file needs a configuration of its organization to carry the file into;
    // the personal organization has none, so the upgrade refuses rather than drop the bundle.
    table: "secret_bundles",
    column: "target_path",
    value: "'.env'",
    code: "55000",
    label: "secret_bundles.target_path set on a bundle of an organization without configurations",
    plant: (sql, s) =>
      sql`update secret_bundles set target_path = '.env' where id = ${personalBundle(s).id}`,
    fix: (sql, s) =>
      sql`update secret_bundles set target_path = null where id = ${personalBundle(s).id}`,
  },
  {
    // A secret in another organization's bundle would cross tenants if carried.
    table: "secrets",
    column: "bundle_id",
    value: null,
    code: "23503",
    label: "secrets.bundle_id naming a bundle of another organization",
    plant: (sql, s) =>
      sql`update secrets set bundle_id = ${globexBundle(s).id} where id = ${
        s.secrets.inBundles[0]
      }`,
    fix: (sql, s) =>
      sql`update secrets set bundle_id = ${s.bundles[0].id} where id = ${s.secrets.inBundles[0]}`,
  },
  {
    // Drift D3 is missing from a journaled baseline, so 0004 builds the index and needs the
    // organization-wide keys to be distinct already.
    table: "secrets",
    column: "key",
    value: "OPENAI_API_KEY",
    constraint: "secrets_org_key_unique_when_org_wide",
    code: "23505",
    label: "secrets.key = OPENAI_API_KEY twice organization-wide",
    plant: (sql, s) =>
      sql`insert into secrets (organization_id, key, encrypted_value)
        values (${s.orgs.acme}, 'OPENAI_API_KEY', 'enc:v1:duplicate')`,
    fix: (sql) => sql`delete from secrets where encrypted_value = 'enc:v1:duplicate'`,
  },
  {
    // 0002 gives an event without a dedup key the key 'legacy:' || id; another event of the same
    // trigger already holding that key would break the dedup unique of 0003.
    table: "trigger_events",
    column: "dedup_key",
    value: "legacy:",
    constraint: "trigger_events_trigger_id_dedup_key_key",
    code: "23505",
    label: "trigger_events.dedup_key = the legacy key of a NULL-key event of its trigger",
    plant: (sql, s) => {
      const [keyed, unkeyed] = sameTriggerEvents(s);
      return sql`update trigger_events set dedup_key = ${`legacy:${unkeyed.id}`}
        where id = ${keyed.id}`;
    },
    fix: (sql, s) => {
      const [keyed] = sameTriggerEvents(s);
      return sql`update trigger_events set dedup_key = ${keyed.dedupKey} where id = ${keyed.id}`;
    },
  },
];

/** The seeded bundle of the organization that has no configuration (it has no target_path). */
function personalBundle(seed: BaselineSeed) {
  const bundle = seed.bundles.find((b) => b.organizationId === seed.orgs.personal);
  assert.ok(
    bundle && bundle.targetPath === null,
    "the seed needs a personal bundle without a file",
  );
  return bundle;
}

/** A seeded bundle of globex with a file. */
function globexBundle(seed: BaselineSeed) {
  const bundle = seed.bundles.find((b) =>
    b.organizationId === seed.orgs.globex && b.targetPath !== null
  );
  assert.ok(bundle, "the seed needs a globex bundle with a file");
  return bundle;
}

/** An event with a dedup key and an event without one, of the same seeded trigger. */
function sameTriggerEvents(seed: BaselineSeed): [SeededTriggerEvent, SeededTriggerEvent] {
  for (const keyed of seed.triggerEvents.filter((e) => e.dedupKey !== null)) {
    const unkeyed = seed.triggerEvents.find((e) =>
      e.dedupKey === null && e.triggerId === keyed.triggerId
    );
    if (unkeyed) return [keyed, unkeyed];
  }
  throw new Error("the seed needs a keyed and an unkeyed event of one trigger");
}

Deno.test("vNext atomic upgrade: an illegal legacy value aborts everything, a fixed one upgrades", async (t) => {
  const upgradeTags = ALL_MIGRATIONS.slice(BASELINE_MIGRATIONS.length).map((m) => m.tag);
  for (const illegal of ILLEGAL_VALUES) {
    const label = illegal.label ??
      `${illegal.table}.${illegal.column} = ${illegal.value ?? "NULL"}`;
    await t.step(
      `${label}: rejected by name, nothing changes, the fixed rerun completes`,
      async () => {
        await using db = await freshDatabase({ migrations: "baseline" });
        const sql = db.sql;
        const seed = await seedBaseline(sql);
        const planted = await illegal.plant(sql, seed) as { count: number };
        assert.equal(planted.count, 1, "the illegal value must be planted on one row");
        const catalogBefore = await catalogSnapshot(sql);
        const dataBefore = await dataSnapshot(sql);
        assert.deepEqual(await recordedHashes(sql), [BASELINE_MIGRATIONS[0].hash]);

        // The runner's online precheck (a read-only snapshot, before 0001) refuses first.
        await assert.rejects(migrate({ url: db.url, migrations: ALL_MIGRATIONS }), (error) => {
          assert.ok(error instanceof MigrationError, `not a MigrationError: ${String(error)}`);
          assert.equal(error.reason, "precheck", error.message);
          assert.deepEqual(
            error.findings.map((f) => [f.table, f.column]),
            [[illegal.table, illegal.column]],
            error.message,
          );
          const named = [
            `${illegal.table}.${illegal.column}`,
            ...(illegal.constraint ? [illegal.constraint] : []),
            ...(illegal.value && illegal.code !== "55000" ? [illegal.value] : []),
            "nothing was changed",
          ];
          for (const word of named) {
            assert.ok(error.message.includes(word), `must name ${word}: ${error.message}`);
          }
          return true;
        });
        const unchanged = async (what: string) => {
          assert.deepEqual(await catalogSnapshot(sql), catalogBefore, `${what}: catalog`);
          assert.deepEqual(await dataSnapshot(sql), dataBefore, `${what}: rows`);
          assert.deepEqual(
            await recordedHashes(sql),
            [BASELINE_MIGRATIONS[0].hash],
            `${what}: only 0000 may be recorded`,
          );
        };
        await unchanged("after the runner's refusal");

        // 0001 applied as a plain file (psql, drizzle-kit) runs its own locked precheck.
        const expand = ALL_MIGRATIONS[BASELINE_MIGRATIONS.length];
        await assert.rejects(
          sql.begin(async (tx) => {
            for (const statement of expand.statements) {
              if (statement.trim() !== "") await tx.unsafe(statement);
            }
          }),
          (error) => {
            const server = serverError(error);
            assert.deepEqual(
              [server.code, server.table_name, server.column_name, server.constraint_name],
              [illegal.code, illegal.table, illegal.column, illegal.constraint],
              `SQLSTATE, table, column and constraint of: ${server.message}`,
            );
            const said = [server.message, server.detail ?? ""].join(" ");
            const named = [
              illegal.table,
              illegal.column,
              ...(illegal.constraint ? [illegal.constraint] : []),
              ...(illegal.value ? [illegal.value] : []),
            ];
            for (const word of named) {
              assert.ok(said.includes(word), `the error must name ${word}; it said: ${said}`);
            }
            return true;
          },
        );
        await unchanged("after 0001's own refusal");

        await illegal.fix(sql, seed);
        const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
        assert.deepEqual(report.applied, upgradeTags);
        assert.equal((await recordedHashes(sql)).length, ALL_MIGRATIONS.length);
      },
    );
  }
});
