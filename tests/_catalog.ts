/**
 * The catalog reader of `migrate/catalog.ts` for the tests, plus an assertion that prints every
 * difference between two catalogs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Catalog, diffCatalogs } from "../migrate/catalog.ts";

export * from "../migrate/catalog.ts";

/**
 * Fails with every difference between `actual` and `expected`, one per line (argument order as
 * in `assert.deepStrictEqual`; the lines say "expected … actual …").
 */
export function assertCatalogEquals(actual: Catalog, expected: Catalog, message?: string): void {
  const lines = diffCatalogs(expected, actual);
  if (lines.length > 0) {
    assert.fail(
      `${message ?? "catalogs differ"} (${lines.length} difference${
        lines.length === 1 ? "" : "s"
      }):\n  ${lines.join("\n  ")}`,
    );
  }
}
