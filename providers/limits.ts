/**
 * Named limits of the action and integration frameworks.
 *
 * @module
 */

/** Largest stored action result, in bytes of JSON, after redaction; larger ones are pruned structurally and marked `_truncated: true`. */
export const ACTION_RESULT_MAX_BYTES = 10 * 1024;

/** Action invocations allowed per session per minute (Redis counter; fails open). */
export const ACTION_RATE_LIMIT_PER_MINUTE = 60;

/**
 * Redis key of a session's action rate counter, `ratelimit:actions:<sessionId>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionRateLimitKey } from "@proliferate/core/providers";
 *
 * assert.equal(actionRateLimitKey("s_1"), "ratelimit:actions:s_1");
 * ```
 */
export function actionRateLimitKey(sessionId: string): string {
  return `ratelimit:actions:${sessionId}`;
}

/** Pending invocations a session may hold at once. */
export const MAX_PENDING_ACTIONS_PER_SESSION = 10;

/** How long a pending invocation of an interactive session waits for a decision (5 min). */
export const PENDING_EXPIRY_INTERACTIVE_MS = 5 * 60 * 1000;

/** How long a pending invocation of an unattended automation run waits for a decision (24 h). */
export const PENDING_EXPIRY_UNATTENDED_MS = 24 * 60 * 60 * 1000;

/** How long a connector's `tools/list` result is cached (5 min). */
export const CONNECTOR_TOOL_LIST_CACHE_MS = 5 * 60 * 1000;

/** Timeout of one action execution (30 s), applied through `ActionExecutionContext.signal`. */
export const ACTION_EXECUTION_TIMEOUT_MS = 30 * 1000;

/**
 * Keys whose values are replaced before params and results are stored (matched case-insensitively,
 * at any depth), as actions.md lists them; `redactValue` from the sandbox module applies them and
 * more: any key whose words name a credential (`isCredentialKey`: `apiKey`, `client_secret`,
 * `x-api-key`, …), and every string matching a secret format.
 */
export const ACTION_REDACTED_KEYS: readonly [
  "token",
  "secret",
  "password",
  "authorization",
  "api_key",
] = ["token", "secret", "password", "authorization", "api_key"];

/** How long a GitHub App installation token is cached (50 min; tokens live 60 min). */
export const GITHUB_APP_TOKEN_CACHE_MS = 50 * 60 * 1000;
