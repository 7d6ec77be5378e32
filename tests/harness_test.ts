import assert from "node:assert/strict";
import { connect, freshDatabase, serverUrl } from "./_db.ts";

Deno.test("harness: every test database is new, separate and really PostgreSQL", async () => {
  await using first = await freshDatabase({ migrations: "none" });
  await using second = await freshDatabase({ migrations: "none" });
  assert.notEqual(first.name, second.name);
  await first.sql`create table probe (id int primary key)`;
  await first.sql`insert into probe values (1)`;
  const [{ n }] = await first.sql<{ n: number }[]>`select count(*)::int as n from probe`;
  assert.equal(n, 1);
  const [{ present }] = await second.sql<{ present: boolean }[]>`
    select to_regclass('public.probe') is not null as present`;
  assert.equal(present, false, "a table made in one test database must not appear in another");
  const [{ version }] = await first.sql<{ version: string }[]>`select version()`;
  assert.match(version, /^PostgreSQL \d+/);
});

Deno.test("harness: a disposed database is dropped", async () => {
  let name: string;
  {
    await using db = await freshDatabase({ migrations: "none" });
    name = db.name;
  }
  const admin = connect(serverUrl(), 1);
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    assert.equal(rows.length, 0);
  } finally {
    await admin.end();
  }
});
