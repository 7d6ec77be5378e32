import assert from "node:assert/strict";
import { migrate } from "../migrate/mod.ts";
import { connect, freshDatabase } from "./_db.ts";
import { entry, rejectsWithReason } from "./_entries.ts";

const createWidgets = await entry(
  "0000_widgets",
  1_000,
  "create table widgets (id int primary key, name text not null)",
  "insert into widgets values (1, 'first')",
);
const addColour = await entry("0001_colour", 2_000, "alter table widgets add column colour text");

async function columnsOf(sql: ReturnType<typeof connect>, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} order by ordinal_position`;
  return rows.map((row) => row.column_name);
}

Deno.test("migrate: four runners at once apply each file exactly once between them", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const reports = await Promise.all(
    [1, 2, 3, 4].map(() => migrate({ url: db.url, migrations: [createWidgets, addColour] })),
  );
  // Each file is one transaction under the advisory lock: files may go to different runners,
  // but every file is applied by exactly one of them.
  const applied = reports.flatMap((report) => report.applied).sort();
  assert.deepEqual(applied, ["0000_widgets", "0001_colour"]);
  for (const report of reports) {
    assert.equal(report.alreadyApplied + report.applied.length, 2);
  }
  const [{ n }] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  assert.equal(n, 2);
  assert.deepEqual(await columnsOf(db.sql, "widgets"), ["id", "name", "colour"]);
});

Deno.test("migrate: a migration failing part-way changes nothing, and a rerun after the fix completes", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createWidgets] });
  await db.sql`insert into widgets values (2, 'second')`;
  const broken = await entry(
    "0001_colour",
    2_000,
    "alter table widgets add column colour text",
    "update widgets set colour = 'red'",
    "select 1 / 0",
  );
  await rejectsWithReason(
    migrate({ url: db.url, migrations: [createWidgets, broken] }),
    "statement",
    /division by zero/,
  );
  assert.deepEqual(await columnsOf(db.sql, "widgets"), ["id", "name"]);
  const rows = await db.sql`select id, name from widgets order by id`;
  assert.deepEqual(rows.map((r) => [r.id, r.name]), [[1, "first"], [2, "second"]]);
  const [{ n }] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  assert.equal(n, 1, "the failed migration must not be recorded");

  const report = await migrate({ url: db.url, migrations: [createWidgets, addColour] });
  assert.deepEqual(report.applied, ["0001_colour"]);
  assert.deepEqual(await columnsOf(db.sql, "widgets"), ["id", "name", "colour"]);
});

Deno.test("migrate: a table lock held elsewhere fails fast, naming lock_timeout and the holder", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createWidgets] });
  const holder = connect(db.url, 1);
  try {
    await holder.begin(async (tx) => {
      await tx`select * from widgets`; // ACCESS SHARE until the transaction ends
      const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const started = performance.now();
      await rejectsWithReason(
        migrate({
          url: db.url,
          migrations: [createWidgets, addColour],
          lockTimeoutMs: 800,
          lockRetryBudgetMs: 0,
        }),
        "lock_timeout",
        new RegExp(
          `^0001_colour: waited for a table lock \\(AccessExclusiveLock\\) on widgets, held by ` +
            `pid ${pid} .*lock_timeout \\(800 ms\\)`,
        ),
      );
      assert.ok(performance.now() - started < 5_000, "the runner must not hang on the lock");
    });
  } finally {
    await holder.end();
  }
  assert.deepEqual(await columnsOf(db.sql, "widgets"), ["id", "name"]);
});

Deno.test("migrate: a database holding a migration this package does not know is refused", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createWidgets, addColour] });
  const newer = await entry("0002_unknown", 3_000, "alter table widgets add column size int");
  await migrate({ url: db.url, migrations: [createWidgets, addColour, newer] });
  await rejectsWithReason(
    migrate({ url: db.url, migrations: [createWidgets, addColour] }),
    "unknown_migration",
    /does not know/,
  );
});

Deno.test("migrate: an unreachable database gives a one-line connection error", async () => {
  await rejectsWithReason(
    migrate({ url: "postgres://nobody:nothing@127.0.0.1:1/none", migrations: [createWidgets] }),
    "connection",
    /^cannot connect to the database: [^\n]*$/,
  );
});

Deno.test("migrate: each file is its own transaction; a failing file keeps the earlier ones", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const broken = await entry(
    "0001_colour",
    2_000,
    "alter table widgets add column colour text",
    "select 1 / 0",
  );
  await rejectsWithReason(
    migrate({ url: db.url, migrations: [createWidgets, broken] }),
    "statement",
    /0001_colour failed/,
  );
  const [{ n }] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  assert.equal(n, 1, "0000 stays applied and recorded; 0001 is rolled back");
  assert.deepEqual(await columnsOf(db.sql, "widgets"), ["id", "name"]);
});

Deno.test("migrate: earlier history that is not the platform's is refused, and nothing is written", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await db.sql`create schema drizzle`;
  await db
    .sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
  await db
    .sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('old-a', 10), ('old-b', 20)`;
  await rejectsWithReason(
    migrate({ url: db.url, migrations: [createWidgets, addColour] }),
    "unknown_migration",
    /2 migration\(s\) this package does not know: old-a… \(created_at 10\), old-b… \(created_at 20\); they are older than 0000_widgets and not the platform's pre-vNext history/,
  );
  const [{ present }] = await db.sql<{ present: boolean }[]>`
    select to_regclass('public.widgets') is not null as present`;
  assert.equal(present, false);
  const rows = await db.sql`select hash from drizzle.__drizzle_migrations order by id`;
  assert.deepEqual(rows.map((r) => r.hash), ["old-a", "old-b"]);
});

Deno.test("migrate: an edited entry is refused before connecting", async () => {
  const edited = { ...addColour, statements: ["alter table widgets add column color text"] };
  await rejectsWithReason(
    migrate({ url: "postgres://nobody@127.0.0.1:1/none", migrations: [createWidgets, edited] }),
    "integrity",
    /^migration 0001_colour was edited: its statements do not hash to [0-9a-f]{12}…/,
  );
});
