/**
 * Value sets of persisted action invocations and approvals (`action_invocations`).
 *
 * @module
 */

/**
 * Static risk hint of an action. It only feeds the inferred default mode (`read` → `allow`,
 * `write` → `require_approval`, `danger` → `deny`); it never enforces anything.
 */
export type RiskLevel = "read" | "write" | "danger";

/** Every {@link RiskLevel}, in increasing risk. */
export const RISK_LEVELS: readonly ["read", "write", "danger"] = ["read", "write", "danger"];

/**
 * Lifecycle of an invocation (`action_invocations.status`, default `pending`): `pending` awaits a
 * human, `executed` ran, `denied` was refused (see {@link ActionDeniedReason}), `expired` was not
 * decided in time, `failed` threw during execution.
 */
export type ActionInvocationStatus = "pending" | "executed" | "denied" | "expired" | "failed";

/** Every {@link ActionInvocationStatus}. */
export const ACTION_INVOCATION_STATUSES: readonly [
  "pending",
  "executed",
  "denied",
  "expired",
  "failed",
] = ["pending", "executed", "denied", "expired", "failed"];

/**
 * `action_invocations.status` values written before vNext: `approved`, `executing`,
 * `completed`. The database CHECK keeps accepting them, since no audit row is rewritten (the
 * vnext-schema sheet's I-11), but nothing writes them any more.
 */
export const LEGACY_ACTION_INVOCATION_STATUSES: readonly ["approved", "executing", "completed"] = [
  "approved",
  "executing",
  "completed",
];

/**
 * A status a stored `action_invocations` row may hold: an {@link ActionInvocationStatus} or one of
 * the {@link LEGACY_ACTION_INVOCATION_STATUSES}. Readers of stored rows use this type; writers
 * use {@link ActionInvocationStatus}.
 */
export type StoredActionInvocationStatus =
  | ActionInvocationStatus
  | (typeof LEGACY_ACTION_INVOCATION_STATUSES)[number];

/**
 * Why an invocation was denied (`action_invocations.denied_reason`): `policy` (mode `deny`) or
 * `human` (an approver said no). Filled only when `status = denied`; expiry sets
 * `status = expired` instead. `expired` stays accepted here for rows written before that rule.
 */
export type ActionDeniedReason = "policy" | "human" | "expired";

/** Every {@link ActionDeniedReason}. */
export const ACTION_DENIED_REASONS: readonly ["policy", "human", "expired"] = [
  "policy",
  "human",
  "expired",
];

/**
 * Scope of an approval: `once` (the default) approves this invocation only; `always` also writes
 * `allow` into the relevant `action_modes`.
 */
export type ApprovalMode = "once" | "always";

/** Every {@link ApprovalMode}. */
export const APPROVAL_MODES: readonly ["once", "always"] = ["once", "always"];
