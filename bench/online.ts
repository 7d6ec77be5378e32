/**
 * Online upgrade: the vNext upgrade as production runs it, by the real runner (`migrate()`)
 * on a production-sized pre-vNext database while application writers keep writing.
 *
 * For each size (`BENCH_ONLINE_SCALES`, default `1,4`; scale 1 = 1,000,000 sessions and
 * action_invocations, 500,000 trigger_events, 100,000 prebuilds, 200,000 secrets; 0.1 for a
 * quick run) the run
 *
 * 1. creates `bench_online_<scale>`, applies 0000 with `migrate()`, loads the rows
 *    (`_baseline_data.ts`) and runs `VACUUM ANALYZE`;
 * 2. starts the *pre-vNext writers* (`_writers.ts`: inserts and updates of sessions,
 *    action_invocations, trigger_events and triggers under the 0000 names, open-loop at
 *    `BENCH_WRITE_RATE` writes/s, default 100), the lock sampler and the write probes
 *    (`_lock_watch.ts`), and lets them run for {@linkcode WARMUP_MS};
 * 3. calls `migrate()` with `beforeExpand`: the runner calls it once its online precheck has
 *    passed, right before `0001_vnext_expand`; the benchmark stops the pre-vNext writers there
 *    and waits for the writes in flight. The *stopped-writers window* runs from then to the
 *    `end` event of 0001, where the *vNext writers* start (same mix and rate, vNext names and
 *    values, including updates of legacy rows the backfill has not reached). They write until
 *    `migrate()` returns and {@linkcode AFTER_MS} longer.
 *
 * What is measured, per size:
 *
 * - the window, and the writes the application could not make during it (window × rate);
 * - per table, the longest span during which the runner's backends (the pids of its `start`
 *   events) held a lock that blocks writes, from `pg_locks` sampled every
 *   {@linkcode SAMPLE_INTERVAL_MS} ms (a span runs from the first sample that saw it to the
 *   first that did not, so it is known to about one sample interval, which the report gives);
 * - per large table, the longest latency of a probe write (one fixed row updated every
 *   {@linkcode PROBE_INTERVAL_MS} ms): how long a write really waited, row locks included;
 * - the longest row lock of the backfill: the longest `batch` event of each 0002 statement that
 *   writes rows (a batch keeps its rows locked for its whole transaction), with batches, rows
 *   and time; the batched statements that lock no row (VALIDATE, the cursor table) are summed
 *   apart;
 * - each migration's time (`start` to `end`, the runner's `elapsedMs`) and the precheck events;
 * - bloat: total relation size (heap, indexes, TOAST) of the large tables before and after,
 *   `n_dead_tup` after, and the size again after a plain `VACUUM`;
 * - the writers: writes, errors (count and first messages; the target is none) and p50 / p99
 *   / max latency (from the moment a write was due to its answer) before, in and after the
 *   window;
 * - at the end, that the database is at vNext (`migrate()` again applies nothing) and that
 *   every row the writers inserted is there. A `migrate()` that fails is reported with its
 *   message (the writers, probes and sampler stop as usual; no second run then).
 *
 * Targets: the window and every blocking figure (sampled lock, probe wait, longest batch)
 * under 1 s, no writer error, and at the largest size every such figure within 20 % of scale
 * 1's (the upgrade's pauses must not grow with the data).
 *
 * Run alone: `deno run -A bench/online.ts` (writes `bench/results/online.md`). Environment:
 * `BENCH_ONLINE_SCALES`, `BENCH_WRITE_RATE`, `DATABASE_URL` (a superuser connection; the run
 * creates and drops `bench_online_*` databases there), else a throwaway server (`_server.ts`).
 *
 * @module
 */
import { EXPAND_TAG, migrate, type MigrationProgress, runsInBatches } from "../migrate/mod.ts";
import type { MigrationEntry } from "../migrate/types.ts";
import { migrations as bundled } from "../migrations/bundle.ts";
import { type BaselineSizes, baselineSizes, loadBaseline } from "./_baseline_data.ts";
import {
  LockSampler,
  type LockSpan,
  PROBE_INTERVAL_MS,
  type ProbeRecord,
  type ProbeTarget,
  SAMPLE_INTERVAL_MS,
  WriteProbes,
} from "./_lock_watch.ts";
import { bytes, count, ms, quantile, seconds, type Section, shortSql, table } from "./_report.ts";
import {
  type BenchServer,
  connect,
  createDatabase,
  dropDatabase,
  runPartAlone,
} from "./_server.ts";
import {
  describeError,
  type Generation,
  type InsertedTable,
  WRITE_KINDS,
  type WriteRecord,
  Writers,
} from "./_writers.ts";

/** How long the pre-vNext writers run before `migrate()` is called, in ms. */
export const WARMUP_MS = 5_000;
/** How long the vNext writers go on after `migrate()` returned, in ms. */
export const AFTER_MS = 2_000;
/** Target of the window and of every blocking figure, in ms. */
const TARGET_MS = 1_000;
/** Largest growth from scale 1 to the largest size that still meets the target. */
const TARGET_GROWTH = 0.2;

/** The large tables, by their vNext names, and the pre-vNext name of each. */
const LARGE_TABLES: readonly {
  label: string;
  before: string;
  rows: (z: BaselineSizes) => number;
}[] = [
  { label: "sessions", before: "sessions", rows: (z) => z.sessions },
  { label: "action_invocations", before: "action_invocations", rows: (z) => z.actionInvocations },
  { label: "trigger_events", before: "trigger_events", rows: (z) => z.triggerEvents },
  { label: "triggers", before: "triggers", rows: (z) => z.triggers },
  { label: "secrets", before: "secrets", rows: (z) => z.secrets },
  { label: "configurations", before: "prebuilds", rows: (z) => z.prebuilds },
];

/** The event the runner reports after each of its online prechecks around 0001. */
type PrecheckProgress = Extract<MigrationProgress, { kind: "precheck" }>;

/** Options of {@linkcode runOnline}. */
export interface OnlineOptions {
  /** Sizes to measure (1 = one million sessions). Default: `BENCH_ONLINE_SCALES` or 1 and 4. */
  scales?: readonly number[];
  /** Writes per second of each writer generation. Default: `BENCH_WRITE_RATE` or 100. */
  rate?: number;
  /** Migrations: the first is the baseline, the others the upgrade. Default: the bundle. */
  migrations?: readonly MigrationEntry[];
  log?: (line: string) => void;
}

/** One migration's times, from the runner's progress events. */
interface MigrationTiming {
  tag: string;
  /** First `start` event, ms after `migrate()` was called. */
  startedAt: number;
  /** `end` event, ms after `migrate()` was called. */
  endedAt?: number;
  /** The runner's `elapsedMs` of the attempt that committed. */
  elapsedMs?: number;
  retries: number;
}

/** One committed batch of a batched file. */
interface BatchRecord {
  tag: string;
  statement: number;
  rows: number;
  elapsedMs: number;
}

/** Size and dead rows of one large table. */
interface TableFigures {
  label: string;
  oid: number;
  rows: number;
  sizeBefore: number;
  sizeAfter: number;
  sizeVacuumed: number;
  deadAfter: number;
  autovacuums: number;
}

/** Rows the writers of one generation inserted into one table, and how many are there. */
interface InsertCheck {
  generation: Generation;
  table: InsertedTable;
  written: number;
  found: number;
}

/** Everything one size's run found. */
interface SizeRun {
  scale: number;
  sizes: BaselineSizes;
  loadMs: number;
  /** `migrate()`'s error, when it failed. */
  failure?: string;
  migrateMs: number;
  migrations: MigrationTiming[];
  prechecks: (PrecheckProgress & { at: number })[];
  retries: string[];
  /** Stop requested, writes drained (window start) and 0001 committed (window end). */
  window?: { requested: number; start: number; end?: number };
  spans: LockSpan[];
  sampleGaps: number[];
  samplerFailure?: string;
  probes: Map<string, ProbeRecord[]>;
  batches: BatchRecord[];
  /** Each batched statement (key `tag#number`): short text, and whether it writes rows. */
  batchStatements: Map<string, { sql: string; writesRows: boolean }>;
  writes: WriteRecord[];
  inserts: InsertCheck[];
  tables: TableFigures[];
  /** Final name of every table oid that still exists. */
  names: Map<number, string>;
  secondRun?: string[];
  rate: number;
}

/** Runs the online-upgrade part on `server` and returns its section of the report. */
export async function runOnline(
  server: BenchServer,
  options: OnlineOptions = {},
): Promise<Section> {
  const log = options.log ?? console.log;
  const all = options.migrations ?? bundled;
  const scales = options.scales ?? parseScales(Deno.env.get("BENCH_ONLINE_SCALES") ?? "1,4");
  const rate = options.rate ?? Number(Deno.env.get("BENCH_WRITE_RATE") ?? 100);
  if (!(rate > 0 && rate <= 10_000)) throw new Error(`BENCH_WRITE_RATE must be 1..10000: ${rate}`);
  if (!all.some((entry) => entry.tag === EXPAND_TAG)) {
    return {
      title: "Online upgrade",
      lines: [`Not measured: \`migrations/bundle.ts\` holds no ${EXPAND_TAG}.`],
    };
  }
  const runs: SizeRun[] = [];
  for (const scale of scales) {
    runs.push(await measureSize(server, scale, all, rate, log));
  }
  return { title: "Online upgrade", lines: render(runs, rate) };
}

/** Parses `BENCH_ONLINE_SCALES` ("1,4"). */
function parseScales(text: string): number[] {
  const scales = text.split(",").map((part) => Number(part.trim()));
  if (scales.length === 0 || scales.some((scale) => !(scale > 0 && scale <= 100))) {
    throw new Error(`BENCH_ONLINE_SCALES must list scales from 0.01 to 100, got "${text}"`);
  }
  return scales;
}

const delay = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

async function measureSize(
  server: BenchServer,
  scale: number,
  all: readonly MigrationEntry[],
  rate: number,
  log: (line: string) => void,
): Promise<SizeRun> {
  const name = `bench_online_${String(scale).replace(/[^0-9]/g, "_")}`;
  const sizes = baselineSizes(scale);
  const url = await createDatabase(server, name);
  try {
    log(`online: scale ${scale}: ${name}, loading ${count(sizes.sessions)} sessions and the rest`);
    await migrate({ url, migrations: all.slice(0, 1) });
    const sql = connect(url);
    try {
      const loadStarted = performance.now();
      await loadBaseline(sql, sizes, log);
      await sql.unsafe("vacuum analyze");
      const loadMs = performance.now() - loadStarted;
      log(`  loaded and VACUUM ANALYZE in ${seconds(loadMs)}`);
      return await upgradeOnline(url, sql, scale, sizes, loadMs, all, rate, log);
    } finally {
      await sql.end();
    }
  } finally {
    await dropDatabase(server, name);
  }
}

/** Steps 2 to 8 of the module doc on a loaded database. */
async function upgradeOnline(
  url: string,
  sql: ReturnType<typeof connect>,
  scale: number,
  sizes: BaselineSizes,
  loadMs: number,
  all: readonly MigrationEntry[],
  rate: number,
  log: (line: string) => void,
): Promise<SizeRun> {
  const targets: (ProbeTarget & { rows: number })[] = [];
  for (const large of LARGE_TABLES) {
    const [row] = await sql.unsafe<{ oid: string; id: string }[]>(
      `select '${large.before}'::regclass::oid::int8 as oid,
        (select id::text from ${large.before} order by id limit 1) as id`,
    );
    targets.push({ label: large.label, oid: Number(row.oid), id: row.id, rows: large.rows(sizes) });
  }
  const before = await tableStats(sql, targets.map((target) => target.oid));
  let tag = WARMUP_TAG;
  const currentTag = () => tag;
  const sampler = new LockSampler(url, currentTag);
  const probes = new WriteProbes(url, targets, currentTag);
  const pre = new Writers({ url, generation: "pre-vNext", rate, sizes, seed: 1 });
  let post: Writers | undefined;
  const run: SizeRun = {
    scale,
    sizes,
    loadMs,
    migrateMs: 0,
    migrations: [],
    prechecks: [],
    retries: [],
    spans: [],
    sampleGaps: [],
    probes: probes.records,
    batches: [],
    batchStatements: new Map(),
    writes: [],
    inserts: [],
    tables: [],
    names: new Map(),
    rate,
  };
  const upgrade = all.slice(1);
  for (const entry of upgrade) {
    if (!runsInBatches(entry)) continue;
    const statements = entry.statements.filter((statement) => statement.trim() !== "");
    for (const [index, statement] of statements.entries()) {
      const sql = shortSql(statement, 1_000);
      run.batchStatements.set(`${entry.tag}#${index + 1}`, {
        sql: shortSql(statement, 80),
        writesRows: /\b(insert|update|delete)\b/i.test(sql) && !/^(alter|create|drop)\b/i.test(sql),
      });
    }
  }
  let migrateStarted = 0;
  const since = () => performance.now() - migrateStarted;
  const lastBatchLog = new Map<string, number>();
  const beforeExpand = async () => {
    if (run.window) return;
    const requested = performance.now();
    log(`  beforeExpand: stopping the pre-vNext writers`);
    const start = Math.max(requested, await pre.stop());
    run.window = { requested, start };
    log(`  pre-vNext writers stopped (drained in ${ms(start - requested)} ms)`);
  };
  const onProgress = (event: MigrationProgress) => {
    switch (event.kind) {
      case "start": {
        sampler.watch(event.backendPid);
        tag = event.tag;
        const known = run.migrations.find((timing) => timing.tag === event.tag);
        if (!known) run.migrations.push({ tag: event.tag, startedAt: since(), retries: 0 });
        log(`  ${event.tag}: started (backend ${event.backendPid})`);
        break;
      }
      case "end": {
        const timing = run.migrations.find((known) => known.tag === event.tag);
        if (timing) {
          timing.endedAt = since();
          timing.elapsedMs = event.elapsedMs;
        }
        tag = "(between migrations)";
        log(`  ${event.tag}: committed in ${seconds(event.elapsedMs)}`);
        if (event.tag === EXPAND_TAG && run.window && !post) {
          run.window.end = performance.now();
          post = new Writers({ url, generation: "vNext", rate, sizes, seed: 2 });
          post.start();
          log(
            `  vNext writers started; stopped-writers window ${
              ms(run.window.end - run.window.start)
            } ms`,
          );
        }
        break;
      }
      case "batch": {
        run.batches.push({
          tag: event.tag,
          statement: event.statement,
          rows: event.rows,
          elapsedMs: event.elapsedMs,
        });
        const key = `${event.tag}#${event.statement}`;
        const now = performance.now();
        if (event.done || now - (lastBatchLog.get(key) ?? 0) > 5_000) {
          lastBatchLog.set(key, now);
          log(
            `  ${event.tag} statement ${event.statement}/${event.statements}: batch ${event.batch}, ${
              count(event.totalRows)
            } rows so far, this batch ${ms(event.elapsedMs)} ms`,
          );
        }
        break;
      }
      case "retry": {
        const timing = run.migrations.find((known) => known.tag === event.tag);
        if (timing) timing.retries++;
        run.retries.push(`${event.tag} attempt ${event.attempt}: ${event.reason}`);
        log(`  ${event.tag}: retry ${event.attempt} in ${ms(event.waitMs)} ms (${event.reason})`);
        break;
      }
      case "precheck":
        run.prechecks.push({ ...event, at: since() });
        log(
          `  precheck ${event.stage}: ${event.findings} finding(s) in ${seconds(event.elapsedMs)}`,
        );
        break;
      default:
        break;
    }
  };
  sampler.start();
  probes.start();
  pre.start();
  log(`  pre-vNext writers at ${rate}/s, ${WARMUP_MS / 1000} s before migrate()`);
  try {
    await delay(WARMUP_MS);
    migrateStarted = performance.now();
    tag = "(online precheck)";
    try {
      await migrate({ url, migrations: all, onProgress, beforeExpand });
    } catch (error) {
      run.failure = describeError(error);
      log(`  migrate() failed: ${run.failure}`);
    }
    run.migrateMs = performance.now() - migrateStarted;
    tag = "(after migrate)";
    log(`  migrate() returned after ${seconds(run.migrateMs)}`);
    await delay(AFTER_MS);
  } finally {
    await pre.stop();
    await post?.stop();
    await probes.stop();
    await sampler.stop();
  }
  run.spans = sampler.spans;
  run.sampleGaps = sampler.gaps;
  run.samplerFailure = sampler.failure;
  run.writes = [...pre.records, ...(post?.records ?? [])].sort((a, b) => a.due - b.due);
  // Step 8: at vNext, and the writers' rows are there.
  if (!run.failure) {
    const again = await migrate({ url, migrations: all });
    run.secondRun = again.applied;
  }
  for (const writers of [pre, post]) {
    if (!writers) continue;
    for (const [table, ids] of Object.entries(writers.inserted) as [InsertedTable, string[]][]) {
      const [row] = await sql.unsafe<{ found: string }[]>(
        `select count(*)::int8 as found from ${table} where id = any($1::uuid[])`,
        [ids],
      );
      run.inserts.push({
        generation: writers === pre ? "pre-vNext" : "vNext",
        table,
        written: ids.length,
        found: Number(row.found),
      });
    }
  }
  // Step 6: bloat. Every other connection is closed, so their statistics are flushed.
  await delay(1_000);
  const oids = targets.map((target) => target.oid);
  const after = await tableStats(sql, oids);
  const names = await sql<{ oid: string; name: string }[]>`
    select c.oid::int8 as oid, c.relname as name from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`;
  for (const row of names) run.names.set(Number(row.oid), row.name);
  await sql.unsafe(`vacuum ${oids.map((oid) => run.names.get(oid)).join(", ")}`);
  const vacuumed = await tableStats(sql, oids);
  run.tables = targets.map((target) => ({
    label: target.label,
    oid: target.oid,
    rows: target.rows,
    sizeBefore: before.get(target.oid)?.size ?? 0,
    sizeAfter: after.get(target.oid)?.size ?? 0,
    sizeVacuumed: vacuumed.get(target.oid)?.size ?? 0,
    deadAfter: after.get(target.oid)?.dead ?? 0,
    autovacuums: (after.get(target.oid)?.autovacuums ?? 0) -
      (before.get(target.oid)?.autovacuums ?? 0),
  }));
  return run;
}

/** Total size, dead rows and autovacuum count of tables `oids`. */
async function tableStats(
  sql: ReturnType<typeof connect>,
  oids: number[],
): Promise<Map<number, { size: number; dead: number; autovacuums: number }>> {
  await sql`select pg_stat_clear_snapshot()`;
  const rows = await sql<{ oid: string; size: string; dead: string; autovacuums: string }[]>`
    select c.oid::int8 as oid, pg_total_relation_size(c.oid)::int8 as size,
      coalesce(s.n_dead_tup, 0)::int8 as dead, coalesce(s.autovacuum_count, 0)::int8 as autovacuums
    from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
    where c.oid = any(${oids}::oid[])`;
  return new Map(rows.map((row) => [Number(row.oid), {
    size: Number(row.size),
    dead: Number(row.dead),
    autovacuums: Number(row.autovacuums),
  }]));
}

/** The window's length in ms, or undefined when 0001 never committed. */
function windowMs(run: SizeRun): number | undefined {
  return run.window?.end === undefined ? undefined : run.window.end - run.window.start;
}

/** Longest span per table oid, with the table's final name. */
function longestSpans(run: SizeRun): { name: string; span: LockSpan; ms: number }[] {
  const longest = new Map<number, LockSpan>();
  for (const span of run.spans) {
    const was = longest.get(span.oid);
    if (!was || span.end - span.start > was.end - was.start) longest.set(span.oid, span);
  }
  return [...longest.values()].map((span) => {
    const final = run.names.get(span.oid);
    const name = final === undefined
      ? `${span.table} (dropped)`
      : final === span.table
      ? final
      : `${span.table}→${final}`;
    return { name, span, ms: span.end - span.start };
  }).sort((a, b) => b.ms - a.ms);
}

/**
 * Tag of the probes and lock samples taken in the warm-up, before `migrate()` is called: no
 * upgrade work runs then, so their waits are the machine's own noise floor, not the upgrade's.
 */
const WARMUP_TAG = "(before migrate)";

/** Longest probe per table label, of those taken once `migrate()` was called. */
function longestProbe(run: SizeRun, label: string): ProbeRecord | undefined {
  const records = (run.probes.get(label) ?? []).filter((record) => record.tag !== WARMUP_TAG);
  return records.reduce<ProbeRecord | undefined>((a, b) => (!a || b.ms > a.ms ? b : a), undefined);
}

/** Longest probe over every table. */
function worstProbe(run: SizeRun): { label: string; probe: ProbeRecord } | undefined {
  let worst: { label: string; probe: ProbeRecord } | undefined;
  for (const label of run.probes.keys()) {
    const probe = longestProbe(run, label);
    if (probe && (!worst || probe.ms > worst.probe.ms)) worst = { label, probe };
  }
  return worst;
}

/**
 * Longest batch of the statements that write rows (a VALIDATE or a CREATE TABLE run as batched
 * work locks no row; its time is in the batches table, not in this figure).
 */
function worstBatch(run: SizeRun): BatchRecord | undefined {
  return run.batches.filter((batch) =>
    run.batchStatements.get(`${batch.tag}#${batch.statement}`)?.writesRows ?? true
  ).reduce<BatchRecord | undefined>(
    (a, b) => (!a || b.elapsedMs > a.elapsedMs ? b : a),
    undefined,
  );
}

/** The phase of a write: before the window, overlapping it, or after it. */
function phaseOf(run: SizeRun, write: WriteRecord): "before" | "in window" | "after" {
  const window = run.window;
  if (window && write.done > window.start && write.due < (window.end ?? Infinity)) {
    return "in window";
  }
  return write.generation === "pre-vNext" ? "before" : "after";
}

/** Writes, errors and latency quantiles of `writes`, as table cells. */
function writeCells(writes: readonly WriteRecord[]): string[] {
  const latencies = writes.map((write) => write.done - write.due);
  const errors = writes.filter((write) => write.error).length;
  return [
    count(writes.length),
    count(errors),
    ms(quantile(latencies, 0.5)),
    ms(quantile(latencies, 0.99)),
    ms(latencies.length ? Math.max(...latencies) : Number.NaN),
  ];
}

/** The figures a size is judged on, in ms (undefined: not measured). */
function figures(run: SizeRun): Record<string, number | undefined> {
  return {
    "window": windowMs(run),
    "sampled lock": longestSpans(run)[0]?.ms ?? 0,
    "probe wait": worstProbe(run)?.probe.ms,
    "longest batch": worstBatch(run)?.elapsedMs,
  };
}

function scaleLabel(run: SizeRun): string {
  return `${run.scale} (${count(run.sizes.sessions)} sessions)`;
}

function render(runs: readonly SizeRun[], rate: number): string[] {
  const lines: string[] = [
    `The runner (\`migrate()\`) on a loaded pre-vNext database while writers make ${rate} ` +
    `writes/s (open-loop; mix: inserts and updates of sessions, action_invocations, ` +
    `trigger_events and triggers). Pre-vNext writers stop in \`beforeExpand\`, vNext writers ` +
    `start at the commit of ${EXPAND_TAG}; a probe per large table writes one row every ` +
    `${PROBE_INTERVAL_MS} ms; \`pg_locks\` is sampled every ${SAMPLE_INTERVAL_MS} ms for the ` +
    `runner's backends. The runner calls \`beforeExpand\` once its read-only precheck of ` +
    `${EXPAND_TAG} passed: the window is little more than ${EXPAND_TAG} itself. All figures in ms unless ` +
    `marked.`,
    "",
    ...table(
      [
        "scale",
        "stopped-writers window",
        "longest write-blocking lock, sampled",
        "longest write wait, probed",
        "longest batch (row lock)",
        "upgrade total",
        "large tables' size after / before",
        "writer errors",
        "writer p99 before / after",
      ],
      runs.map((run) => {
        const span = longestSpans(run)[0];
        const probe = worstProbe(run);
        const batch = worstBatch(run);
        const sizeBefore = run.tables.reduce((sum, t) => sum + t.sizeBefore, 0);
        const sizeAfter = run.tables.reduce((sum, t) => sum + t.sizeAfter, 0);
        const p99 = (generation: Generation) =>
          ms(quantile(
            run.writes.filter((write) => write.generation === generation).map((write) =>
              write.done - write.due
            ),
            0.99,
          ));
        return [
          scaleLabel(run),
          windowMs(run) === undefined ? "–" : ms(windowMs(run)!),
          span ? `${ms(span.ms)} (${span.name}, ${span.span.tag})` : "none",
          probe ? `${ms(probe.probe.ms)} (${probe.label}, ${probe.probe.tag})` : "–",
          batch ? `${ms(batch.elapsedMs)} (${batch.tag} #${batch.statement})` : "–",
          run.failure ? `failed after ${seconds(run.migrateMs)}` : seconds(run.migrateMs),
          sizeBefore ? `${(sizeAfter / sizeBefore).toFixed(2)}×` : "–",
          count(run.writes.filter((write) => write.error).length),
          `${p99("pre-vNext")} / ${p99("vNext")}`,
        ];
      }),
    ),
    "",
    ...targets(runs),
  ];
  for (const run of runs) lines.push("", ...renderSize(run));
  return lines;
}

/** The targets line(s): met or not, with the figures that miss. */
function targets(runs: readonly SizeRun[]): string[] {
  const misses: string[] = [];
  for (const run of runs) {
    if (run.failure) misses.push(`scale ${run.scale}: migrate() failed (${run.failure})`);
    for (const [name, value] of Object.entries(figures(run))) {
      if (value === undefined) misses.push(`scale ${run.scale}: ${name} not measured`);
      else if (value >= TARGET_MS) misses.push(`scale ${run.scale}: ${name} ${ms(value)} ms`);
    }
    const errors = run.writes.filter((write) => write.error).length;
    if (errors > 0) misses.push(`scale ${run.scale}: ${count(errors)} writer error(s)`);
  }
  const one = runs.find((run) => run.scale === 1);
  const largest = runs.reduce<SizeRun | undefined>(
    (a, b) => (!a || b.scale > a.scale ? b : a),
    undefined,
  );
  let growth: string;
  if (!one || !largest || largest.scale <= 1) {
    growth = "not measured (needs scale 1 and a larger size)";
  } else if (one.failure || largest.failure) {
    growth = "not measured (an upgrade failed, so the figures are not comparable)";
  } else {
    const base = figures(one);
    const big = figures(largest);
    const grown = Object.keys(base).filter((name) =>
      base[name] !== undefined && big[name] !== undefined &&
      big[name]! > base[name]! * (1 + TARGET_GROWTH)
    );
    growth = grown.length === 0
      ? "**met**"
      : `**not met** (${
        grown.map((name) => `${name} ${ms(base[name]!)} → ${ms(big[name]!)} ms`).join(", ")
      })`;
    for (const name of grown) {
      misses.push(`scale ${largest.scale}: ${name} grew more than 20 % from scale 1`);
    }
  }
  return [
    `Targets: the window and every blocking figure (sampled lock on any table, probe wait on ` +
    `any large table, longest batch) under ${TARGET_MS} ms at every size, no writer error, ` +
    `and at the largest size each within ${TARGET_GROWTH * 100} % of scale 1. Under 1 s: ` +
    `${
      misses.filter((miss) => !miss.includes("grew")).length === 0
        ? "**met**"
        : `**not met** (${misses.filter((miss) => !miss.includes("grew")).join("; ")})`
    }. Within 20 % of scale 1: ${growth}.`,
  ];
}

function renderSize(run: SizeRun): string[] {
  const lines: string[] = [`### Scale ${scaleLabel(run)}`, ""];
  const window = run.window;
  const gaps = run.sampleGaps;
  lines.push(
    `Loaded and VACUUM ANALYZE in ${seconds(run.loadMs)}; \`migrate()\` ${
      run.failure
        ? `failed after ${seconds(run.migrateMs)}: ${run.failure}`
        : `took ${seconds(run.migrateMs)}`
    }. ` +
      (window
        ? `Pre-vNext writers drained ${ms(window.start - window.requested)} ms after ` +
          `\`beforeExpand\` was called; ${
            window.end === undefined
              ? `${EXPAND_TAG} never committed, so no vNext writer ran`
              : `stopped-writers window ${ms(window.end - window.start)} ms, about ${
                count((window.end - window.requested) / 1000 * run.rate)
              } writes the application could not make`
          }. `
        : "`beforeExpand` was never called. ") +
      `Lock samples: ${count(gaps.length + 1)}, interval median ${
        ms(quantile(gaps, 0.5))
      } ms, max ${ms(gaps.length ? Math.max(...gaps) : Number.NaN)} ms${
        run.samplerFailure ? ` (sampler error: ${run.samplerFailure})` : ""
      }.`,
    "",
  );
  if (run.retries.length > 0) lines.push(`Retries: ${run.retries.join("; ")}.`, "");
  // Migrations.
  lines.push(
    ...table(
      ["step", "started (s after migrate() was called)", "time", "retries"],
      [
        ...run.prechecks.map((precheck) => ({
          at: precheck.at - precheck.elapsedMs,
          cells: [
            `online precheck ${precheck.stage} ${precheck.tag}, ${precheck.findings} finding(s)`,
            ms(precheck.elapsedMs),
            "–",
          ],
        })),
        ...run.migrations.map((timing) => ({
          at: timing.startedAt,
          cells: [
            timing.tag,
            timing.elapsedMs === undefined ? "not committed" : ms(timing.elapsedMs),
            String(timing.retries),
          ],
        })),
      ].sort((x, y) => x.at - y.at).map(({ at, cells }) => [
        cells[0],
        (at / 1000).toFixed(2),
        ...cells.slice(1),
      ]),
    ),
    "",
  );
  // Write blocking per large table.
  const spans = longestSpans(run);
  lines.push(
    "Write blocking per large table: the longest span the runner held a SHARE or stronger " +
      "lock (sampled; migration running when it began), and the longest probe write once " +
      "`migrate()` was called (migration or step running when it began; the warm-up's " +
      "longest, with no upgrade work running, is the machine's noise floor).",
    "",
    ...table(
      [
        "table",
        "rows",
        "sampled lock",
        "probed wait",
        "warm-up probe",
        "probes ≥ 100 ms",
        "probe errors",
      ],
      run.tables.map((figures) => {
        const span = spans.find((known) => known.span.oid === figures.oid);
        const probes = run.probes.get(figures.label) ?? [];
        const probe = longestProbe(run, figures.label);
        const warmup = Math.max(
          0,
          ...probes.filter((record) => record.tag === WARMUP_TAG).map((record) => record.ms),
        );
        return [
          figures.label,
          count(figures.rows),
          span
            ? `${ms(span.ms)} (${span.span.mode.replace(/Lock$/, "")}, ${span.span.tag})`
            : "none",
          probe ? `${ms(probe.ms)} (${probe.tag})` : "–",
          ms(warmup),
          count(probes.filter((record) => record.ms >= 100 && record.tag !== WARMUP_TAG).length),
          count(probes.filter((record) => record.error).length),
        ];
      }),
    ),
    "",
  );
  const largeOids = new Set(run.tables.map((figures) => figures.oid));
  const others = spans.filter((known) => !largeOids.has(known.span.oid));
  if (others.length > 0) {
    lines.push(
      `Other tables the runner locked against writes (longest span): ${
        others.slice(0, 12).map((known) =>
          `${known.name} ${ms(known.ms)} (${
            known.span.mode.replace(/Lock$/, "")
          }, ${known.span.tag})`
        ).join(", ")
      }${others.length > 12 ? `, and ${others.length - 12} more` : ""}.`,
      "",
    );
  }
  // Per migration and table: the longest sampled span and, for the large tables, the longest
  // probe that began while that migration ran.
  const perMigration = new Map<
    string,
    { tag: string; name: string; longest?: LockSpan; n: number; probe?: number }
  >();
  const entryOf = (tag: string, oid: number, fallback: string) => {
    const key = `${tag}\u0000${oid}`;
    let entry = perMigration.get(key);
    if (!entry) {
      const name = spans.find((longest) => longest.span.oid === oid)?.name ?? fallback;
      entry = { tag, name, n: 0 };
      perMigration.set(key, entry);
    }
    return entry;
  };
  const spanMs = (span?: LockSpan) => span ? span.end - span.start : 0;
  for (const span of run.spans) {
    const entry = entryOf(span.tag, span.oid, span.table);
    entry.n++;
    if (spanMs(span) > spanMs(entry.longest)) entry.longest = span;
  }
  for (const figures of run.tables) {
    for (const record of run.probes.get(figures.label) ?? []) {
      if (!run.migrations.some((timing) => timing.tag === record.tag)) continue;
      const entry = entryOf(record.tag, figures.oid, figures.label);
      entry.probe = Math.max(entry.probe ?? 0, record.ms);
    }
  }
  const order = new Map(run.migrations.map((timing, index) => [timing.tag, index]));
  if (perMigration.size > 0) {
    lines.push(
      "<details><summary>Write blocking per migration and table</summary>",
      "",
      ...table(
        ["migration", "table", "strongest mode", "longest span, sampled", "spans", "probed wait"],
        [...perMigration.values()]
          .sort((a, b) =>
            (order.get(a.tag) ?? -1) - (order.get(b.tag) ?? -1) ||
            Math.max(spanMs(b.longest), b.probe ?? 0) - Math.max(spanMs(a.longest), a.probe ?? 0)
          )
          .map((entry) => [
            entry.tag,
            entry.name,
            entry.longest ? entry.longest.mode.replace(/Lock$/, "") : "–",
            entry.longest ? ms(spanMs(entry.longest)) : "–",
            String(entry.n),
            entry.probe === undefined ? "–" : ms(entry.probe),
          ]),
      ),
      "",
      "</details>",
      "",
    );
  }
  const probeErrors = [...run.probes.values()].flat().filter((record) => record.error);
  if (probeErrors.length > 0) lines.push(`First probe error: ${probeErrors[0].error}.`, "");
  // Batches.
  const batchesOf = (key: string) => {
    const [tag, number] = key.split("#");
    return run.batches.filter((batch) => batch.tag === tag && batch.statement === Number(number));
  };
  const writing = [...run.batchStatements].filter(([, statement]) => statement.writesRows);
  const quiet = [...run.batchStatements].filter(([, statement]) => !statement.writesRows);
  if (writing.length > 0) {
    lines.push(
      "Backfill batches: each batch holds its rows' locks for its whole transaction, so the " +
        "longest batch is the longest a write to one of its rows can wait (an INSERT into a " +
        "new table locks only the rows it writes, and KEY SHARE on the rows they reference, " +
        "which no UPDATE that keeps the key waits for). Rows reported: what each batch " +
        "reported to the runner (the rows a batch of a page walk rewrote, the bundles a " +
        "keyset batch read).",
      "",
      ...table(
        ["statement", "batches", "rows reported", "total time", "longest batch", "p99 batch"],
        writing.map(([key, statement]) => {
          const batches = batchesOf(key);
          const times = batches.map((batch) => batch.elapsedMs);
          return [
            `${key.replace("#", " #")} \`${statement.sql}\``,
            count(batches.length),
            count(batches.reduce((sum, batch) => sum + batch.rows, 0)),
            ms(times.reduce((sum, time) => sum + time, 0)),
            times.length ? ms(Math.max(...times)) : "–",
            ms(quantile(times, 0.99)),
          ];
        }),
      ),
      "",
    );
  }
  if (quiet.length > 0) {
    const timed = quiet.map(([key, statement]) => ({
      key,
      sql: statement.sql,
      ms: batchesOf(key).reduce((sum, batch) => sum + batch.elapsedMs, 0),
    })).sort((a, b) => b.ms - a.ms);
    lines.push(
      `The other ${quiet.length} batched statements lock no row (VALIDATE, CREATE or DROP of ` +
        `the cursor table; each runs once): ${
          ms(timed.reduce((sum, item) => sum + item.ms, 0))
        } ms in all, the longest ${timed[0].key.replace("#", " #")} \`${
          shortSql(timed[0].sql, 70)
        }\` ${ms(timed[0].ms)} ms.`,
      "",
    );
  }
  // Bloat.
  lines.push(
    "Size (heap, indexes, TOAST) before the writers started, after the upgrade, and after a " +
      "plain VACUUM; dead rows after the upgrade; autovacuum runs during the run.",
    "",
    ...table(
      ["table", "before", "after", "after VACUUM", "n_dead_tup after", "autovacuums"],
      run.tables.map((figures) => [
        figures.label,
        bytes(figures.sizeBefore),
        `${bytes(figures.sizeAfter)} (${
          figures.sizeBefore ? (figures.sizeAfter / figures.sizeBefore).toFixed(2) : "–"
        }×)`,
        bytes(figures.sizeVacuumed),
        count(figures.deadAfter),
        count(figures.autovacuums),
      ]),
    ),
    "",
  );
  // Writers.
  const phases = ["before", "in window", "after"] as const;
  lines.push(
    "Writers: latency from the moment a write was due to its answer.",
    "",
    ...table(
      ["phase", "writes", "errors", "p50", "p99", "max"],
      phases.map((phase) => [
        phase,
        ...writeCells(run.writes.filter((write) => phaseOf(run, write) === phase)),
      ]),
    ),
    "",
  );
  const legacy = run.writes.filter((write) => write.legacyRow !== undefined);
  if (legacy.length > 0) {
    lines.push(
      `vNext updates of action_invocations: ${count(legacy.length)}, of which ${
        count(legacy.filter((write) => write.legacyRow).length)
      } on rows the backfill had not reached yet (their errors are in the table above).`,
      "",
    );
  }
  lines.push(
    "<details><summary>Writers per kind</summary>",
    "",
    ...table(
      ["writers", "kind", "writes", "errors", "p50", "p99", "max"],
      (["pre-vNext", "vNext"] as const).flatMap((generation) =>
        WRITE_KINDS.map((kind) => [
          generation,
          kind,
          ...writeCells(
            run.writes.filter((write) => write.generation === generation && write.kind === kind),
          ),
        ])
      ),
    ),
    "",
    "</details>",
    "",
  );
  const errors = new Map<string, number>();
  for (const write of run.writes) {
    if (!write.error) continue;
    const key = `${write.generation} ${write.kind}: ${write.error.slice(0, 200)}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
  if (errors.size > 0) {
    lines.push(
      "Writer errors (first messages):",
      "",
      ...[...errors].slice(0, 6).map(([message, times]) => `- ${times}× ${message}`),
      "",
    );
  }
  // Verification.
  const missing = run.inserts.filter((check) => check.found !== check.written);
  lines.push(
    `Verification: ${
      run.secondRun === undefined
        ? "`migrate()` not run again (the upgrade failed)"
        : run.secondRun.length === 0
        ? "`migrate()` run again applied nothing (the database is at vNext)"
        : `\`migrate()\` run again applied ${run.secondRun.join(", ")}`
    }; rows the writers inserted: ${
      run.inserts.map((check) =>
        `${check.generation} ${check.table} ${count(check.found)}/${count(check.written)}`
      ).join(", ")
    } ${missing.length === 0 ? "(all there)" : "(**some missing**)"}.`,
  );
  return lines;
}

if (import.meta.main) await runPartAlone("Benchmark: online vNext upgrade", "online.md", runOnline);
