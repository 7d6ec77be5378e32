/**
 * The explicit types of `schema/_tables.ts` (what lets JSR publish the tables without slow
 * types): the file is what `scripts/schema_types.ts` writes from the tables, every schema export
 * carries its type, and each type is exactly drizzle's inferred one, both ways. For the last
 * check the test copies the package's source to a temporary folder, removes the annotations
 * there so TypeScript infers every table, relations object and schema again, and type-checks an
 * `Equals` assertion per export against `_tables.ts`.
 */
import assert from "node:assert/strict";
import { schemaExports } from "../scripts/schema_types.ts";

const root = new URL("../", import.meta.url);

async function run(args: string[], cwd = root.pathname): Promise<{ ok: boolean; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { ok: out.success, text: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

Deno.test("schema/_tables.ts is fresh and every schema export carries its type", async () => {
  const result = await run(["run", "-A", "scripts/schema_types.ts", "--check"]);
  assert.ok(result.ok, result.text);
});

Deno.test("each declared type equals drizzle's inferred one, both ways", async () => {
  const exports = await schemaExports();
  assert.ok(exports.filter((item) => item.kind === "table").length > 40);
  assert.ok(exports.filter((item) => item.kind === "relations").length >= 40);
  const dir = await Deno.makeTempDir({ prefix: "pc_schema_types_" });
  try {
    for (const folder of ["schema", "providers", "sandbox"]) {
      await new Deno.Command("cp", { args: ["-r", new URL(folder, root).pathname, dir] }).output();
    }
    await Deno.copyFile(new URL("mod.ts", root), `${dir}/mod.ts`);
    for (const file of new Set(exports.map((item) => item.file))) {
      const path = `${dir}/schema/${file}`;
      let text = await Deno.readTextFile(path);
      for (const item of exports.filter((candidate) => candidate.file === file)) {
        const annotated = `export const ${item.name}: ${item.type} = `;
        assert.ok(text.includes(annotated), `${file}: ${item.name} is not annotated`);
        text = text.replace(annotated, `export const ${item.name} = `);
      }
      await Deno.writeTextFile(path, text);
    }
    const lines = [
      'import type * as inferred from "./schema/mod.ts";',
      'import type * as declared from "./schema/_tables.ts";',
      "type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends",
      "  (<G>() => G extends B ? 1 : 2) ? true : false;",
      "function same<T extends true>(_proof?: T): void {}",
      ...exports.map((item) =>
        `same<Equals<typeof inferred.${item.name}, declared.${item.type}>>();`
      ),
    ];
    await Deno.writeTextFile(`${dir}/check.ts`, lines.join("\n") + "\n");
    const result = await run([
      "check",
      "--quiet",
      "--config",
      new URL("deno.json", root).pathname,
      `${dir}/check.ts`,
    ]);
    assert.ok(result.ok, `a declared type differs from drizzle's inference:\n${result.text}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
