/**
 * The runner works through a connection pooler: every test runs `migrate()` through a real
 * PgBouncer (tests/_pgbouncer.ts) in session mode and in transaction mode, and reads the
 * result over a direct connection.
 *
 * What the runner must do there: send no startup parameter PgBouncer refuses (it applies
 * `lock_timeout` and `statement_timeout` after connecting, inside each migration's transaction,
 * and leaves none behind on the pooled server connection); use no named prepared statement; and
 * serialise runners with a lock that lives inside each file's transaction, re-reading the
 * history under it, so that concurrent runners apply each file once even when consecutive
 * transactions of one client reach different server connections.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import {
  analyzeHistory,
  expectedCatalog,
  migrate,
  type MigrateOptions,
  type MigrateReport,
  type MigrationEntry,
  PLATFORM_HISTORY,
  readRecordedMigrations,
} from "../migrate/mod.ts";
import { assertCatalogEquals, introspectCatalog } from "./_catalog.ts";
import { ALL_MIGRATIONS, BASELINE_MIGRATIONS, connect, freshDatabase } from "./_db.ts";
import { entry, rejectsWithReason } from "./_entries.ts";
import {
  fillPool,
  type PgBouncer,
  POOL_MODES,
  skipPoolerTests,
  startPgBouncer,
} from "./_pgbouncer.ts";
import { BASELINE_TABLES, seedBaseline } from "./_seed_baseline.ts";

const ignore = skipPoolerTests();

const ALL_TAGS = ALL_MIGRATIONS.map((entry) => entry.tag);
const UPGRADE_TAGS = ALL_MIGRATIONS.slice(BASELINE_MIGRATIONS.length).map((entry) => entry.tag);
const LAST_TAG = ALL_TAGS[ALL_TAGS.length - 1];
/** Baseline tables the upgrade drops, and the ones it renames. */
const DROPPED_TABLES = new Set(["secret_bundles", "action_grants"]);
const TABLE_RENAMES: Record<string, string> = {
  prebuilds: "configurations",
  prebuild_repos: "configuration_repos",
};
const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"];

/** One test per pool mode, each with its own PgBouncer. */
function poolerTest(
  name: string,
  fn: (bouncer: PgBouncer, t: Deno.TestContext) => Promise<void>,
): void {
  for (const poolMode of POOL_MODES) {
    Deno.test({
      name: `pooler (${poolMode} mode): ${name}`,
      ignore,
      async fn(t) {
        await using bouncer = await startPgBouncer({ poolMode });
        await fn(bouncer, t);
      },
    });
  }
}

/**
 * `migrate()` through the pooler, of every shipped migration unless told otherwise. A runner
 * lock that never comes free (one left on a pooled server connection) fails in 30 s.
 */
function runner(
  bouncer: PgBouncer,
  name: string,
  options: Omit<MigrateOptions, "url"> = {},
): Promise<MigrateReport> {
  return migrate({
    url: bouncer.url(name),
    migrations: ALL_MIGRATIONS,
    runnerWaitMs: 30_000,
    ...options,
  });
}

/**
 * {@linkcode runner} once the whole pool is open, so that its consecutive transactions reach
 * different server connections.
 */
async function migrateThrough(
  bouncer: PgBouncer,
  name: string,
  options: Omit<MigrateOptions, "url"> = {},
): Promise<MigrateReport> {
  await fillPool(bouncer, name);
  return await runner(bouncer, name, options);
}

interface HistoryRow {
  hash: string;
  createdAt: string;
}

async function history(sql: postgres.Sql): Promise<HistoryRow[]> {
  const rows = await sql<HistoryRow[]>`
    select hash, created_at::text as "createdAt" from drizzle.__drizzle_migrations order by id`;
  return [...rows];
}

/** Asserts the history holds each of `entries` exactly once, and nothing else after `before`. */
function assertHistory(
  rows: HistoryRow[],
  before: HistoryRow[],
  entries: readonly MigrationEntry[],
) {
  const key = (row: HistoryRow) => `${row.hash}@${row.createdAt}`;
  assert.deepEqual(rows.slice(0, before.length).map(key), before.map(key), "earlier rows kept");
  assert.deepEqual(
    rows.slice(before.length).map(key),
    entries.map((e) => `${e.hash}@${e.when}`),
    "each migration recorded once, in order",
  );
}

/** Every row of every table in every user schema (drizzle's history included), as text. */
async function everyRow(sql: postgres.Sql): Promise<Record<string, string[]>> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select n.nspname::text as schema, c.relname::text as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname <> all(${SYSTEM_SCHEMAS}) and n.nspname not like 'pg_temp%'
      and n.nspname not like 'pg_toast_temp%' and c.relkind in ('r', 'p')
    order by 1, 2`;
  const snapshot: Record<string, string[]> = {};
  for (const { schema, name } of tables) {
    const rows = await sql<{ row: string }[]>`
      select t::text as row from ${sql(schema)}.${sql(name)} t order by 1`;
    snapshot[`${schema}.${name}`] = rows.map((r) => r.row);
  }
  return snapshot;
}

/** Row count and ids (where the table has an `id`) of the given public tables. */
async function rowKeys(
  sql: postgres.Sql,
  tables: readonly string[],
): Promise<Map<string, { count: number; ids: string[] | null }>> {
  const keys = new Map<string, { count: number; ids: string[] | null }>();
  for (const table of tables) {
    const [{ hasId }] = await sql<{ hasId: boolean }[]>`
      select exists(select 1 from information_schema.columns
        where table_schema = 'public' and table_name = ${table} and column_name = 'id') as "hasId"`;
    const [{ count }] = await sql<{ count: number }[]>`
      select count(*)::int as count from ${sql(table)}`;
    const ids = hasId
      ? (await sql<{ id: string }[]>`select id::text as id from ${sql(table)} order by 1`)
        .map((row) => row.id)
      : null;
    keys.set(table, { count, ids });
  }
  return keys;
}

/** Resolves every promise, failing with every rejection's message when one rejects. */
async function allSucceed<T>(runs: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(runs);
  const failures = settled.flatMap((r, i) =>
    r.status === "rejected" ? [`runner ${i + 1}: ${(r.reason as Error)?.message ?? r.reason}`] : []
  );
  assert.deepEqual(failures, [], "every runner must succeed");
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** The tags applied across `reports`, in the order of `entries`; fails on a tag applied twice. */
function appliedOnce(reports: MigrateReport[], field: "applied" | "adopted"): string[] {
  const all = reports.flatMap((report) => report[field]);
  const counts = new Map<string, number>();
  for (const tag of all) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([tag, n]) => `${tag} ×${n}`);
  assert.deepEqual(twice, [], `no tag may be ${field} by two runners`);
  return ALL_TAGS.filter((tag) => counts.has(tag));
}

Deno.test({
  name:
    "pooler harness: PgBouncer runs in each pool mode and refuses a lock_timeout startup parameter",
  ignore,
  async fn() {
    for (const poolMode of POOL_MODES) {
      await using bouncer = await startPgBouncer({ poolMode });
      const config = await bouncer.showConfig();
      assert.equal(config.pool_mode, poolMode);
      assert.equal(config.ignore_startup_parameters, "extra_float_digits");
      const client = postgres(bouncer.url("postgres"), {
        max: 1,
        onnotice: () => {},
        connection: { lock_timeout: 1_000 },
      });
      try {
        await assert.rejects(client`select 1`, /unsupported startup parameter: lock_timeout/);
      } finally {
        await client.end({ timeout: 1 });
      }
    }
  },
});

poolerTest(
  "a fresh migrate ends at the full catalog, and a rerun applies nothing",
  async (bouncer) => {
    await using db = await freshDatabase({ migrations: "none" });
    const report = await migrateThrough(bouncer, db.name);
    assert.deepEqual(report.applied, ALL_TAGS);
    assert.deepEqual(report.adopted, []);
    assert.equal(report.alreadyApplied, 0);
    assertCatalogEquals(await introspectCatalog(db.sql), expectedCatalog(LAST_TAG)!);
    assertHistory(await history(db.sql), [], ALL_MIGRATIONS);

    const again = await migrateThrough(bouncer, db.name);
    assert.deepEqual(again.applied, []);
    assert.deepEqual(again.adopted, []);
    assert.equal(again.alreadyApplied, ALL_TAGS.length);
  },
);

poolerTest(
  "the history and the catalog read through the pooler as over a direct connection",
  async (bouncer) => {
    await using db = await freshDatabase({ migrations: "all" });
    await fillPool(bouncer, db.name);
    // What a read-only command does: no startup parameter, no named prepared statement.
    const pooled = postgres(bouncer.url(db.name), { max: 1, prepare: false, onnotice: () => {} });
    try {
      const recorded = await readRecordedMigrations(pooled);
      assert.deepEqual(analyzeHistory(recorded, ALL_MIGRATIONS).applied, ALL_TAGS);
      assertCatalogEquals(await introspectCatalog(pooled), expectedCatalog(LAST_TAG)!);
    } finally {
      await pooled.end();
    }
  },
);

poolerTest("a pre-vNext database upgrades with no row lost", async (bouncer, t) => {
  const kept = BASELINE_TABLES.filter((table) => !DROPPED_TABLES.has(table));
  for (const start of ["package", "platform"] as const) {
    const label = start === "package"
      ? "recorded with this package's 0000"
      : "recorded with the platform's 25 history rows";
    await t.step(label, async () => {
      await using db = await freshDatabase({ migrations: "baseline" });
      await seedBaseline(db.sql);
      if (start === "platform") {
        await db.sql.begin(async (tx) => {
          await tx`delete from drizzle.__drizzle_migrations`;
          for (const row of PLATFORM_HISTORY) {
            await tx`insert into drizzle.__drizzle_migrations (hash, created_at)
              values (${row.hash}, ${row.when})`;
          }
        });
      }
      const historyBefore = await history(db.sql);
      const before = await rowKeys(db.sql, kept);

      const report = await migrateThrough(bouncer, db.name);
      assert.deepEqual(report.applied, UPGRADE_TAGS);
      assert.deepEqual(report.adopted, start === "platform" ? [BASELINE_MIGRATIONS[0].tag] : []);

      assertCatalogEquals(await introspectCatalog(db.sql), expectedCatalog(LAST_TAG)!);
      const after = await rowKeys(db.sql, kept.map((table) => TABLE_RENAMES[table] ?? table));
      for (const table of kept) {
        const was = before.get(table)!;
        const now = after.get(TABLE_RENAMES[table] ?? table)!;
        assert.ok(was.count > 0, `the seed must fill ${table}`);
        assert.ok(now.count >= was.count, `${table}: ${was.count} rows before, ${now.count} after`);
        if (was.ids) {
          const present = new Set(now.ids ?? []);
          const lost = was.ids.filter((id) => !present.has(id));
          assert.deepEqual(lost, [], `${table}: rows lost by id`);
        }
      }
      assertHistory(
        await history(db.sql),
        historyBefore,
        start === "platform" ? ALL_MIGRATIONS : ALL_MIGRATIONS.slice(BASELINE_MIGRATIONS.length),
      );
    });
  }
});

poolerTest("four runners at once apply each file exactly once", async (bouncer, t) => {
  await t.step("from an empty database", async () => {
    await using db = await freshDatabase({ migrations: "none" });
    await fillPool(bouncer, db.name);
    const reports = await allSucceed([1, 2, 3, 4].map(() => runner(bouncer, db.name)));
    assert.deepEqual(appliedOnce(reports, "applied"), ALL_TAGS);
    assert.deepEqual(appliedOnce(reports, "adopted"), []);
    assertHistory(await history(db.sql), [], ALL_MIGRATIONS);
    assertCatalogEquals(await introspectCatalog(db.sql), expectedCatalog(LAST_TAG)!);
  });

  await t.step("from a pre-vNext database with the platform's history", async () => {
    await using db = await freshDatabase({ migrations: "baseline" });
    await db.sql.begin(async (tx) => {
      await tx`delete from drizzle.__drizzle_migrations`;
      for (const row of PLATFORM_HISTORY) {
        await tx`insert into drizzle.__drizzle_migrations (hash, created_at)
          values (${row.hash}, ${row.when})`;
      }
    });
    const historyBefore = await history(db.sql);
    await fillPool(bouncer, db.name);
    const reports = await allSucceed([1, 2, 3, 4].map(() => runner(bouncer, db.name)));
    assert.deepEqual(appliedOnce(reports, "adopted"), [BASELINE_MIGRATIONS[0].tag]);
    assert.deepEqual(appliedOnce(reports, "applied"), UPGRADE_TAGS);
    assertHistory(await history(db.sql), historyBefore, ALL_MIGRATIONS);
  });
});

poolerTest("a refused upgrade changes nothing, and the fixed rerun completes", async (bouncer) => {
  await using db = await freshDatabase({ migrations: "baseline" });
  const seed = await seedBaseline(db.sql);
  const planted = await db
    .sql`update sessions set status = 'bogus' where id = ${seed.sessions.cli}`;
  assert.equal(planted.count, 1);
  const rowsBefore = await everyRow(db.sql);
  const catalogBefore = await introspectCatalog(db.sql);
  assert.ok(rowsBefore["drizzle.__drizzle_migrations"]?.length === 1, "history is in the snapshot");

  await rejectsWithReason(
    migrateThrough(bouncer, db.name),
    "precheck",
    /(?=.*sessions_status_check)(?=.*bogus)(?=.*nothing was changed)/,
  );
  assert.deepEqual(await everyRow(db.sql), rowsBefore, "no row of any table may change");
  assertCatalogEquals(await introspectCatalog(db.sql), catalogBefore, "the catalog changed");

  // Nothing of the refused run may linger on the pooled connections (a lock, a setting).
  await db.sql`update sessions set status = 'stopped' where id = ${seed.sessions.cli}`;
  const report = await migrateThrough(bouncer, db.name, { runnerWaitMs: 5_000 });
  assert.deepEqual(report.applied, UPGRADE_TAGS);
});

poolerTest(
  "lock_timeout and statement_timeout are in force in every migration, and left nowhere",
  async (bouncer, t) => {
    const inForce = (tag: string, when: number) =>
      entry(
        tag,
        when,
        // The first statement of the file: before it, no DDL has run.
        `do $$ begin
        if current_setting('lock_timeout') <> '1234ms'
          or current_setting('statement_timeout') <> '56789ms' then
          raise exception 'timeouts not in force: lock_timeout %, statement_timeout %',
            current_setting('lock_timeout'), current_setting('statement_timeout');
        end if;
      end $$`,
        `create table if not exists settings_seen (tag text primary key, lock_timeout text,
        statement_timeout text)`,
        `insert into settings_seen values ('${tag}', current_setting('lock_timeout'),
        current_setting('statement_timeout'))`,
      );
    const createWidgets = entry(
      "0000_widgets",
      1_000,
      "create table widgets (id int primary key, name text not null)",
    );
    const addColour = entry("0001_colour", 2_000, "alter table widgets add column colour text");

    await t.step("every file runs with the timeouts asked for", async () => {
      await using db = await freshDatabase({ migrations: "none" });
      const entries = [inForce("0000_first", 1_000), inForce("0001_second", 2_000)];
      const report = await migrateThrough(bouncer, db.name, {
        migrations: entries,
        lockTimeoutMs: 1_234,
        statementTimeoutMs: 56_789,
      });
      assert.deepEqual(report.applied, ["0000_first", "0001_second"]);
      const seen = await db.sql`select tag, lock_timeout, statement_timeout from settings_seen
      order by tag`;
      assert.deepEqual(seen.map((row) => [row.tag, row.lock_timeout, row.statement_timeout]), [
        ["0000_first", "1234ms", "56789ms"],
        ["0001_second", "1234ms", "56789ms"],
      ]);
      // A session-level SET would stay on the server connection, for the next client to inherit.
      const left = await fillPool(bouncer, db.name);
      assert.deepEqual(
        left,
        Array(bouncer.poolSize).fill("lock_timeout=0 statement_timeout=0"),
        "a pooled server connection kept the runner's settings",
      );
    });

    await t.step(
      "a table lock held elsewhere fails the file fast, naming lock_timeout",
      async () => {
        await using db = await freshDatabase({ migrations: "none" });
        await migrateThrough(bouncer, db.name, {
          migrations: [createWidgets],
        });
        const holder = connect(db.url, 1);
        try {
          await holder.begin(async (tx) => {
            // A runner without lock_timeout would wait here for good: the server ends this
            // session after 5 s idle, so such a runner fails the assertions below, not hangs.
            await tx`set local idle_in_transaction_session_timeout = '5s'`;
            await tx`select * from widgets`; // ACCESS SHARE until the transaction ends
            const started = performance.now();
            await rejectsWithReason(
              migrateThrough(bouncer, db.name, {
                migrations: [createWidgets, addColour],
                lockTimeoutMs: 300,
                lockRetryBudgetMs: 0, // one attempt: retries are tested over a direct connection
              }),
              "lock_timeout",
              /lock_timeout \(300 ms\)/,
            );
            assert.ok(performance.now() - started < 5_000, "the runner must not hang on the lock");
          });
        } finally {
          await holder.end();
        }
        const columns = await db.sql`select column_name from information_schema.columns
      where table_schema = 'public' and table_name = 'widgets' order by ordinal_position`;
        assert.deepEqual(columns.map((row) => row.column_name), ["id", "name"]);
        // The failed file held no runner lock past its transaction: the rerun starts at once.
        const report = await migrateThrough(bouncer, db.name, {
          migrations: [createWidgets, addColour],
          runnerWaitMs: 5_000,
        });
        assert.deepEqual(report.applied, ["0001_colour"]);
      },
    );

    await t.step("a statement longer than statement_timeout is cancelled", async () => {
      await using db = await freshDatabase({ migrations: "none" });
      const slow = entry("0000_slow", 1_000, "create table slow (id int)", "select pg_sleep(5)");
      const started = performance.now();
      await rejectsWithReason(
        migrateThrough(bouncer, db.name, {
          migrations: [slow],
          statementTimeoutMs: 300,
        }),
        "statement_timeout",
        /statement_timeout \(300 ms\)/,
      );
      assert.ok(performance.now() - started < 4_000, "the statement must be cancelled");
      const [{ present }] = await db.sql<{ present: boolean }[]>`
      select to_regclass('public.slow') is not null as present`;
      assert.equal(present, false);
    });
  },
);

poolerTest(
  "a file outside a transaction runs once with concurrent runners, and repairs an INVALID index",
  async (bouncer) => {
    await using db = await freshDatabase({ migrations: "none" });
    const table = entry(
      "0000_parts",
      1_000,
      "create table parts (id int primary key, code text not null)",
      "insert into parts select g, 'p' || g from generate_series(1, 20000) g",
    );
    const indexes = entry(
      "0001_parts_indexes",
      2_000,
      "-- proliferate:no-transaction\n" +
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS parts_code_key ON parts (code);",
      "\nCREATE INDEX CONCURRENTLY IF NOT EXISTS parts_code_id_idx ON parts (code, id);",
    );
    const attach = entry(
      "0002_parts_constraint",
      3_000,
      "ALTER TABLE parts ADD CONSTRAINT parts_code_key UNIQUE USING INDEX parts_code_key",
    );
    const migrations = [table, indexes, attach];
    await runner(bouncer, db.name, { migrations: [table] });
    // An interrupted build: a duplicate makes it fail, leaving the index INVALID.
    await db.sql`update parts set code = 'p1' where id = 2`;
    await rejectsWithReason(
      runner(bouncer, db.name, { migrations }),
      "statement",
      /^0001_parts_indexes failed: could not create unique index "parts_code_key" .*it was not recorded, and a rerun repeats it/,
    );
    const valid = async (name: string) => {
      const [row] = await db.sql<{ valid: boolean }[]>`
        select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
        where c.relname = ${name}`;
      return row?.valid;
    };
    assert.equal(await valid("parts_code_key"), false);
    await db.sql`update parts set code = 'p2' where id = 2`;
    await fillPool(bouncer, db.name);
    const starts: string[] = [];
    const reports = await allSucceed(
      Array.from({ length: 4 }, () =>
        runner(bouncer, db.name, {
          migrations,
          onProgress: (event) => {
            if (event.kind === "start" || event.kind === "invalid_index_dropped") {
              starts.push(`${event.kind} ${event.tag}`);
            }
          },
        })),
    );
    assert.deepEqual(reports.flatMap((r) => r.applied).sort(), [indexes.tag, attach.tag]);
    assert.deepEqual(starts.sort(), [
      `invalid_index_dropped ${indexes.tag}`,
      `start ${indexes.tag}`,
      `start ${attach.tag}`,
    ]);
    assert.equal(await valid("parts_code_key"), true);
    assert.equal(await valid("parts_code_id_idx"), true);
    assertHistory(await history(db.sql), [], migrations);
    // No session setting was left on a pooled server connection.
    const pooled = postgres(bouncer.url(db.name), { max: 1, prepare: false, onnotice: () => {} });
    try {
      for (let i = 0; i < 4; i++) {
        const [row] = await pooled<
          { lock: string }[]
        >`select current_setting('lock_timeout') as lock`;
        assert.equal(row.lock, "0");
      }
    } finally {
      await pooled.end();
    }
  },
);
