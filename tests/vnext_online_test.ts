/**
 * The vNext upgrade while writers go on: between `0001_vnext_expand` and the backfill, a write
 * to a legacy row (an update, or an insert in the pre-vNext shape) passes the NOT VALID checks
 * 0001 added, because 0001's triggers fill the row's vNext values as 0002 would; 0003 drops the
 * triggers, so the upgraded catalog is the fresh install's. The runner prechecks online before
 * 0001, calls `beforeExpand` (stop the pre-vNext writers) and prechecks again once 0001 is
 * committed, for rows written in between.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { expectedCatalog, migrate, MigrationError } from "../migrate/mod.ts";
import { assertCatalogEquals, introspectCatalog } from "./_catalog.ts";
import { ALL_MIGRATIONS, connect, freshDatabase } from "./_db.ts";
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

Deno.test("vNext online: a backfill killed mid-way is finished by the rerun, batch by batch", async (t) => {
  for (const rewrite of [false, true]) {
    const name = rewrite
      ? "after VACUUM FULL moved the rows, the walk starts over"
      : "the rerun goes on after the last committed batch";
    await t.step(name, () => killAndRerun(rewrite));
  }
});

/**
 * Kills 0002 after its second batch of the action_invocations walk, optionally rewrites the
 * table (VACUUM FULL: every row on another page), and checks that the rerun fills every row,
 * going on after the cursor (its first batch finds rows to rewrite: the pages before the cursor
 * hold only filled rows), or walking the new file from its start after a rewrite.
 */
async function killAndRerun(rewrite: boolean): Promise<void> {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  await seedBaseline(sql);
  // Enough legacy rows for several batches (the first covers 64 pages).
  await sql`
    insert into action_invocations (session_id, organization_id, integration_id, integration,
      action, risk_level, params, status, result, error, duration_ms, approved_by, approved_at,
      completed_at, expires_at, created_at)
    select session_id, organization_id, integration_id, integration, action, risk_level, params,
      status, result, error, duration_ms, approved_by, approved_at, completed_at, expires_at,
      created_at
    from action_invocations, generate_series(1, 4000)`;
  await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, EXPAND + 1) });
  const legacyRows = async () => {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from action_invocations where mode is null`;
    return n;
  };
  const before = await legacyRows();
  assert.ok(before > 20_000, `${before} legacy rows`);

  const killer = connect(db.url, 1);
  let pid = 0;
  let killed = false;
  try {
    await assert.rejects(
      migrate({
        url: db.url,
        migrations: ALL_MIGRATIONS,
        onProgress: (event) => {
          if (event.kind === "start" && event.tag === "0002_vnext_backfill") pid = event.backendPid;
          if (event.kind === "batch" && event.statement === 2 && event.batch === 2 && !killed) {
            killed = true;
            killer`select pg_terminate_backend(${pid})`.catch(() => {});
          }
        },
      }),
      (error) => {
        assert.ok(error instanceof MigrationError, String(error));
        assert.equal(error.reason, "connection", error.message);
        return true;
      },
    );
  } finally {
    await killer.end();
  }
  const left = await legacyRows();
  assert.ok(left > 0 && left < before, `${left} of ${before} rows left after the kill`);
  const [{ recorded }] = await sql<{ recorded: number }[]>`
    select count(*)::int as recorded from drizzle.__drizzle_migrations`;
  assert.equal(recorded, EXPAND + 1, "0002 is not recorded");
  const [cursor] = await sql<{ next: number; end: number }[]>`
    select next_page::int as next, end_page::int as end from drizzle.__proliferate_backfill_cursors
    where name = 'action_invocations'`;
  assert.ok(cursor.next >= 2 * 16 && cursor.next < cursor.end, JSON.stringify(cursor));
  if (rewrite) await sql`vacuum full action_invocations`;

  const batches: number[] = [];
  const report = await migrate({
    url: db.url,
    migrations: ALL_MIGRATIONS,
    onProgress: (event) => {
      if (event.kind === "batch" && event.statement === 2) batches.push(event.rows);
    },
  });
  assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(EXPAND + 1).map((m) => m.tag));
  // The rerun starts at the cursor (a walk from page 0 would first find filled pages only), or,
  // after a rewrite, at the new file's start, where VACUUM FULL put the rows left; either way
  // it rewrites exactly the rows left.
  assert.ok(batches.length > 1 && batches[0] > 0, `rows rewritten per batch: ${batches}`);
  assert.equal(batches.reduce((a, b) => a + b, 0), left, "the rerun rewrites only what was left");
  const [{ unfilled }] = await sql<{ unfilled: number }[]>`
    select count(*)::int as unfilled from action_invocations
    where mode is distinct from case risk_level when 'read' then 'allow'
                                when 'write' then 'require_approval' else 'deny' end
       or mode_source is distinct from 'inferred_default'`;
  assert.equal(unfilled, 0);
  const [{ cursors }] = await sql<{ cursors: string | null }[]>`
    select to_regclass('drizzle.__proliferate_backfill_cursors')::text as cursors`;
  assert.equal(cursors, null, "0002 drops its cursor table");
}

Deno.test("vNext online: the precheck runs before beforeExpand, which runs once, before 0001", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  await seedBaseline(db.sql);
  const seen: string[] = [];
  const report = await migrate({
    url: db.url,
    migrations: ALL_MIGRATIONS,
    beforeExpand: () => {
      seen.push("beforeExpand");
    },
    onProgress: (event) => {
      if (event.kind === "precheck") seen.push(`precheck ${event.stage} ${event.findings}`);
      if (event.kind === "start" && event.index <= 2) seen.push(`start ${event.tag}`);
    },
  });
  assert.equal(report.applied.length, ALL_MIGRATIONS.length - EXPAND);
  assert.deepEqual(seen, [
    "precheck before 0",
    "beforeExpand",
    "start 0001_vnext_expand",
    "precheck after 0",
    "start 0002_vnext_backfill",
  ]);
});

Deno.test("vNext online: a beforeExpand that throws stops the run with nothing changed", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  await seedBaseline(db.sql);
  const before = await recordedCount(db.sql);
  await assert.rejects(
    migrate({
      url: db.url,
      migrations: ALL_MIGRATIONS,
      beforeExpand: () => {
        throw new Error("writers still running");
      },
    }),
    (error) => {
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.reason, "aborted");
      assert.match(error.message, /writers still running.*nothing was changed/);
      return true;
    },
  );
  assert.equal(await recordedCount(db.sql), before);
  const [{ renamed }] = await db.sql<{ renamed: string | null }[]>`
    select to_regclass('public.configurations')::text as renamed`;
  assert.equal(renamed, null);
});

Deno.test("vNext online: a row a writer changes after the precheck stops the run after 0001, and the rerun goes on", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  const seed = await seedBaseline(sql);
  // A pre-vNext writer that is not stopped in time writes a value the precheck would refuse.
  const late = () => sql`update sessions set status = 'archived' where id = ${seed.sessions.cli}`;
  await assert.rejects(
    migrate({
      url: db.url,
      migrations: ALL_MIGRATIONS,
      beforeExpand: async () => void await late(),
    }),
    (error) => {
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.reason, "precheck", error.message);
      assert.deepEqual(error.applied, ["0001_vnext_expand"]);
      assert.deepEqual(error.findings.map((f) => f.rowIds), [[seed.sessions.cli]]);
      assert.match(
        error.message,
        /^0001_vnext_expand is applied, but rows changed while it was prechecked: sessions\.status holds 'archived', which sessions_status_check does not allow/,
      );
      return true;
    },
  );
  assert.equal(await recordedCount(sql), EXPAND + 1, "0001 stays applied, nothing later ran");
  await sql`update sessions set status = 'stopped' where id = ${seed.sessions.cli}`;
  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
  assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(EXPAND + 1).map((m) => m.tag));
});

async function recordedCount(sql: postgres.Sql): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  return n;
}

Deno.test("vNext online: runners started together precheck one at a time and never deadlock", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  await seedBaseline(db.sql);
  // Without the runners' lock around the precheck, one runner's precheck read a table while
  // another's 0001 held ACCESS EXCLUSIVE on the next: a deadlock PostgreSQL broke by failing one.
  for (let round = 0; round < 3; round++) {
    if (round > 0) {
      await db.sql.unsafe(
        "drop schema public cascade; drop schema drizzle cascade; create schema public",
      );
      await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, EXPAND) });
      await seedBaseline(db.sql);
    }
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => migrate({ url: db.url, migrations: ALL_MIGRATIONS })),
    );
    const failures = results.flatMap((r) => r.status === "rejected" ? [String(r.reason)] : []);
    assert.deepEqual(failures, [], `round ${round}`);
    assert.equal(await recordedCount(db.sql), ALL_MIGRATIONS.length);
  }
});

Deno.test("vNext online: while 0003 waits for a busy table it holds no lock, so other writes go on", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  await seedBaseline(sql);
  const contract = ALL_MIGRATIONS.findIndex((m) => m.tag === "0003_vnext_contract");
  await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, contract) });
  const blocker = connect(db.url, 1);
  const writer = connect(db.url, 1);
  try {
    const reserved = await blocker.reserve();
    await reserved`begin`;
    // An open transaction that wrote trigger_events: 0003 cannot lock that table until it ends.
    await reserved`update trigger_events set title = title`;
    const upgrade = migrate({ url: db.url, migrations: ALL_MIGRATIONS });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Taken a table at a time, 0003 would now hold action_invocations and block this write.
    let slowest = 0;
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await writer`update action_invocations set status = status
        where id = (select id from action_invocations limit 1)`;
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await reserved`commit`;
    reserved.release();
    const report = await upgrade;
    assert.ok(report.applied.includes("0003_vnext_contract"));
    assert.ok(slowest < 250, `a write waited ${Math.round(slowest)} ms for 0003`);
  } finally {
    await blocker.end();
    await writer.end();
  }
});

Deno.test("vNext online: a page walk sizes each batch by the time the last one took", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  await seedBaseline(sql);
  await sql`
    insert into action_invocations (session_id, organization_id, integration_id, integration,
      action, risk_level, params, status, expires_at, created_at)
    select session_id, organization_id, integration_id, integration, action, risk_level, params,
      status, expires_at, created_at
    from action_invocations, generate_series(1, 2000)`;
  await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, EXPAND + 1) });
  const backfill = ALL_MIGRATIONS[EXPAND + 1];
  const [createCursors, walkInvocations] = backfill.statements;
  assert.match(walkInvocations, /UPDATE "action_invocations"/);
  await sql.unsafe(createCursors);
  // One batch after a last one of `pages` pages that began `agoMs` ago: the pages it covers.
  const next = async (pages: number | null, agoMs: number) => {
    await sql`delete from drizzle.__proliferate_backfill_cursors`;
    if (pages !== null) {
      await sql`
        insert into drizzle.__proliferate_backfill_cursors
          (name, next_page, end_page, filenode, pages, started_at)
        values ('action_invocations', 0, 1000000, pg_relation_filenode('action_invocations'),
                ${pages}, now() - make_interval(secs => ${agoMs / 1000}))`;
    }
    await sql.unsafe(walkInvocations);
    const [cursor] = await sql<{ next: number; pages: number }[]>`
      select next_page::int as next, pages::int from drizzle.__proliferate_backfill_cursors`;
    assert.equal(cursor.next, cursor.pages, "the batch covered the pages it recorded");
    return cursor.pages;
  };
  assert.equal(await next(null, 0), 64, "a walk starts with 64 pages");
  // The time since the last batch began also counts the few ms between it and this statement.
  const kept = await next(100, 200);
  assert.ok(kept >= 90 && kept <= 100, `a 200 ms batch keeps its size: ${kept}`);
  const fifth = await next(100, 1_000);
  assert.ok(fifth >= 18 && fifth <= 20, `a 1 s batch gives a fifth: ${fifth}`);
  assert.equal(await next(100, 10_000), 16, "never under 16 pages");
  assert.equal(await next(100, 50), 200, "a fast batch at most doubles");
  assert.equal(await next(4_000, 10), 4_096, "never over 4 096 pages");
});
