/**
 * A fresh install into a database that already has an `auth` schema and an `auth.uid()` (as an
 * auth provider such as Supabase sets up) keeps both: migration 0000 creates the schema and the
 * stub only where they are missing, the policies call the existing function, and its body is left
 * as it was. An existing `auth.uid()` that does not return text is refused by name, with nothing
 * changed.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { migrate, MigrationError } from "../migrate/mod.ts";
import { ALL_MIGRATIONS, freshDatabase } from "./_db.ts";

/** The source, language and result of every `auth.uid` function. */
async function uidFunctions(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select l.lanname || ' ' || pg_get_function_result(p.oid) || ' ' || p.prosrc as line
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    join pg_language l on l.oid = p.prolang
    where n.nspname = 'auth' and p.proname = 'uid'`;
  return rows.map((row) => row.line);
}

const PROVIDER_SETUP = `
  create schema auth;
  create table auth.users (id text primary key, email text);
  insert into auth.users values ('usr_from_provider', 'owner@example.com');
  create function auth.uid() returns text language sql stable as
    $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::text $$;
`;

Deno.test("fresh install: an existing auth schema and auth.uid() are used, not replaced", async (t) => {
  await using db = await freshDatabase({ migrations: "none" });
  const sql = db.sql;
  await sql.unsafe(PROVIDER_SETUP);
  const before = await uidFunctions(sql);
  assert.equal(before.length, 1);

  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });

  await t.step("every migration applies", () => {
    assert.deepEqual(report.applied, ALL_MIGRATIONS.map((m) => m.tag));
  });

  await t.step("auth.uid() keeps its language, result and body", async () => {
    assert.deepEqual(await uidFunctions(sql), before);
    assert.match(before[0], /request\.jwt\.claim\.sub/);
  });

  await t.step("the auth schema keeps its other objects and rows", async () => {
    const rows = await sql`select id from auth.users`;
    assert.deepEqual(rows.map((row) => row.id), ["usr_from_provider"]);
  });

  await t.step("the policies call the existing auth.uid()", async () => {
    const rows = await sql<{ table: string }[]>`
      select distinct c.relname as table
      from pg_depend d
      join pg_policy p on p.oid = d.objid and d.classid = 'pg_policy'::regclass
      join pg_class c on c.oid = p.polrelid
      where d.refobjid = 'auth.uid()'::regprocedure
      order by 1`;
    assert.deepEqual(rows.map((row) => row.table), ["automations", "schedules"]);
  });
});

for (const schemaExists of [false, true]) {
  const given = schemaExists ? "with an empty auth schema" : "without an auth schema";
  Deno.test(`fresh install ${given}: 0000 creates the NULL stub of auth.uid()`, async () => {
    await using db = await freshDatabase({ migrations: "none" });
    if (schemaExists) await db.sql`create schema auth`;
    await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
    assert.deepEqual(await uidFunctions(db.sql), [
      "plpgsql text \nBEGIN\n  RETURN NULL;\nEND;\n",
    ]);
  });
}

Deno.test("fresh install: an existing auth.uid() that returns uuid is refused by name, nothing changes", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const sql = db.sql;
  await sql.unsafe(`
    create schema auth;
    create function auth.uid() returns uuid language sql stable as
      $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
  `);
  const tablesBefore =
    await sql`select relname from pg_class where relnamespace = 'public'::regnamespace`;
  assert.equal(tablesBefore.length, 0);
  await assert.rejects(migrate({ url: db.url, migrations: ALL_MIGRATIONS }), (error) => {
    assert.ok(error instanceof MigrationError, `not a MigrationError: ${String(error)}`);
    assert.match(error.message, /auth\.uid\(\) already exists and returns uuid/);
    return true;
  });
  const tablesAfter =
    await sql`select relname from pg_class where relnamespace = 'public'::regnamespace`;
  assert.equal(tablesAfter.length, 0, "0000 must roll back whole");
  assert.equal((await uidFunctions(sql)).length, 1);
});
