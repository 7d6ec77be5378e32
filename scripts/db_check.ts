/**
 * `deno task db:check`: fails when `schema/` and `migrations/` disagree, that is when
 * `drizzle-kit generate` would write a new migration, or when `migrations/bundle.ts` is stale.
 * It generates into a scratch copy of the migrations folder, so the repository is untouched.
 *
 * @module
 */
import { DRIZZLE_KIT } from "./_tools.ts";

const repo = new URL("..", import.meta.url);
const scratch = await Deno.makeTempDir({ prefix: "proliferate-core-drift-" });
let failed = false;
try {
  await copyDir(new URL("migrations/", repo), scratch);
  const before = await listSql(scratch);
  const generate = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      DRIZZLE_KIT,
      "generate",
      "--dialect",
      "postgresql",
      "--schema",
      "./schema/mod.ts",
      "--out",
      scratch,
      "--name",
      "drift",
    ],
    cwd: repo,
    // No terminal: a rename question cannot be answered, and that is drift too.
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  });
  const output = await generate.output();
  const after = await listSql(scratch);
  const added = after.filter((name) => !before.includes(name));
  if (!output.success) {
    failed = true;
    console.error("drizzle-kit generate failed (it may be asking whether a change is a rename):");
    console.error(new TextDecoder().decode(output.stdout).slice(-2000));
    console.error(new TextDecoder().decode(output.stderr).slice(-2000));
  } else if (added.length > 0) {
    failed = true;
    console.error("schema/ and migrations/ disagree; drizzle-kit would write:\n");
    for (const name of added) console.error(await Deno.readTextFile(`${scratch}/${name}`));
    console.error("Run `deno task db:generate --name <what changed>` and read the SQL.");
  } else {
    console.log("schema/ matches migrations/: no migration to generate.");
  }
} finally {
  await Deno.remove(scratch, { recursive: true });
}
const bundle = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "scripts/bundle_migrations.ts", "--check"],
  cwd: repo,
}).output();
await Deno.stdout.write(bundle.stdout);
await Deno.stderr.write(bundle.stderr);
if (failed || !bundle.success) Deno.exit(1);

async function copyDir(from: URL, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const item of Deno.readDir(from)) {
    if (item.isDirectory) await copyDir(new URL(`${item.name}/`, from), `${to}/${item.name}`);
    else if (item.isFile) await Deno.copyFile(new URL(item.name, from), `${to}/${item.name}`);
  }
}

async function listSql(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const item of Deno.readDir(dir)) {
    if (item.isFile && item.name.endsWith(".sql")) names.push(item.name);
  }
  return names.sort();
}
