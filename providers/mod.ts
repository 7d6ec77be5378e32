/**
 * Provider contracts of the Proliferate platform: the {@link IntegrationProvider} shape that
 * code-defined integrations (Sentry, Linear, GitHub, …) implement, the {@link ActionSource} seam
 * behind agent actions, trigger events and webhooks, mode resolution, drift hashing, and Zod
 * validators for everything that crosses a process boundary.
 *
 * Safe for edge runtimes: web-standard types only (`Uint8Array`, `Request`, `AbortSignal`),
 * WebCrypto for hashing and HMAC, and no database code; the only dependency is Zod.
 *
 * ## Decisions this contract takes (numbered as in the interfaces fact sheet)
 *
 * - D1, D2: {@link ProviderActions} is a static `definitions` list whose entries carry
 *   `execute(params, ctx)`, plus `guide`; {@link ProviderActionSource} turns it into an
 *   {@link ActionSource} and lists the definitions without executors.
 * - D3: `danger` infers `deny` (an explicit override can relax it).
 * - D4: `WebhookRequest.rawBody` is a `Uint8Array` (a Node `Buffer` fits); header keys are
 *   lower-case; HMAC goes through WebCrypto ({@link verifyHmacSha256Signature}).
 * - D5: `verify` returns the {@link WebhookIdentity}; persisting it with the inbox row is the
 *   schema's job. {@link storableWebhookHeaders} drops credential headers (and any a provider
 *   names as carrying its secret) before the route stores them.
 * - D6, D7: inbox statuses `pending`, `processing`, `completed`, `failed`; trigger event statuses
 *   `queued`, `processing`, `completed`, `failed`, `skipped` with the four skip reasons.
 * - D8, D9: `poll` takes one context object and the cadence is `defaultIntervalSeconds`;
 *   `hydrate` keeps its required `token` (the framework skips it when none resolves).
 * - D10, D11: `ActionExecutionContext.signal` carries cancellation and the 30 s timeout;
 *   `listActions` takes an {@link ActionListContext} whose `sessionId` is optional; connector
 *   secrets arrive as `ctx.token`; the connector row type is the schema module's `OrgConnectorRow`,
 *   kept out of this database-free entry point.
 * - D12: mode keys split at the last `:`; the registry rejects `:` in provider action ids, and MCP
 *   sources must not list tools whose names hold one.
 * - D13: the field is `riskLevel`; an MCP source derives it from the tool's
 *   `annotations.readOnlyHint` (`read` when true, else `write`).
 * - D14: the drift hash is SHA-256 hex over the sorted-key JSON of the converted params schema,
 *   with `description`/`default`/`enum` stripped in keyword positions only; widening an `enum`
 *   does not change it (accepted trade-off against false drift).
 * - D15: {@link ProviderError} has a closed {@link ProviderErrorCode} and a redacted message and
 *   cause; expected failures are returned as `{ success: false, error }`.
 * - D16: `denied_reason` is for `status = denied`; `expired` stays accepted for old rows.
 * - D17: `unknown` instead of `any`; `TriggerType.matches` uses method syntax so typed trigger
 *   types fit `TriggerType[]`; the Zod major is 4 (pinned 4.3.6), and the JSON Schema converter is
 *   its built-in `z.toJSONSchema` with fixed options: upgrading either changes hashes.
 * - D18: the hashing, conversion and HMAC helpers ship here, pure and WebCrypto-based.
 * - D22: `dedupKey` is unique per trigger; convention `"<provider>:<native id>"`.
 * - D34: user connection statuses reuse {@link IntegrationStatus}.
 * - D36: the four categories stay; Slack and PostHog use `custom`.
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
