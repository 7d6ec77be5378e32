/**
 * Application writers for the online-upgrade benchmark (`online.ts`): small writes at a fixed
 * rate, as the platform's API and workers make them, each timed and each failure kept with its
 * message.
 *
 * Two generations of writers exist. The *pre-vNext* writers use the names of migration 0000
 * (`prebuild_id`, `parsed_context`) and write no vNext column; they must stop before
 * `0001_vnext_expand` renames things. The *vNext* writers use the vNext names
 * (`configuration_id`, `context`) and write the vNext values (`mode`, `mode_source`,
 * `provider`, `event_type`, `occurred_at`, `title`, `dedup_key`, `status`); they start once
 * 0001 is committed and keep writing through the backfill, the contract and the index builds.
 * Both write only values the vNext CHECKs accept, so every error is the upgrade's.
 *
 * The schedule is open-loop: operation `n` is due at `start + n / rate`, whatever happened to
 * the earlier ones, and its latency runs from that due time to its completion. A write that
 * waits for a lock therefore also delays, in the figures, the writes queued behind it (the
 * pool has {@linkcode WRITER_CONNECTIONS} connections), as it would in production; nothing is
 * hidden by a writer that simply waits before issuing its next write.
 *
 * The rows touched are the loaded ones (`_baseline_data.ts` numbers them: session `n` has id
 * `md5('session:' || n)::uuid`), chosen uniformly by a seeded generator, so updates hit rows
 * the backfill has not reached yet as often as rows it has.
 *
 * @module
 */
import type postgres from "postgres";
import { ACTION_MODES, MODE_SOURCES } from "../providers/action-source.ts";
import { RISK_LEVELS } from "../providers/action-invocations.ts";
import { TRIGGER_EVENT_STATUSES } from "../providers/trigger-values.ts";
import { SESSION_STATUSES } from "../sandbox/sessions.ts";
import type { BaselineSizes } from "./_baseline_data.ts";
import { connect } from "./_server.ts";

/** Which schema a writer speaks: the pre-vNext names (0000) or the vNext ones. */
export type Generation = "pre-vNext" | "vNext";

/** The writes a writer makes, in the order the report lists them. */
export const WRITE_KINDS = [
  "insert session",
  "update session",
  "insert invocation",
  "update invocation",
  "insert event",
  "update trigger",
] as const;

/** One of {@linkcode WRITE_KINDS}. */
export type WriteKind = typeof WRITE_KINDS[number];

/** Share of each kind in the mix, in percent (a session's life: more updates than inserts). */
export const WRITE_MIX: Readonly<Record<WriteKind, number>> = {
  "insert session": 10,
  "update session": 25,
  "insert invocation": 20,
  "update invocation": 20,
  "insert event": 15,
  "update trigger": 10,
};

/** Connections of one generation's pool; writes due while all are busy queue for one. */
export const WRITER_CONNECTIONS = 6;

/** A writer's `statement_timeout`: a write stuck longer than this counts as an error. */
const WRITE_TIMEOUT_MS = 120_000;

/** One write: when it was due and done (`performance.now()` ms), and its error, if any. */
export interface WriteRecord {
  generation: Generation;
  kind: WriteKind;
  /** When the schedule made it due. */
  due: number;
  /** When PostgreSQL's answer arrived. */
  done: number;
  /** `SQLSTATE: message` of a failed write. */
  error?: string;
  /**
   * For a vNext "update invocation": whether the row still lacked its vNext values (`mode`
   * NULL, the backfill had not reached it), as the statement's own snapshot saw it.
   */
  legacyRow?: boolean;
}

/** Tables the writers insert into, for the check that their rows are there at the end. */
export type InsertedTable = "sessions" | "action_invocations" | "trigger_events";

/** Options of {@linkcode Writers}. */
export interface WriterOptions {
  /** Database to write to. */
  url: string;
  generation: Generation;
  /** Writes per second, all kinds together. */
  rate: number;
  /** Sizes the database was loaded with (which row numbers exist). */
  sizes: BaselineSizes;
  /** Seed of the row and value choices (the same seed makes the same writes). */
  seed: number;
}

/** A statement and its parameters, ready to send. */
interface Write {
  text: string;
  params: (string | number | boolean | null)[];
  /** Table and id of the inserted row, for an insert. */
  inserts?: { table: InsertedTable; id: string };
}

/**
 * A pool of writers of one generation, writing at a fixed rate from {@linkcode Writers.start}
 * until {@linkcode Writers.stop}; {@linkcode Writers.records} holds every write.
 */
export class Writers {
  /** Every write made, in the order they completed. */
  readonly records: WriteRecord[] = [];
  /** Ids of the rows inserted successfully, per table. */
  readonly inserted: Record<InsertedTable, string[]> = {
    sessions: [],
    action_invocations: [],
    trigger_events: [],
  };
  readonly #options: WriterOptions;
  readonly #sql: postgres.Sql;
  readonly #random: () => number;
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;
  #loop: Promise<void> | undefined;

  /** Opens the pool (connections are made on first use); call `start()` to write. */
  constructor(options: WriterOptions) {
    this.#options = options;
    this.#sql = connect(options.url, WRITER_CONNECTIONS, {
      application_name: `bench-writer-${options.generation}`,
      statement_timeout: WRITE_TIMEOUT_MS,
    });
    this.#random = seededRandom(options.seed);
  }

  /** Starts the schedule: the first write is due now. */
  start(): void {
    this.#loop ??= this.#schedule();
  }

  /**
   * Stops issuing writes, waits for the ones in flight and closes the pool; returns the time
   * (`performance.now()`) the last write in flight completed, or the stop time when none was.
   */
  async stop(): Promise<number> {
    this.#stopped = true;
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
    const drained = performance.now();
    await this.#sql.end({ timeout: 5 });
    return drained;
  }

  async #schedule(): Promise<void> {
    const interval = 1000 / this.#options.rate;
    const started = performance.now();
    for (let n = 0; !this.#stopped;) {
      const now = performance.now();
      while (!this.#stopped && started + n * interval <= now) {
        this.#dispatch(started + n * interval);
        n++;
      }
      const wait = started + n * interval - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(20, wait))));
    }
  }

  #dispatch(due: number): void {
    const kind = this.#pickKind();
    const write = this.#build(kind);
    const running = this.#execute(kind, write, due).finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }

  async #execute(kind: WriteKind, write: Write, due: number): Promise<void> {
    const record: WriteRecord = { generation: this.#options.generation, kind, due, done: 0 };
    try {
      const rows = await this.#sql.unsafe(write.text, write.params, { prepare: true });
      if (kind === "update invocation" && this.#options.generation === "vNext") {
        record.legacyRow = rows[0]?.legacy === true;
      }
      if (write.inserts) this.inserted[write.inserts.table].push(write.inserts.id);
    } catch (error) {
      record.error = describeError(error);
    }
    record.done = performance.now();
    this.records.push(record);
  }

  #pickKind(): WriteKind {
    let left = this.#random() * 100;
    for (const kind of WRITE_KINDS) {
      left -= WRITE_MIX[kind];
      if (left < 0) return kind;
    }
    return WRITE_KINDS[WRITE_KINDS.length - 1];
  }

  /** A number in 1..`size`. */
  #row(size: number): number {
    return 1 + Math.floor(this.#random() * size);
  }

  #choose<T>(values: readonly T[]): T {
    return values[Math.floor(this.#random() * values.length)];
  }

  #build(kind: WriteKind): Write {
    const z = this.#options.sizes;
    const vnext = this.#options.generation === "vNext";
    switch (kind) {
      case "insert session": {
        const id = crypto.randomUUID();
        const org = this.#row(z.organizations);
        const params = [id, org, this.#row(z.repos), this.#row(z.prebuilds)];
        return vnext
          ? {
            text: `insert into sessions (id, organization_id, created_by, repo_id,
                configuration_id, idempotency_key, session_type, status, client_type, origin,
                sandbox_provider, title, initial_prompt)
              values ($1::uuid, 'org_' || $2::int8, 'user_' || $2::int8,
                md5('repo:' || $3::int8)::uuid, md5('prebuild:' || $4::int8)::uuid, $5,
                'coding', 'starting', 'web', 'web', 'modal', 'Bench session',
                'Fix the flaky test')`,
            params: [...params, crypto.randomUUID()],
            inserts: { table: "sessions", id },
          }
          : {
            text: `insert into sessions (id, organization_id, created_by, repo_id, prebuild_id,
                session_type, status, client_type, origin, sandbox_provider, title,
                initial_prompt)
              values ($1::uuid, 'org_' || $2::int8, 'user_' || $2::int8,
                md5('repo:' || $3::int8)::uuid, md5('prebuild:' || $4::int8)::uuid,
                'coding', 'starting', 'web', 'web', 'modal', 'Bench session',
                'Fix the flaky test')`,
            params,
            inserts: { table: "sessions", id },
          };
      }
      case "update session":
        return {
          text: `update sessions set status = $2, last_activity_at = now()
            where id = md5('session:' || $1::int8)::uuid`,
          params: [this.#row(z.sessions), this.#choose(SESSION_STATUSES)],
        };
      case "insert invocation": {
        const id = crypto.randomUUID();
        const session = this.#row(z.sessions);
        const risk = this.#choose(RISK_LEVELS);
        const params = [id, session, this.#row(z.organizations), risk];
        return vnext
          ? {
            text: `insert into action_invocations (id, session_id, organization_id, integration,
                action, risk_level, params, status, expires_at, mode, mode_source)
              values ($1::uuid, md5('session:' || $2::int8)::uuid, 'org_' || $3::int8,
                'linear', 'create_issue', $4, '{"title": "Bench issue"}'::jsonb, 'pending',
                now() + interval '5 minutes', $5, $6)`,
            params: [...params, this.#choose(ACTION_MODES), this.#choose(MODE_SOURCES)],
            inserts: { table: "action_invocations", id },
          }
          : {
            text: `insert into action_invocations (id, session_id, organization_id, integration,
                action, risk_level, params, status, expires_at)
              values ($1::uuid, md5('session:' || $2::int8)::uuid, 'org_' || $3::int8,
                'linear', 'create_issue', $4, '{"title": "Bench issue"}'::jsonb, 'pending',
                now() + interval '5 minutes')`,
            params,
            inserts: { table: "action_invocations", id },
          };
      }
      case "update invocation": {
        const row = this.#row(z.actionInvocations);
        const status = this.#choose(["executed", "failed", "denied", "expired"] as const);
        if (!vnext) {
          return {
            text: `update action_invocations set status = $2, completed_at = now()
              where id = md5('invocation:' || $1::int8)::uuid`,
            params: [row, status],
          };
        }
        // The subquery reads the row as the statement's snapshot sees it, before the update
        // (and before 0001's fill trigger gives a legacy row its vNext values).
        const reason = status === "denied" ? "human" : status === "expired" ? "expired" : null;
        return {
          text: `update action_invocations a
            set status = $2, denied_reason = $3, completed_at = now()
            from (select b.id, b.mode is null as legacy from action_invocations b
                  where b.id = md5('invocation:' || $1::int8)::uuid) o
            where a.id = o.id
            returning o.legacy`,
          params: [row, status, reason],
        };
      }
      case "insert event": {
        const id = crypto.randomUUID();
        const trigger = this.#row(z.triggers);
        // Trigger t belongs to organization ((t - 1) % organizations) + 1 and has provider
        // number t % 5 (see `_baseline_data.ts`).
        const org = (trigger - 1) % z.organizations + 1;
        const provider = ["sentry", "linear", "github", "posthog", "scheduled"][trigger % 5];
        return vnext
          ? {
            text: `insert into trigger_events (id, trigger_id, organization_id, external_event_id,
                provider_event_type, status, raw_payload, context, dedup_key, provider,
                event_type, occurred_at, title)
              values ($1::uuid, md5('trigger:' || $2::int8)::uuid, 'org_' || $3::int8, $4,
                'issue.created', $5, '{"action": "created"}'::jsonb,
                '{"title": "Bench event"}'::jsonb, $6, $7, 'issue.created', now(),
                'Bench event')`,
            params: [
              id,
              trigger,
              org,
              `bench-${id}`,
              this.#choose(TRIGGER_EVENT_STATUSES),
              `bench:${id}`,
              provider,
            ],
            inserts: { table: "trigger_events", id },
          }
          : {
            text: `insert into trigger_events (id, trigger_id, organization_id, external_event_id,
                provider_event_type, status, raw_payload, parsed_context, dedup_key)
              values ($1::uuid, md5('trigger:' || $2::int8)::uuid, 'org_' || $3::int8, $4,
                'issue.created', 'queued', '{"action": "created"}'::jsonb,
                '{"title": "Bench event"}'::jsonb, $5)`,
            params: [id, trigger, org, `bench-${id}`, `bench:${id}`],
            inserts: { table: "trigger_events", id },
          };
      }
      case "update trigger":
        return {
          text: `update triggers set enabled = $2::boolean, updated_at = now()
            where id = md5('trigger:' || $1::int8)::uuid`,
          params: [this.#row(z.triggers), this.#random() < 0.9],
        };
    }
  }
}

/** `SQLSTATE: message` of a driver error, on one line. */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === "string" ? `${code}: ` : ""}${message.replace(/\s+/g, " ").trim()}`;
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same seed, the same writes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
