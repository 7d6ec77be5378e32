/**
 * Upgrade at scale: what the vNext migrations cost on a pre-vNext database, empty and at
 * production-like volume (1,000,000 sessions and action_invocations, 500,000 trigger_events,
 * 100,000 prebuilds, proportional rows elsewhere; see `_baseline_data.ts`).
 *
 * For each size the run creates a database, applies migration 0000 with `migrate()`, loads
 * the rows (at scale) and runs `VACUUM ANALYZE`. It then replays every later migration the
 * way the runner does: one transaction per migration file, the runner's `lock_timeout` and
 * `statement_timeout`, each statement as it stands in `migrations/bundle.ts`, then drizzle's
 * row in `drizzle.__drizzle_migrations`, then COMMIT. After each statement, from the same
 * transaction, it reads
 *
 * - `pg_locks`: the strongest mode held on each relation (locks are held to the commit);
 * - `pg_stat_xact_user_tables`: rows read by sequential scans and rows written, per table;
 * - `pg_class.relfilenode` of every table and index: a new file means a rewrite.
 *
 * Statement and commit times are measured around each call; the probes run between them and
 * are left out of every figure, so "ACCESS EXCLUSIVE held" is the sum of statement times from
 * the start of the statement that first took the lock to the end of the COMMIT (an upper
 * bound: the lock may be taken part-way through that statement).
 *
 * Finally it checks that the replay equals `migrate()`: a second empty baseline database is
 * migrated by `migrate()` and both schemas are compared (columns, constraints with validity,
 * indexes, policies and drizzle's migration rows), and `migrate()` run on the replayed
 * database must find nothing to apply.
 *
 * Run alone: `deno run -A bench/upgrade.ts` (writes `bench/results/upgrade.md`). Environment:
 * `BENCH_SCALE` (default 1; 0.1 for a quick run), `DATABASE_URL` (a superuser connection to
 * use instead of a throwaway server).
 *
 * @module
 */
import {
  batchOutcome,
  EXPAND_TAG,
  migrate,
  PRECHECKED_SETTING,
  runPrechecks,
  runsInBatches,
  runsOutsideTransaction,
} from "../migrate/mod.ts";
import type { MigrationEntry } from "../migrate/types.ts";
import { migrations as bundled } from "../migrations/bundle.ts";
import { type BaselineSizes, baselineSizes, loadBaseline } from "./_baseline_data.ts";
import {
  fingerprint,
  heldLocks,
  lockName,
  lockRank,
  type Queryable,
  type Relation,
  relations,
  rowCounts,
  transactionCounters,
} from "./_catalog.ts";
import { bytes, count, ms, seconds, type Section, shortSql, table } from "./_report.ts";
import {
  type BenchServer,
  connect,
  createDatabase,
  dropDatabase,
  runPartAlone,
} from "./_server.ts";

/** The runner's defaults (migrate/runner.ts), used for the replay. */
const LOCK_TIMEOUT_MS = 10_000;
const STATEMENT_TIMEOUT_MS = 1_800_000;
/** Tables with at least this many rows count as large. */
const LARGE_TABLE_ROWS = 100_000;
/** Target: no ACCESS EXCLUSIVE lock on a table of this many rows held longer than 1 s. */
const TARGET_ROWS = 1_000_000;
const TARGET_HOLD_MS = 1_000;

/** What one statement did. */
interface StatementRecord {
  migration: string;
  index: number;
  sql: string;
  ms: number;
  /** Sum of the earlier statements' times in the same transaction (its start, probes excluded). */
  at: number;
  /** Relations whose strongest held lock got stronger during this statement. */
  newLocks: { oid: number; mode: string }[];
  /** Per table oid: rows read by sequential scans and rows written during this statement. */
  io: Map<number, { seqRead: number; seqScans: number; written: number; locked: number }>;
  /** Table names whose file changed during this statement. */
  rewrote: string[];
}

/** The replay of one migration file. */
interface MigrationRun {
  tag: string;
  hash: string;
  statements: StatementRecord[];
  commitMs: number;
  totalMs: number;
  /** Per table oid: ms from the start of the statement that first took ACCESS EXCLUSIVE to commit. */
  exclusiveHold: Map<number, { ms: number; statement: number }>;
  /** Same, for the first lock that blocks writes (SHARE or stronger, not SHARE UPDATE EXCLUSIVE). */
  writeBlockHold: Map<number, { ms: number; statement: number }>;
}

/** One size's run. */
interface SizeRun {
  label: string;
  loadMs: number;
  vacuumMs: number;
  /** The runner's online precheck before 0001 (read-only, blocks no write). */
  precheckMs: number;
  runs: MigrationRun[];
  before: Map<number, Relation>;
  after: Map<number, Relation>;
  countsBefore: Map<string, number>;
  countsAfter: Map<string, number>;
  /** Total size (heap, indexes, TOAST) per table oid, in bytes. */
  sizeBefore: Map<number, number>;
  sizeAfter: Map<number, number>;
}

/** Options of {@linkcode runUpgrade}. */
export interface UpgradeOptions {
  /** Scale of the large database (1 = one million sessions). */
  scale?: number;
  /** Migrations: the first is the baseline, the others the upgrade. Default: the bundle. */
  migrations?: readonly MigrationEntry[];
  log?: (line: string) => void;
}

/** Runs the upgrade part on `server` and returns its section of the report. */
export async function runUpgrade(
  server: BenchServer,
  options: UpgradeOptions = {},
): Promise<Section> {
  const log = options.log ?? console.log;
  const all = options.migrations ?? bundled;
  const scale = options.scale ?? Number(Deno.env.get("BENCH_SCALE") ?? 1);
  const [baseline, ...upgrade] = all;
  if (upgrade.length === 0) {
    return {
      title: "Upgrade at scale",
      lines: ["Not measured: `migrations/bundle.ts` holds no migration after the baseline yet."],
    };
  }
  const sizes = baselineSizes(scale);
  log(`upgrade: replaying ${upgrade.map((m) => m.tag).join(", ")} on an empty database`);
  const empty = await measureSize(server, "bench_upgrade_empty", baseline, upgrade, null, log);
  const equivalence = await compareWithMigrate(server, "bench_upgrade_empty", all, log);
  await dropDatabase(server, "bench_upgrade_empty");
  log(`upgrade: loading ${count(sizes.sessions)} sessions and the rest (scale ${scale})`);
  const large = await measureSize(server, "bench_upgrade_scale", baseline, upgrade, sizes, log);
  await dropDatabase(server, "bench_upgrade_scale");
  return { title: "Upgrade at scale", lines: render(empty, large, equivalence, sizes, scale) };
}

async function measureSize(
  server: BenchServer,
  name: string,
  baseline: MigrationEntry,
  upgrade: readonly MigrationEntry[],
  sizes: BaselineSizes | null,
  log: (line: string) => void,
): Promise<SizeRun> {
  const url = await createDatabase(server, name);
  await migrate({ url, migrations: [baseline] });
  const sql = connect(url);
  try {
    let loadMs = 0;
    let vacuumMs = 0;
    if (sizes) {
      const started = performance.now();
      await loadBaseline(sql, sizes, log);
      loadMs = performance.now() - started;
      const vacuumStarted = performance.now();
      await sql.unsafe("vacuum analyze");
      vacuumMs = performance.now() - vacuumStarted;
      log(`  loaded in ${seconds(loadMs)}, VACUUM ANALYZE ${seconds(vacuumMs)}`);
    }
    const before = await relations(sql);
    const countsBefore = await rowCounts(sql);
    const sizeBefore = await tableSizes(sql);
    const runs: MigrationRun[] = [];
    const names = new Map([...before.values()].map((relation) => [relation.oid, relation.name]));
    let precheckMs = 0;
    for (const entry of upgrade) {
      if (entry.tag === EXPAND_TAG) {
        // As the runner does: read-only, in a transaction of its own.
        const started = performance.now();
        const findings = await sql.begin(
          "read only",
          (tx) => runPrechecks(tx),
        );
        precheckMs = performance.now() - started;
        if (findings.length > 0) throw new Error(`the loaded data fails the precheck`);
        log(`  online precheck of ${EXPAND_TAG}: ${seconds(precheckMs)}, read-only`);
      }
      const run = await replay(url, entry, names);
      runs.push(run);
      log(`  ${entry.tag}: ${entry.statements.length} statements in ${seconds(run.totalMs)}`);
    }
    const after = await relations(sql);
    const countsAfter = await rowCounts(sql);
    const sizeAfter = await tableSizes(sql);
    return {
      label: sizes ? "at scale" : "empty",
      loadMs,
      vacuumMs,
      precheckMs,
      runs,
      before,
      after,
      countsBefore,
      countsAfter,
      sizeBefore,
      sizeAfter,
    };
  } finally {
    await sql.end();
  }
}

/**
 * Replays a file the runner runs outside one transaction (concurrent index builds, batched
 * backfills) as the runner does: each statement, or each batch until one reports 0 rows, on its
 * own. Only times are taken: such a file holds no lock that blocks writes beyond one batch, and
 * the per-batch row locks are what the next measurement has to add (see the report).
 */
async function replayOutside(url: string, entry: MigrationEntry): Promise<MigrationRun> {
  const session = connect(url, 1, {
    application_name: "proliferate-core-migrate",
    lock_timeout: LOCK_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  const statements: StatementRecord[] = [];
  let clock = 0;
  try {
    for (const [index, statement] of entry.statements.entries()) {
      if (statement.trim() === "") continue;
      const started = performance.now();
      if (runsInBatches(entry)) {
        for (;;) {
          const result = await session.begin((tx) => tx.unsafe(statement, [], { prepare: false }));
          // As the runner reads a batch (its `rows` and `done` columns, else its count).
          if (batchOutcome(result).done) break;
        }
      } else {
        await session.unsafe(statement, [], { prepare: false });
      }
      const ms = performance.now() - started;
      statements.push({
        migration: entry.tag,
        index: index + 1,
        sql: statement,
        ms,
        at: clock,
        newLocks: [],
        io: new Map(),
        rewrote: [],
      });
      clock += ms;
    }
    await session`
      insert into drizzle.__drizzle_migrations (hash, created_at)
      values (${entry.hash}, ${entry.when})`;
  } finally {
    await session.end();
  }
  return {
    tag: entry.tag,
    hash: entry.hash,
    statements,
    commitMs: 0,
    totalMs: clock,
    exclusiveHold: new Map(),
    writeBlockHold: new Map(),
  };
}

async function tableSizes(sql: Queryable): Promise<Map<number, number>> {
  const rows = await sql<{ oid: string; size: string }[]>`
    select c.oid::int8 as oid, pg_total_relation_size(c.oid)::int8 as size
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'`;
  return new Map(rows.map((row) => [Number(row.oid), Number(row.size)]));
}

/** Replays one migration file in one transaction, as the runner does, probing after each step. */
async function replay(
  url: string,
  entry: MigrationEntry,
  names: Map<number, string>,
): Promise<MigrationRun> {
  if (runsOutsideTransaction(entry) || runsInBatches(entry)) return await replayOutside(url, entry);
  // The runner's session settings (migrate/runner.ts): one connection, these timeouts.
  const session = connect(url, 1, {
    application_name: "proliferate-core-migrate",
    lock_timeout: LOCK_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  const statements: StatementRecord[] = [];
  const exclusiveStart = new Map<number, { at: number; statement: number }>();
  const blockStart = new Map<number, { at: number; statement: number }>();
  let clock = 0;
  let commitMs = 0;
  try {
    let commitStarted = 0;
    await session.begin(async (tx) => {
      // The runner ran 0001's precheck online before this file (timed apart, see
      // measureSize) and tells the file so, which then holds catalog work only.
      if (entry.tag === EXPAND_TAG) await tx`select set_config(${PRECHECKED_SETTING}, 'on', true)`;
      let locks = await heldLocks(tx);
      let counters = await transactionCounters(tx);
      let files = await relations(tx);
      for (const [oid, relation] of files) names.set(oid, relation.name);
      for (const [index, statement] of entry.statements.entries()) {
        const started = performance.now();
        await tx.unsafe(statement, [], { prepare: false });
        const elapsed = performance.now() - started;
        const nextLocks = await heldLocks(tx);
        const nextCounters = await transactionCounters(tx);
        const nextFiles = await relations(tx);
        for (const [oid, relation] of nextFiles) names.set(oid, relation.name);
        const newLocks: { oid: number; mode: string }[] = [];
        for (const [oid, mode] of nextLocks) {
          if (lockRank(mode) > lockRank(locks.get(oid))) newLocks.push({ oid, mode });
          if (mode === "AccessExclusiveLock" && !exclusiveStart.has(oid)) {
            exclusiveStart.set(oid, { at: clock, statement: index + 1 });
          }
          if (lockRank(mode) >= lockRank("ShareLock") && !blockStart.has(oid)) {
            blockStart.set(oid, { at: clock, statement: index + 1 });
          }
        }
        const io = new Map<
          number,
          { seqRead: number; seqScans: number; written: number; locked: number }
        >();
        for (const [oid, now] of nextCounters) {
          const was = counters.get(oid);
          const seqRead = now.seqRead - (was?.seqRead ?? 0);
          const seqScans = now.seqScan - (was?.seqScan ?? 0);
          const written = now.inserted + now.updated + now.deleted -
            ((was?.inserted ?? 0) + (was?.updated ?? 0) + (was?.deleted ?? 0));
          const locked = now.updated + now.deleted - ((was?.updated ?? 0) + (was?.deleted ?? 0));
          if (seqRead > 0 || seqScans > 0 || written > 0) {
            io.set(oid, { seqRead, seqScans, written, locked });
          }
        }
        const rewrote: string[] = [];
        for (const [oid, relation] of nextFiles) {
          const was = files.get(oid);
          if (was && was.filenode !== relation.filenode && relation.kind !== "i") {
            rewrote.push(relation.name);
          }
        }
        statements.push({
          migration: entry.tag,
          index: index + 1,
          sql: statement,
          ms: elapsed,
          at: clock,
          newLocks,
          io,
          rewrote,
        });
        clock += elapsed;
        locks = nextLocks;
        counters = nextCounters;
        files = nextFiles;
      }
      const started = performance.now();
      await tx`
        insert into drizzle.__drizzle_migrations (hash, created_at)
        values (${entry.hash}, ${entry.when})`;
      clock += performance.now() - started;
      commitStarted = performance.now();
    });
    commitMs = performance.now() - commitStarted;
  } finally {
    await session.end();
  }
  const totalMs = clock + commitMs;
  const holdOf = (starts: Map<number, { at: number; statement: number }>) =>
    new Map(
      [...starts].map(([oid, { at, statement }]) => [oid, { ms: totalMs - at, statement }]),
    );
  return {
    tag: entry.tag,
    hash: entry.hash,
    statements,
    commitMs,
    totalMs,
    exclusiveHold: holdOf(exclusiveStart),
    writeBlockHold: holdOf(blockStart),
  };
}

interface Equivalence {
  sameSchema: boolean;
  differences: string[];
  secondRunApplied: string[];
  migrationRows: number;
}

/** Compares the replayed database with one built by `migrate()` from the same baseline. */
async function compareWithMigrate(
  server: BenchServer,
  replayed: string,
  all: readonly MigrationEntry[],
  log: (line: string) => void,
): Promise<Equivalence> {
  const referenceName = "bench_upgrade_reference";
  const referenceUrl = await createDatabase(server, referenceName);
  try {
    await migrate({ url: referenceUrl, migrations: all.slice(0, 1) });
    await migrate({ url: referenceUrl, migrations: all });
    const replayedUrl = new URL(referenceUrl);
    replayedUrl.pathname = `/${replayed}`;
    const a = connect(replayedUrl.toString());
    const b = connect(referenceUrl);
    let left: string[];
    let right: string[];
    try {
      left = await fingerprint(a);
      right = await fingerprint(b);
    } finally {
      await a.end();
      await b.end();
    }
    const onlyLeft = left.filter((line) => !right.includes(line)).map((line) =>
      `replay only: ${line}`
    );
    const onlyRight = right.filter((line) => !left.includes(line)).map((line) =>
      `migrate() only: ${line}`
    );
    const second = await migrate({ url: replayedUrl.toString(), migrations: all });
    const result = {
      sameSchema: onlyLeft.length === 0 && onlyRight.length === 0,
      differences: [...onlyLeft, ...onlyRight],
      secondRunApplied: second.applied,
      migrationRows: left.filter((line) => line.startsWith("migration ")).length,
    };
    log(
      `  replay vs migrate(): ${
        result.sameSchema ? "same schema" : `${result.differences.length} differences`
      }, ` +
        `migrate() afterwards applied ${second.applied.length} migration(s)`,
    );
    return result;
  } finally {
    await dropDatabase(server, referenceName);
  }
}

function render(
  empty: SizeRun,
  large: SizeRun,
  equivalence: Equivalence,
  sizes: BaselineSizes,
  scale: number,
): string[] {
  const nameOf = (oid: number) => {
    const before = large.before.get(oid);
    const after = large.after.get(oid);
    if (before && after && before.name !== after.name) return `${before.name}→${after.name}`;
    return (after ?? before)?.name ?? `oid ${oid}`;
  };
  const lines: string[] = [];
  const tagList = large.runs.map((run) => run.tag);
  // Sizes of the main tables.
  const watched = [
    "sessions",
    "action_invocations",
    "trigger_events",
    "prebuilds",
    "secrets",
    "prebuild_repos",
    "triggers",
    "organization",
  ];
  lines.push(
    `Migrations replayed: ${
      large.runs.map((run) =>
        `${run.tag} (${run.statements.length} statements, sha256 ${run.hash.slice(0, 12)}…)`
      )
        .join(", ")
    }.`,
    "",
    `Pre-vNext database at scale ${scale}: loaded in ${seconds(large.loadMs)} (set-based ` +
      `INSERT … SELECT generate_series, synchronous_commit off), VACUUM ANALYZE ${
        seconds(large.vacuumMs)
      }.`,
    "",
    ...table(
      ["table", "rows", "size before (heap, indexes, TOAST)", "size after the upgrade"],
      watched.filter((name) => large.countsBefore.has(name)).map((name) => {
        const oid = [...large.before.values()].find((r) => r.name === name && r.kind === "r")
          ?.oid ?? -1;
        return [
          nameOf(oid),
          count(large.countsBefore.get(name)!),
          bytes(large.sizeBefore.get(oid) ?? 0),
          large.sizeAfter.has(oid) ? bytes(large.sizeAfter.get(oid)!) : "dropped",
        ];
      }),
    ),
    "",
    `${count(large.countsBefore.size)} tables, ${
      count([...large.countsBefore.values()].reduce((a, b) => a + b, 0))
    } rows in all (${count(sizes.organizations)} organizations).`,
    "",
    "### Wall time per migration (statements + drizzle row + COMMIT; probes excluded)",
    "",
    "The runner's online precheck of 0001 (read-only, in a snapshot of its own: it blocks no " +
      "write) runs before 0001 and is the first column.",
    "",
    ...table(
      ["size", "precheck (online)", ...tagList, "total"],
      [empty, large].map((size) => [
        size.label,
        ms(size.precheckMs) + " ms",
        ...size.runs.map((run) => ms(run.totalMs) + " ms"),
        ms(size.precheckMs + size.runs.reduce((sum, run) => sum + run.totalMs, 0)) + " ms",
      ]),
    ),
  );
  // Statements that touch large tables.
  const largeOids = new Set(
    [...large.before.values()].filter((relation) =>
      relation.kind === "r" && (large.countsBefore.get(relation.name) ?? 0) >= LARGE_TABLE_ROWS
    ).map((relation) => relation.oid),
  );
  const heavy = large.runs.flatMap((run) => run.statements).filter((statement) =>
    statement.rewrote.length > 0 || statement.ms >= 100 ||
    [...statement.io].some(([oid, io]) =>
      largeOids.has(oid) && (io.seqScans > 0 || io.written >= 1000)
    )
  );
  lines.push(
    "",
    `### Statements that scan, write or rewrite a large table (≥ ${
      count(LARGE_TABLE_ROWS)
    } rows), or take ≥ 100 ms, at scale`,
    "",
    "Locks are the new or strengthened locks the statement took on large tables (held until " +
      'that migration\'s COMMIT); "read" = rows read by sequential scans, "written" = rows ' +
      "inserted, updated or deleted (pg_stat_xact_user_tables; a CREATE INDEX built with " +
      "parallel workers counts only the leader's share of the rows it read).",
    "",
    ...table(
      ["migration", "#", "statement", "ms", "locks on large tables", "read / written"],
      heavy.map((statement) => [
        statement.migration,
        String(statement.index),
        `\`${shortSql(statement.sql, 90)}\``,
        ms(statement.ms),
        statement.newLocks.filter((lock) => largeOids.has(lock.oid)).map((lock) =>
          `${nameOf(lock.oid)}: ${lockName(lock.mode)}`
        ).join("; ") || "–",
        [...statement.io].filter(([oid]) => largeOids.has(oid)).map(([oid, io]) =>
          `${nameOf(oid)} ${count(io.seqRead)} / ${count(io.written)}`
        ).join("; ") || "–",
      ]),
    ),
  );
  // Lock hold times on every table that existed before the upgrade: a small but hot table
  // (organization, "user") blocks as much traffic as a large one while it is locked.
  const holds: { row: string[]; ms: number }[] = [];
  let worst: { table: string; ms: number; run: MigrationRun; statement: number } | null = null;
  let worstBlock: { table: string; ms: number; run: MigrationRun } | null = null;
  const since = (run: MigrationRun, hold?: { ms: number; statement: number }) =>
    hold
      ? `${ms(hold.ms)} (from #${hold.statement} \`${
        shortSql(run.statements[hold.statement - 1].sql, 60)
      }\`)`
      : "–";
  for (const run of large.runs) {
    const oids = new Set([...run.exclusiveHold.keys(), ...run.writeBlockHold.keys()]);
    for (const oid of oids) {
      const relation = large.before.get(oid);
      if (!relation || relation.kind !== "r") continue;
      const rows = large.countsBefore.get(relation.name) ?? 0;
      const exclusive = run.exclusiveHold.get(oid);
      const blocking = run.writeBlockHold.get(oid);
      holds.push({
        ms: Math.max(exclusive?.ms ?? 0, blocking?.ms ?? 0),
        row: [
          run.tag,
          `${nameOf(oid)}${large.after.has(oid) ? "" : " (dropped)"}`,
          count(rows),
          since(run, blocking),
          since(run, exclusive),
        ],
      });
      if (blocking && rows >= TARGET_ROWS && (!worstBlock || blocking.ms > worstBlock.ms)) {
        worstBlock = { table: nameOf(oid), ms: blocking.ms, run };
      }
      if (exclusive && rows >= TARGET_ROWS && (!worst || exclusive.ms > worst.ms)) {
        worst = { table: nameOf(oid), ms: exclusive.ms, run, statement: exclusive.statement };
      }
    }
  }
  holds.sort((a, b) => b.ms - a.ms);
  lines.push(
    "",
    "### Table locks at scale, held from the start of the statement that first took them to COMMIT",
    "",
    "Every pre-existing table the upgrade locks in a mode that blocks writes (SHARE or " +
      "stronger) or reads too (ACCESS EXCLUSIVE), longest first, in ms. While such a lock " +
      "is held the blocked statements wait, and in production so does every query queued " +
      "behind them.",
    "",
    ...(holds.length > 0
      ? table(
        ["migration", "table", "rows", "writes blocked ms", "ACCESS EXCLUSIVE ms"],
        holds.map((hold) => hold.row),
      )
      : ["No migration takes a write-blocking lock on an existing table."]),
  );
  // Row locks: an UPDATE or DELETE keeps every row it changed locked until COMMIT.
  const rowLocks: string[][] = [];
  for (const run of large.runs) {
    for (const statement of run.statements) {
      for (const [oid, io] of statement.io) {
        if (io.locked < 1000 || !large.before.has(oid)) continue;
        rowLocks.push([
          run.tag,
          `#${statement.index} \`${shortSql(statement.sql, 70)}\``,
          nameOf(oid),
          count(io.locked),
          ms(statement.ms),
          ms(run.totalMs - statement.at),
        ]);
      }
    }
  }
  if (rowLocks.length > 0) {
    lines.push(
      "",
      "### Row locks of the backfills, at scale",
      "",
      "Table locks are not the whole story: an UPDATE keeps every row it changed locked " +
        "until its migration commits, so an application UPDATE or DELETE of such a row " +
        "waits that long (reads and INSERTs go on).",
      "",
      ...table(
        [
          "migration",
          "statement",
          "table",
          "rows locked",
          "statement ms",
          "rows locked until COMMIT, ms",
        ],
        rowLocks,
      ),
    );
  }
  // Rewrites.
  const rewrites = [empty, large].map((size) => {
    const changed: string[] = [];
    for (const [oid, relation] of size.before) {
      const later = size.after.get(oid);
      if (later && later.filenode !== relation.filenode) {
        changed.push(`${relation.kind === "i" ? "index" : "table"} ${relation.name}`);
      }
    }
    return changed;
  });
  const dropped = [...large.before.values()].filter((relation) =>
    relation.kind === "r" && !large.after.has(relation.oid)
  ).map((relation) => relation.name);
  const created = [...large.after.values()].filter((relation) =>
    relation.kind === "r" && !large.before.has(relation.oid)
  ).map((relation) =>
    `${relation.name} (${count(large.countsAfter.get(relation.name) ?? 0)} rows)`
  );
  const renamed = [...large.before.values()].filter((relation) =>
    relation.kind === "r" && large.after.has(relation.oid) &&
    large.after.get(relation.oid)!.name !== relation.name
  ).map((relation) => `${relation.name}→${large.after.get(relation.oid)!.name}`);
  lines.push(
    "",
    "### Rewrites and row preservation",
    "",
    `relfilenode of every table and index before and after, matched by oid (renamed tables ` +
      `keep their oid: ${renamed.join(", ") || "none"}): ` +
      (rewrites[1].length === 0
        ? "no table or index was rewritten at scale"
        : `rewritten at scale: ${rewrites[1].join(", ")}`) +
      (rewrites[0].length === 0
        ? "; none on the empty database either."
        : `; empty: ${rewrites[0].join(", ")}.`),
    "",
    `Dropped tables: ${dropped.join(", ") || "none"}. New tables: ${created.join(", ") || "none"}.`,
  );
  const lost: string[] = [];
  for (const [name, rows] of large.countsBefore) {
    const relation = [...large.before.values()].find((r) => r.name === name && r.kind === "r");
    const newName = relation ? large.after.get(relation.oid)?.name : undefined;
    if (!newName) continue;
    const after = large.countsAfter.get(newName) ?? 0;
    if (after !== rows) lost.push(`${name}: ${count(rows)} → ${count(after)}`);
  }
  lines.push(
    "",
    lost.length === 0
      ? "Every table that is kept has the same row count after the upgrade."
      : `Row counts changed: ${lost.join("; ")}.`,
  );
  // Equivalence with migrate().
  lines.push(
    "",
    "### Replay equals `migrate()`",
    "",
    equivalence.sameSchema
      ? `The replayed empty database and one migrated by \`migrate()\` have the same schema ` +
        `(columns, constraints and their validity, indexes, policies) and the same ` +
        `${equivalence.migrationRows} rows in drizzle.__drizzle_migrations.`
      : `The replayed database differs from \`migrate()\`'s in ${equivalence.differences.length} ` +
        `line(s): ${equivalence.differences.slice(0, 8).join("; ")}`,
    `\`migrate()\` run on the replayed database afterwards applied ${
      equivalence.secondRunApplied.length === 0
        ? "nothing"
        : equivalence.secondRunApplied.join(", ")
    }.`,
  );
  // Targets.
  const noRewrite = rewrites[1].filter((item) => item.startsWith("table ")).length === 0;
  const holdMet = worst === null || worst.ms <= TARGET_HOLD_MS;
  lines.push(
    "",
    "### Targets",
    "",
    `- No table rewritten: **${noRewrite ? "met" : "not met"}**${
      noRewrite ? "" : ` (${rewrites[1].join(", ")})`
    }.`,
    `- No ACCESS EXCLUSIVE lock on a ${count(TARGET_ROWS)}-row table held longer than 1 s: **${
      holdMet ? "met" : "not met"
    }**${
      worst
        ? ` (longest: ${worst.table} in ${worst.run.tag}, ${
          ms(worst.ms)
        } ms from statement #${worst.statement})`
        : ""
    }.`,
  );
  if (worst && !holdMet) {
    const window = worst.run.statements.slice(worst.statement - 1);
    const during = [...window].sort((a, b) => b.ms - a.ms).slice(0, 3);
    const slow = window.filter((statement) => statement.ms >= 100);
    const rest = worst.ms - slow.reduce((sum, statement) => sum + statement.ms, 0);
    lines.push(
      `  While that lock is held, the longest statements of ${worst.run.tag} are: ${
        during.map((statement) =>
          `#${statement.index} \`${shortSql(statement.sql, 80)}\` (${ms(statement.ms)} ms)`
        ).join("; ")
      }. Without the ${slow.length} statement(s) of 100 ms or more in that window (run ` +
        `before the first ACCESS EXCLUSIVE, or in another migration), the lock would be held ` +
        `about ${ms(rest)} ms (computed from the timings above, not measured).`,
    );
  }
  if (worstBlock) {
    lines.push(
      `- Not a target, but worth knowing: writes to ${worstBlock.table} are blocked for ${
        ms(worstBlock.ms)
      } ms in ${worstBlock.run.tag} (a SHARE or stronger lock held to its COMMIT); the ` +
        `upgrade as a whole runs ${ms(large.runs.reduce((sum, run) => sum + run.totalMs, 0))} ms.`,
    );
  }
  // Full statement list at scale.
  lines.push(
    "",
    "<details><summary>Every statement at scale</summary>",
    "",
    ...table(
      ["migration", "#", "statement", "ms", "locks taken (tables)", "rewrote"],
      large.runs.flatMap((run) => [
        ...run.statements.map((statement) => [
          statement.migration,
          String(statement.index),
          `\`${shortSql(statement.sql, 100)}\``,
          ms(statement.ms),
          statement.newLocks.filter((lock) =>
            (large.after.get(lock.oid) ?? large.before.get(lock.oid))?.kind === "r"
          ).map((lock) => `${nameOf(lock.oid)}: ${lockName(lock.mode)}`).join("; ") || "–",
          statement.rewrote.join(", ") || "–",
        ]),
        [run.tag, "", "COMMIT", ms(run.commitMs), "", ""],
      ]),
    ),
    "",
    "</details>",
  );
  return lines;
}

if (import.meta.main) await runPartAlone("Benchmark: vNext upgrade", "upgrade.md", runUpgrade);
