/**
 * The runner's failure modes against a real server: a connection lost mid-file, a row-lock
 * wait, the advisory lock held by another runner or by a foreign session, the lock key, and
 * connection-string redaction.
 */
import assert from "node:assert/strict";
import {
  lockKeyFor,
  migrate,
  MIGRATION_LOCK_KEY,
  MIGRATION_LOCK_NAME,
  MigrationError,
  type MigrationProgress,
  redactDatabaseUrl,
} from "../migrate/mod.ts";
import { connect, freshDatabase } from "./_db.ts";
import { entry } from "./_entries.ts";

const createWidgets = await entry(
  "0000_widgets",
  1_000,
  "create table widgets (id int primary key, name text not null)",
  "insert into widgets values (1, 'first'), (2, 'second')",
);
const slowRename = await entry(
  "0001_slow",
  2_000,
  "alter table widgets add column colour text",
  "select pg_sleep(3)",
);
const renameRows = await entry("0001_rename", 2_000, "update widgets set name = name || '!'");

async function recorded(sql: ReturnType<typeof connect>): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  return n;
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

Deno.test("runner: a connection terminated mid-file is a MigrationError; earlier files stay, a rerun finishes", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const killer = connect(db.url, 1);
  try {
    const error = await failure(migrate({
      url: db.url,
      migrations: [createWidgets, slowRename],
      onProgress: (event: MigrationProgress) => {
        if (event.kind === "start" && event.tag === "0001_slow") {
          setTimeout(() => {
            killer`select pg_terminate_backend(${event.backendPid})`.catch(() => {});
          }, 300);
        }
      },
    }));
    assert.equal(error.reason, "connection", error.message);
    assert.match(error.message, /^0001_slow: the connection to the database was lost \(/);
    assert.match(error.message, /0000_widgets applied before it stay applied/);
    assert.deepEqual(error.applied, ["0000_widgets"]);
  } finally {
    await killer.end();
  }
  assert.equal(await recorded(db.sql), 1);
  const report = await migrate({ url: db.url, migrations: [createWidgets, slowRename] });
  assert.deepEqual(report.applied, ["0001_slow"]);
  assert.equal(await recorded(db.sql), 2);
});

Deno.test("runner: a statement longer than statement_timeout is named and rolled back", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const sleepy = await entry(
    "0001_sleepy",
    2_000,
    "alter table widgets add column colour text",
    "select pg_sleep(2)",
  );
  const error = await failure(
    migrate({ url: db.url, migrations: [createWidgets, sleepy], statementTimeoutMs: 300 }),
  );
  assert.equal(error.reason, "statement_timeout", error.message);
  assert.match(
    error.message,
    /^0001_sleepy: a statement ran longer than statement_timeout \(300 ms\); 0001_sleepy was rolled back \(0000_widgets applied before it stay applied\)$/,
  );
  assert.equal(await recorded(db.sql), 1);
});

Deno.test("runner: a row-lock wait is called a row lock and names the holder and the table", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  await migrate({ url: db.url, migrations: [createWidgets] });
  const holder = connect(db.url, 1);
  try {
    await holder.begin(async (tx) => {
      await tx`set local application_name = 'row-holder'`;
      const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await tx`select * from widgets where id = 2 for update`;
      const error = await failure(migrate({
        url: db.url,
        migrations: [createWidgets, renameRows],
        lockTimeoutMs: 500,
        lockRetryBudgetMs: 0,
      }));
      assert.equal(error.reason, "lock_timeout", error.message);
      assert.match(
        error.message,
        new RegExp(
          `^0001_rename: waited for a row lock on widgets, held by pid ${pid} ` +
            `\\(application_name "row-holder", state idle in transaction, ` +
            `query "select \\* from widgets where id = 2 for update"\\)`,
        ),
      );
      assert.doesNotMatch(error.message, /table lock/);
    });
  } finally {
    await holder.end();
  }
  const rows = await db.sql`select name from widgets order by id`;
  assert.deepEqual(rows.map((r) => r.name), ["first", "second"]);
});

Deno.test("runner: the advisory lock held elsewhere is reported as this runner or a foreign holder", async (t) => {
  await using db = await freshDatabase({ migrations: "none" });
  await t.step("a foreign session", async () => {
    const foreign = connect(db.url, 1);
    try {
      await foreign`set application_name = 'someone-else'`;
      const [{ pid }] = await foreign<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await foreign`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
      const error = await failure(
        migrate({ url: db.url, migrations: [createWidgets], runnerWaitMs: 300 }),
      );
      assert.equal(error.reason, "runner_wait", error.message);
      assert.match(
        error.message,
        new RegExp(
          `held for more than 300 ms by a session that is not this package's runner ` +
            `\\(pid ${pid}, application_name "someone-else"\\)`,
        ),
      );
    } finally {
      await foreign.end();
    }
  });
  await t.step("another runner of this package", async () => {
    const events: MigrationProgress[] = [];
    const first = migrate({
      url: db.url,
      migrations: [createWidgets, slowRename],
      onProgress: (e) => events.push(e),
    });
    while (!events.some((e) => e.kind === "start" && e.tag === "0001_slow")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const error = await failure(
      migrate({ url: db.url, migrations: [createWidgets, slowRename], runnerWaitMs: 300 }),
    );
    assert.equal(error.reason, "runner_wait", error.message);
    assert.match(error.message, /by another runner of this package \(pid \d+\)/);
    assert.deepEqual((await first).applied, ["0000_widgets", "0001_slow"]);
  });
  assert.equal(await recorded(db.sql), 2);
});

Deno.test("runner: the advisory lock key is the SHA-256 of its namespaced name", async () => {
  assert.equal(MIGRATION_LOCK_NAME, "@proliferate/core/migrate");
  assert.equal(await lockKeyFor(MIGRATION_LOCK_NAME), MIGRATION_LOCK_KEY);
  assert.notEqual(MIGRATION_LOCK_KEY, 0x70726f6c69666572n);
});

Deno.test("runner: connection strings are redacted whatever their form", async (t) => {
  const cases: [string, string][] = [
    ["postgres://app:s3cret@db:5432/main", "postgres://app:***@db:5432/main"],
    ["postgres://app:pa/ss@db/main", "postgres://app:***@db/main"],
    ["postgresql://app:p@ss:w/rd@db.internal/main", "postgresql://app:***@db.internal/main"],
    [
      "postgres://app:pa%2Fss@db/main?sslmode=require",
      "postgres://app:***@db/main?sslmode=require",
    ],
    [
      "postgres://db/main?user=app&password=hunter2&sslmode=require",
      "postgres://db/main?user=app&password=***&sslmode=require",
    ],
    ["postgres://app@db/main?PassWord=x", "postgres://app@db/main?PassWord=***"],
    ["postgres://app:x@h1:5432,h2:5432/main", "postgres://app:***@h1:5432,h2:5432/main"],
    ["postgres://db/main", "postgres://db/main"],
    ["host=db user=app password=hunter2 dbname=main", "host=db user=app password=*** dbname=main"],
    [
      "host=db password = 'a b\\' c' dbname=main",
      "host=db password=*** dbname=main",
    ],
    [
      "host=db password='unterminated",
      "(connection string not shown: not a URL or key=value string)",
    ],
    ["hunter2", "(connection string not shown: not a URL or key=value string)"],
  ];
  for (const [input, expected] of cases) {
    await t.step(input, () => {
      assert.equal(redactDatabaseUrl(input), expected);
    });
  }
  await t.step("linear time on hostile input", () => {
    const started = performance.now();
    redactDatabaseUrl(`postgres://${"a:".repeat(200_000)}@${"=".repeat(200_000)}`);
    redactDatabaseUrl(`${"k=' ".repeat(100_000)}`);
    assert.ok(performance.now() - started < 2_000);
  });
});
