/**
 * `deno task db:catalogs`: writes `migrations/catalogs.json`, the catalog each migration prefix
 * leaves, read from real databases on the server `deno task test` would use (DATABASE_URL, else
 * the same provisioning order). Run it after adding or changing a migration; the test
 * `tests/expected_catalogs_test.ts` fails while the file is stale.
 *
 * @module
 */
import postgres from "postgres";
import { migrate } from "../migrate/runner.ts";
import { introspectCatalog, normalizeCatalog } from "../migrate/catalog.ts";
import type { Catalog } from "../migrate/catalog.ts";
import type { MigrationEntry } from "../migrate/types.ts";
import { packExpectedCatalogs } from "../migrate/expected.ts";
import { migrations } from "../migrations/bundle.ts";
import { provisionPostgres } from "./_postgres.ts";

/** Output path of the generated file. */
export const CATALOGS_PATH = new URL("../migrations/catalogs.json", import.meta.url);

/** Reads the catalog after each prefix of `entries` on the server at `serverUrl`. */
export async function readPrefixCatalogs(
  serverUrl: string,
  entries: readonly MigrationEntry[],
): Promise<Map<string, Catalog>> {
  const result = new Map<string, Catalog>();
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    for (let i = 1; i <= entries.length; i++) {
      const name = `pc_catalog_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await admin.unsafe(`create database ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      try {
        await migrate({ url: url.toString(), migrations: entries.slice(0, i) });
        const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
        try {
          result.set(entries[i - 1].tag, normalizeCatalog(await introspectCatalog(sql)));
        } finally {
          await sql.end();
        }
      } finally {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      }
    }
  } finally {
    await admin.end();
  }
  return result;
}

/** The generated file's text for `catalogs`. */
export function renderCatalogs(catalogs: ReadonlyMap<string, Catalog>): string {
  return `${JSON.stringify(packExpectedCatalogs(catalogs))}\n`;
}

if (import.meta.main) {
  const server = await provisionPostgres();
  try {
    const catalogs = await readPrefixCatalogs(server.url, migrations);
    await Deno.writeTextFile(CATALOGS_PATH, renderCatalogs(catalogs));
    console.log(`wrote migrations/catalogs.json: ${catalogs.size} migration states`);
  } finally {
    await server.stop();
  }
}
