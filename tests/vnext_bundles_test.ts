/**
 * No bundle is lost between 0001 and 0003 (which drops secret_bundles): 0001 freezes the
 * bundles, so that the one carry-forward, in 0002, is complete. From 0001 on a new bundle, a
 * change to what a bundle carries and a secret moved into a bundle are refused by name, while
 * deletes, the foreign keys' own updates and every other write go on; a bundle written between
 * the runner's precheck and 0001 is caught by its check after 0001. The carried state is
 * compared with what the bundles held when 0001 froze them.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { migrate, MigrationError } from "../migrate/mod.ts";
import { ALL_MIGRATIONS, freshDatabase, type TestDatabase } from "./_db.ts";
import { type BaselineSeed, seedBaseline } from "./_seed_baseline.ts";

/** Migrations 0000–0001: the upgrade stopped after its expand step. */
const UP_TO_EXPAND = ALL_MIGRATIONS.slice(0, 2);

/** A seeded baseline database upgraded up to and including 0001. */
async function afterExpand(): Promise<{ db: TestDatabase; seed: BaselineSeed }> {
  const db = await freshDatabase({ migrations: "baseline" });
  const seed = await seedBaseline(db.sql);
  const report = await migrate({ url: db.url, migrations: UP_TO_EXPAND });
  assert.deepEqual(report.applied, UP_TO_EXPAND.slice(1).map((m) => m.tag));
  return { db, seed };
}

/** What a full carry-forward of the bundles as they stand now must leave. */
interface Carried {
  /** `configuration|path` of every secret file. */
  files: string[];
  /** `configuration|secret|path` of every link of a member secret. */
  links: string[];
}

/**
 * Reads secret_bundles, secrets.bundle_id and the organizations' configurations (database at
 * 0001) and derives every file and link that carrying them forward must produce.
 */
async function expectedCarry(sql: postgres.Sql): Promise<Carried> {
  const files = await sql<{ line: string }[]>`
    select distinct cr.configuration_id || '|' || b.target_path as line
    from secret_bundles b
    join repos r on r.organization_id = b.organization_id
    join configuration_repos cr on cr.repo_id = r.id
    where b.target_path is not null`;
  const links = await sql<{ line: string }[]>`
    select distinct cr.configuration_id || '|' || s.id || '|' || b.target_path as line
    from secret_bundles b
    join secrets s on s.bundle_id = b.id
    join repos r on r.organization_id = b.organization_id
    join configuration_repos cr on cr.repo_id = r.id
    where b.target_path is not null`;
  return { files: files.map((r) => r.line).sort(), links: links.map((r) => r.line).sort() };
}

/** The files and links the database holds (after 0003). */
async function actualCarry(sql: postgres.Sql): Promise<Carried> {
  const files = await sql<{ line: string }[]>`
    select configuration_id || '|' || file_path as line from secret_files`;
  const links = await sql<{ line: string }[]>`
    select cs.configuration_id || '|' || cs.secret_id || '|' || coalesce(f.file_path, '(none)')
      as line
    from configuration_secrets cs
    left join secret_files f on f.id = cs.secret_file_id`;
  return { files: files.map((r) => r.line).sort(), links: links.map((r) => r.line).sort() };
}

/** The PostgreSQL error at the end of `error`'s chain of causes. */
function serverError(error: unknown): Record<string, string | undefined> {
  let current = error as { cause?: unknown; code?: unknown } | undefined;
  let found: Record<string, string | undefined> | undefined;
  while (current && typeof current === "object") {
    if (typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code)) {
      found = current as Record<string, string | undefined>;
    }
    current = current.cause as typeof current;
  }
  assert.ok(found, `no PostgreSQL error in the cause chain of: ${String(error)}`);
  return found;
}

/** A write that would change what 0002 carries, refused from 0001 on. */
const FROZEN: {
  name: string;
  table: string;
  write(sql: postgres.Sql, seed: BaselineSeed): Promise<unknown>;
}[] = [
  {
    name: "a new bundle",
    table: "secret_bundles",
    write: (sql, s) =>
      sql`insert into secret_bundles (organization_id, name, target_path)
        values (${s.orgs.acme}, 'late', 'late/.env')`,
  },
  {
    name: "a bundle's target_path changed",
    table: "secret_bundles",
    write: (sql, s) =>
      sql`update secret_bundles set target_path = 'moved/.env' where id = ${s.bundles[0].id}`,
  },
  {
    name: "a bundle's description changed",
    table: "secret_bundles",
    write: (sql, s) =>
      sql`update secret_bundles set description = 'renamed' where id = ${s.bundles[0].id}`,
  },
  {
    name: "secret_bundles truncated",
    table: "secret_bundles",
    write: (sql) => sql`truncate secret_bundles cascade`,
  },
  {
    name: "a new secret in a bundle",
    table: "secrets",
    write: (sql, s) =>
      sql`insert into secrets (organization_id, key, encrypted_value, bundle_id)
        values (${s.orgs.acme}, 'LATE_KEY', 'enc:v1:late', ${s.bundles[0].id})`,
  },
  {
    name: "a secret moved into a bundle",
    table: "secrets",
    write: (sql, s) =>
      sql`update secrets set bundle_id = ${s.bundles[0].id} where id = ${s.secrets.orgWide}`,
  },
];

Deno.test("vNext upgrade: from 0001 on, writes that change what 0002 carries are refused by name", async (t) => {
  const { db, seed } = await afterExpand();
  await using _db = db;
  const sql = db.sql;
  for (const frozen of FROZEN) {
    await t.step(`${frozen.name}: refused, nothing written`, async () => {
      const before = await expectedCarry(sql);
      await assert.rejects(frozen.write(sql, seed), (error) => {
        const server = serverError(error);
        assert.deepEqual([server.code, server.table_name], ["55000", frozen.table]);
        assert.match(
          String(server.message),
          /secret bundles are read-only during the vNext upgrade/,
        );
        return true;
      });
      assert.deepEqual(await expectedCarry(sql), before);
    });
  }
  await t.step("deletes, foreign-key updates and other writes go on", async () => {
    const member = seed.bundles.find((b) => b.secretIds.length > 0)!;
    await sql`update secrets set encrypted_value = 'enc:v1:rotated' where id = ${
      member.secretIds[0]
    }`;
    await sql`update secrets set bundle_id = null where id = ${member.secretIds[0]}`;
    await sql`update secret_bundles set created_by = null where id = ${member.id}`;
    await sql`insert into secrets (organization_id, key, encrypted_value)
      values (${seed.orgs.acme}, 'VNEXT_KEY', 'enc:v1:vnext')`;
    const personal = seed.bundles.find((b) => b.organizationId === seed.orgs.personal)!;
    const deleted = await sql`delete from secret_bundles where id = ${personal.id}`;
    assert.equal(deleted.count, 1);
  });
});

Deno.test("vNext upgrade: 0002 carries every bundle as 0001 froze it, and 0003 drops the freeze", async () => {
  const { db } = await afterExpand();
  await using _db = db;
  const expected = await expectedCarry(db.sql);
  assert.ok(expected.files.length > 0 && expected.links.length > 0, "the seed carries bundles");
  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
  assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(2).map((m) => m.tag));
  assert.deepEqual(await actualCarry(db.sql), expected);
  const [{ left }] = await db.sql<{ left: number }[]>`
    select (select count(*)::int from pg_trigger where tgname like 'vnext_freeze%')
         + (select count(*)::int from pg_proc where proname = 'vnext_freeze_bundles') as left`;
  assert.equal(left, 0);
});

Deno.test("vNext upgrade: a bundle written between the precheck and 0001 is refused before 0002", async () => {
  const db = await freshDatabase({ migrations: "baseline" });
  await using _db = db;
  const seed = await seedBaseline(db.sql);
  // The personal organization has no configuration: its bundle's file would have nowhere to go.
  const plant = () =>
    db.sql`insert into secret_bundles (organization_id, name, target_path)
      values (${seed.orgs.personal}, 'late personal', 'late.env')`;
  await assert.rejects(
    migrate({
      url: db.url,
      migrations: ALL_MIGRATIONS,
      beforeExpand: async () => void await plant(),
    }),
    (error) => {
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.reason, "precheck", error.message);
      assert.deepEqual(error.applied, ["0001_vnext_expand"]);
      assert.match(error.message, /secret_bundles\.target_path/);
      return true;
    },
  );
  const [{ bundles }] = await db.sql<{ bundles: number }[]>`
    select count(*)::int as bundles from secret_bundles where name = 'late personal'`;
  assert.equal(bundles, 1, "nothing was dropped");
  // The fix: the frozen bundle can still be deleted (or its organization given a configuration).
  await db.sql`delete from secret_bundles where name = 'late personal'`;
  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
  assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(2).map((m) => m.tag));
});

Deno.test("vNext upgrade: bundles carried in many batches keep the oldest bundle's file for a path", async () => {
  const db = await freshDatabase({ migrations: "baseline" });
  await using _db = db;
  const sql = db.sql;
  const seed = await seedBaseline(sql);
  // 250 more acme bundles (three batches of 100), each with a file and a member secret.
  await sql`
    insert into secret_bundles (organization_id, name, target_path, created_at)
    select ${seed.orgs.acme}, 'bulk ' || n, 'bulk/' || n || '.env',
           timestamptz '2023-01-01' + n * interval '1 minute'
    from generate_series(1, 250) n`;
  await sql`
    insert into secrets (organization_id, key, encrypted_value, bundle_id)
    select b.organization_id, 'BULK_' || b.name, 'enc:v1:bulk', b.id
    from secret_bundles b where b.name like 'bulk %'`;
  // Two bundles that write one path: the older one sorts last by id, so it falls in a later
  // batch of a walk by id; the carry-forward must still keep its file.
  const older = "ffffffff-ffff-4fff-bfff-ffffffffffff";
  const younger = "00000000-0000-4000-8000-000000000001";
  await sql`
    insert into secret_bundles (id, organization_id, name, description, target_path, created_at)
    values (${older}, ${seed.orgs.acme}, 'shared older', 'from the older bundle', 'shared/.env',
            '2020-01-01'),
           (${younger}, ${seed.orgs.acme}, 'shared younger', 'from the younger bundle',
            'shared/.env', '2024-01-01')`;
  await sql`
    insert into secrets (organization_id, key, encrypted_value, bundle_id)
    values (${seed.orgs.acme}, 'SHARED_OLDER', 'enc:v1:o', ${older}),
           (${seed.orgs.acme}, 'SHARED_YOUNGER', 'enc:v1:y', ${younger})`;
  await migrate({ url: db.url, migrations: UP_TO_EXPAND });
  const expected = await expectedCarry(sql);
  const batches: { statement: number; rows: number }[] = [];
  await migrate({
    url: db.url,
    migrations: ALL_MIGRATIONS,
    onProgress: (e) => e.kind === "batch" && batches.push(e),
  });
  assert.deepEqual(await actualCarry(sql), expected);
  const files = await sql<{ description: string; members: string[] }[]>`
    select f.description, array_agg(s.key order by s.key) as members
    from secret_files f
    join configuration_secrets cs on cs.secret_file_id = f.id
    join secrets s on s.id = cs.secret_id
    where f.file_path = 'shared/.env'
    group by f.id, f.description`;
  assert.ok(files.length > 0, "the shared file is carried into acme's configurations");
  for (const file of files) {
    assert.deepEqual({ ...file }, {
      description: "from the older bundle",
      members: ["SHARED_OLDER", "SHARED_YOUNGER"],
    });
  }
  // Both carry-forward statements took several batches of at most 100 bundles.
  const backfill = ALL_MIGRATIONS.find((m) => m.tag === "0002_vnext_backfill")!.statements
    .filter((s) => s.trim() !== "");
  for (const table of ["secret_files", "configuration_secrets"]) {
    const number = backfill.findIndex((s) => s.includes(`WHERE c."name" = '${table}'`)) + 1;
    const rows = batches.filter((b) => b.statement === number).map((b) => b.rows);
    assert.ok(rows.length >= 4 && rows.every((n) => n <= 100), `${table}: ${rows}`);
  }
});
