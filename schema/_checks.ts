/**
 * CHECK expressions shared by several tables (private to `schema/`, not re-exported).
 *
 * @module
 */
import { type SQL, sql } from "drizzle-orm";

/**
 * Shape CHECK of an `action_modes` column (vNext sheet §2.2, verbatim): a JSON object whose keys
 * have something before and after their first `:` (`"<sourceId>:<actionId>"`, I-27) and whose
 * values are the strings allow, deny or require_approval.
 */
export function actionModesCheck(column: "action_modes"): SQL {
  const c = sql.raw(column);
  return sql`jsonb_typeof(${c}) = 'object' AND NOT jsonb_path_exists(${c}, '$.keyvalue() ? (!(@.key like_regex "^[^:]+:.+$") || @.value.type() != "string" || !(@.value == "allow" || @.value == "deny" || @.value == "require_approval"))')`;
}

/**
 * Shape CHECK of `org_connectors.tool_risk_overrides` (vNext sheet §2.4, verbatim): an object of
 * `{ mode, hash }` objects, `mode` one of allow, deny, require_approval and `hash` a string.
 * `$.keyvalue()` is used because a `strict $.*` / `lax $.*` filter errors on missing keys or
 * unwraps arrays.
 */
export const toolRiskOverridesCheck: SQL =
  sql`jsonb_typeof(tool_risk_overrides) = 'object' AND NOT jsonb_path_exists(tool_risk_overrides, '$.keyvalue() ? (@.value.type() != "object" || !exists(@.value.mode) || !exists(@.value.hash) || @.value.mode.type() != "string" || @.value.hash.type() != "string" || !(@.value.mode == "allow" || @.value.mode == "deny" || @.value.mode == "require_approval"))')`;
