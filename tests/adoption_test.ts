/**
 * Production-shaped pre-vNext databases (the platform's 25 history rows, seeded): the full
 * history is adopted and upgraded to exactly a fresh install; every history the package cannot
 * explain is refused, naming the platform migration that would explain it, and a refusal leaves
 * every row (drizzle's history included) and the catalog exactly as they were.
 */
import assert from "node:assert/strict";
import {
  checkAdoption,
  expectedCatalog,
  migrate,
  MigrationError,
  type MigrationProgress,
  PLATFORM_HISTORY,
} from "../migrate/mod.ts";
import { assertCatalogEquals, introspectCatalog } from "./_catalog.ts";
import { ALL_MIGRATIONS, connect } from "./_db.ts";
import { prevnextDatabase, type PrevnextVariant, UNKNOWN_OLDER_ROW } from "./_prevnext.ts";
import { takeSnapshot } from "./_snapshot.ts";

const LAST_TAG = ALL_MIGRATIONS[ALL_MIGRATIONS.length - 1].tag;
const UPGRADE_TAGS = ALL_MIGRATIONS.slice(1).map((entry) => entry.tag);

Deno.test("adoption: the full 25-row history is adopted and upgrades to a fresh install", async (t) => {
  for (const drift of [false, true]) {
    await t.step(drift ? "with drift D1–D3" : "without drift", async () => {
      await using db = await prevnextDatabase({ drift });
      const check = await checkAdoption(db.sql);
      assert.deepEqual(check.problems, []);
      assert.equal(check.adoptable, true);
      assert.equal(check.history.kind, "platform");
      assert.deepEqual(check.drift, drift ? ["D1", "D2", "D3"] : []);

      const events: MigrationProgress[] = [];
      const report = await migrate({ url: db.url, onProgress: (e) => events.push(e) });
      assert.deepEqual(report.adopted, ["0000_baseline"]);
      assert.deepEqual(report.applied, UPGRADE_TAGS);
      // The batched backfill reports each batch; each statement ends with its one batch that
      // reports done (a page walk's last batch may still rewrite rows; a keyset one reports 0).
      const batches = events.filter((e) => e.kind === "batch");
      assert.ok(batches.length > 0 && batches.every((e) => e.tag === "0002_vnext_backfill"));
      const lastBatches = batches.filter((e, i) => batches[i + 1]?.statement !== e.statement);
      const backfillStatements = ALL_MIGRATIONS.find((e) => e.tag === "0002_vnext_backfill")!
        .statements.filter((s) => s.trim() !== "").length;
      assert.deepEqual(
        lastBatches.map((e) => e.statement),
        Array.from({ length: backfillStatements }, (_, i) => i + 1),
      );
      assert.ok(batches.every((e) => e.done === (lastBatches.includes(e))));
      const walks = [2, 3, 4].map((statement) =>
        batches.filter((e) => e.statement === statement).reduce((sum, e) => sum + e.rows, 0)
      );
      assert.ok(walks.every((rows) => rows > 0), `rows rewritten by the page walks: ${walks}`);
      assert.ok(lastBatches.every((e) => [2, 3, 4].includes(e.statement) || e.rows === 0));
      assert.deepEqual(
        events.filter((e) => e.kind !== "batch").map((e) =>
          e.kind === "precheck" ? `precheck ${e.stage} ${e.findings}` : `${e.kind} ${e.tag}`
        ),
        [
          "precheck before 0",
          `start ${UPGRADE_TAGS[0]}`,
          "adopted 0000_baseline",
          `end ${UPGRADE_TAGS[0]}`,
          "precheck after 0",
          ...UPGRADE_TAGS.slice(1).flatMap((tag) => [`start ${tag}`, `end ${tag}`]),
        ],
      );
      const starts = events.filter((e) => e.kind === "start");
      assert.deepEqual(
        starts.map((e) => [e.index, e.total]),
        UPGRADE_TAGS.map((_, i) => [i + 1, UPGRADE_TAGS.length]),
      );
      assertCatalogEquals(await introspectCatalog(db.sql), expectedCatalog(LAST_TAG)!);

      const history = await db.sql<{ hash: string; created_at: string }[]>`
        select hash, created_at::text from drizzle.__drizzle_migrations order by id`;
      assert.deepEqual(
        history.map((row) => [row.hash, Number(row.created_at)]),
        [
          ...PLATFORM_HISTORY.map((m) => [m.hash, m.when]),
          ...ALL_MIGRATIONS.map((entry) => [entry.hash, entry.when]),
        ],
      );
      const again = await migrate({ url: db.url });
      assert.deepEqual([again.applied, again.adopted, again.alreadyApplied], [
        [],
        [],
        ALL_MIGRATIONS.length,
      ]);
    });
  }
});

/** Asserts `migrate()` refuses with `reason` and every pattern, and writes nothing at all. */
async function assertRefusedUnchanged(
  db: { sql: import("postgres").Sql; url: string },
  reason: MigrationError["reason"],
  patterns: readonly (string | RegExp)[],
  options: Partial<Parameters<typeof migrate>[0]> = {},
): Promise<MigrationError> {
  const before = await takeSnapshot(db.sql);
  let caught: unknown;
  try {
    await migrate({ url: db.url, ...options });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof MigrationError, `not a MigrationError: ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  assert.doesNotMatch(caught.message, /\n/, "one line");
  for (const pattern of patterns) {
    if (typeof pattern === "string") {
      assert.ok(caught.message.includes(pattern), `"${pattern}" not in: ${caught.message}`);
    } else assert.match(caught.message, pattern);
  }
  const after = await takeSnapshot(db.sql);
  assert.deepEqual(after.rows, before.rows, "a refusal writes no row, history included");
  assert.deepEqual(after.catalog, before.catalog, "a refusal changes no object");
  return caught;
}

const PARTIAL_HISTORIES: {
  variants: PrevnextVariant[];
  missing: string[];
  says: string[];
}[] = [
  {
    variants: ["at0022"],
    missing: ["0023_llm_spend_cursors_partition", "0024_drop_llm_spend_cursors_global"],
    says: [
      "llm_spend_cursors has the singleton shape of platform migration 0022_org_connectors",
      "platform migration 0023_llm_spend_cursors_partition, which this database never ran",
      "the history lacks 2 of the platform's 25 migrations: " +
      "0023_llm_spend_cursors_partition, 0024_drop_llm_spend_cursors_global",
    ],
  },
  {
    variants: ["at0023"],
    missing: ["0024_drop_llm_spend_cursors_global"],
    says: [
      "unexpected table llm_spend_cursors_global: platform migration " +
      "0023_llm_spend_cursors_partition kept the old singleton table under that name",
      "0024_drop_llm_spend_cursors_global, which this database never ran, drops it",
    ],
  },
  {
    variants: ["without0016"],
    missing: ["0016_reflective_cable"],
    says: [
      "missing column automations.notification_slack_installation_id (and its foreign key to " +
      "slack_installations): created by platform migration 0016_reflective_cable, which this " +
      "database never ran",
    ],
  },
  {
    variants: ["without0017"],
    missing: ["0017_dry_mathemanic"],
    says: [
      "missing column automation_runs.enrichment_json: created by platform migration " +
      "0017_dry_mathemanic, which this database never ran",
    ],
  },
  {
    variants: ["without0019"],
    missing: ["0019_lucky_war_machine"],
    says: [
      "missing table action_grants: created by platform migration 0019_lucky_war_machine, " +
      "which this database never ran",
    ],
  },
  {
    variants: ["without0016", "without0017", "without0019"],
    missing: ["0016_reflective_cable", "0017_dry_mathemanic", "0019_lucky_war_machine"],
    says: ["0016_reflective_cable", "0017_dry_mathemanic", "0019_lucky_war_machine"],
  },
];

Deno.test("adoption: a history that does not explain the schema is refused without a write", async (t) => {
  for (const { variants, missing, says } of PARTIAL_HISTORIES) {
    await t.step(variants.join(" + "), async () => {
      await using db = await prevnextDatabase({ variants });
      const check = await checkAdoption(db.sql);
      assert.equal(check.adoptable, false);
      assert.deepEqual(check.history.platformMissing, missing);
      assert.ok(check.problems.length > 0);
      for (const problem of check.problems) assert.doesNotMatch(problem, /\n/);
      await assertRefusedUnchanged(db, "not_adoptable", [
        /^the database has the platform's pre-vNext history, but its schema is not what that history explains: /,
        /; nothing was changed$/,
        ...says,
      ]);
    });
  }
});

Deno.test("adoption: a history row older than the baseline that is not the platform's is refused", async () => {
  await using db = await prevnextDatabase({ variants: ["unknownOlder"] });
  const check = await checkAdoption(db.sql);
  assert.equal(check.adoptable, false);
  assert.equal(check.history.kind, "unrecognised");
  assert.deepEqual(check.history.unknown, [UNKNOWN_OLDER_ROW]);
  assert.match(check.problems[0], /^history row 0badc0de0bad… \(created_at 1769900000000\)/);
  await assertRefusedUnchanged(db, "unknown_migration", [
    `0badc0de0bad… (created_at ${UNKNOWN_OLDER_ROW.createdAt})`,
    "older than 0000_baseline and not the platform's pre-vNext history",
  ]);
});

Deno.test("adoption: a refusal by 0001's precheck leaves no adoption row", async () => {
  await using db = await prevnextDatabase();
  await db.sql`update sessions set status = 'bogus' where id = ${db.seed.sessions.cli}`;
  await assertRefusedUnchanged(db, "precheck", [
    /^0001_vnext_expand precheck: sessions\.status holds 'bogus'/,
    "sessions_status_check",
    "nothing was changed",
  ]);
  await db.sql`update sessions set status = 'stopped' where id = ${db.seed.sessions.cli}`;
  const report = await migrate({ url: db.url });
  assert.deepEqual([report.adopted, report.applied], [["0000_baseline"], UPGRADE_TAGS]);
});

Deno.test("adoption: a lock wait that outlasts its budget leaves no adoption row and names the blocker", async () => {
  await using db = await prevnextDatabase();
  const blocker = connect(db.url, 1);
  const reader = connect(db.url, 1);
  try {
    await blocker.begin(async (tx) => {
      await tx`set local application_name = 'long-report'`;
      const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await tx`select count(*) from sessions`; // ACCESS SHARE on sessions until rollback
      // Meanwhile a reader of automations, which 0001 locks before it waits for sessions.
      let reading = true;
      let slowestMs = 0;
      let reads = 0;
      const readerLoop = (async () => {
        while (reading) {
          const started = performance.now();
          await reader`select count(*) from automations`;
          slowestMs = Math.max(slowestMs, performance.now() - started);
          reads++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const retries: MigrationProgress[] = [];
      try {
        const error = await assertRefusedUnchanged(db, "lock_timeout", [
          /^0001_vnext_expand: waited for a table lock \(AccessExclusiveLock\) on sessions, /,
          `held by pid ${pid} (application_name "long-report", state idle in transaction, ` +
          `query "select count(*) from sessions")`,
          "lock_timeout (400 ms)",
        ], {
          lockTimeoutMs: 400,
          lockRetryBudgetMs: 2_500,
          onProgress: (e) => e.kind === "retry" && retries.push(e),
        });
        assert.ok(retries.length >= 1, `retried: ${error.message}`);
      } finally {
        reading = false;
        await readerLoop;
      }
      assert.ok(reads > 5, `the reader ran (${reads} reads)`);
      assert.ok(
        slowestMs < 400 + 600,
        `a reader of automations waited ${Math.round(slowestMs)} ms, beyond one short lock wait`,
      );
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  } finally {
    await blocker.end();
    await reader.end();
  }
});

class Rollback {}

Deno.test("adoption: four runners at once adopt once and apply each file once", async () => {
  await using db = await prevnextDatabase();
  const reports = await Promise.all([1, 2, 3, 4].map(() => migrate({ url: db.url })));
  assert.deepEqual(reports.flatMap((r) => r.adopted), ["0000_baseline"]);
  assert.deepEqual(reports.flatMap((r) => r.applied).sort(), [...UPGRADE_TAGS].sort());
  const [{ n }] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`;
  assert.equal(n, PLATFORM_HISTORY.length + ALL_MIGRATIONS.length);
  assertCatalogEquals(await introspectCatalog(db.sql), expectedCatalog(LAST_TAG)!);
});

Deno.test("adoption: a drift object in another shape than the baseline sheet's is refused", async () => {
  await using db = await prevnextDatabase({ drift: true });
  await db.sql`alter table sandbox_base_snapshots add column note text`;
  const check = await checkAdoption(db.sql);
  assert.equal(check.adoptable, false);
  assert.deepEqual(check.drift, ["D2", "D3"]);
  await assertRefusedUnchanged(db, "not_adoptable", [
    "unexpected table public.sandbox_base_snapshots: no platform migration explains it",
  ]);
});
