/**
 * Two watchers of the online-upgrade benchmark (`online.ts`), each on connections of its own:
 *
 * - {@linkcode LockSampler} reads `pg_locks` every few milliseconds for the table locks the
 *   runner's backends hold (granted), and keeps, per table, each continuous span during which
 *   one of them was a mode that blocks writes (SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS
 *   EXCLUSIVE; not ROW EXCLUSIVE or SHARE UPDATE EXCLUSIVE).
 * - {@linkcode WriteProbes} makes one tiny write per table (an UPDATE of one fixed row that
 *   sets its id to itself: ROW EXCLUSIVE on the table, one row lock) every
 *   {@linkcode PROBE_INTERVAL_MS}; a probe's latency is how long a write to that table waited.
 *
 * The sampler sees what the runner holds; the probes feel what a writer feels, including row
 * locks of a batch and the queue behind a lock request that waits. Both use `performance.now()`
 * times, the clock of the rest of the benchmark.
 *
 * @module
 */
import type postgres from "postgres";
import { connect } from "./_server.ts";
import { describeError } from "./_writers.ts";

/** Lock modes that block INSERT, UPDATE and DELETE (they conflict with ROW EXCLUSIVE). */
export const WRITE_BLOCKING_MODES: ReadonlySet<string> = new Set([
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
]);

/** Aimed interval between two `pg_locks` samples, in ms. */
export const SAMPLE_INTERVAL_MS = 15;

/** Aimed interval between the starts of two probes of one table, in ms. */
export const PROBE_INTERVAL_MS = 50;

/** A continuous span during which the runner held a write-blocking lock on one table. */
export interface LockSpan {
  /** Table oid (stable across renames). */
  oid: number;
  /** The table's name when the span began (the pre-vNext name for a renamed table). */
  table: string;
  /** Strongest mode seen during the span. */
  mode: string;
  /** Time of the first sample that saw the lock. */
  start: number;
  /** Time of the first sample that no longer saw it (or the sampler's stop). */
  end: number;
  /** The migration running when the span began. */
  tag: string;
}

const MODE_ORDER = [
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
];

/**
 * Samples `pg_locks` for the backends given to {@linkcode LockSampler.watch}, from
 * {@linkcode LockSampler.start} to {@linkcode LockSampler.stop}.
 */
export class LockSampler {
  /** Every closed span, in the order they ended. */
  readonly spans: LockSpan[] = [];
  /** Times between consecutive samples, in ms (the sampler's real resolution). */
  readonly gaps: number[] = [];
  readonly #sql: postgres.Sql;
  readonly #pids = new Set<number>();
  readonly #open = new Map<number, Omit<LockSpan, "end">>();
  readonly #currentTag: () => string;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #failure: string | undefined;

  /** `currentTag` names the migration running at a given moment (for attribution). */
  constructor(url: string, currentTag: () => string) {
    this.#sql = connect(url, 1, { application_name: "bench-lock-sampler" });
    this.#currentTag = currentTag;
  }

  /** Adds a backend whose locks count as the runner's (from a `start` progress event). */
  watch(pid: number): void {
    this.#pids.add(pid);
  }

  /** Starts sampling. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** The first error a sample met, if sampling stopped early. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Stops sampling, closes the spans still open and the connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    const now = performance.now();
    for (const [oid, span] of this.#open) this.spans.push({ ...span, oid, end: now });
    this.#open.clear();
    await this.#sql.end({ timeout: 5 });
  }

  async #run(): Promise<void> {
    let last: number | undefined;
    while (!this.#stopped) {
      const started = performance.now();
      if (this.#pids.size > 0) {
        try {
          const rows = await this.#sql<{ oid: string; name: string; mode: string }[]>`
            select l.relation::int8 as oid, c.relname as name, l.mode
            from pg_locks l join pg_class c on c.oid = l.relation
            where l.locktype = 'relation' and l.granted and l.pid = any(${[...this.#pids]}::int[])
              and l.database = (select oid from pg_database where datname = current_database())
              and c.relkind in ('r', 'p')`;
          const at = (started + performance.now()) / 2;
          if (last !== undefined) this.gaps.push(at - last);
          last = at;
          this.#record(rows, at);
        } catch (error) {
          this.#failure ??= describeError(error);
        }
      }
      const wait = SAMPLE_INTERVAL_MS - (performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }

  #record(rows: { oid: string; name: string; mode: string }[], at: number): void {
    const held = new Map<number, { name: string; mode: string }>();
    for (const row of rows) {
      if (!WRITE_BLOCKING_MODES.has(row.mode)) continue;
      const oid = Number(row.oid);
      const was = held.get(oid);
      if (!was || MODE_ORDER.indexOf(row.mode) > MODE_ORDER.indexOf(was.mode)) {
        held.set(oid, { name: row.name, mode: row.mode });
      }
    }
    for (const [oid, span] of this.#open) {
      const now = held.get(oid);
      if (!now) {
        this.spans.push({ ...span, oid, end: at });
        this.#open.delete(oid);
      } else if (MODE_ORDER.indexOf(now.mode) > MODE_ORDER.indexOf(span.mode)) {
        span.mode = now.mode;
      }
    }
    for (const [oid, lock] of held) {
      if (this.#open.has(oid)) continue;
      this.#open.set(oid, {
        oid,
        table: lock.name,
        mode: lock.mode,
        start: at,
        tag: this.#currentTag(),
      });
    }
  }
}

/** A table to probe: its label in the report, its oid and the id of the row to write. */
export interface ProbeTarget {
  label: string;
  oid: number;
  id: string;
}

/** One probe write: when it began, how long it took, the migration running, its error. */
export interface ProbeRecord {
  at: number;
  ms: number;
  tag: string;
  error?: string;
}

/**
 * One writer per {@linkcode ProbeTarget}, each writing its fixed row every
 * {@linkcode PROBE_INTERVAL_MS} (or right after the previous write, when that one took longer).
 * The table is named by oid: when a migration renames it while a probe waits, the probe looks
 * the new name up and writes again, and its latency counts the whole wait.
 */
export class WriteProbes {
  /** Probe writes per target label. */
  readonly records: Map<string, ProbeRecord[]> = new Map();
  readonly #url: string;
  readonly #targets: readonly ProbeTarget[];
  readonly #currentTag: () => string;
  #stopped = false;
  #loops: Promise<void>[] = [];

  /** `currentTag` names the migration running at a given moment (for attribution). */
  constructor(url: string, targets: readonly ProbeTarget[], currentTag: () => string) {
    this.#url = url;
    this.#targets = targets;
    this.#currentTag = currentTag;
    for (const target of targets) this.records.set(target.label, []);
  }

  /** Starts one probe loop per target. */
  start(): void {
    if (this.#loops.length > 0) return;
    this.#loops = this.#targets.map((target) => this.#run(target));
  }

  /** Stops the probes after their current write and closes their connections. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }

  async #run(target: ProbeTarget): Promise<void> {
    // synchronous_commit off: the probe measures lock waits, not the WAL flush of its commit.
    const sql = connect(this.#url, 1, {
      application_name: `bench-probe-${target.label}`,
      synchronous_commit: "off",
    });
    const records = this.records.get(target.label)!;
    try {
      let name = await tableName(sql, target.oid);
      while (!this.#stopped) {
        const started = performance.now();
        const record: ProbeRecord = { at: started, ms: 0, tag: this.#currentTag() };
        for (let attempt = 1;; attempt++) {
          try {
            await sql.unsafe(`update ${name} set id = id where id = $1::uuid`, [target.id]);
            break;
          } catch (error) {
            // 42P01: renamed while this write waited for its lock; write to the new name.
            const code = (error as { code?: unknown }).code;
            if (code === "42P01" && attempt < 3) {
              name = await tableName(sql, target.oid);
              continue;
            }
            record.error = describeError(error);
            break;
          }
        }
        record.ms = performance.now() - started;
        records.push(record);
        const wait = PROBE_INTERVAL_MS - (performance.now() - started);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
}

/** The quoted, schema-qualified name of table `oid` now. */
async function tableName(sql: postgres.Sql, oid: number): Promise<string> {
  const [row] = await sql<{ name: string }[]>`select ${oid}::oid::regclass::text as name`;
  return row.name;
}
