/**
 * Mode keys, the resolution cascade and the drift guard. Pure functions, the same on every gateway
 * instance.
 *
 * @module
 */
import type { ActionMode, ModeResolution, RiskLevel } from "./action-source.ts";

/**
 * Key of an action in an {@link ActionModes} map: `"<sourceId>:<actionId>"`. Source ids may contain
 * `:` (`connector:<uuid>`, `db:<id>`), action ids may not, so the key splits at its last `:`.
 */
export type ActionModeKey = `${string}:${string}`;

/**
 * Mode overrides keyed by {@link ActionModeKey}; the shape of `organizations.action_modes` and
 * `automations.action_modes` (JSONB).
 */
export type ActionModes = Record<ActionModeKey, ActionMode>;

/**
 * What the database CHECKs on `action_modes` (`organization_action_modes_check`,
 * `automations_action_modes_check`) accept as a key: something before the first `:`, something
 * after it, and no line break (`^[^:]+:.+$` under `like_regex`, where neither `[^:]` nor `.`
 * matches a newline). `actionModeKeySchema` requires this and a non-empty action id after the
 * last `:`, so every key it accepts is one the database stores.
 */
export const ACTION_MODE_KEY_PATTERN: RegExp = /^[^:\n]+:[^\n]+$/;

/** An admin-confirmed mode for one MCP tool, with the definition hash at review time. */
export interface ToolRiskOverride {
  /** Mode the admin chose. */
  mode: ActionMode;
  /** `computeDefinitionHash` of the tool when the admin chose it; a different hash now means drift. */
  hash: string;
}

/** `org_connectors.tool_risk_overrides`: {@link ToolRiskOverride}s keyed by MCP tool name. */
export type ToolRiskOverrides = Record<string, ToolRiskOverride>;

/**
 * Builds the key of `(sourceId, actionId)`. Throws a `RangeError` when either part is empty or the
 * action id contains `:` (such a key could not be split back).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionModeKey } from "@proliferate/core/providers";
 *
 * assert.equal(actionModeKey("connector:7f3c", "search_docs"), "connector:7f3c:search_docs");
 * assert.throws(() => actionModeKey("sentry", "a:b"), RangeError);
 * ```
 */
export function actionModeKey(sourceId: string, actionId: string): ActionModeKey {
  if (sourceId === "") throw new RangeError("actionModeKey: sourceId is empty");
  if (actionId === "") throw new RangeError("actionModeKey: actionId is empty");
  if (actionId.includes(":")) {
    throw new RangeError(`actionModeKey: actionId "${actionId}" contains ":"`);
  }
  return `${sourceId}:${actionId}`;
}

/**
 * Splits a mode key at its last `:`. Returns `undefined` when there is no `:` or either side is
 * empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseActionModeKey } from "@proliferate/core/providers";
 *
 * assert.deepEqual(parseActionModeKey("connector:7f3c:search_docs"), {
 *   sourceId: "connector:7f3c",
 *   actionId: "search_docs",
 * });
 * assert.equal(parseActionModeKey("no-colon"), undefined);
 * ```
 */
export function parseActionModeKey(
  key: string,
): { sourceId: string; actionId: string } | undefined {
  const at = key.lastIndexOf(":");
  if (at <= 0 || at === key.length - 1) return undefined;
  return { sourceId: key.slice(0, at), actionId: key.slice(at + 1) };
}

/**
 * The mode used when no override exists: `read` → `allow`, `write` → `require_approval`,
 * `danger` → `deny` (an explicit override can relax it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferredActionMode } from "@proliferate/core/providers";
 *
 * assert.equal(inferredActionMode("read"), "allow");
 * assert.equal(inferredActionMode("danger"), "deny");
 * ```
 */
export function inferredActionMode(riskLevel: RiskLevel): ActionMode {
  switch (riskLevel) {
    case "read":
      return "allow";
    case "write":
      return "require_approval";
    case "danger":
      return "deny";
  }
}

/** Input of {@link resolveActionMode}. */
export interface ResolveActionModeInput {
  /** Source of the action. */
  sourceId: string;
  /** Action within the source. */
  actionId: string;
  /** The definition's risk hint, used only when no override exists. */
  riskLevel: RiskLevel;
  /** `automations.action_modes` of the running automation, if any (validated JSONB). */
  automationModes?: Readonly<Partial<ActionModes>> | null;
  /** `organizations.action_modes` (validated JSONB). */
  orgModes?: Readonly<Partial<ActionModes>> | null;
}

/**
 * Resolves the mode of one action: automation override → org default → inferred default; the first
 * hit wins. Apply {@link applyDriftGuard} to the result for drifted connector tools.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveActionMode } from "@proliferate/core/providers";
 *
 * assert.deepEqual(
 *   resolveActionMode({
 *     sourceId: "linear",
 *     actionId: "create_issue",
 *     riskLevel: "write",
 *     orgModes: { "linear:create_issue": "allow" },
 *   }),
 *   { mode: "allow", source: "org_default" },
 * );
 * ```
 */
export function resolveActionMode(input: ResolveActionModeInput): ModeResolution {
  const key = actionModeKey(input.sourceId, input.actionId);
  const automation = input.automationModes?.[key];
  if (automation !== undefined) return { mode: automation, source: "automation_override" };
  const org = input.orgModes?.[key];
  if (org !== undefined) return { mode: org, source: "org_default" };
  return { mode: inferredActionMode(input.riskLevel), source: "inferred_default" };
}

/**
 * The mode in force for a tool whose definition drifted since review: `allow` becomes
 * `require_approval`; `require_approval` and `deny` stay. Drift never relaxes a mode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyDriftGuard } from "@proliferate/core/providers";
 *
 * assert.equal(applyDriftGuard("allow", true), "require_approval");
 * assert.equal(applyDriftGuard("deny", true), "deny");
 * assert.equal(applyDriftGuard("allow", false), "allow");
 * ```
 */
export function applyDriftGuard(mode: ActionMode, drifted: boolean): ActionMode {
  return drifted && mode === "allow" ? "require_approval" : mode;
}

/**
 * Whether a tool drifted: it has a reviewed override whose hash differs from the current
 * definition hash. A tool never reviewed has not drifted (it has no override to distrust).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isToolDrifted } from "@proliferate/core/providers";
 *
 * assert.equal(isToolDrifted({ mode: "allow", hash: "aa" }, "bb"), true);
 * assert.equal(isToolDrifted(undefined, "bb"), false);
 * ```
 */
export function isToolDrifted(
  override: ToolRiskOverride | undefined,
  currentHash: string,
): boolean {
  return override !== undefined && override.hash !== currentHash;
}
