import assert from "node:assert/strict";
import {
  assertCatalogEquals,
  type Catalog,
  introspectCatalog,
  normalizeCatalog,
} from "./_catalog.ts";
import { BASELINE_MIGRATIONS, connect, freshDatabase } from "./_db.ts";
import baselineJson from "./fixtures/baseline_catalog.json" with { type: "json" };
import { vnextCatalog } from "./fixtures/vnext_catalog.ts";
import { DRIZZLE_KIT } from "../scripts/_tools.ts";

const baselineCatalog = normalizeCatalog(baselineJson as unknown as Catalog);

Deno.test("migration 0000 on an empty database yields the baseline fact sheet's catalog", async () => {
  await using db = await freshDatabase({ migrations: "baseline" });
  assertCatalogEquals(
    await introspectCatalog(db.sql),
    baselineCatalog,
    "0000_baseline differs from the pre-vNext database",
  );
});

Deno.test("all migrations on an empty database yield the vNext catalog", async () => {
  await using db = await freshDatabase({ migrations: "all" });
  assertCatalogEquals(
    await introspectCatalog(db.sql),
    vnextCatalog,
    "a fresh install differs from the vNext fact sheet",
  );
});

Deno.test("a fresh install equals the database drizzle-kit renders straight from schema/", async () => {
  const out = await Deno.makeTempDir({ prefix: "proliferate-core-render-" });
  try {
    const render = await new Deno.Command(Deno.execPath(), {
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
        out,
        "--name",
        "rendered",
      ],
      cwd: new URL("..", import.meta.url),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(render.success, new TextDecoder().decode(render.stderr));
    const rendered = await Deno.readTextFile(`${out}/0000_rendered.sql`);
    // drizzle-kit cannot declare functions; the policies need the stub that 0000 writes by hand.
    const authFunction = BASELINE_MIGRATIONS[0].statements.find((s) =>
      s.includes('CREATE FUNCTION "auth"."uid"()')
    );
    assert.ok(authFunction, "0000_baseline must create auth.uid()");

    await using direct = await freshDatabase({ migrations: "none" });
    const statements = rendered.split("--> statement-breakpoint");
    const schemaStatement = statements.findIndex((s) => s.includes('CREATE SCHEMA "auth"'));
    statements.splice(schemaStatement + 1, 0, authFunction);
    const sql = connect(direct.url, 1);
    try {
      await sql.begin(async (tx) => {
        for (const statement of statements) await tx.unsafe(statement);
      });
    } finally {
      await sql.end();
    }
    await using migrated = await freshDatabase({ migrations: "all" });
    assertCatalogEquals(
      await introspectCatalog(migrated.sql),
      await introspectCatalog(direct.sql),
      "the migrations and schema/ disagree",
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
