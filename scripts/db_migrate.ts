/**
 * `deno task db:migrate`: the operators' CLI's `migrate` (`cli/mod.ts`) against `DATABASE_URL`
 * or, when it is unset, an embedded PostgreSQL whose data lives in the git-ignored `.pgdata/`
 * folder. Prints each migration as it starts and ends, what it applied and the resulting number
 * of tables; a second run applies nothing. Arguments pass through (`--json`, `--help`, …) and the
 * exit code is the CLI's.
 *
 * @module
 */
import { main } from "../cli/mod.ts";
import { type PostgresServer, startEmbeddedPostgres } from "./_postgres.ts";

const dataDir = new URL("../.pgdata/data", import.meta.url).pathname;

let server: PostgresServer | undefined;
let code: number;
try {
  const help = Deno.args.includes("--help") || Deno.args.includes("-h");
  if (
    !Deno.env.get("DATABASE_URL") && !Deno.args.some((arg) =>
      arg === "--url" || arg.startsWith("--url=")
    ) && !help
  ) {
    server = await startEmbeddedPostgres({ dataDir, persistent: true });
    console.log(
      "database: embedded PostgreSQL, data in .pgdata/ (set DATABASE_URL to use another)",
    );
  }
  code = await main(["migrate", ...Deno.args], { defaultUrl: server?.url });
} catch (error) {
  console.error(
    `db:migrate failed: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
  );
  code = 1;
} finally {
  await server?.stop();
}
Deno.exit(code!);
