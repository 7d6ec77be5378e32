import assert from "node:assert/strict";
import { migrate, type MigrationEntry, MigrationError } from "../migrate/mod.ts";
import { connect, freshDatabase } from "./_db.ts";

/** Asserts that `run` rejects with a MigrationError of `reason` whose message matches `message`. */
function rejectsWithReason(
  run: Promise<unknown>,
  reason: MigrationError["reason"],
  message: RegExp,
): Promise<void> {
  return assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof MigrationError, `not a MigrationError: ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, message);
    return true;
  });
}

function entry(tag: string, when: number, ...statements: string[]): MigrationEntry {
  // The hash only has to identify the entry; real ones are SHA-256 of the file.
  return { tag, when, hash: `${tag}-${statements.join("|").length}`, statements };
}

const createWidgets = entry(
  "0000_widgets",
  1_000,
  "create table widgets (id int primary key, name text not null)",
  "insert into widgets values (1, 'first')",
);
const addColour = entry("0001_colour", 2_000, "alter table widgets add column colour text");

async function columnsOf(sql: ReturnType<typeof connect>, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} order by ordinal_position`;
  return rows.map((row) => row.column_name);
}

Deno.test("migrate: four runners at once, exactly one applies, the others find nothing", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const reports = await Promise.all(
    [1, 2, 3, 4].map(() => migrate({ url: db.url, migrations: [createWidgets, addColour] })),
  );
  const appliers = reports.filter((report) => report.applied.length > 0);
  assert.equal(appliers.length, 1);
  assert.deepEqual(appliers[0].applied, ["0000_widgets", "0001_colour"]);
  for (const report of reports.filter((r) => r.applied.length === 0)) {
    assert.equal(report.alreadyApplied, 2);
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
  const broken = entry(
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

Deno.test("migrate: a table lock held elsewhere fails fast, naming lock_timeout", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createWidgets] });
  const holder = connect(db.url, 1);
  try {
    await holder.begin(async (tx) => {
      await tx`select * from widgets`; // ACCESS SHARE until the transaction ends
      const started = performance.now();
      await rejectsWithReason(
        migrate({ url: db.url, migrations: [createWidgets, addColour], lockTimeoutMs: 300 }),
        "lock_timeout",
        /lock_timeout \(300 ms\)/,
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
  const newer = entry("0002_unknown", 3_000, "alter table widgets add column size int");
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
  const broken = entry(
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

Deno.test("migrate: a database with earlier history and the baseline's tables adopts the baseline", async (t) => {
  await using db = await freshDatabase({ migrations: "none" });
  // The platform's own history: tables made by earlier migrations, recorded with other hashes.
  await db.sql.unsafe(createWidgets.statements.join(";"));
  await db.sql`create schema drizzle`;
  await db
    .sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
  await db
    .sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('old-a', 10), ('old-b', 20)`;

  await t.step("the baseline is adopted, not run, and the rest applies", async () => {
    const report = await migrate({ url: db.url, migrations: [createWidgets, addColour] });
    assert.deepEqual(report.adopted, ["0000_widgets"]);
    assert.deepEqual(report.applied, ["0001_colour"]);
    const rows = await db.sql`select id from widgets`;
    assert.equal(rows.length, 1, "adoption must not run the baseline's statements again");
    assert.deepEqual(await columnsOf(db.sql, "widgets"), ["id", "name", "colour"]);
  });

  await t.step("a second run finds nothing to do", async () => {
    const report = await migrate({ url: db.url, migrations: [createWidgets, addColour] });
    assert.deepEqual(report.applied, []);
    assert.deepEqual(report.adopted, []);
    assert.equal(report.alreadyApplied, 2);
  });
});

Deno.test("migrate: earlier history without the baseline's tables is refused", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await db.sql`create schema drizzle`;
  await db
    .sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
  await db.sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('old-a', 10)`;
  await rejectsWithReason(
    migrate({ url: db.url, migrations: [createWidgets, addColour] }),
    "unknown_migration",
    /lacks baseline table\(s\) widgets/,
  );
  const [{ present }] = await db.sql<{ present: boolean }[]>`
    select to_regclass('public.widgets') is not null as present`;
  assert.equal(present, false);
});
