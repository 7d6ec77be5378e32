import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
  name: string;
  exports: Record<string, string>;
  tasks: Record<string, unknown>;
};
const readme = await Deno.readTextFile(new URL("README.md", root));

Deno.test("README documents every entry point of the exports map, and no other", () => {
  const documented = new Set(
    [...readme.matchAll(/`(@proliferate\/core(?:\/[a-z-]+)?)`/g)].map((m) => m[1]),
  );
  const exported = Object.keys(config.exports).map((key) =>
    key === "." ? config.name : `${config.name}/${key.slice(2)}`
  );
  for (const name of exported) assert.ok(documented.has(name), `README does not document ${name}`);
  for (const name of documented) {
    assert.ok(exported.includes(name), `README documents ${name}, which deno.json does not export`);
  }
});

Deno.test("README's task table lists every task of deno.json", () => {
  for (const task of Object.keys(config.tasks)) {
    assert.ok(readme.includes(`\`deno task ${task}\``), `README does not list deno task ${task}`);
  }
});

Deno.test("every entry point of the exports map exists", async () => {
  for (const path of Object.values(config.exports)) {
    const info = await Deno.stat(new URL(path, root));
    assert.ok(info.isFile, `${path} is not a file`);
  }
});
