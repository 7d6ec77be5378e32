/**
 * CHECK expressions and predicates used by several tables (private to `schema/`, not
 * re-exported).
 *
 * @module
 */
import { type SQL, sql } from "drizzle-orm";

/**
 * `ARRAY['a'::text, 'b'::text]`: a text array literal written the way PostgreSQL prints it back
 * (`pg_get_constraintdef`), so a CHECK or index predicate built from it reads the same in the
 * code, in the generated migration and in the catalog.
 */
export function textArray(values: readonly string[]): SQL {
  const items = values.map((value) => `'${value.replaceAll("'", "''")}'::text`);
  return sql.raw(`ARRAY[${items.join(", ")}]`);
}

/**
 * `<column> = ANY (ARRAY[…])`: the column holds one of `values` (or is NULL, which a CHECK
 * lets through). Pass the contract's list of values (e.g. `SESSION_STATUSES`) so that the
 * database accepts exactly what the application writes, plus any legacy values it must keep.
 */
export function oneOf(column: string, values: readonly string[]): SQL {
  return sql`${sql.raw(column)} = ANY (${textArray(values)})`;
}

/**
 * Predicate of the partial unique index `idx_sessions_idempotency`; upserts repeat it
 * (`sessionIdempotencyConflict`).
 */
export const sessionIdempotencyPredicate: SQL = sql`idempotency_key IS NOT NULL`;

/**
 * Predicate of the partial unique index `secrets_org_key_unique_when_org_wide`; upserts repeat it
 * (`orgWideSecretConflict`).
 */
export const orgWideSecretPredicate: SQL = sql`repo_id IS NULL AND configuration_id IS NULL`;

/**
 * Shape CHECK of an `action_modes` column (`organization` and `automations`; vNext sheet §2.2,
 * verbatim): a JSON object whose keys have something before and after their first `:`
 * (`"<sourceId>:<actionId>"`, I-27) and whose values are the strings allow, deny or
 * require_approval.
 */
export const actionModesCheck: SQL =
  sql`jsonb_typeof(action_modes) = 'object' AND NOT jsonb_path_exists(action_modes, '$.keyvalue() ? (!(@.key like_regex "^[^:]+:.+$") || @.value.type() != "string" || !(@.value == "allow" || @.value == "deny" || @.value == "require_approval"))')`;

/**
 * Shape CHECK of `org_connectors.tool_risk_overrides` (vNext sheet §2.4, verbatim): an object of
 * `{ mode, hash }` objects, `mode` one of allow, deny, require_approval and `hash` a string.
 * `$.keyvalue()` is used because a `strict $.*` / `lax $.*` filter errors on missing keys or
 * unwraps arrays.
 */
export const toolRiskOverridesCheck: SQL =
  sql`jsonb_typeof(tool_risk_overrides) = 'object' AND NOT jsonb_path_exists(tool_risk_overrides, '$.keyvalue() ? (@.value.type() != "object" || !exists(@.value.mode) || !exists(@.value.hash) || @.value.mode.type() != "string" || @.value.hash.type() != "string" || !(@.value.mode == "allow" || @.value.mode == "deny" || @.value.mode == "require_approval"))')`;
