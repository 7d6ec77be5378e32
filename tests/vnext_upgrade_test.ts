/**
 * The vNext upgrade loses nothing it should keep: a baseline database full of realistic rows is
 * upgraded with every shipped migration, then each kept table is compared row by row and value
 * by value with what it held before, under the new names, and each backfill and the bundle
 * carry-forward are checked against the vNext fact sheet (§5). The same upgrade runs on a
 * baseline that also holds the drift objects D1–D3 (I-30): their rows are kept as well, and both
 * databases end at the vNext catalog.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { migrate } from "../migrate/mod.ts";
import { assertCatalogEquals, introspectCatalog } from "./_catalog.ts";
import { ALL_MIGRATIONS, BASELINE_MIGRATIONS, freshDatabase } from "./_db.ts";
import {
  BASELINE_TABLES,
  type BaselineSeed,
  DRIFT_TABLES,
  GRANT_MARKERS,
  seedBaseline,
  seedDrift,
} from "./_seed_baseline.ts";
import { vnextCatalog } from "./fixtures/vnext_catalog.ts";

type Row = Record<string, unknown>;

/** Baseline tables the upgrade drops; every other baseline table keeps every row. */
const DROPPED_TABLES = new Set(["secret_bundles", "action_grants"]);
/** Baseline table → vNext table. */
const TABLE_RENAMES: Record<string, string> = {
  prebuilds: "configurations",
  prebuild_repos: "configuration_repos",
};
/** Baseline table → baseline column → vNext column. */
const COLUMN_RENAMES: Record<string, Record<string, string>> = {
  prebuild_repos: { prebuild_id: "configuration_id" },
  sessions: { prebuild_id: "configuration_id" },
  secrets: { prebuild_id: "configuration_id" },
  automations: { default_prebuild_id: "default_configuration_id" },
  trigger_events: { parsed_context: "context" },
};
/** Baseline columns the upgrade drops (their data is carried forward elsewhere). */
const DROPPED_COLUMNS: Record<string, Set<string>> = { secrets: new Set(["bundle_id"]) };
/** Schemas PostgreSQL owns; every other schema belongs to the database. */
const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"];

const vnextName = (table: string) => TABLE_RENAMES[table] ?? table;

/** One table's rows keyed by its primary key (values joined), plus the key columns. */
interface TableRows {
  keyColumns: string[];
  rows: Map<string, Row>;
}

async function primaryKey(sql: postgres.Sql, table: string): Promise<string[]> {
  const rows = await sql<{ column: string }[]>`
    select a.attname as column
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    where n.nspname = 'public' and c.relname = ${table} and i.indisprimary
    order by k.position`;
  assert.ok(rows.length > 0, `table ${table} has no primary key`);
  return rows.map((row) => row.column);
}

async function readRows(
  sql: postgres.Sql,
  table: string,
  keyColumns: string[],
): Promise<Map<string, Row>> {
  const rows = await sql<{ row: Row }[]>`select to_jsonb(t) as row from ${sql(table)} t`;
  const byKey = new Map<string, Row>();
  for (const { row } of rows) {
    const key = keyColumns.map((column) => String(row[column])).join("|");
    assert.ok(!byKey.has(key), `duplicate key ${key} in ${table}`);
    byKey.set(key, row);
  }
  return byKey;
}

async function snapshotTables(
  sql: postgres.Sql,
  tables: readonly string[],
): Promise<Map<string, TableRows>> {
  const snapshot = new Map<string, TableRows>();
  for (const table of tables) {
    const keyColumns = await primaryKey(sql, table);
    snapshot.set(table, { keyColumns, rows: await readRows(sql, table, keyColumns) });
  }
  return snapshot;
}

/**
 * What a baseline row must look like after the upgrade, restricted to its baseline columns:
 * renamed columns under their new names, dropped columns gone, and the NULLs that §5.3 fills
 * replaced by their backfill. Every other value is unchanged.
 */
function expectedAfter(table: string, before: Row): Row {
  const renames = COLUMN_RENAMES[table] ?? {};
  const dropped = DROPPED_COLUMNS[table] ?? new Set<string>();
  const after: Row = {};
  for (const [column, value] of Object.entries(before)) {
    if (dropped.has(column)) continue;
    after[renames[column] ?? column] = value;
  }
  if (table === "triggers") {
    if (after.enabled === null) after.enabled = false;
    if (after.config === null) after.config = {};
  }
  if (table === "trigger_events") {
    if (after.context === null) after.context = {};
    if (after.dedup_key === null) after.dedup_key = `legacy:${after.id}`;
    if (after.status === null) {
      after.status = "skipped";
      after.skip_reason = "legacy_null_status";
    }
  }
  return after;
}

/** The rows of baseline `table` after the upgrade, keyed as in its baseline snapshot. */
function readUpgraded(
  sql: postgres.Sql,
  table: string,
  keyColumns: string[],
): Promise<Map<string, Row>> {
  const renames = COLUMN_RENAMES[table] ?? {};
  return readRows(sql, vnextName(table), keyColumns.map((column) => renames[column] ?? column));
}

/** `column` of every row of `table`, by id. */
async function valuesById(
  sql: postgres.Sql,
  table: string,
  column: string,
): Promise<Record<string, unknown>> {
  const rows = await sql<{ id: string; value: unknown }[]>`
    select id, ${sql(column)} as value from ${sql(table)}`;
  return Object.fromEntries(rows.map((row) => [row.id, row.value]));
}

async function count(sql: postgres.Sql, query: string): Promise<number> {
  const [{ n }] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from (${query}) q`);
  return n;
}

/** Every table in every user schema with rows whose text holds one of `needles`. */
async function rowsHolding(sql: postgres.Sql, needles: readonly string[]): Promise<string[]> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname <> all(${SYSTEM_SCHEMAS}) and n.nspname not like 'pg_temp%'
      and c.relkind in ('r', 'p', 'm')`;
  assert.ok(tables.length > 0, "no table to search");
  assert.ok(needles.length > 0, "nothing to search for");
  const holders: string[] = [];
  for (const { schema, name } of tables) {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from ${sql(schema)}.${sql(name)} t
      where t::text ilike any(${needles.map((needle) => `%${needle}%`)})`;
    if (n > 0) holders.push(`${schema}.${name} (${n} rows)`);
  }
  return holders;
}

function configurationsOf(seed: BaselineSeed, organizationId: string): string[] {
  const repoOrg = new Map<string, string>([
    [seed.repos.web, seed.orgs.acme],
    [seed.repos.api, seed.orgs.acme],
    [seed.repos.local, seed.orgs.acme],
    [seed.repos.globex, seed.orgs.globex],
  ]);
  const linked = seed.prebuildRepos
    .filter(([, repoId]) => repoOrg.get(repoId) === organizationId)
    .map(([prebuildId]) => prebuildId);
  return [...new Set(linked)].sort();
}

Deno.test("seed: every one of the 38 baseline tables gets rows", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  await seedBaseline(db.sql);
  const tables = await db.sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' order by 1`;
  assert.deepEqual(tables.map((t) => t.name), [...BASELINE_TABLES]);
  const empty: string[] = [];
  for (const table of BASELINE_TABLES) {
    if (await count(db.sql, `select 1 from "${table}"`) === 0) empty.push(table);
  }
  assert.deepEqual(empty, [], "the seed must fill every baseline table");
});

for (const drift of [false, true]) {
  const name = drift
    ? "vNext upgrade: a seeded baseline database with drift D1–D3 upgrades with zero loss"
    : "vNext upgrade: a seeded baseline database upgrades with zero loss";
  Deno.test(name, (t) => upgradeWithZeroLoss(t, drift));
}

async function upgradeWithZeroLoss(t: Deno.TestContext, drift: boolean): Promise<void> {
  await using db = await freshDatabase({ migrations: "baseline" });
  const sql = db.sql;
  const seed = await seedBaseline(sql);
  if (drift) await seedDrift(sql, seed);
  const keptAndDropped = [...BASELINE_TABLES, ...(drift ? DRIFT_TABLES : [])];
  const before = await snapshotTables(sql, keptAndDropped);
  const [{ startedAt }] = await sql<{ startedAt: Date }[]>`
    select clock_timestamp() as "startedAt"`;
  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
  const [{ finishedAt }] = await sql<{ finishedAt: Date }[]>`
    select clock_timestamp() as "finishedAt"`;

  await t.step("applies every migration after the baseline, in order", () => {
    const expected = ALL_MIGRATIONS.slice(BASELINE_MIGRATIONS.length).map((m) => m.tag);
    assert.ok(expected.length >= 3, `expected the vNext migrations, found ${expected.join(", ")}`);
    assert.deepEqual(report.applied, expected);
  });

  await t.step(
    "the seed reaches every branch of the §5.3 backfills and the §5.2 carry-forward",
    () => {
      const invocations = seed.invocations;
      const events = seed.triggerEvents;
      const triggers = Object.values(seed.triggers);
      const bundles = seed.bundles;
      const titleOf = (e: (typeof events)[number]) => e.parsedContext?.title;
      const branches: [string, boolean][] = [
        ["risk_level read", invocations.some((i) => i.riskLevel === "read")],
        ["risk_level write", invocations.some((i) => i.riskLevel === "write")],
        ["risk_level danger", invocations.some((i) => i.riskLevel === "danger")],
        [
          "denied with an approver",
          invocations.some((i) => i.status === "denied" && i.approvedBy !== null),
        ],
        [
          "denied without one",
          invocations.some((i) => i.status === "denied" && i.approvedBy === null),
        ],
        ["expired", invocations.some((i) => i.status === "expired")],
        ...["approved", "executing", "completed"].map((status): [string, boolean] => [
          `legacy status ${status}`,
          invocations.some((i) => i.status === status),
        ]),
        ["trigger enabled NULL", triggers.some((tr) => tr.enabled === null)],
        ["trigger enabled set", triggers.some((tr) => tr.enabled !== null)],
        ["trigger config NULL", triggers.some((tr) => tr.config === null)],
        ["trigger config set", triggers.some((tr) => tr.config !== null)],
        ["event without provider_event_type", events.some((e) => e.providerEventType === null)],
        ["event created_at NULL", events.some((e) => e.createdAt === null)],
        ["event parsed_context NULL", events.some((e) => e.parsedContext === null)],
        ["event dedup_key NULL", events.some((e) => e.dedupKey === null)],
        ["event dedup_key set", events.some((e) => e.dedupKey !== null)],
        ["event status NULL", events.some((e) => e.status === null)],
        ["event status set", events.some((e) => e.status !== null)],
        ["title from context", events.some((e) => typeof titleOf(e) === "string")],
        [
          "title not a string",
          events.some((e) => titleOf(e) != null && typeof titleOf(e) !== "string"),
        ],
        [
          "title from provider_event_type",
          events.some((e) => titleOf(e) === undefined && e.providerEventType !== null),
        ],
        [
          "title 'Untitled event'",
          events.some((e) => titleOf(e) === undefined && e.providerEventType === null),
        ],
        ["bundle without target_path", bundles.some((b) => b.targetPath === null)],
        [
          "empty bundle with a target_path",
          bundles.some((b) => b.targetPath !== null && b.secretIds.length === 0),
        ],
        [
          "two bundles of one organization naming one file",
          bundles.some((b) =>
            bundles.some((o) =>
              o !== b && b.targetPath !== null && o.organizationId === b.organizationId &&
              o.targetPath === b.targetPath
            )
          ),
        ],
        [
          "bundles of two organizations naming one file of a configuration linked to both",
          bundles.some((b) =>
            bundles.some((o) =>
              b.targetPath !== null && o.organizationId !== b.organizationId &&
              o.targetPath === b.targetPath &&
              configurationsOf(seed, b.organizationId).some((c) =>
                configurationsOf(seed, o.organizationId).includes(c)
              )
            )
          ),
        ],
        [
          "bundle of an organization without configurations",
          bundles.some((b) => configurationsOf(seed, b.organizationId).length === 0),
        ],
      ];
      assert.deepEqual(branches.filter(([, reached]) => !reached).map(([what]) => what), []);
    },
  );

  await t.step("ends at exactly the vNext catalog", async () => {
    assertCatalogEquals(await introspectCatalog(sql), vnextCatalog);
  });

  await t.step(
    "only secret_bundles and action_grants disappear from the baseline tables",
    async () => {
      const rows = await sql<{ name: string }[]>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')`;
      const present = new Set(rows.map((row) => row.name));
      const gone = keptAndDropped.filter((table) => !present.has(vnextName(table)));
      assert.deepEqual(gone.sort(), [...DROPPED_TABLES].sort());
      for (const old of Object.keys(TABLE_RENAMES)) {
        assert.ok(!present.has(old), `old table ${old} must be renamed, not kept`);
      }
    },
  );

  await t.step("every kept table keeps its exact row count", async () => {
    const differences: string[] = [];
    for (const [table, { rows }] of before) {
      if (DROPPED_TABLES.has(table)) continue;
      const after = await count(sql, `select 1 from "${vnextName(table)}"`);
      if (after !== rows.size) {
        differences.push(`${table} → ${vnextName(table)}: ${rows.size} before, ${after} after`);
      }
    }
    assert.deepEqual(differences, []);
  });

  await t.step("every kept table keeps exactly the same primary keys", async () => {
    const differences: string[] = [];
    for (const [table, { keyColumns, rows }] of before) {
      if (DROPPED_TABLES.has(table)) continue;
      const after = await readUpgraded(sql, table, keyColumns);
      const missing = [...rows.keys()].filter((key) => !after.has(key));
      const extra = [...after.keys()].filter((key) => !rows.has(key));
      if (missing.length > 0) differences.push(`${table}: missing ${missing.join(", ")}`);
      if (extra.length > 0) differences.push(`${table}: unexpected ${extra.join(", ")}`);
    }
    assert.deepEqual(differences, []);
  });

  await t.step(
    "every kept value is unchanged under its new name, NULLs backfilled per §5.3",
    async () => {
      const differences: string[] = [];
      for (const [table, { keyColumns, rows }] of before) {
        if (DROPPED_TABLES.has(table)) continue;
        const after = await readUpgraded(sql, table, keyColumns);
        for (const [key, row] of rows) {
          const actual = after.get(key);
          if (!actual) continue; // reported by the key step
          for (const [column, value] of Object.entries(expectedAfter(table, row))) {
            if (!(column in actual)) {
              differences.push(`${vnextName(table)}.${column} is missing`);
            } else {
              try {
                assert.deepEqual(actual[column], value);
              } catch {
                differences.push(
                  `${vnextName(table)}[${key}].${column}: expected ${JSON.stringify(value)}, ` +
                    `found ${JSON.stringify(actual[column])}`,
                );
              }
            }
          }
        }
      }
      assert.deepEqual([...new Set(differences)], []);
    },
  );

  await t.step(
    "configurations keep the prebuilds' ids and configuration_repos their links",
    async () => {
      const ids = await sql<{ id: string }[]>`select id from configurations order by id`;
      assert.deepEqual(ids.map((r) => r.id), Object.values(seed.prebuilds).sort());
      const links = await sql<{ configuration_id: string; repo_id: string }[]>`
      select configuration_id, repo_id from configuration_repos`;
      const actual = links.map((l) => `${l.configuration_id}/${l.repo_id}`).sort();
      assert.deepEqual(actual, seed.prebuildRepos.map(([p, r]) => `${p}/${r}`).sort());
    },
  );

  await t.step("sessions.configuration_id equals the old prebuild_id, row by row", async () => {
    const actual = await valuesById(sql, "sessions", "configuration_id");
    assert.deepEqual(actual, seed.sessionPrebuild);
    const values = Object.values(actual);
    assert.ok(values.some((v) => v !== null), "some sessions have a configuration");
    assert.ok(values.some((v) => v === null), "some sessions have none");
  });

  await t.step("secrets.configuration_id equals the old prebuild_id, row by row", async () => {
    assert.deepEqual(await valuesById(sql, "secrets", "configuration_id"), seed.secretPrebuild);
  });

  await t.step("automations.default_configuration_id equals default_prebuild_id", async () => {
    assert.deepEqual(
      await valuesById(sql, "automations", "default_configuration_id"),
      seed.automationDefaultPrebuild,
    );
  });

  await t.step("no column or table keeps a prebuild, bundle or parsed_context name", async () => {
    const rows = await sql<{ name: string }[]>`
      select c.relname || '.' || a.attname as name
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0
        and not a.attisdropped
        and (a.attname ilike '%prebuild%' or a.attname ilike '%bundle%'
             or a.attname = 'parsed_context' or c.relname ilike '%prebuild%'
             or c.relname ilike '%bundle%')`;
    assert.deepEqual(rows.map((r) => r.name), []);
  });

  await t.step(
    "trigger_events.context is the old parsed_context, or {} where it was NULL",
    async () => {
      const actual = await valuesById(sql, "trigger_events", "context");
      const expected = Object.fromEntries(
        seed.triggerEvents.map((e) => [e.id, e.parsedContext ?? {}]),
      );
      assert.deepEqual(actual, expected);
    },
  );

  await t.step(
    "action_invocations.mode follows risk_level: read allow, write require_approval, danger deny",
    async () => {
      const modeFor: Record<string, string> = {
        read: "allow",
        write: "require_approval",
        danger: "deny",
      };
      const actual = await valuesById(sql, "action_invocations", "mode");
      const expected = Object.fromEntries(
        seed.invocations.map((i) => [i.id, modeFor[i.riskLevel]]),
      );
      assert.deepEqual(actual, expected);
    },
  );

  await t.step(
    "action_invocations.mode_source is inferred_default on every legacy row",
    async () => {
      const rows = await sql<{ mode_source: string }[]>`select mode_source from action_invocations`;
      assert.equal(rows.length, seed.invocations.length);
      for (const row of rows) assert.equal(row.mode_source, "inferred_default");
    },
  );

  await t.step(
    "action_invocations.denied_reason: human with approver, policy without, expired",
    async () => {
      const actual = await valuesById(sql, "action_invocations", "denied_reason");
      const expected = Object.fromEntries(seed.invocations.map((i) => {
        if (i.status === "denied") return [i.id, i.approvedBy ? "human" : "policy"];
        if (i.status === "expired") return [i.id, "expired"];
        return [i.id, null];
      }));
      assert.deepEqual(actual, expected);
    },
  );

  await t.step("trigger_events.provider is the provider of the event's trigger", async () => {
    const providerOf = new Map(Object.values(seed.triggers).map((tr) => [tr.id, tr.provider]));
    const actual = await valuesById(sql, "trigger_events", "provider");
    const expected = Object.fromEntries(
      seed.triggerEvents.map((e) => [e.id, providerOf.get(e.triggerId)]),
    );
    assert.deepEqual(actual, expected);
  });

  await t.step("trigger_events.event_type is provider_event_type, else 'unknown'", async () => {
    const actual = await valuesById(sql, "trigger_events", "event_type");
    const expected = Object.fromEntries(
      seed.triggerEvents.map((e) => [e.id, e.providerEventType ?? "unknown"]),
    );
    assert.deepEqual(actual, expected);
  });

  await t.step("trigger_events.occurred_at is created_at, else the upgrade's now()", async () => {
    const rows = await sql<{ id: string; occurred_at: Date }[]>`
      select id, occurred_at from trigger_events`;
    const byId = new Map(rows.map((r) => [r.id, r.occurred_at]));
    for (const event of seed.triggerEvents) {
      const occurredAt = byId.get(event.id);
      assert.ok(occurredAt instanceof Date, `event ${event.id} has no occurred_at`);
      if (event.createdAt !== null) {
        assert.equal(occurredAt.toISOString(), new Date(event.createdAt).toISOString());
      } else {
        assert.ok(
          occurredAt >= startedAt && occurredAt <= finishedAt,
          `occurred_at ${occurredAt.toISOString()} of a row without created_at must be the ` +
            `upgrade's now(), between ${startedAt.toISOString()} and ${finishedAt.toISOString()}`,
        );
      }
    }
  });

  await t.step(
    "trigger_events.title is context->>'title', else provider_event_type, else 'Untitled event'",
    async () => {
      const actual = await valuesById(sql, "trigger_events", "title");
      const expected = Object.fromEntries(seed.triggerEvents.map((e) => {
        const title = e.parsedContext?.title;
        // ->> prints a JSON number or boolean as its text, a string without quotes.
        const fromContext = title === undefined || title === null
          ? null
          : typeof title === "string"
          ? title
          : JSON.stringify(title);
        return [e.id, fromContext ?? e.providerEventType ?? "Untitled event"];
      }));
      assert.deepEqual(actual, expected);
    },
  );

  await t.step(
    "trigger_events.dedup_key NULL becomes 'legacy:' || id, others unchanged",
    async () => {
      const actual = await valuesById(sql, "trigger_events", "dedup_key");
      const expected = Object.fromEntries(
        seed.triggerEvents.map((e) => [e.id, e.dedupKey ?? `legacy:${e.id}`]),
      );
      assert.deepEqual(actual, expected);
    },
  );

  await t.step(
    "trigger_events.status NULL becomes 'skipped' with skip_reason 'legacy_null_status'",
    async () => {
      const rows = await sql<{ id: string; status: string; skip_reason: string | null }[]>`
      select id, status, skip_reason from trigger_events`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const event of seed.triggerEvents) {
        const row = byId.get(event.id)!;
        if (event.status === null) {
          assert.deepEqual([row.status, row.skip_reason], ["skipped", "legacy_null_status"]);
        } else {
          assert.equal(row.status, event.status);
          assert.notEqual(row.skip_reason, "legacy_null_status");
        }
      }
    },
  );

  await t.step("triggers.enabled NULL becomes false and config NULL becomes {}", async () => {
    const rows = await sql<{ id: string; enabled: boolean; config: unknown }[]>`
      select id, enabled, config from triggers`;
    const actual = Object.fromEntries(rows.map((r) => [r.id, [r.enabled, r.config]]));
    const expected = Object.fromEntries(
      Object.values(seed.triggers).map((tr) => [tr.id, [tr.enabled ?? false, tr.config ?? {}]]),
    );
    assert.deepEqual(actual, expected);
  });

  await t.step(
    "action_modes and tool_risk_overrides start as {} on every existing row",
    async () => {
      for (
        const [table, column] of [
          ["organization", "action_modes"],
          ["automations", "action_modes"],
          ["org_connectors", "tool_risk_overrides"],
        ]
      ) {
        const rows = await sql.unsafe<{ value: unknown }[]>(
          `select "${column}" as value from "${table}"`,
        );
        assert.equal(rows.length, before.get(table)!.rows.size);
        for (const row of rows) assert.deepEqual(row.value, {}, `${table}.${column}`);
      }
    },
  );

  await t.step("sessions.idempotency_key is NULL on every legacy session", async () => {
    assert.equal(
      await count(sql, "select 1 from sessions where idempotency_key is not null"),
      0,
    );
  });

  await t.step(
    "every bundle with a target_path becomes one secret_file per linked configuration",
    async () => {
      const expected = new Map<string, { organizationId: string; sources: string[] }>();
      for (const bundle of seed.bundles) {
        if (bundle.targetPath === null) continue;
        for (const configurationId of configurationsOf(seed, bundle.organizationId)) {
          const key = `${configurationId}|${bundle.targetPath}`;
          const entry = expected.get(key) ??
            { organizationId: bundle.organizationId, sources: [] };
          entry.sources.push(JSON.stringify([bundle.description, bundle.createdBy]));
          expected.set(key, entry);
        }
      }
      const rows = await sql<
        {
          configuration_id: string;
          file_path: string;
          organization_id: string;
          description: string | null;
          created_by: string | null;
        }[]
      >`select configuration_id, file_path, organization_id, description, created_by
      from secret_files`;
      const actualKeys = rows.map((r) => `${r.configuration_id}|${r.file_path}`).sort();
      assert.deepEqual(actualKeys, [...expected.keys()].sort());
      for (const row of rows) {
        const entry = expected.get(`${row.configuration_id}|${row.file_path}`)!;
        assert.equal(row.organization_id, entry.organizationId);
        // Two bundles of one organization may name the same file: the first one inserted wins.
        assert.ok(
          entry.sources.includes(JSON.stringify([row.description, row.created_by])),
          `description/created_by of ${row.file_path} must come from its bundle`,
        );
      }
      assert.ok(expected.size >= 5, "the seed must give the carry-forward something to do");
    },
  );

  await t.step(
    "every member secret of such a bundle becomes a configuration_secret in its file",
    async () => {
      const expected: string[] = [];
      for (const bundle of seed.bundles) {
        if (bundle.targetPath === null) continue;
        for (const configurationId of configurationsOf(seed, bundle.organizationId)) {
          for (const secretId of bundle.secretIds) {
            expected.push(`${configurationId}|${secretId}|${bundle.targetPath}`);
          }
        }
      }
      const rows = await sql<
        { configuration_id: string; secret_id: string; file_path: string | null }[]
      >`
      select cs.configuration_id, cs.secret_id, sf.file_path
      from configuration_secrets cs
      left join secret_files sf
        on sf.id = cs.secret_file_id and sf.configuration_id = cs.configuration_id`;
      const actual = rows.map((r) => `${r.configuration_id}|${r.secret_id}|${r.file_path}`);
      assert.deepEqual(actual.sort(), expected.sort());
    },
  );

  await t.step(
    "bundles without target_path produce nothing (one with a path and no configuration would be refused)",
    async () => {
      const idle = seed.bundles.filter((b) => b.targetPath === null);
      assert.ok(idle.length >= 2);
      assert.ok(
        idle.some((b) => configurationsOf(seed, b.organizationId).length === 0),
        "the seed must hold a bundle of an organization without configurations",
      );
      assert.deepEqual(
        seed.bundles.filter((b) =>
          b.targetPath !== null && configurationsOf(seed, b.organizationId).length === 0
        ),
        [],
        "a bundle with a file and no configuration stops the upgrade (vnext_atomic_test)",
      );
      const secretIds = idle.flatMap((b) => b.secretIds);
      assert.ok(secretIds.length >= 2);
      const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from configuration_secrets where secret_id in ${sql(secretIds)}`;
      assert.equal(n, 0);
      const personal = await sql`
      select 1 from secret_files where organization_id = ${seed.orgs.personal}`;
      assert.equal(personal.length, 0);
    },
  );

  await t.step("new tables without a legacy source start empty", async () => {
    for (const table of ["webhook_inbox", "session_tool_invocations", "user_connections"]) {
      assert.equal(await count(sql, `select 1 from "${table}"`), 0, table);
    }
  });

  await t.step("action_grants leaves no table, column or row behind in any schema", async () => {
    const relations = await sql<{ name: string }[]>`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname <> all(${SYSTEM_SCHEMAS}) and n.nspname not like 'pg_temp%'
        and (c.relname ilike '%grant%')`;
    assert.deepEqual(relations.map((r) => r.name), []);
    const columns = await sql<{ name: string }[]>`
      select n.nspname || '.' || c.relname || '.' || a.attname as name
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname <> all(${SYSTEM_SCHEMAS}) and a.attnum > 0 and not a.attisdropped
        and a.attname ilike '%grant%'`;
    assert.deepEqual(columns.map((r) => r.name), []);
    const holders = await rowsHolding(sql, [...seed.grants, ...GRANT_MARKERS]);
    assert.deepEqual(holders, [], "no row may hold action_grants data");
  });

  await t.step("secret_bundles is dropped with no archive copy", async () => {
    const relations = await sql<{ name: string }[]>`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname <> all(${SYSTEM_SCHEMAS}) and c.relname ilike '%bundle%'`;
    assert.deepEqual(relations.map((r) => r.name), []);
    // The carry-forward copies paths, descriptions and creators, never a bundle's id.
    const needles = seed.bundles.map((bundle) => bundle.id);
    assert.deepEqual(await rowsHolding(sql, needles), [], "no row may hold a bundle's id");
  });
}
