/**
 * Conflict targets for upserts (`INSERT … ON CONFLICT`): the columns of each unique index callers
 * upsert on, with the index's predicate when the index is partial. PostgreSQL infers a partial
 * unique index only when the statement repeats its predicate: without it the insert fails with
 * 42P10 ("there is no unique or exclusion constraint matching the ON CONFLICT specification").
 *
 * Pass `target` and `where` to `onConflictDoNothing({ target, where })`, or `target` and
 * `targetWhere: where` to `onConflictDoUpdate`.
 *
 * @example Idempotent session creation (type-checked; builds the SQL without connecting)
 * ```ts
 * import assert from "node:assert/strict";
 * import { drizzle } from "drizzle-orm/postgres-js";
 * import { sessionIdempotencyConflict, sessions } from "@proliferate/core/schema";
 *
 * const db = drizzle.mock();
 * const { target, where } = sessionIdempotencyConflict;
 * const query = db.insert(sessions)
 *   .values({ organizationId: "org_1", idempotencyKey: "req-42", clientType: "web" })
 *   .onConflictDoNothing({ target, where })
 *   .returning({ id: sessions.id })
 *   .toSQL();
 * assert.match(query.sql, /on conflict \("organization_id","idempotency_key"\) where idempotency_key IS NOT NULL do nothing/);
 * ```
 *
 * @module
 */
import type { SQL } from "drizzle-orm";
import type { IndexColumn } from "drizzle-orm/pg-core";
import { orgWideSecretPredicate, sessionIdempotencyPredicate } from "./_checks.ts";
import { secrets } from "./secrets.ts";
import { sessions } from "./sessions.ts";
import { triggerEvents } from "./triggers.ts";

/** The conflict target of one unique index or constraint. */
export interface ConflictTarget {
  /** The unique index or constraint this target infers. */
  readonly name: string;
  /** Its columns, in index order: `target` of `onConflictDoNothing` / `onConflictDoUpdate`. */
  readonly target: IndexColumn[];
  /**
   * The partial index's predicate, which the statement must repeat (`where` of
   * `onConflictDoNothing`, `targetWhere` of `onConflictDoUpdate`); undefined for a full index.
   */
  readonly where?: SQL;
}

/**
 * `sessions` (organization_id, idempotency_key) where a key is given (`idx_sessions_idempotency`):
 * a retried create with the same key inserts nothing, and the caller reads the existing row.
 */
export const sessionIdempotencyConflict: ConflictTarget = {
  name: "idx_sessions_idempotency",
  target: [sessions.organizationId, sessions.idempotencyKey],
  where: sessionIdempotencyPredicate,
};

/**
 * `secrets` (organization_id, key) for organization-wide secrets, those with neither a repo nor a
 * configuration (`secrets_org_key_unique_when_org_wide`): setting an org-wide secret again
 * updates it.
 *
 * @example Set an org-wide secret (type-checked; builds the SQL without connecting)
 * ```ts
 * import assert from "node:assert/strict";
 * import { drizzle } from "drizzle-orm/postgres-js";
 * import { orgWideSecretConflict, secrets } from "@proliferate/core/schema";
 *
 * const db = drizzle.mock();
 * const query = db.insert(secrets)
 *   .values({ organizationId: "org_1", key: "API_KEY", encryptedValue: "ciphertext" })
 *   .onConflictDoUpdate({
 *     target: orgWideSecretConflict.target,
 *     targetWhere: orgWideSecretConflict.where,
 *     set: { encryptedValue: "ciphertext" },
 *   })
 *   .toSQL();
 * assert.match(query.sql, /where repo_id IS NULL AND configuration_id IS NULL do update/);
 * ```
 */
export const orgWideSecretConflict: ConflictTarget = {
  name: "secrets_org_key_unique_when_org_wide",
  target: [secrets.organizationId, secrets.key],
  where: orgWideSecretPredicate,
};

/**
 * `trigger_events` (trigger_id, dedup_key) (`trigger_events_trigger_id_dedup_key_key`): a full
 * constraint, so no predicate; a re-delivered event is a no-op.
 */
export const triggerEventDedupConflict: ConflictTarget = {
  name: "trigger_events_trigger_id_dedup_key_key",
  target: [triggerEvents.triggerId, triggerEvents.dedupKey],
};
