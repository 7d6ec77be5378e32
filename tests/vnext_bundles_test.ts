/**
 * No bundle is lost between 0002 (which carries secret_bundles forward) and 0003 (which drops
 * them): pre-vNext writers of secret_bundles and secrets.bundle_id still work after 0001, so
 * 0003 carries forward, under a lock, whatever was written in between, and refuses, changing
 * nothing, what cannot be carried. The migrations are applied prefix by prefix, with writes
 * between 0002 and 0003, and the carried state is compared with what the bundles held right
 * before 0003.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { migrate, MigrationError } from "../migrate/mod.ts";
import { ALL_MIGRATIONS, connect, freshDatabase, type TestDatabase } from "./_db.ts";
import { type BaselineSeed, seedBaseline } from "./_seed_baseline.ts";

/** Migrations 0000–0002: the upgrade stopped before its contract step. */
const UP_TO_BACKFILL = ALL_MIGRATIONS.slice(0, 3);

/** A seeded baseline database upgraded up to and including 0002. */
async function afterBackfill(): Promise<{ db: TestDatabase; seed: BaselineSeed }> {
  const db = await freshDatabase({ migrations: "baseline" });
  const seed = await seedBaseline(db.sql);
  const report = await migrate({ url: db.url, migrations: UP_TO_BACKFILL });
  assert.deepEqual(report.applied, UP_TO_BACKFILL.slice(1).map((m) => m.tag));
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
 * 0002) and derives every file and link that carrying them forward must produce.
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

/** Inserts an acme bundle with a file and one new member secret, as a pre-vNext writer would. */
async function writeLateBundle(
  sql: postgres.Sql | postgres.ReservedSql,
  seed: BaselineSeed,
  path: string,
): Promise<{ bundleId: string; secretId: string }> {
  const bundleId = crypto.randomUUID();
  const secretId = crypto.randomUUID();
  await sql`insert into secret_bundles (id, organization_id, name, description, created_by,
      target_path)
    values (${bundleId}, ${seed.orgs.acme}, ${`late ${path}`}, 'written after 0002',
            ${seed.users.bob}, ${path})`;
  await sql`insert into secrets (id, organization_id, key, encrypted_value, bundle_id)
    values (${secretId}, ${seed.orgs.acme}, ${`LATE_${secretId.slice(0, 8)}`}, 'enc:v1:late',
            ${bundleId})`;
  return { bundleId, secretId };
}

Deno.test("vNext upgrade: bundles written between 0002 and 0003 are carried forward by 0003", async (t) => {
  const { db, seed } = await afterBackfill();
  await using _db = db;
  const sql = db.sql;
  const carriedBy0002 = await actualCarry(sql);

  // A new bundle with a new member; an organization-wide secret put into an existing bundle; a
  // secret moved from one bundle to another; a configuration linked to acme after 0002.
  const late = await writeLateBundle(sql, seed, "late/.env");
  const nested = seed.bundles.find((b) => b.targetPath === "apps/web/.env.local")!;
  const webEnv = seed.bundles.find((b) => b.name === "web env")!;
  await sql`update secrets set bundle_id = ${nested.id} where id = ${seed.secrets.orgWide}`;
  const moved = nested.secretIds[0];
  await sql`update secrets set bundle_id = ${webEnv.id} where id = ${moved}`;
  const newConfiguration = crypto.randomUUID();
  await sql`insert into configurations (id, name, status) values
    (${newConfiguration}, 'created after 0002', 'ready')`;
  await sql`insert into configuration_repos (configuration_id, repo_id, workspace_path)
    values (${newConfiguration}, ${seed.repos.api}, '.')`;
  const expected = await expectedCarry(sql);

  await t.step("0002 had not carried these writes", () => {
    assert.ok(!carriedBy0002.files.some((f) => f.endsWith("|late/.env")));
    assert.ok(!carriedBy0002.links.some((l) => l.includes(`|${seed.secrets.orgWide}|`)));
    assert.ok(carriedBy0002.links.some((l) => l.includes(`|${moved}|apps/web/.env.local`)));
    assert.ok(!carriedBy0002.files.some((f) => f.startsWith(`${newConfiguration}|`)));
  });

  const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
  assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(3).map((m) => m.tag));
  const actual = await actualCarry(sql);

  await t.step("every bundle's file exists in every configuration of its organization", () => {
    assert.deepEqual(actual.files, expected.files);
    assert.ok(actual.files.includes(`${newConfiguration}|late/.env`));
  });

  await t.step("every member is linked in that file, the moved secret in its new bundle's", () => {
    assert.deepEqual(actual.links, expected.links);
    assert.ok(actual.links.some((l) => l.endsWith(`|${late.secretId}|late/.env`)));
    assert.ok(actual.links.some((l) => l.endsWith(`|${seed.secrets.orgWide}|apps/web/.env.local`)));
    assert.ok(!actual.links.some((l) => l.endsWith(`|${moved}|apps/web/.env.local`)));
  });
});

Deno.test("vNext upgrade: a bundle whose writer commits while 0003 waits for its lock is carried", async () => {
  const { db, seed } = await afterBackfill();
  await using _db = db;
  const writer = connect(db.url, 1);
  const reserved = await writer.reserve();
  try {
    await reserved`begin`;
    const late = await writeLateBundle(reserved, seed, "racing/.env");
    const upgrade = migrate({ url: db.url, migrations: ALL_MIGRATIONS });
    // Wait until 0003 is blocked on the writer's locks, then let the writer commit.
    let waited = false;
    for (let i = 0; i < 200 && !waited; i++) {
      const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_locks
        where not granted and relation in ('secret_bundles'::regclass, 'secrets'::regclass)`;
      waited = n > 0;
      if (!waited) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(waited, "0003 must wait for the writer's locks on secret_bundles and secrets");
    await reserved`commit`;
    await upgrade;
    const links = await db.sql`
      select f.file_path from configuration_secrets cs
      join secret_files f on f.id = cs.secret_file_id
      where cs.secret_id = ${late.secretId}`;
    assert.ok(links.length > 0, "the racing bundle's member must be linked");
    assert.ok(links.every((row) => row.file_path === "racing/.env"));
  } finally {
    reserved.release();
    await writer.end();
  }
});

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

/** A write between 0002 and 0003 that 0003 cannot carry, and how to undo it. */
interface Uncarriable {
  name: string;
  code: string;
  table: string;
  column: string;
  plant(sql: postgres.Sql, seed: BaselineSeed): Promise<unknown>;
  fix(sql: postgres.Sql, seed: BaselineSeed): Promise<unknown>;
}

const UNCARRIABLE: Uncarriable[] = [
  {
    name: "a bundle with a file of an organization without configurations",
    code: "55000",
    table: "secret_bundles",
    column: "target_path",
    plant: (sql, s) =>
      sql`insert into secret_bundles (organization_id, name, target_path)
        values (${s.orgs.personal}, 'late personal', 'late.env')`,
    fix: (sql, s) =>
      sql`update secret_bundles set target_path = null
        where organization_id = ${s.orgs.personal} and name = 'late personal'`,
  },
  {
    name: "a secret moved into another organization's bundle",
    code: "23503",
    table: "secrets",
    column: "bundle_id",
    plant: (sql, s) =>
      sql`update secrets set bundle_id = ${s.bundles.find((b) => b.name === "globex env")!.id}
        where id = ${s.secrets.orgWide}`,
    fix: (sql, s) => sql`update secrets set bundle_id = null where id = ${s.secrets.orgWide}`,
  },
  {
    name: "a bundle whose path secret_files_path_check refuses",
    code: "23514",
    table: "secret_bundles",
    column: "target_path",
    plant: (sql, s) =>
      sql`insert into secret_bundles (organization_id, name, target_path)
        values (${s.orgs.acme}, 'late absolute', '/etc/late.env')`,
    fix: (sql, s) =>
      sql`update secret_bundles set target_path = 'etc/late.env'
        where organization_id = ${s.orgs.acme} and name = 'late absolute'`,
  },
];

Deno.test("vNext upgrade: 0003 refuses a bundle it cannot carry and drops nothing", async (t) => {
  for (const uncarriable of UNCARRIABLE) {
    await t.step(
      `${uncarriable.name}: refused by name, nothing dropped, fixed rerun completes`,
      async () => {
        const { db, seed } = await afterBackfill();
        await using _db = db;
        const sql = db.sql;
        await uncarriable.plant(sql, seed);
        const [{ bundles }] = await sql<{ bundles: number }[]>`
        select count(*)::int as bundles from secret_bundles`;
        await assert.rejects(migrate({ url: db.url, migrations: ALL_MIGRATIONS }), (error) => {
          assert.ok(error instanceof MigrationError, `not a MigrationError: ${String(error)}`);
          const cause = serverError(error);
          assert.deepEqual(
            [cause.code, cause.table_name, cause.column_name],
            [uncarriable.code, uncarriable.table, uncarriable.column],
            error.message,
          );
          assert.match(error.message, /0003_vnext_contract/);
          assert.match(error.message, /secret_bundles was not dropped/);
          return true;
        });
        const [{ still }] = await sql<{ still: number }[]>`
        select count(*)::int as still from secret_bundles`;
        assert.equal(still, bundles, "secret_bundles keeps every row");
        const [{ recorded }] = await sql<{ recorded: number }[]>`
        select count(*)::int as recorded from drizzle.__drizzle_migrations`;
        assert.equal(recorded, UP_TO_BACKFILL.length, "0003 must not be recorded");

        await uncarriable.fix(sql, seed);
        const report = await migrate({ url: db.url, migrations: ALL_MIGRATIONS });
        assert.deepEqual(report.applied, ALL_MIGRATIONS.slice(3).map((m) => m.tag));
      },
    );
  }
});
