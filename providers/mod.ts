/**
 * Provider contracts of the Proliferate platform: the {@link IntegrationProvider} shape that
 * code-defined integrations (Sentry, Linear, GitHub, …) implement, the {@link ActionSource} seam
 * behind agent actions, trigger events and webhooks, mode resolution, drift hashing, and Zod
 * validators for everything that crosses a process boundary.
 *
 * Safe for edge runtimes: web-standard types only (`Uint8Array`, `Request`, `AbortSignal`),
 * WebCrypto for hashing and HMAC, and no database code; the only dependency is Zod.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import {
 *   type IntegrationProvider,
 *   normalizedTriggerEventSchema,
 *   parseOrThrow,
 *   resolveActionMode,
 *   type TriggerType,
 *   verifyHmacSha256Signature,
 * } from "@proliferate/core/providers";
 *
 * const errorCreated: TriggerType<{ minLevel: "warning" | "error" }> = {
 *   id: "error_created",
 *   description: "A new Sentry issue",
 *   configSchema: z.object({ minLevel: z.enum(["warning", "error"]) }),
 *   matches(event, config) {
 *     return config.minLevel === "warning" || event.context.level === "error";
 *   },
 * };
 *
 * const sentry: IntegrationProvider = {
 *   id: "sentry",
 *   displayName: "Sentry",
 *   category: "monitoring",
 *   connections: { org: { type: "oauth2", preset: "sentry", scopes: ["event:read"] } },
 *   triggers: {
 *     types: [errorCreated],
 *     webhook: {
 *       verify: async (req, secret) => ({
 *         ok: secret !== null && await verifyHmacSha256Signature({
 *           secret,
 *           body: req.rawBody,
 *           signature: req.headers["sentry-hook-signature"] as string | undefined,
 *         }),
 *       }),
 *       parse: (input) =>
 *         Promise.resolve([{
 *           provider: "sentry",
 *           eventType: "error_created",
 *           providerEventType: input.providerEventType ?? "unknown",
 *           occurredAt: input.receivedAt,
 *           dedupKey: "sentry:1",
 *           title: "TypeError in checkout",
 *           context: { level: "error" },
 *         }]),
 *     },
 *   },
 * };
 *
 * const [event] = await sentry.triggers!.webhook!.parse({
 *   json: {},
 *   headers: {},
 *   providerEventType: "issue.created",
 *   receivedAt: "2025-01-02T03:04:05Z",
 * });
 * const checked = parseOrThrow(normalizedTriggerEventSchema, event, "NormalizedTriggerEvent");
 * assert.equal(errorCreated.matches(checked, { minLevel: "error" }), true);
 *
 * assert.deepEqual(
 *   resolveActionMode({ sourceId: "sentry", actionId: "resolve_issue", riskLevel: "write" }),
 *   { mode: "require_approval", source: "inferred_default" },
 * );
 * ```
 *
 * @module
 */
export * from "./action-source.ts";
export * from "./types.ts";
export * from "./action-modes.ts";
export * from "./action-invocations.ts";
export * from "./trigger-values.ts";
export * from "./connector-values.ts";
export * from "./limits.ts";
export * from "./errors.ts";
export * from "./json.ts";
export * from "./definition-hash.ts";
export * from "./webhook-crypto.ts";
export * from "./webhook-request.ts";
export * from "./registry.ts";
export * from "./schemas.ts";
export {
  type ContractIssue,
  ContractValidationError,
  formatIssuePath,
  parseOrThrow,
} from "./validate.ts";
