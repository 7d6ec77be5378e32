/**
 * Sandbox contracts of the Proliferate platform: the {@link SandboxProvider} interface that compute
 * providers (Modal, E2B) implement, including memory snapshots; {@link SandboxProviderError} with
 * retry classification and secret redaction; gateway tool callbacks; session value sets; and Zod
 * validators for everything that crosses a process boundary.
 *
 * Safe for edge runtimes: web-standard types only (`Uint8Array`, `Response`, `AbortSignal`) and no
 * database code; the only dependency is Zod.
 *
 * ## Decisions this contract takes (numbered as in the interfaces fact sheet)
 *
 * - D19: {@link SandboxProviderType} is declared once and the errors module imports it.
 * - D20: {@link CreateSandboxOpts} follows the providers' code, adds `userName`/`userEmail` for the
 *   git identity, keeps `snapshotHasDeps` (no `hasActiveSnapshot`) and `PrebuildServiceCommand[]`.
 * - D21: no `createTerminalSandbox` (no source gives it a signature).
 * - D23: `supportsMemorySnapshot` is `readonly`; {@link isMemorySnapshotCapable} narrows to a
 *   provider with both methods.
 * - D24: {@link RestoreFromMemorySnapshotOpts} carries `repos` so the restore flow can rewrite git
 *   credentials and pull before it returns.
 * - D25: memory snapshot ids start with `mem:` ({@link isMemorySnapshotId}).
 * - D26: {@link SandboxOperation} adds `memorySnapshot`, `restoreFromMemorySnapshot` and
 *   `ensureSandbox`.
 * - D27: `envFiles` stays `unknown` at this boundary.
 * - D28: retry markers match in any case and include `ECONNRESET`, `EAI_AGAIN` and
 *   `socket hang up` (plus an error's `code` and `TimeoutError`); statuses 429/502/503/504;
 *   every message is capped at 500 characters.
 * - D29: redaction adds other `sk-` keys, `github_pat_`, Slack `xox?-` tokens, any-case `Bearer`,
 *   64-hex tokens and URL passwords; `ak-`/`as-`/`sk-` only match at a word start and with a
 *   long enough body, and a `bearer` not spelled `Bearer` only with a 12+ character token, so
 *   `break-even`, `as-is` and "the bearer of news" survive; `raw` and `cause` are stored redacted.
 *   Beyond D29: AWS, PEM/OpenSSH, Basic, Stripe, Google, cookie and JSON-password formats, in raw,
 *   URL-encoded and JSON-escaped text (the table in `redact.ts`); JSON bodies are walked, and a
 *   member whose key names a credential (key, token, secret, password, auth, cookie, session…,
 *   case and separators ignored; {@link isCredentialKey}) loses its text value.
 * - D31, D32: stored `terminal` maps to `cli` ({@link toSandboxSessionType}); `browser` is an input
 *   alias of `web` ({@link normalizeClientType}).
 * - D30, D35: `automation_complete` is accepted as an alias of `automation.complete`; tool call
 *   idempotency is scoped to `(session_id, tool_call_id)`.
 * - D33: `pause_reason` and `stop_reason` stay free text, so no value set is exported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   type CreateSandboxResult,
 *   isMemorySnapshotCapable,
 *   isMemorySnapshotId,
 *   type SandboxProvider,
 *   SandboxProviderError,
 * } from "@proliferate/core/sandbox";
 *
 * async function resume(
 *   provider: SandboxProvider,
 *   sessionId: string,
 *   snapshotId: string,
 * ): Promise<CreateSandboxResult> {
 *   if (isMemorySnapshotId(snapshotId)) {
 *     if (!isMemorySnapshotCapable(provider)) {
 *       throw new SandboxProviderError({
 *         provider: provider.type,
 *         operation: "restoreFromMemorySnapshot",
 *         message: "memory snapshots are not supported",
 *       });
 *     }
 *     return await provider.restoreFromMemorySnapshot(sessionId, snapshotId);
 *   }
 *   return await provider.createSandbox({
 *     sessionId,
 *     repos: [],
 *     branch: "main",
 *     envVars: {},
 *     systemPrompt: "",
 *     snapshotId,
 *   });
 * }
 *
 * const err = SandboxProviderError.fromError(
 *   new Error("connect ECONNRESET via https://x-access-token:ghs_abc@github.com"),
 *   "modal",
 *   "restoreFromMemorySnapshot",
 * );
 * assert.equal(err.isRetryable, true);
 * assert.equal(err.message.includes("ghs_abc"), false);
 * assert.equal(typeof resume, "function");
 * ```
 *
 * @module
 */
export * from "./provider.ts";
export * from "./errors.ts";
export * from "./redact.ts";
export * from "./limits.ts";
export * from "./fetch.ts";
export * from "./git-freshness.ts";
export * from "./tools.ts";
export * from "./sessions.ts";
export * from "./schemas.ts";
export {
  type ContractIssue,
  ContractValidationError,
  formatIssuePath,
  parseOrThrow,
} from "../providers/validate.ts";
