/**
 * A consumer type-checks against the oldest and the newest drizzle-orm the package supports.
 *
 * Each step writes a workspace in a temporary folder: `core/` holds a copy of the package (its
 * deno.json, so its own import ranges apply, and the source it publishes) and `app/` a consumer
 * with its own deno.json pinning drizzle-orm to one version. Deno then resolves both to that
 * version, the way a JSR consumer's pin and the package's range meet; had the package pinned
 * another version, the app would see two copies of drizzle-orm and fail to compile (columns of
 * one copy are not columns of the other). `deno check` runs on the app; npm packages come from
 * the registry or Deno's cache.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** The oldest drizzle-orm release supported; the newest is the one deno.lock pins. */
const OLDEST_DRIZZLE = "0.44.7";

const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
  imports: Record<string, string>;
  exports: Record<string, string>;
};
const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", root))) as {
  specifiers: Record<string, string>;
};

/** The drizzle-orm version deno.lock resolves the package's range to. */
function lockedDrizzle(): string {
  const range = config.imports["drizzle-orm"].replace(/^npm:drizzle-orm@/, "");
  const key = Object.keys(lock.specifiers).find((specifier) =>
    specifier.startsWith("npm:drizzle-orm@") && range.startsWith(specifier.slice(16))
  );
  assert.ok(key, `deno.lock has no entry for drizzle-orm@${range}`);
  return lock.specifiers[key].split("_")[0];
}

// Uses the tables, their CHECK-typed columns, relations, conflict targets, the trigger event
// mapping and the contracts, the way a gateway would; the @ts-expect-error lines must fail.
const APP = `
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { alias } from "drizzle-orm/pg-core";
import postgres from "postgres";
import * as schema from "@proliferate/core/schema";
import type { NormalizedTriggerEvent, SessionStatus } from "@proliferate/core";
import { hmacSha256 } from "@proliferate/core/providers";

const { sessions, triggerEvents, actionInvocations } = schema;
const db = drizzle(postgres("postgres://localhost/none"), { schema });

export async function gateway(event: NormalizedTriggerEvent, triggerId: string) {
  const status: SessionStatus = "running";
  const running = await db.select({ id: sessions.id, status: sessions.status }).from(sessions)
    .where(and(eq(sessions.status, status), eq(sessions.organizationId, "org")));
  const first: SessionStatus | null | undefined = running[0]?.status;
  const { target, where } = schema.sessionIdempotencyConflict;
  await db.insert(sessions).values({ organizationId: "org", idempotencyKey: "k", clientType: "web" })
    .onConflictDoNothing({ target, where });
  await db.insert(triggerEvents)
    .values(schema.triggerEventValues(event, { triggerId, organizationId: "org" }))
    .onConflictDoNothing({ target: schema.triggerEventDedupConflict.target });
  await db.update(actionInvocations).set({ status: "expired", deniedReason: "expired" })
    .where(sql\`\${actionInvocations.expiresAt} < now()\`);
  const withEvents = await db.query.sessions.findFirst({
    with: { triggerEvent: true, configuration: { columns: { id: true } } },
  });
  const parent = alias(sessions, "parent");
  await db.select({ child: sessions.id, parent: parent.id }).from(sessions)
    .innerJoin(parent, eq(sessions.parentSessionId, parent.id));
  // @ts-expect-error not a session status
  await db.update(sessions).set({ status: "migrating" });
  // @ts-expect-error hmacSha256 takes { secret, data }
  await hmacSha256(new Uint8Array(), "secret");
  return { first, withEvents };
}
`;

async function checkConsumer(drizzleVersion: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pc_consumer_" });
  try {
    const core = `${dir}/core`;
    await Deno.mkdir(`${dir}/app`, { recursive: true });
    await Deno.mkdir(core);
    for (const folder of ["schema", "providers", "sandbox", "migrate", "migrations"]) {
      await new Deno.Command("cp", { args: ["-r", new URL(folder, root).pathname, core] })
        .output();
    }
    await Deno.copyFile(new URL("mod.ts", root), `${core}/mod.ts`);
    await Deno.writeTextFile(
      `${core}/deno.json`,
      JSON.stringify({
        name: "@proliferate/core",
        version: "0.0.0",
        exports: config.exports,
        imports: config.imports,
      }),
    );
    await Deno.writeTextFile(
      `${dir}/app/deno.json`,
      JSON.stringify({
        imports: {
          "drizzle-orm": `npm:drizzle-orm@${drizzleVersion}`,
          "drizzle-orm/": `npm:/drizzle-orm@${drizzleVersion}/`,
          postgres: config.imports.postgres,
        },
      }),
    );
    await Deno.writeTextFile(`${dir}/app/main.ts`, APP);
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({ workspace: ["./core", "./app"] }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--no-lock", "app/main.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert.ok(
      out.success,
      `consumer on drizzle-orm ${drizzleVersion} fails to type-check:\n${text}`,
    );
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--no-lock", "--json", "app/main.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "null",
    }).output();
    const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
      npmPackages: Record<string, { name: string; version: string }>;
    };
    const versions = new Set(
      Object.values(graph.npmPackages).filter((p) => p.name === "drizzle-orm").map((p) =>
        p.version
      ),
    );
    assert.deepEqual([...versions], [drizzleVersion], "one copy of drizzle-orm, the app's");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a consumer type-checks on each supported drizzle-orm", async (t) => {
  const newest = lockedDrizzle();
  assert.notEqual(newest, OLDEST_DRIZZLE);
  for (const version of [OLDEST_DRIZZLE, newest]) {
    await t.step(`drizzle-orm ${version}`, () => checkConsumer(version));
  }
});
