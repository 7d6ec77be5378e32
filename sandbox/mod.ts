/**
 * Sandbox contracts of the Proliferate platform: the {@link SandboxProvider} interface that compute
 * providers (Modal, E2B) implement, including memory snapshots; {@link SandboxProviderError} with
 * retry classification and secret redaction; gateway tool callbacks; session value sets; and Zod
 * validators for everything that crosses a process boundary.
 *
 * Safe for edge runtimes: web-standard types only (`Uint8Array`, `Response`, `AbortSignal`) and no
 * database code; the only dependency is Zod.
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
