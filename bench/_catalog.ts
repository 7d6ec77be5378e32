/**
 * Catalog probes for the upgrade benchmark: a fingerprint of the schema (to compare two
 * databases), the physical files of every relation (to detect rewrites), the locks and the
 * in-transaction table statistics of the current session, and exact row counts.
 *
 * @module
 */
import type postgres from "postgres";

/** A client or a transaction of postgres.js. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

/** PostgreSQL's table lock modes, weakest first. */
export const LOCK_MODES = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
] as const;

/** Rank of a lock mode (higher is stronger); -1 for none. */
export function lockRank(mode: string | undefined): number {
  return mode === undefined ? -1 : LOCK_MODES.indexOf(mode as typeof LOCK_MODES[number]);
}

/** Short SQL spelling of a lock mode, e.g. "ACCESS EXCLUSIVE". */
export function lockName(mode: string): string {
  return mode.replace(/Lock$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}

/** A relation of schema public, by oid. */
export interface Relation {
  oid: number;
  name: string;
  kind: string;
  filenode: number;
  table: string;
}

/** Every table, index and TOAST table of schema public, keyed by oid. */
export async function relations(sql: Queryable): Promise<Map<number, Relation>> {
  const rows = await sql<
    { oid: string; name: string; kind: string; filenode: string; table: string }[]
  >`
    select c.oid::int8 as oid, c.relname as name, c.relkind as kind,
      c.relfilenode::int8 as filenode, coalesce(t.relname, c.relname) as table
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_index i on i.indexrelid = c.oid
    left join pg_class t on t.oid = i.indrelid
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'i', 'm')`;
  return new Map(rows.map((row) => [
    Number(row.oid),
    {
      oid: Number(row.oid),
      name: row.name,
      kind: row.kind,
      filenode: Number(row.filenode),
      table: row.table,
    },
  ]));
}

/** The strongest granted lock this session holds on each relation (oid → mode). */
export async function heldLocks(sql: Queryable): Promise<Map<number, string>> {
  const rows = await sql<{ oid: string; mode: string }[]>`
    select l.relation::int8 as oid, l.mode
    from pg_locks l
    where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted
      and l.database = (select oid from pg_database where datname = current_database())`;
  const strongest = new Map<number, string>();
  for (const row of rows) {
    const oid = Number(row.oid);
    if (lockRank(row.mode) > lockRank(strongest.get(oid))) strongest.set(oid, row.mode);
  }
  return strongest;
}

/** In-transaction table counters (pg_stat_xact_user_tables), keyed by table oid. */
export interface TableCounters {
  seqScan: number;
  seqRead: number;
  idxScan: number;
  inserted: number;
  updated: number;
  deleted: number;
}

/** Reads the counters of the current transaction. */
export async function transactionCounters(
  sql: Queryable,
): Promise<Map<number, TableCounters>> {
  const rows = await sql<
    {
      oid: string;
      seq_scan: string;
      seq_tup_read: string;
      idx_scan: string | null;
      ins: string;
      upd: string;
      del: string;
    }[]
  >`
    select relid::int8 as oid, seq_scan, seq_tup_read, idx_scan, n_tup_ins as ins,
      n_tup_upd as upd, n_tup_del as del
    from pg_stat_xact_user_tables where schemaname = 'public'`;
  return new Map(rows.map((row) => [Number(row.oid), {
    seqScan: Number(row.seq_scan),
    seqRead: Number(row.seq_tup_read),
    idxScan: Number(row.idx_scan ?? 0),
    inserted: Number(row.ins),
    updated: Number(row.upd),
    deleted: Number(row.del),
  }]));
}

/** Exact row counts of every table of schema public. */
export async function rowCounts(sql: Queryable): Promise<Map<string, number>> {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`;
  const counts = new Map<string, number>();
  for (const { name } of tables) {
    const [{ rows }] = await sql.unsafe<{ rows: string }[]>(
      `select count(*)::int8 as rows from public."${name.replaceAll('"', '""')}"`,
    );
    counts.set(name, Number(rows));
  }
  return counts;
}

/**
 * A fingerprint of the schema: one line per column, constraint, index, policy and function
 * of schema public (and auth), plus drizzle's migration rows. Equal lists mean equal schemas.
 */
export async function fingerprint(sql: Queryable): Promise<string[]> {
  const lines: string[] = [];
  const columns = await sql<{ line: string }[]>`
    select format('column %s.%s %s %s default %s', c.relname, a.attname,
      format_type(a.atttypid, a.atttypmod), case when a.attnotnull then 'not null' else 'null' end,
      coalesce(pg_get_expr(d.adbin, d.adrelid), '-')) as line
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0
      and not a.attisdropped`;
  const constraints = await sql<{ line: string }[]>`
    select format('constraint %s.%s %s %s', c.relname, k.conname, pg_get_constraintdef(k.oid),
      case when k.convalidated then 'valid' else 'not valid' end) as line
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'`;
  const indexes = await sql<{ line: string }[]>`
    select format('index %s', pg_get_indexdef(i.indexrelid)) as line
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'`;
  const policies = await sql<{ line: string }[]>`
    select format('policy %s.%s %s %s', tablename, policyname, cmd, coalesce(qual, '-')) as line
    from pg_policies where schemaname = 'public'`;
  const tables = await sql<{ line: string }[]>`
    select format('table %s rls %s', c.relname, c.relrowsecurity) as line
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')`;
  const migrations = await sql<{ line: string }[]>`
    select format('migration %s %s', hash, created_at) as line
    from drizzle.__drizzle_migrations`;
  for (const group of [tables, columns, constraints, indexes, policies, migrations]) {
    for (const row of group) lines.push(row.line);
  }
  return lines.sort();
}
