/**
 * Production-shaped pre-vNext databases: this package's `0000_baseline` (the schema the
 * platform's 25 journaled migrations leave), seeded in every table, with this package's own
 * history row replaced by the platform's 25 rows in `drizzle.__drizzle_migrations`, exactly as
 * drizzle-orm's migrator recorded them (prevnext-history.md). Variants take a production
 * database where its history stopped early or skipped entries, removing what those platform
 * migrations made together with their rows.
 *
 * @module
 */
import type postgres from "postgres";
import { PLATFORM_HISTORY } from "../migrate/history.ts";
import { freshDatabase, type TestDatabase } from "./_db.ts";
import { type BaselineSeed, seedBaseline, seedDrift } from "./_seed_baseline.ts";

/**
 * How the database departs from a full 25-row history:
 * - `at0022`: history stops at 0022; `llm_spend_cursors` has its old singleton shape;
 * - `at0023`: history stops at 0023; the old table survives as `llm_spend_cursors_global`;
 * - `without0016`, `without0017`, `without0019`: the platform's migrator skipped that entry
 *   (no row, none of its objects);
 * - `unknownOlder`: one more row, older than the baseline, whose hash is not the platform's.
 */
export type PrevnextVariant =
  | "at0022"
  | "at0023"
  | "without0016"
  | "without0017"
  | "without0019"
  | "unknownOlder";

/** A pre-vNext database and its seed. */
export interface PrevnextDatabase extends TestDatabase {
  /** What {@linkcode seedBaseline} wrote. */
  seed: BaselineSeed;
}

/** The hash of the unknown row the `unknownOlder` variant records. */
export const UNKNOWN_OLDER_ROW = {
  hash: "0badc0de".repeat(8),
  createdAt: 1_769_900_000_000,
};

/** Builds a seeded pre-vNext database with the platform's history (and the given variants). */
export async function prevnextDatabase(
  options: { variants?: readonly PrevnextVariant[]; drift?: boolean } = {},
): Promise<PrevnextDatabase> {
  const db = await freshDatabase({ migrations: "baseline" });
  try {
    const sql = db.sql;
    const seed = await seedBaseline(sql);
    if (options.drift) await seedDrift(sql, seed);
    await sql`delete from drizzle.__drizzle_migrations`;
    for (const row of PLATFORM_HISTORY) {
      await sql`insert into drizzle.__drizzle_migrations (hash, created_at)
        values (${row.hash}, ${row.when})`;
    }
    for (const variant of options.variants ?? []) await applyVariant(sql, variant);
    return Object.assign(db, { seed });
  } catch (error) {
    await db[Symbol.asyncDispose]();
    throw error;
  }
}

async function removeRows(sql: postgres.Sql, ...tags: string[]): Promise<void> {
  const hashes = PLATFORM_HISTORY.filter((m) => tags.includes(m.tag)).map((m) => m.hash);
  if (hashes.length !== tags.length) throw new Error(`unknown platform tag in ${tags}`);
  await sql`delete from drizzle.__drizzle_migrations where hash in ${sql(hashes)}`;
}

/** The singleton table 0023 replaced, as `name` (its PK index named `pkeyName`). */
function singletonTable(name: string, pkeyName: string): string {
  return `
    create table ${name} (
      id text default 'global' not null,
      last_start_time timestamp with time zone not null,
      last_request_id text,
      records_processed integer default 0 not null,
      synced_at timestamp with time zone default now() not null,
      constraint ${pkeyName} primary key (id)
    );
    insert into ${name} (last_start_time, last_request_id, records_processed)
      values ('2026-01-15T10:00:00Z', 'req-singleton-1', 41);`;
}

async function applyVariant(sql: postgres.Sql, variant: PrevnextVariant): Promise<void> {
  switch (variant) {
    case "at0022":
      await removeRows(
        sql,
        "0023_llm_spend_cursors_partition",
        "0024_drop_llm_spend_cursors_global",
      );
      await sql.unsafe(
        `drop table llm_spend_cursors; ${
          singletonTable("llm_spend_cursors", "llm_spend_cursors_pkey")
        }`,
      );
      return;
    case "at0023":
      await removeRows(sql, "0024_drop_llm_spend_cursors_global");
      await sql.unsafe(singletonTable("llm_spend_cursors_global", "llm_spend_cursors_pkey"));
      return;
    case "without0016":
      await removeRows(sql, "0016_reflective_cable");
      await sql`alter table automations drop column notification_slack_installation_id`;
      return;
    case "without0017":
      await removeRows(sql, "0017_dry_mathemanic");
      await sql`alter table automation_runs drop column enrichment_json`;
      return;
    case "without0019":
      await removeRows(sql, "0019_lucky_war_machine");
      await sql`drop table action_grants`;
      return;
    case "unknownOlder":
      await sql`insert into drizzle.__drizzle_migrations (hash, created_at)
        values (${UNKNOWN_OLDER_ROW.hash}, ${UNKNOWN_OLDER_ROW.createdAt})`;
      return;
  }
}
