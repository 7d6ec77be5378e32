/**
 * The conflict targets of `schema/conflicts.ts` and the `NormalizedTriggerEvent` mapping, against
 * a migrated database: each target infers its index (a partial one only with its predicate), and
 * a mapped event inserts, reads back and deduplicates.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { ContractValidationError, type NormalizedTriggerEvent } from "@proliferate/core/providers";
import {
  automations,
  orgWideSecretConflict,
  secrets,
  sessionIdempotencyConflict,
  sessions,
  triggerEventDedupConflict,
  triggerEvents,
  triggerEventValues,
  triggers,
} from "@proliferate/core/schema";
import { freshDatabase } from "./_db.ts";

const SENTRY_EVENT: NormalizedTriggerEvent = {
  provider: "sentry",
  eventType: "error_created",
  providerEventType: "issue.created",
  occurredAt: "2025-01-02T03:04:05.678+01:00",
  dedupKey: "sentry:123",
  title: "TypeError in checkout",
  url: "https://sentry.example/issues/123",
  context: { level: "error", tags: ["checkout"], count: 3 },
  raw: { id: "123", nested: [null, true] },
};

Deno.test("upserts on unique indexes, partial ones with their predicate", async (t) => {
  await using fresh = await freshDatabase({ migrations: "all" });
  const db = drizzle(fresh.sql);
  await fresh.sql`insert into organization (id, name, slug, "createdAt")
    values ('org_u', 'Upsert', 'upsert', now())`;

  await t.step("a retried session create returns nothing and keeps one row", async () => {
    const { target, where } = sessionIdempotencyConflict;
    const values = { organizationId: "org_u", idempotencyKey: "req-1", clientType: "web" } as const;
    const first = await db.insert(sessions).values(values)
      .onConflictDoNothing({ target, where }).returning({ id: sessions.id });
    const again = await db.insert(sessions).values(values)
      .onConflictDoNothing({ target, where }).returning({ id: sessions.id });
    assert.equal(first.length, 1);
    assert.equal(again.length, 0);
    const rows = await db.select().from(sessions).where(eq(sessions.idempotencyKey, "req-1"));
    assert.equal(rows.length, 1);
  });

  await t.step("without the predicate PostgreSQL cannot infer the index (42P10)", async () => {
    await assert.rejects(
      db.insert(sessions).values({ organizationId: "org_u", idempotencyKey: "req-2" })
        .onConflictDoNothing({ target: sessionIdempotencyConflict.target }),
      (error: Error & { cause?: { code?: string } }) => {
        assert.equal(error.cause?.code, "42P10");
        return true;
      },
    );
  });

  await t.step("setting an org-wide secret twice updates it", async () => {
    for (const value of ["v1", "v2"]) {
      await db.insert(secrets)
        .values({ organizationId: "org_u", key: "API_KEY", encryptedValue: value })
        .onConflictDoUpdate({
          target: orgWideSecretConflict.target,
          targetWhere: orgWideSecretConflict.where,
          set: { encryptedValue: value },
        });
    }
    const rows = await db.select().from(secrets).where(eq(secrets.key, "API_KEY"));
    assert.deepEqual(rows.map((row) => row.encryptedValue), ["v2"]);
  });

  await t.step("each target names an index of the database", async () => {
    const names = [sessionIdempotencyConflict, orgWideSecretConflict, triggerEventDedupConflict]
      .map((target) => target.name);
    const found = await fresh.sql<{ relname: string }[]>`
      select relname from pg_class where relname = any(${names})`;
    assert.deepEqual(found.map((row) => row.relname).toSorted(), names.toSorted());
  });
});

Deno.test("a NormalizedTriggerEvent maps to a trigger_events insert", async (t) => {
  await using fresh = await freshDatabase({ migrations: "all" });
  const db = drizzle(fresh.sql);
  await fresh.sql`insert into organization (id, name, slug, "createdAt")
    values ('org_t', 'Triggers', 'triggers', now())`;
  const [automation] = await db.insert(automations).values({ organizationId: "org_t" })
    .returning({ id: automations.id });
  const [trigger] = await db.insert(triggers)
    .values({ organizationId: "org_t", automationId: automation.id, provider: "sentry" })
    .returning({ id: triggers.id });
  const owner = { triggerId: trigger.id, organizationId: "org_t", externalEventId: "123" };

  await t.step("inserts once, reads back, and a re-delivery is a no-op", async () => {
    for (let i = 0; i < 2; i++) {
      await db.insert(triggerEvents).values(triggerEventValues(SENTRY_EVENT, owner))
        .onConflictDoNothing({ target: triggerEventDedupConflict.target });
    }
    const rows = await db.select().from(triggerEvents);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.occurredAt.toISOString(), "2025-01-02T02:04:05.678Z");
    assert.deepEqual(row.context, SENTRY_EVENT.context);
    assert.deepEqual(row.rawPayload, SENTRY_EVENT.raw);
    assert.equal(row.externalEventId, "123");
    assert.equal(row.status, "queued");
    assert.equal(row.providerEventType, "issue.created");
    assert.equal(row.dedupKey, "sentry:123");
  });

  await t.step("an event without raw stores NULL", () => {
    const { raw: _raw, ...withoutRaw } = SENTRY_EVENT;
    assert.equal(triggerEventValues(withoutRaw, owner).rawPayload, null);
  });

  await t.step("an invalid event throws naming its bad fields", () => {
    assert.throws(
      () => triggerEventValues({ ...SENTRY_EVENT, occurredAt: "yesterday", dedupKey: "" }, owner),
      (error: unknown) => {
        assert.ok(error instanceof ContractValidationError);
        assert.match(error.message, /^Invalid NormalizedTriggerEvent: .*occurredAt/);
        assert.match(error.message, /dedupKey/);
        return true;
      },
    );
    assert.throws(
      () => triggerEventValues({ ...SENTRY_EVENT, raw: { at: new Date() } }, owner),
      ContractValidationError,
    );
  });
});
