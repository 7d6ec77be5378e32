/**
 * `deno task db:migrate`: the operators' CLI's `migrate` (`cli/mod.ts`) against `DATABASE_URL`
 * or, when it is unset, an embedded PostgreSQL whose data lives in the git-ignored `.pgdata/`
 * folder (see scripts/_postgres.ts for where it lives when that folder is out of the server's
 * reach). Prints each migration as it starts and ends, what it applied and the resulting number
 * of tables; a second run applies nothing. Arguments pass through (`--json`, `--help`, …) and the
 * exit code is the CLI's.
 *
 * @module
 */
import { main } from "../cli/mod.ts";
import { type PostgresServer, ProvisionError, provisionPostgres } from "./_postgres.ts";

let server: PostgresServer | undefined;
let code: number;
try {
  const help = Deno.args.includes("--help") || Deno.args.includes("-h");
  const urlGiven = Deno.env.get("DATABASE_URL") ||
    Deno.args.some((arg) => arg === "--url" || arg.startsWith("--url="));
  if (!urlGiven && !help) {
    server = await provisionPostgres({ persistent: true });
    console.log(`database: ${server.description} (set DATABASE_URL to use another)`);
  }
  code = await main(["migrate", ...Deno.args], { defaultUrl: server?.url });
} catch (error) {
  const message = error instanceof ProvisionError
    ? error.message
    : error instanceof Error
    ? error.message.split("\n")[0]
    : String(error);
  console.error(`db:migrate failed: ${message}`);
  code = 1;
} finally {
  await server?.stop();
}
Deno.exit(code!);
