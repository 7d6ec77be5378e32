/**
 * `deno task db:generate`: runs drizzle-kit generate (arguments pass through, e.g.
 * `--name vnext` or `--custom`), then regenerates `migrations/bundle.ts`.
 *
 * drizzle-kit asks on the terminal whether a changed table or column is a rename; answer
 * "rename" and then read the SQL: a rename must never come out as drop + create.
 *
 * @module
 */
import { DRIZZLE_KIT } from "./_tools.ts";

const generate = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", DRIZZLE_KIT, "generate", "--config", "drizzle.config.ts", ...Deno.args],
  cwd: new URL("..", import.meta.url),
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
});
const { success } = await generate.output();
if (!success) Deno.exit(1);
const bundle = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "scripts/bundle_migrations.ts"],
  cwd: new URL("..", import.meta.url),
});
const result = await bundle.output();
await Deno.stdout.write(result.stdout);
await Deno.stderr.write(result.stderr);
if (!result.success) Deno.exit(1);
