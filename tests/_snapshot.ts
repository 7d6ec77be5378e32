/**
 * A snapshot of everything a database holds: every row of every table in every schema that is
 * not PostgreSQL's own (drizzle's history included), each row as its JSON text, rows sorted,
 * plus the catalog. Two snapshots are equal exactly when nothing was written.
 *
 * @module
 */
import type postgres from "postgres";
import { type Catalog, introspectCatalog } from "../migrate/catalog.ts";

/** What {@linkcode takeSnapshot} reads. */
export interface Snapshot {
  /** `schema.table` → its rows as JSON text, sorted. */
  rows: Record<string, string[]>;
  /** The catalog of `public` and `auth`. */
  catalog: Catalog;
}

/** Reads every row of every user table (sorted) and the catalog. */
export async function takeSnapshot(sql: postgres.Sql): Promise<Snapshot> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select n.nspname::text as schema, c.relname::text as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p')
      and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
    order by 1, 2`;
  const rows: Record<string, string[]> = {};
  for (const { schema, name } of tables) {
    const result = await sql<{ row: string }[]>`
      select to_jsonb(t)::text as row from ${sql(schema)}.${sql(name)} t order by 1`;
    rows[`${schema}.${name}`] = result.map((r) => r.row);
  }
  return { rows, catalog: await introspectCatalog(sql) };
}
