/**
 * `migrations/catalogs.json` is what the migrations really produce: each prefix of the shipped
 * migrations, applied to a new database on this run's server, leaves exactly the catalog that
 * `expectedCatalog()` returns for its last tag.
 */
import assert from "node:assert/strict";
import { EXPECTED_CATALOG_TAGS, expectedCatalog } from "../migrate/expected.ts";
import { migrations } from "../migrations/bundle.ts";
import { readPrefixCatalogs } from "../scripts/expected_catalogs.ts";
import { assertCatalogEquals } from "./_catalog.ts";
import { serverUrl } from "./_db.ts";

Deno.test("expected catalogs: one per shipped migration, in journal order", () => {
  assert.deepEqual(EXPECTED_CATALOG_TAGS, migrations.map((entry) => entry.tag));
  assert.equal(expectedCatalog("0099_unknown"), undefined);
});

Deno.test("expected catalogs: each migration prefix leaves its stored catalog (else run deno task db:catalogs)", async (t) => {
  const live = await readPrefixCatalogs(serverUrl(), migrations);
  for (const [tag, catalog] of live) {
    await t.step(tag, () => {
      const expected = expectedCatalog(tag);
      assert.ok(expected, `no stored catalog for ${tag}`);
      assertCatalogEquals(catalog, expected, `${tag}: stored catalog is stale`);
    });
  }
});
