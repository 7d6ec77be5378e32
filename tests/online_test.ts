/**
 * Files that run outside a transaction (`-- proliferate:no-transaction`): an interrupted
 * concurrent build leaves an INVALID index that the rerun drops and rebuilds; concurrent
 * runners apply the file once; the history row is written only after the last statement; a
 * file with a statement that is not an idempotent concurrent index build is refused.
 */
import assert from "node:assert/strict";
import {
  batchOutcome,
  migrate,
  MigrationError,
  type MigrationProgress,
  parseConcurrentIndex,
} from "../migrate/mod.ts";
import { connect, freshDatabase } from "./_db.ts";
import { entry } from "./_entries.ts";

const createGadgets = await entry(
  "0000_gadgets",
  1_000,
  "create table gadgets (id int primary key, code text not null, note text)",
  "insert into gadgets select g, 'code-' || g, repeat('x', 200) from generate_series(1, 400000) g",
);
const buildIndexes = await entry(
  "0001_gadgets_indexes",
  2_000,
  "-- proliferate:no-transaction\n-- Built without blocking writes.\n" +
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "gadgets_code_key" ON "gadgets" ("code", "note");',
  '\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "gadgets_note_idx" ON "gadgets" ("note", "code");',
);
const attach = await entry(
  "0002_gadgets_constraint",
  3_000,
  'ALTER TABLE "gadgets" ADD CONSTRAINT "gadgets_code_key" UNIQUE USING INDEX "gadgets_code_key"',
);

async function recordedCount(sql: ReturnType<typeof connect>): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  return n;
}

async function indexState(sql: ReturnType<typeof connect>, name: string) {
  const rows = await sql<{ valid: boolean }[]>`
    select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
    where c.relname = ${name}`;
  return rows.length === 0 ? "missing" : rows[0].valid ? "valid" : "invalid";
}

async function failure(run: Promise<unknown>): Promise<MigrationError> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof MigrationError, `not a MigrationError: ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/);
    return error;
  }
  throw new Error("the run did not fail");
}

Deno.test("online: concurrent index statements are parsed", () => {
  assert.deepEqual(parseConcurrentIndex(buildIndexes.statements[0]), {
    name: "gadgets_code_key",
    table: '"gadgets"',
  });
  assert.deepEqual(
    parseConcurrentIndex('create index concurrently if not exists Ab on "s"."T" (x)'),
    { name: "ab", table: '"s"."T"' },
  );
  assert.equal(parseConcurrentIndex("create index concurrently ab on t (x)"), undefined);
});

Deno.test("online: a no-transaction file with another kind of statement is refused before connecting", async () => {
  const bad = await entry(
    "0001_bad",
    2_000,
    "-- proliferate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON gadgets (code);",
    "UPDATE gadgets SET note = NULL;",
  );
  const error = await failure(
    migrate({ url: "postgres://nobody@127.0.0.1:1/none", migrations: [createGadgets, bad] }),
  );
  assert.equal(error.reason, "invalid_migration");
  assert.match(
    error.message,
    /^migration 0001_bad runs outside a transaction .*"UPDATE gadgets SET note = NULL;"; nothing was applied$/,
  );
});

Deno.test("online: a concurrent build cancelled mid-build leaves an INVALID index; the rerun drops and rebuilds it", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createGadgets] });
  const killer = connect(db.url, 1);
  let cancelled = 0;
  try {
    const error = await failure(migrate({
      url: db.url,
      migrations: [createGadgets, buildIndexes, attach],
      onProgress: (event: MigrationProgress) => {
        if (event.kind !== "start" || event.tag !== buildIndexes.tag) return;
        // Cancel the build once it is under way (the index exists, INVALID, while it runs).
        const poll = async () => {
          for (let i = 0; i < 400 && cancelled === 0; i++) {
            const rows = await killer<{ pid: number }[]>`
              select p.pid from pg_stat_progress_create_index p
              where p.relid = 'gadgets'::regclass and p.index_relid <> 0`;
            if (rows.length > 0) {
              await killer`select pg_cancel_backend(${rows[0].pid})`;
              cancelled = rows[0].pid;
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        };
        poll().catch(() => {});
      },
    }));
    assert.ok(cancelled > 0, "the build was never seen in progress");
    assert.equal(error.reason, "statement", error.message);
    assert.match(
      error.message,
      /^0001_gadgets_indexes failed: canceling statement due to user request .*0001_gadgets_indexes runs outside a transaction: its completed statements stay, it was not recorded, and a rerun repeats it$/,
    );
  } finally {
    await killer.end();
  }
  assert.equal(await indexState(db.sql, "gadgets_code_key"), "invalid");
  assert.equal(await recordedCount(db.sql), 1);

  const events: MigrationProgress[] = [];
  const report = await migrate({
    url: db.url,
    migrations: [createGadgets, buildIndexes, attach],
    onProgress: (event) => events.push(event),
  });
  assert.deepEqual(report.applied, ["0001_gadgets_indexes", "0002_gadgets_constraint"]);
  assert.deepEqual(
    events.filter((e) => e.kind === "invalid_index_dropped"),
    [{ kind: "invalid_index_dropped", tag: buildIndexes.tag, index: "public.gadgets_code_key" }],
  );
  assert.equal(await indexState(db.sql, "gadgets_code_key"), "valid");
  assert.equal(await indexState(db.sql, "gadgets_note_idx"), "valid");
  const [{ constraints }] = await db.sql<{ constraints: number }[]>`
    select count(*)::int as constraints from pg_constraint where conname = 'gadgets_code_key'`;
  assert.equal(constraints, 1);
  assert.equal(await recordedCount(db.sql), 3);
});

Deno.test("online: a build that fails leaves no history row; the rerun after the fix succeeds", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const small = await entry(
    "0000_small",
    1_000,
    "create table small (id int primary key, code text not null)",
    "insert into small values (1, 'a'), (2, 'a'), (3, 'b')",
  );
  const unique = await entry(
    "0001_small_unique",
    2_000,
    "-- proliferate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS small_id_idx ON small (id);",
    "\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS small_code_key ON small (code);",
  );
  const error = await failure(migrate({ url: db.url, migrations: [small, unique] }));
  assert.equal(error.reason, "statement", error.message);
  assert.match(error.message, /could not create unique index "small_code_key"/);
  assert.equal(await indexState(db.sql, "small_id_idx"), "valid");
  assert.equal(await indexState(db.sql, "small_code_key"), "invalid");
  assert.equal(await recordedCount(db.sql), 1);
  await db.sql`update small set code = 'c' where id = 2`;
  const report = await migrate({ url: db.url, migrations: [small, unique] });
  assert.deepEqual(report.applied, ["0001_small_unique"]);
  assert.equal(await indexState(db.sql, "small_code_key"), "valid");
  assert.equal(await recordedCount(db.sql), 2);
});

Deno.test("online: concurrent runners apply a no-transaction file once", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createGadgets] });
  const starts: string[] = [];
  const reports = await Promise.all(
    Array.from({ length: 4 }, () =>
      migrate({
        url: db.url,
        migrations: [createGadgets, buildIndexes, attach],
        onProgress: (event) => {
          if (event.kind === "start") starts.push(event.tag);
        },
      })),
  );
  assert.deepEqual(starts.filter((tag) => tag === buildIndexes.tag), [buildIndexes.tag]);
  assert.deepEqual(starts.filter((tag) => tag === attach.tag), [attach.tag]);
  const applied = reports.flatMap((report) => report.applied).sort();
  assert.deepEqual(applied, ["0001_gadgets_indexes", "0002_gadgets_constraint"]);
  assert.equal(await recordedCount(db.sql), 3);
  assert.equal(await indexState(db.sql, "gadgets_code_key"), "valid");
});

Deno.test("online: the session statement_timeout applies to a build over a direct connection", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createGadgets] });
  const error = await failure(
    migrate({
      url: db.url,
      migrations: [createGadgets, buildIndexes],
      statementTimeoutMs: 50,
    }),
  );
  assert.equal(error.reason, "statement_timeout", error.message);
  assert.match(
    error.message,
    /^0001_gadgets_indexes: a statement ran longer than statement_timeout \(50 ms\)/,
  );
  assert.equal(await recordedCount(db.sql), 1);
  const report = await migrate({ url: db.url, migrations: [createGadgets, buildIndexes] });
  assert.deepEqual(report.applied, ["0001_gadgets_indexes"]);
});

Deno.test("online: the shipped index builds block no write (0004 runs outside a transaction)", async () => {
  const { ALL_MIGRATIONS } = await import("./_db.ts");
  const { runsOutsideTransaction } = await import("../migrate/mod.ts");
  const at = ALL_MIGRATIONS.findIndex((m) => m.tag === "0004_vnext_indexes");
  assert.ok(at > 0 && runsOutsideTransaction(ALL_MIGRATIONS[at]));
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, at) });
  // A writer's open transaction: each concurrent build waits for it to end…
  const holder = connect(db.url, 1);
  const writer = connect(db.url, 1);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const holding = holder.begin(async (tx) => {
    await tx`lock table sessions, trigger_events in row exclusive mode`;
    await released;
  });
  try {
    const building = migrate({ url: db.url, migrations: ALL_MIGRATIONS });
    for (let i = 0; i < 200; i++) {
      const [{ n }] = await writer<{ n: number }[]>`
        select count(*)::int as n from pg_stat_progress_create_index`;
      if (n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // …while other writers go on: a build under SHARE would make these wait.
    await writer.begin(async (tx) => {
      await tx`set local lock_timeout = '500ms'`;
      await tx`update sessions set title = title where false`;
      await tx`update trigger_events set title = title where false`;
    });
    release();
    await holding;
    const report = await building;
    assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(at).map((m) => m.tag));
  } finally {
    release();
    await holding.catch(() => {});
    await holder.end();
    await writer.end();
  }
});

Deno.test("online: a batched statement ends with its batch that reports done, not with an empty batch", async () => {
  const counter = await entry(
    "0000_walk_counter",
    1_000,
    "create table walk_counter (n int not null); insert into walk_counter values (0)",
  );
  // Like a walk over pages with nothing to write in them: 0 rows, and done on the third run.
  const walk = await entry(
    "0001_walk",
    2_000,
    "-- proliferate:batched\n" +
      "WITH step AS (UPDATE walk_counter SET n = n + 1 RETURNING n)\n" +
      'SELECT 0 AS "rows", (SELECT n FROM step) >= 3 AS "done";',
  );
  await using db = await freshDatabase({ migrations: "none" });
  const batches: [number, boolean][] = [];
  await migrate({
    url: db.url,
    migrations: [counter, walk],
    onProgress: (event) => {
      if (event.kind === "batch") batches.push([event.rows, event.done]);
    },
  });
  assert.deepEqual(batches, [[0, false], [0, false], [0, true]]);
  const [{ n }] = await db.sql<{ n: number }[]>`select n from walk_counter`;
  assert.equal(n, 3);
});

Deno.test("online: what a batch reports is read from its rows column, done column or count", () => {
  const rows = (list: unknown[], count: number | null) => Object.assign(list, { count });
  assert.deepEqual(batchOutcome(rows([{ rows: 5 }], 1)), { rows: 5, done: false });
  assert.deepEqual(batchOutcome(rows([{ rows: 0 }], 1)), { rows: 0, done: true });
  assert.deepEqual(batchOutcome(rows([{ rows: 0, done: false }], 1)), { rows: 0, done: false });
  assert.deepEqual(batchOutcome(rows([{ rows: 7, done: true }], 1)), { rows: 7, done: true });
  // Without a rows column: the command's count (an UPDATE … LIMIT-like batch, a VALIDATE).
  assert.deepEqual(batchOutcome(rows([], 12)), { rows: 12, done: false });
  assert.deepEqual(batchOutcome(rows([], null)), { rows: 0, done: true });
  assert.deepEqual(batchOutcome(rows([{ rows: "5" }, { rows: 1 }], 2)), { rows: 2, done: false });
});
