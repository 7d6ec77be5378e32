/**
 * PostgreSQL 18 names NOT NULL constraints. A production database got `llm_spend_cursors` from
 * the platform's 0023, which renamed the old singleton table to `llm_spend_cursors_global` and
 * created the per-organization table while the old one still held the unsuffixed names, so the
 * new table's constraints are named `llm_spend_cursors_<column>_not_null1`; 0024 then dropped the
 * old table. The upgrade must end with the names a fresh install has.
 *
 * The catalog reader leaves NOT NULL constraint names out (PostgreSQL 15 has none), so the names
 * are compared through `pg_constraint` directly; on PostgreSQL 15–17 that step is skipped.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { migrate } from "../migrate/mod.ts";
import { expectedCatalog } from "../migrate/expected.ts";
import { assertCatalogEquals, introspectCatalog } from "./_catalog.ts";
import { ALL_MIGRATIONS, BASELINE_MIGRATIONS, freshDatabase } from "./_db.ts";
import { vnextCatalog } from "./fixtures/vnext_catalog.ts";

/** Every NOT NULL constraint of the public schema as `table.column name`, sorted. */
async function notNullNames(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select c.relname || '.' || a.attname || ' ' || k.conname as line
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
    where k.contype::text = 'n' and c.relnamespace = 'public'::regnamespace
    order by 1`;
  return rows.map((row) => row.line);
}

/**
 * Rebuilds `llm_spend_cursors` of a baseline database the way the platform's migrations made
 * it: the singleton table that 0023 started from, 0023's rename and new table, 0024's drop.
 */
async function reshapeAsPlatform0023(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    drop table llm_spend_cursors;
    create table llm_spend_cursors (
      id text primary key default 'global',
      last_start_time timestamp with time zone not null,
      last_request_id text,
      records_processed integer default 0 not null,
      synced_at timestamp with time zone default now() not null
    );
    -- 0023_llm_spend_cursors_partition
    alter table llm_spend_cursors rename to llm_spend_cursors_global;
    create table llm_spend_cursors (
      organization_id text not null,
      last_start_time timestamp with time zone not null,
      last_request_id text,
      records_processed integer default 0 not null,
      synced_at timestamp with time zone default now() not null,
      primary key (organization_id)
    );
    alter table llm_spend_cursors add constraint llm_spend_cursors_organization_id_organization_id_fk
      foreign key (organization_id) references organization (id) on delete cascade;
    -- 0024_drop_llm_spend_cursors_global
    drop table llm_spend_cursors_global;
  `);
}

Deno.test("vNext upgrade: llm_spend_cursors made by the platform's 0023 ends with a fresh install's NOT NULL names", async (t) => {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  const [{ version }] = await sql<{ version: number }[]>`
    select current_setting('server_version_num')::int as version`;
  const namedNotNull = version >= 180000;
  await reshapeAsPlatform0023(sql);

  await t.step(
    "the reshaped table is the baseline's (the catalog ignores NOT NULL names)",
    async () => {
      assertCatalogEquals(
        await introspectCatalog(sql),
        expectedCatalog(BASELINE_MIGRATIONS[0].tag)!,
      );
    },
  );

  await t.step({
    name: namedNotNull
      ? "before the upgrade, PostgreSQL 18 holds the names ending in 1"
      : `before the upgrade: skipped, PostgreSQL ${
        Math.floor(version / 10000)
      } has no NOT NULL constraints`,
    ignore: !namedNotNull,
    fn: async () => {
      const names = (await notNullNames(sql)).filter((line) =>
        line.startsWith("llm_spend_cursors.")
      );
      assert.deepEqual(names, [
        "llm_spend_cursors.last_start_time llm_spend_cursors_last_start_time_not_null1",
        "llm_spend_cursors.organization_id llm_spend_cursors_organization_id_not_null",
        "llm_spend_cursors.records_processed llm_spend_cursors_records_processed_not_null1",
        "llm_spend_cursors.synced_at llm_spend_cursors_synced_at_not_null1",
      ]);
    },
  });

  await migrate({ url: db.url, migrations: ALL_MIGRATIONS });

  await t.step("the upgraded database is at the vNext catalog", async () => {
    assertCatalogEquals(await introspectCatalog(sql), vnextCatalog);
  });

  await t.step({
    name: namedNotNull
      ? "every NOT NULL constraint has the name a fresh install gives it"
      : `NOT NULL names: skipped, PostgreSQL ${
        Math.floor(version / 10000)
      } has no NOT NULL constraints`,
    ignore: !namedNotNull,
    fn: async () => {
      await using fresh = await freshDatabase({ migrations: "all" });
      const expected = await notNullNames(fresh.sql);
      assert.ok(
        expected.includes("llm_spend_cursors.synced_at llm_spend_cursors_synced_at_not_null"),
        "a fresh install names llm_spend_cursors.synced_at without the suffix",
      );
      assert.deepEqual(await notNullNames(sql), expected);
    },
  });
});
