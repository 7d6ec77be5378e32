/**
 * `deno task db:migrate`: applies the package's migrations to `DATABASE_URL` or, when it is
 * unset, to an embedded PostgreSQL whose data lives in the git-ignored `.pgdata/` folder.
 * Prints what it applied and the resulting number of tables; a second run applies nothing.
 *
 * @module
 */
import postgres from "postgres";
import { migrate, MigrationError } from "../migrate/mod.ts";
import { ProvisionError, provisionPostgres } from "./_postgres.ts";

async function main(): Promise<void> {
  // DATABASE_URL, else the persistent embedded cluster (.pgdata/, see scripts/_postgres.ts).
  const server = await provisionPostgres({ persistent: true });
  const hint = server.source === "DATABASE_URL" ? "" : " (set DATABASE_URL to use another)";
  console.log(`database: ${server.description}${hint}`);
  try {
    const report = await migrate({ url: server.url });
    for (const tag of report.adopted) {
      console.log(`adopted ${tag}: the database already held it from its earlier history`);
    }
    if (report.applied.length === 0) {
      console.log(`nothing to apply: all ${report.alreadyApplied} migrations were already applied`);
    } else {
      for (const tag of report.applied) console.log(`applied ${tag}`);
    }
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const [{ count }] = await sql<{ count: number }[]>`
        select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = 'public'`;
      console.log(`tables in schema public: ${count}`);
    } finally {
      await sql.end();
    }
  } finally {
    await server.stop();
  }
}

try {
  await main();
} catch (error) {
  const message = error instanceof MigrationError || error instanceof ProvisionError
    ? error.message
    : error instanceof Error
    ? error.message.split("\n")[0]
    : String(error);
  console.error(`db:migrate failed: ${message}`);
  Deno.exit(1);
}
