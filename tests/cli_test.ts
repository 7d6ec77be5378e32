/**
 * The operators' CLI (`cli/mod.ts`) run as a subprocess against real databases: fresh,
 * pre-vNext (the baseline plus the platform's 25 history rows), half-upgraded (after 0001),
 * drifted (a column dropped by hand) and refused (an illegal legacy value). Exit codes and
 * output are the real ones; `status` and `plan` are shown to change no row and to take no lock
 * stronger than ACCESS SHARE.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { ALL_MIGRATIONS, connect, freshDatabase, type TestDatabase } from "./_db.ts";
import { seedBaseline } from "./_seed_baseline.ts";
import { PLATFORM_HISTORY } from "../migrate/history.ts";
import { migrate, MigrationError } from "../migrate/runner.ts";
import { main } from "../cli/mod.ts";
import type { PlanReport, StatusReport, VerifyReport } from "../cli/mod.ts";

const CLI = new URL("../cli/mod.ts", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { DATABASE_URL: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

function json<T>(run: Run): T {
  return JSON.parse(run.stdout) as T;
}

/** A pre-vNext production database: baseline, seeded, with the platform's history rows. */
async function preVNext(): Promise<TestDatabase> {
  const db = await freshDatabase({ migrations: "baseline" });
  await seedBaseline(db.sql);
  await db.sql`delete from drizzle.__drizzle_migrations`;
  for (const row of PLATFORM_HISTORY) {
    await db.sql`insert into drizzle.__drizzle_migrations (hash, created_at)
      values (${row.hash}, ${row.when})`;
  }
  return db;
}

/** Every row of every table (drizzle history included) and the catalog, as one string each. */
async function snapshot(sql: postgres.Sql): Promise<Record<string, string>> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select n.nspname::text as schema, c.relname::text as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname in ('public', 'auth', 'drizzle')
    order by 1, 2`;
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [{ rows }] = await sql.unsafe<{ rows: string | null }[]>(
      `select string_agg(x::text, E'\\n' order by x::text) as rows from "${t.schema}"."${t.name}" x`,
    );
    out[`${t.schema}.${t.name}`] = rows ?? "";
  }
  const [{ catalog }] = await sql<{ catalog: string }[]>`
    select string_agg(format('%s.%s %s', n.nspname, c.relname, c.relkind), ',' order by 1)
      as catalog
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'auth', 'drizzle')`;
  out["(relations)"] = catalog;
  return out;
}

/**
 * Runs the CLI holding its read-only transaction open and polls `pg_locks` from another
 * connection meanwhile; returns the run and every lock mode the CLI's backend held.
 */
async function runWatchingLocks(
  db: TestDatabase,
  args: string[],
): Promise<[Run, Set<string>, boolean]> {
  const watcher = connect(db.url, 1);
  const modes = new Set<string>();
  let sawBackend = false;
  try {
    const running = cli(args, { PROLIFERATE_CLI_HOLD_MS: "4000" });
    let done = false;
    running.finally(() => done = true);
    while (!done) {
      const rows = await watcher<{ mode: string; locktype: string }[]>`
        select l.mode, l.locktype from pg_locks l
        join pg_stat_activity a on a.pid = l.pid
        where a.application_name = 'proliferate-core-cli' and a.datname = ${db.name}
          and l.locktype not in ('virtualxid', 'transactionid')
          -- A backend that is still starting holds its database (against a concurrent DROP).
          and not (l.locktype = 'object' and l.classid = 'pg_database'::regclass
                   and l.objid = (select oid from pg_database where datname = ${db.name}))`;
      for (const row of rows) modes.add(`${row.locktype}:${row.mode}`);
      const [{ n }] = await watcher<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where application_name = 'proliferate-core-cli' and datname = ${db.name}
          and state = 'idle in transaction'`;
      if (n > 0) sawBackend = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [await running, modes, sawBackend];
  } finally {
    await watcher.end();
  }
}

async function assertReadOnly(db: TestDatabase, args: string[], expectLocks = true): Promise<Run> {
  const before = await snapshot(db.sql);
  const [run, modes, sawBackend] = await runWatchingLocks(db, args);
  assert.ok(sawBackend, `the poll never saw ${args[0]} holding its transaction open`);
  if (expectLocks) assert.ok(modes.size > 0, `no lock of ${args[0]} was seen`);
  assert.deepEqual([...modes].filter((m) => m !== "relation:AccessShareLock"), [], args[0]);
  assert.deepEqual(await snapshot(db.sql), before, `${args[0]} changed the database`);
  return run;
}

Deno.test("cli: usage, help and connection errors", async (t) => {
  await t.step("--help for the tool and each command", async () => {
    const tool = await cli(["--help"]);
    assert.equal(tool.code, 0);
    for (const command of ["status", "plan", "verify", "migrate"]) {
      assert.match(tool.stdout, new RegExp(`\\b${command}\\b`));
      const own = await cli([command, "--help"]);
      assert.equal(own.code, 0);
      assert.match(own.stdout, new RegExp(`^Usage: proliferate-core ${command}`));
    }
  });
  await t.step("no command, an unknown one, an unknown option, no URL: exit 1", async () => {
    for (const args of [[], ["upgrade"], ["status", "--colour"], ["status"]]) {
      const run = await cli(args);
      assert.equal(run.code, 1, args.join(" "));
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    }
  });
  await t.step("a bad URL: exit 1, one line, no password", async () => {
    const run = await cli(["status", "--url", "mysql://app:hunter2@db/prod"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /not a postgres:\/\/ or postgresql:\/\/ URL/);
    assert.doesNotMatch(run.stderr + run.stdout, /hunter2/);
  });
  await t.step("an unreachable server: exit 4, one line, no password", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const run = await cli([
      "status",
      "--json",
      "--url",
      `postgres://app:s3cr%2Ft@127.0.0.1:${port}/x?password=p%40ss`,
    ]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /cannot reach PostgreSQL at 127\.0\.0\.1/);
    assert.equal(run.stderr.trim().split("\n").length, 1);
    assert.equal(json<{ exitCode: number }>(run).exitCode, 4);
    assert.doesNotMatch(run.stderr + run.stdout, /s3cr|p%40ss|p@ss/);
  });
  await t.step("a refused login: exit 4", async () => {
    const admin = connect(Deno.env.get("DATABASE_URL")!, 1);
    const url = new URL(Deno.env.get("DATABASE_URL")!);
    url.username = "pc_no_such_role";
    url.password = "wrong-pass";
    try {
      const run = await cli(["status", "--url", url.toString()]);
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /refused|no such database/);
      assert.doesNotMatch(run.stderr + run.stdout, /wrong-pass/);
    } finally {
      await admin.end();
    }
  });
});

Deno.test("cli: a fresh database", async (t) => {
  await using db = await freshDatabase({ migrations: "none" });
  await t.step("status: every migration pending, read-only", async () => {
    const run = await assertReadOnly(db, ["status", "--url", db.url], false);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /server: PostgreSQL 1\d/);
    assert.match(run.stdout, /fresh database/);
    assert.match(run.stdout, /0000_baseline\s+pending/);
    const report = json<StatusReport>(await cli(["status", "--json", "--url", db.url]));
    assert.deepEqual(report.migrations.map((m) => m.state), ALL_MIGRATIONS.map(() => "pending"));
    assert.equal(report.history.kind, "empty");
  });
  await t.step("plan: every file applied, no blocker; read-only", async () => {
    const run = await assertReadOnly(db, ["plan", "--json", "--url", db.url]);
    assert.equal(run.code, 0, run.stderr);
    const report = json<PlanReport>(run);
    assert.deepEqual(report.steps.map((s) => s.tag), ALL_MIGRATIONS.map((m) => m.tag));
    assert.deepEqual(report.blockers, []);
  });
  await t.step("verify: no drift against an empty catalog", async () => {
    const run = await cli(["verify", "--url", db.url]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /no drift/);
  });
  await t.step("migrate: applies all with progress; again: nothing; verify clean", async () => {
    const run = await cli(["migrate", "--url", db.url]);
    assert.equal(run.code, 0, run.stderr);
    for (const entry of ALL_MIGRATIONS) {
      assert.match(
        run.stdout,
        new RegExp(`${entry.tag}: started \\(\\d of ${ALL_MIGRATIONS.length}\\)`),
      );
      assert.match(run.stdout, new RegExp(`${entry.tag}: done in \\d+\\.\\d s`));
    }
    const again = await cli(["migrate", "--json", "--url", db.url]);
    assert.equal(again.code, 0);
    assert.deepEqual(JSON.parse(again.stdout).applied, []);
    const verified = json<VerifyReport>(await cli(["verify", "--json", "--url", db.url]));
    assert.equal(verified.against, ALL_MIGRATIONS.at(-1)!.tag);
    assert.deepEqual(verified.differences, []);
  });
});

Deno.test("cli: a pre-vNext database", async (t) => {
  await using db = await preVNext();
  assert.match((await snapshot(db.sql))["drizzle.__drizzle_migrations"], /1770001619101/);
  await t.step("status: platform history recognised, 0000 adoptable, read-only", async () => {
    const run = await assertReadOnly(db, ["status", "--url", db.url]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /pre-vNext platform history \(25 of 25 rows\), recognised/);
    assert.match(run.stdout, /0000_baseline\s+adoptable/);
    assert.match(run.stdout, /0001_vnext_expand\s+pending/);
  });
  await t.step(
    "plan: adopt, then every other file, with prechecks and work; read-only",
    async () => {
      const run = await assertReadOnly(db, ["plan", "--url", db.url]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /adopt 0000_baseline/);
      assert.match(run.stdout, /prechecks: 15 run, all pass/);
      assert.match(run.stdout, /backfill action_invocations: .*~\d+ rows/);
      assert.match(
        run.stdout,
        /build trigger_events: unique index trigger_events_trigger_id_dedup_key_key/,
      );
      assert.match(run.stdout, /build sessions: index idx_sessions_org_started/);
      const report = json<PlanReport>(await cli(["plan", "--json", "--url", db.url]));
      assert.deepEqual(
        report.steps.map((s) => s.action),
        ALL_MIGRATIONS.map((_, i) => i === 0 ? "adopt" : "apply"),
      );
      // Every seeded bundle with a path can be carried: no warning, no blocker.
      assert.deepEqual(report.warnings, []);
      assert.deepEqual(report.blockers, []);
      const invocations = await db.sql`select id from action_invocations`;
      const backfill = report.steps[2].work.find((w) => w.table === "action_invocations");
      assert.equal(backfill?.rows, invocations.length);
    },
  );
  await t.step("verify: against the baseline, no drift", async () => {
    const run = await cli(["verify", "--json", "--url", db.url]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(json<VerifyReport>(run).against, "0000_baseline");
  });
  await t.step("migrate: adopts 0000 and applies the rest", async () => {
    const run = await cli(["migrate", "--url", db.url]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /0000_baseline: adopted/);
    // The batched backfill says how far it got, and when each statement is done.
    assert.match(
      run.stdout,
      /0002_vnext_backfill: statement 1 of \d+, batch \d+: \d+ rows so far, done/,
    );
    assert.match(run.stdout, new RegExp(`${ALL_MIGRATIONS.at(-1)!.tag}: done in`));
    assert.equal((await cli(["verify", "--url", db.url])).code, 0);
  });
});

Deno.test("cli: a half-upgraded database (after 0001)", async (t) => {
  await using db = await freshDatabase({ migrations: "baseline" });
  await seedBaseline(db.sql);
  await migrate({ url: db.url, migrations: ALL_MIGRATIONS.slice(0, 2) });
  await t.step("status: 0000 and 0001 applied, the rest pending", async () => {
    const report = json<StatusReport>(
      await assertReadOnly(db, ["status", "--json", "--url", db.url]),
    );
    assert.deepEqual(
      report.migrations.map((m) => m.state),
      ALL_MIGRATIONS.map((_, i) => i < 2 ? "applied" : "pending"),
    );
  });
  await t.step("plan: 0002 to 0004, the backfill counts the rows still to fill", async () => {
    const run = await assertReadOnly(db, ["plan", "--json", "--url", db.url]);
    assert.equal(run.code, 0);
    const report = json<PlanReport>(run);
    assert.deepEqual(report.steps.map((s) => s.tag), ALL_MIGRATIONS.slice(2).map((m) => m.tag));
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from trigger_events where dedup_key is null or status is null
        or provider is null or event_type is null or occurred_at is null or title is null
        or context is null`;
    assert.ok(n > 0);
    assert.equal(report.steps[0].work.find((w) => w.table === "trigger_events")?.rows, n);
  });
  await t.step("verify: against 0001, NOT VALID constraints included: no drift", async () => {
    const run = await cli(["verify", "--json", "--url", db.url]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(json<VerifyReport>(run).against, "0001_vnext_expand");
  });
});

Deno.test("cli: a drifted database (a column dropped by hand)", async (t) => {
  await using db = await freshDatabase({ migrations: "all" });
  await db.sql`alter table sessions drop column title`;
  await t.step("verify: exit 3, names the column", async () => {
    const run = await cli(["verify", "--url", db.url]);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /drift: 1 difference/);
    assert.match(run.stdout, /public\.sessions.*title/);
    const report = json<VerifyReport>(await cli(["verify", "--json", "--url", db.url]));
    assert.equal(report.drift, true);
    assert.equal(report.differences.length, 1);
  });
  await t.step("status and plan: nothing pending, exit 0", async () => {
    assert.equal((await cli(["status", "--url", db.url])).code, 0);
    const run = await cli(["plan", "--url", db.url]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /nothing to do/);
  });
});

Deno.test("cli: a refused upgrade (an illegal sessions.status)", async (t) => {
  await using db = await preVNext();
  const [{ id }] = await db.sql<{ id: string }[]>`
    update sessions set status = 'archived'
    where id = (select id from sessions order by id limit 1) returning id::text as id`;
  await t.step("plan: exit 2, names table, column, value, row and fix; read-only", async () => {
    const run = await assertReadOnly(db, ["plan", "--url", db.url]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /blockers: 1; migrate would refuse/);
    assert.match(
      run.stdout,
      new RegExp(`sessions\\.status holds 'archived'.*sessions_status_check.*${id}`),
    );
    assert.match(run.stdout, /fix: change status of these sessions rows to one of 'pending'/);
    const report = json<PlanReport>(await cli(["plan", "--json", "--url", db.url]));
    assert.equal(report.refused, true);
    assert.deepEqual(report.blockers[0].finding?.rowIds, [id]);
  });
  await t.step("status: still exit 0", async () => {
    assert.equal((await assertReadOnly(db, ["status", "--url", db.url])).code, 0);
  });
  await t.step("migrate: exit 2, the precheck's message", async () => {
    const run = await cli(["migrate", "--json", "--url", db.url]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.ok, false);
    assert.match(report.error.message, /sessions\.status holds 'archived'/);
    assert.match(run.stderr, /proliferate-core migrate: .*archived/);
  });
});

/** Each way to make `migrate` refuse, seeded into a baseline database that holds the seed. */
const REFUSALS: {
  name: string;
  table: string;
  column?: string;
  platform?: boolean;
  seed: string;
}[] = [
  ["sessions", "status"],
  ["sessions", "session_type"],
  ["sessions", "client_type"],
  ["sessions", "origin"],
  ["action_invocations", "risk_level"],
  ["action_invocations", "status"],
  ["triggers", "trigger_type"],
  ["integrations", "status"],
  ["slack_installations", "status"],
].map(([table, column]) => ({
  name: `${table}.${column}`,
  table,
  column,
  seed:
    `update "${table}" set "${column}" = 'no-such-value' where id = (select id from "${table}" order by id limit 1)`,
}));
REFUSALS.push(
  {
    name: "a pending invocation without expiry",
    table: "action_invocations",
    column: "expires_at",
    seed: `update action_invocations set status = 'pending', expires_at = null
           where id = (select id from action_invocations order by id limit 1)`,
  },
  {
    name: "a bundle path the carry-forward cannot store",
    table: "secret_bundles",
    column: "target_path",
    seed: `update secret_bundles b set target_path = '../outside' where b.id = (
             select b2.id from secret_bundles b2 where exists (
               select 1 from prebuild_repos pr join repos r on r.id = pr.repo_id
               where r.organization_id = b2.organization_id) order by b2.id limit 1)`,
  },
  {
    name: "a bundle path in an organization without a configuration",
    table: "secret_bundles",
    column: "target_path",
    seed: `update secret_bundles set target_path = '.env.personal'
           where organization_id = 'org_alice_personal'`,
  },
  {
    name: "a secret in a bundle of another organization",
    table: "secrets",
    column: "bundle_id",
    seed: `update secrets set bundle_id = (
             select b.id from secret_bundles b
             where b.organization_id = 'org_globex' and b.target_path is not null
             order by b.id limit 1)
           where id = (select id from secrets where organization_id = 'org_acme'
                       order by id limit 1)`,
  },
  {
    name: "two organization-wide secrets with one key",
    table: "secrets",
    column: "key",
    seed: `insert into secrets (organization_id, key, encrypted_value)
           select id, 'DUPLICATE_KEY', 'x' from organization, generate_series(1, 2)
           where id = (select id from organization order by id limit 1)`,
  },
  {
    name: "a legacy dedup key already taken",
    table: "trigger_events",
    column: "dedup_key",
    seed: `insert into trigger_events (trigger_id, organization_id, raw_payload, dedup_key)
           select e.trigger_id, e.organization_id, '{}', 'legacy:' || e.id
           from trigger_events e where e.dedup_key is null order by e.id limit 1`,
  },
  {
    name: "a history row this package does not know",
    table: "drizzle.__drizzle_migrations",
    seed: `insert into drizzle.__drizzle_migrations (hash, created_at)
           values (repeat('f', 64), 4102444800000)`,
  },
  {
    name: "a pre-vNext database lacking a baseline table",
    table: "cli_github_selections",
    platform: true,
    seed: `drop table cli_github_selections`,
  },
);

Deno.test("cli: every case migrate refuses is a blocker of plan", async (t) => {
  for (const refusal of REFUSALS) {
    await t.step(refusal.name, async () => {
      await using db = refusal.platform ? await preVNext() : await freshDatabase({
        migrations: "baseline",
      });
      if (!refusal.platform) await seedBaseline(db.sql);
      await db.sql.unsafe(refusal.seed);
      const out: string[] = [];
      const code = await main(["plan", "--json", "--url", db.url], {
        stdout: (line) => out.push(line),
        stderr: () => {},
      });
      const report = JSON.parse(out.join("\n")) as PlanReport;
      assert.equal(code, 2, JSON.stringify(report.blockers));
      const named = report.blockers.filter((b) =>
        b.finding
          ? b.finding.table === refusal.table && b.finding.column === refusal.column &&
            b.finding.rowIds.length > 0 && b.finding.count > 0 && b.fix.length > 0
          : b.message.includes(refusal.table) ||
            (b.differences ?? []).some((d) => d.includes(refusal.table))
      );
      assert.ok(
        named.length > 0,
        `no blocker names ${refusal.table}: ${JSON.stringify(report.blockers)}`,
      );
      await assert.rejects(migrate({ url: db.url }), MigrationError);
    });
  }
});

Deno.test("cli: migrate reports a long statement and the index build's phase", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  // One statement per file, so the file's hash is the hash of that statement.
  const statement = `
    create function slow_id(x int) returns int language plpgsql immutable
      as $$ begin perform pg_sleep(0.02); return x; end $$;
    create table slow_items (id int);
    insert into slow_items select generate_series(1, 150);
    create index slow_items_idx on slow_items (slow_id(id));`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(statement));
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  const entries = [{
    tag: "0000_slow_index",
    when: 1_700_000_000_000,
    hash,
    statements: [statement],
  }];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(["migrate", "--json", "--progress-after-ms", "1000", "--url", db.url], {
    migrations: entries,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  assert.equal(code, 0, stderr.join("\n"));
  assert.equal(stdout.length, 1, "--json prints one document on stdout");
  const report = JSON.parse(stdout[0]);
  assert.deepEqual(report.applied, ["0000_slow_index"]);
  const running = report.events.filter((e: { kind: string }) => e.kind === "running");
  assert.ok(running.length > 0, JSON.stringify(report.events));
  assert.ok(
    running.some((e: { phase: string | null }) => /building index/.test(e.phase ?? "")),
    JSON.stringify(running),
  );
  assert.ok(
    stderr.some((line) => /0000_slow_index: still running after \d+ s: .*slow_id/.test(line)),
  );
  assert.ok(stderr.some((line) => /0000_slow_index: done in \d+\.\d s/.test(line)));
  assert.deepEqual(
    report.events.map((e: { kind: string }) => e.kind).filter((k: string) => k !== "running"),
    [
      "start",
      "end",
    ],
  );
});

const PGBOUNCER = "/usr/sbin/pgbouncer";
const hasPgBouncer = await Deno.stat(PGBOUNCER).then(() => true, () => false);

Deno.test({
  name: "cli: status, plan and verify work through PgBouncer in transaction mode",
  ignore: !hasPgBouncer,
  fn: async () => {
    await using db = await preVNext();
    const server = new URL(db.url);
    const dir = await Deno.makeTempDir({ prefix: "pc-pgbouncer-" });
    await Deno.chmod(dir, 0o777);
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await Deno.writeTextFile(
      `${dir}/pgbouncer.ini`,
      [
        "[databases]",
        `* = host=${server.hostname} port=${server.port || 5432}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "auth_type = trust",
        `auth_file = ${dir}/users.txt`,
        "pool_mode = transaction",
        "unix_socket_dir =",
        `pidfile = ${dir}/pgbouncer.pid`,
        `logfile = ${dir}/pgbouncer.log`,
      ].join("\n"),
    );
    // PgBouncer logs in to the server with the password of its auth file.
    await Deno.writeTextFile(
      `${dir}/users.txt`,
      `"${decodeURIComponent(server.username)}" "${decodeURIComponent(server.password)}"\n`,
    );
    for (const file of ["pgbouncer.ini", "users.txt"]) await Deno.chmod(`${dir}/${file}`, 0o644);
    // PgBouncer refuses to run as root.
    const command = Deno.uid() === 0
      ? ["su", "postgres", "-s", "/bin/sh", "-c", `${PGBOUNCER} -d ${dir}/pgbouncer.ini`]
      : [PGBOUNCER, "-d", `${dir}/pgbouncer.ini`];
    const started = await new Deno.Command(command[0], { args: command.slice(1) }).output();
    assert.equal(started.code, 0, new TextDecoder().decode(started.stderr));
    try {
      const pooled = new URL(db.url);
      pooled.port = String(port);
      for (let i = 0; i < 50; i++) {
        if (await Deno.stat(`${dir}/pgbouncer.pid`).then(() => true, () => false)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const status = await cli(["status", "--json", "--url", pooled.toString()]);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(json<StatusReport>(status).migrations[0].state, "adoptable");
      const planned = await cli(["plan", "--json", "--url", pooled.toString()]);
      assert.equal(planned.code, 0, planned.stderr);
      assert.equal(json<PlanReport>(planned).steps.length, ALL_MIGRATIONS.length);
      const verified = await cli(["verify", "--url", pooled.toString()]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    } finally {
      const pid = Number((await Deno.readTextFile(`${dir}/pgbouncer.pid`).catch(() => "")).trim());
      if (pid > 0) Deno.kill(pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 300));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("cli: servers older than PostgreSQL 15 are refused with exit 5", async () => {
  const { unsupportedServer } = await import("../cli/db.ts");
  const old = unsupportedServer({ version: "14.11", versionNum: 140011 });
  assert.equal(old?.exitCode, 5);
  assert.equal(
    old?.message,
    "the server runs PostgreSQL 14.11; this package needs PostgreSQL 15 or newer",
  );
  assert.equal(unsupportedServer({ version: "odd", versionNum: Number.NaN })?.exitCode, 5);
  assert.equal(unsupportedServer({ version: "15.0", versionNum: 150000 }), null);
  assert.equal(unsupportedServer({ version: "18.1", versionNum: 180001 }), null);
});

Deno.test("cli: URLs and messages are redacted", async () => {
  const { redactText, redactUrl } = await import("../cli/url.ts");
  const cases: [string, string][] = [
    ["postgres://app:pa%2Fss%40word@db:5432/prod", "postgres://app:***@db:5432/prod"],
    [
      "postgresql://app:x@db/prod?password=hunter2&sslmode=require",
      "postgresql://app:***@db/prod?password=***&sslmode=require",
    ],
    ["postgres://app@db/prod", "postgres://app@db/prod"],
    ["postgres://app:pa/ss@word@db/prod", "postgres://app:***@db/prod"],
    ["not a url password=hunter2", "(connection string not shown: not a URL or key=value string)"],
    [
      "host=db user=app password='hun ter2' dbname=prod",
      "host=db user=app password=*** dbname=prod",
    ],
  ];
  for (const [url, expected] of cases) {
    assert.equal(redactUrl(url), expected, url);
    for (const secret of ["pa%2Fss", "hunter2", "pa/ss", "word@"]) {
      assert.ok(!redactUrl(url).includes(secret), `${url} shows ${secret}`);
    }
  }
  const url = "postgres://app:pa%2Fss%40word@db/prod";
  assert.equal(
    redactText(
      'password authentication failed for "pa/ss@word" at postgres://app:pa%2Fss%40word@db/prod',
      url,
    ),
    'password authentication failed for "***" at postgres://app:***@db/prod',
  );
});

async function entry(tag: string, when: number, statement: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(statement));
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return { tag, when, hash, statements: [statement] };
}

Deno.test("cli: migrate failing mid-run exits 6 and names what stays applied", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const entries = [
    await entry("0000_table", 1_700_000_000_000, "create table kept (id int)"),
    await entry("0001_broken", 1_700_000_000_001, "select 1 / 0"),
  ];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(["migrate", "--url", db.url], {
    migrations: entries,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  assert.equal(code, 6, stderr.join("\n"));
  assert.ok(
    stdout.includes("applied before the failure (they stay applied): 0000_table"),
    stdout.join("\n"),
  );
  assert.equal(stderr.length, 1);
  assert.match(stderr[0], /^proliferate-core migrate: 0001_broken failed: division by zero/);
  const [{ present }] = await db.sql<{ present: boolean }[]>`
    select to_regclass('public.kept') is not null as present`;
  assert.equal(present, true);
});

Deno.test("cli: the entry point loads only postgres from npm", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", CLI],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string; npmPackage?: string }[];
    npmPackages: Record<string, { name: string }>;
  };
  const direct = new Set(
    graph.modules.flatMap((m) => m.npmPackage ? [graph.npmPackages[m.npmPackage]?.name] : []),
  );
  assert.deepEqual([...direct].sort(), ["postgres"]);
  const local = graph.modules.filter((m) => m.specifier.startsWith("file:"));
  assert.ok(local.every((m) => !/\/(scripts|tests|bench)\//.test(m.specifier)));
});

Deno.test("cli: deno task db:migrate runs the CLI's migrate and prints no password", async () => {
  await using db = await freshDatabase({ migrations: "none" });
  const url = new URL(db.url);
  // A server that trusts the login ignores the password; one that checks it has its own.
  if (!url.password) url.password = encodeURIComponent("se/cr@t");
  const secret = url.password;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../scripts/db_migrate.ts", import.meta.url).pathname],
    env: { DATABASE_URL: url.toString() },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.match(stdout, /^database: postgres:\/\/[^:]+:\*\*\*@/m);
  assert.match(stdout, /0001_vnext_expand: done in/);
  assert.match(stdout, /tables in schema public: \d+/);
  for (const form of [secret, decodeURIComponent(secret)]) {
    assert.ok(!stdout.includes(`:${form}@`) && !stderr.includes(`:${form}@`), "password printed");
  }
});

Deno.test("cli: migrate --before-expand runs the command between the precheck and 0001", async (t) => {
  await using db = await preVNext();
  const recorded = async () => {
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from drizzle.__drizzle_migrations`;
    return n;
  };
  const before = await recorded();
  await t.step("a command that fails: exit 2, nothing changed", async () => {
    const run = await cli(["migrate", "--url", db.url, "--before-expand", "echo busy; exit 3"]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /before-expand: busy/);
    assert.match(
      run.stderr,
      /--before-expand "echo busy; exit 3" exited with code 3.*nothing was changed/,
    );
    assert.equal(await recorded(), before);
  });
  await t.step("an empty command: exit 1", async () => {
    const run = await cli(["migrate", "--url", db.url, "--before-expand", " "]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /--before-expand needs a command/);
  });
  await t.step("a command that succeeds: it runs after the precheck, before 0001", async () => {
    const run = await cli(["migrate", "--url", db.url, "--before-expand", "echo writers stopped"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const at = (pattern: RegExp) => run.stdout.split("\n").findIndex((line) => pattern.test(line));
    const order = [
      at(/^0001_vnext_expand: precheck before it, read-only: nothing to refuse/),
      at(/^before-expand: writers stopped$/),
      at(/^0001_vnext_expand: started/),
      at(/^0001_vnext_expand: done/),
      at(/^0001_vnext_expand: precheck after it, read-only: nothing to refuse/),
      at(/^0002_vnext_backfill: started/),
    ];
    assert.ok(order.every((n, i) => n >= 0 && (i === 0 || n > order[i - 1])), run.stdout);
  });
});
