/**
 * The vNext upgrade while writers go on: between `0001_vnext_expand` and the backfill, a write
 * to a legacy row (an update, or an insert in the pre-vNext shape) passes the NOT VALID checks
 * 0001 added, because 0001's triggers fill the row's vNext values as 0002 would; 0003 drops the
 * triggers, so the upgraded catalog is the fresh install's.
 */
import assert from "node:assert/strict";
import { expectedCatalog, migrate } from "../migrate/mod.ts";
import { assertCatalogEquals, introspectCatalog } from "./_catalog.ts";
import { ALL_MIGRATIONS, freshDatabase } from "./_db.ts";
import { seedBaseline } from "./_seed_baseline.ts";

const EXPAND = ALL_MIGRATIONS.findIndex((m) => m.tag === "0001_vnext_expand");

Deno.test("vNext online: writers updating legacy rows between 0001 and 0002 succeed", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  await seedBaseline(sql);
  await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, EXPAND + 1) });
  const [{ legacy }] = await sql<{ legacy: number }[]>`
    select count(*)::int as legacy from action_invocations where mode is null`;
  assert.ok(legacy > 0, "the seed must leave legacy action_invocations for 0002");

  // What a pre-vNext writer does: touch its rows without knowing the vNext columns.
  const invocations = await sql`update action_invocations set status = status`;
  const events = await sql`update trigger_events set provider_event_type = provider_event_type`;
  const triggers = await sql`update triggers set enabled = null where enabled is not true`;
  assert.ok(invocations.count > 0 && events.count > 0 && triggers.count > 0);
  const [trigger] = await sql<{ id: string; org: string }[]>`
    select id, organization_id as org from triggers limit 1`;
  await sql`insert into trigger_events (trigger_id, organization_id, provider_event_type)
    values (${trigger.id}, ${trigger.org}, 'push')`;

  const [filled] = await sql<{ wrong: number; events: number; triggers: number }[]>`
    select
      (select count(*)::int from action_invocations
       where mode is distinct from case risk_level when 'read' then 'allow'
                                   when 'write' then 'require_approval' else 'deny' end
          or mode_source is null) as wrong,
      (select count(*)::int from trigger_events
       where provider is null or event_type is null or occurred_at is null or title is null
          or context is null or dedup_key is null or status is null) as events,
      (select count(*)::int from triggers where enabled is null or config is null) as triggers`;
  assert.deepEqual(filled, { wrong: 0, events: 0, triggers: 0 });
  const [pushed] = await sql<{ event_type: string; title: string; status: string }[]>`
    select event_type, title, status from trigger_events where provider_event_type = 'push'
    order by created_at desc limit 1`;
  assert.deepEqual({ ...pushed }, { event_type: "push", title: "push", status: "queued" });

  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
  assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(EXPAND + 1).map((m) => m.tag));
  assertCatalogEquals(
    await introspectCatalog(sql),
    expectedCatalog(ALL_MIGRATIONS[ALL_MIGRATIONS.length - 1].tag)!,
  );
  const [{ left }] = await sql<{ left: number }[]>`
    select count(*)::int as left from pg_trigger where tgname = 'vnext_fill_legacy_row'`;
  assert.equal(left, 0);
});
