/**
 * The catalog each of this package's migrations leaves: what a database must look like once the
 * migrations up to a given tag are applied. `verify` and the adoption check of pre-vNext
 * databases compare live catalogs with these.
 *
 * The data is `migrations/catalogs.json`, written by `deno task db:catalogs` from real databases
 * (one per migration prefix); `tests/expected_catalogs_test.ts` fails when it is stale. Tables
 * that several states share are stored once.
 *
 * @module
 */
import type { Catalog, CatalogTable } from "./catalog.ts";
import data from "../migrations/catalogs.json" with { type: "json" };

/** The stored form of `migrations/catalogs.json`: a table pool and, per tag, what it holds. */
export interface ExpectedCatalogData {
  /** Every distinct table definition, by key. */
  tables: Record<string, CatalogTable>;
  /** Per migration tag: the keys of its tables, its relations and functions. */
  states: Record<string, Omit<Catalog, "tables"> & { tables: string[] }>;
}

const stored = data as unknown as ExpectedCatalogData;

/** Tags that have an expected catalog, oldest first. */
export const EXPECTED_CATALOG_TAGS: readonly string[] = Object.keys(stored.states);

/**
 * The catalog a database holds after this package's migrations up to and including `tag`, or
 * `undefined` for a tag this package does not ship. Each call returns a new copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedCatalog } from "./expected.ts";
 * const baseline = expectedCatalog("0000_baseline");
 * assert.ok(baseline?.tables.some((table) => table.name === "secret_bundles"));
 * ```
 */
export function expectedCatalog(tag: string): Catalog | undefined {
  const state = stored.states[tag];
  if (!state) return undefined;
  return structuredClone({
    tables: state.tables.map((key) => stored.tables[key]),
    relations: state.relations,
    functions: state.functions,
  });
}

/**
 * Packs catalogs (by tag, oldest first) into the stored form; identical tables share one key
 * (`schema.name` plus a counter for later variants).
 */
export function packExpectedCatalogs(catalogs: ReadonlyMap<string, Catalog>): ExpectedCatalogData {
  const tables: Record<string, CatalogTable> = {};
  const keyOf = new Map<string, string>();
  const states: ExpectedCatalogData["states"] = {};
  for (const [tag, catalog] of catalogs) {
    const keys: string[] = [];
    for (const table of catalog.tables) {
      const text = JSON.stringify(table);
      let key = keyOf.get(text);
      if (!key) {
        const base = `${table.schema}.${table.name}`;
        key = base;
        for (let n = 2; key in tables; n++) key = `${base}#${n}`;
        tables[key] = table;
        keyOf.set(text, key);
      }
      keys.push(key);
    }
    states[tag] = { tables: keys, relations: catalog.relations, functions: catalog.functions };
  }
  return { tables, states };
}
