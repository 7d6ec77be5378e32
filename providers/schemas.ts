/**
 * Zod validators for every provider-contract shape that crosses a process boundary (webhook route →
 * inbox → worker, worker → database, gateway ↔ database JSONB). Each schema's output type is
 * exactly its interface (checked at compile time). Validate with {@link parseOrThrow} for errors
 * that name the bad field, or with `schema.safeParse`.
 *
 * What they accept, PostgreSQL stores as it is: no string holds U+0000 (`text` and `jsonb`
 * refuse it) or a lone UTF-16 surrogate (`text` would store U+FFFD, merging distinct values such
 * as two dedup keys); timestamps are ones `timestamptz` takes (no year 0000, offsets within
 * ±15:59); JSON values nest at most 64 levels and any input gives a validation error, never a
 * `RangeError`. Value sets come in pairs where stored rows keep legacy values: the plain schema
 * is the write schema (vNext values only), the `stored…` schema the one for rows read back.
 *
 * @module
 */
import { z } from "zod";
import {
  ACTION_MODES,
  type ActionMode,
  type ActionResult,
  MODE_SOURCES,
  type ModeResolution,
  type ModeSource,
  RISK_LEVELS,
  type RiskLevel,
} from "./action-source.ts";
import {
  ACTION_MODE_KEY_PATTERN,
  type ActionModeKey,
  type ActionModes,
  parseActionModeKey,
  type ToolRiskOverride,
  type ToolRiskOverrides,
} from "./action-modes.ts";
import {
  ACTION_DENIED_REASONS,
  ACTION_INVOCATION_STATUSES,
  type ActionDeniedReason,
  type ActionInvocationStatus,
  APPROVAL_MODES,
  type ApprovalMode,
  LEGACY_ACTION_INVOCATION_STATUSES,
  type StoredActionInvocationStatus,
} from "./action-invocations.ts";
import {
  CONNECTION_TYPES,
  type ConnectionType,
  INTEGRATION_CATEGORIES,
  type IntegrationCategory,
  type NormalizedTriggerEvent,
  type PollResult,
  WEBHOOK_IDENTITY_KINDS,
  type WebhookIdentity,
  type WebhookIdentityKind,
  type WebhookImmediateResponse,
  type WebhookParseInput,
  type WebhookRequest,
  type WebhookVerificationResult,
} from "./types.ts";
import {
  type EnqueueEnrichPayload,
  LEGACY_TRIGGER_EVENT_SKIP_REASONS,
  type StoredTriggerEventSkipReason,
  TRIGGER_EVENT_SKIP_REASONS,
  TRIGGER_EVENT_STATUSES,
  TRIGGER_KINDS,
  type TriggerEventSkipReason,
  type TriggerEventStatus,
  type TriggerKind,
  WEBHOOK_INBOX_STATUSES,
  type WebhookInboxStatus,
} from "./trigger-values.ts";
import {
  CONNECTOR_TRANSPORTS,
  type ConnectorAuth,
  type ConnectorRiskPolicy,
  type ConnectorTransport,
  INTEGRATION_STATUSES,
  INTEGRATION_VISIBILITIES,
  type IntegrationStatus,
  type IntegrationVisibility,
  USER_CONNECTION_STATUSES,
  type UserConnectionStatus,
} from "./connector-values.ts";
import { PROVIDER_ERROR_CODES, type ProviderErrorCode } from "./errors.ts";
import {
  exactSchema,
  jsonRecordSchema as jsonRecord,
  jsonValueSchema as jsonValue,
  storableTextProblem,
  storableTextSchema as text,
  storableTimestampSchema as isoTimestamp,
  storableUrlSchema,
} from "./validate.ts";

const nonEmpty = text.min(1);
const headers = z.record(text, z.union([text, z.array(text), z.undefined()]));
const stringMap = z.record(text, z.union([text, z.undefined()]));

/** Validates a {@link RiskLevel}: `read`, `write` or `danger`. */
export const riskLevelSchema: z.ZodType<RiskLevel> = z.enum(RISK_LEVELS);

/** Validates an {@link ActionMode}: `allow`, `deny` or `require_approval`. */
export const actionModeSchema: z.ZodType<ActionMode> = z.enum(ACTION_MODES);

/** Validates a {@link ModeSource}. */
export const modeSourceSchema: z.ZodType<ModeSource> = z.enum(MODE_SOURCES);

/**
 * Validates a {@link ModeResolution}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modeResolutionSchema } from "@proliferate/core/providers";
 *
 * assert.equal(
 *   modeResolutionSchema.safeParse({ mode: "deny", source: "inferred_default" }).success,
 *   true,
 * );
 * ```
 */
export const modeResolutionSchema: z.ZodType<ModeResolution> = exactSchema<ModeResolution>()(
  z.object({ mode: actionModeSchema, source: modeSourceSchema }),
);

/**
 * Validates an {@link ActionResult}; `data` must be JSON-serialisable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionResultSchema } from "@proliferate/core/providers";
 *
 * assert.equal(actionResultSchema.safeParse({ success: true, data: { id: 1 } }).success, true);
 * assert.equal(actionResultSchema.safeParse({ success: true, data: new Map() }).success, false);
 * ```
 */
export const actionResultSchema: z.ZodType<ActionResult> = exactSchema<ActionResult>()(
  z.object({
    success: z.boolean(),
    data: jsonValue.optional(),
    error: text.optional(),
    _truncated: z.boolean().optional(),
  }),
);

/**
 * Validates an {@link ActionModeKey}: `"<sourceId>:<actionId>"`, both sides non-empty, split at
 * the last `:`, no line break, so that the database CHECK on `action_modes` accepts it too
 * ({@link ACTION_MODE_KEY_PATTERN}).
 */
export const actionModeKeySchema: z.ZodType<ActionModeKey> = z.custom<ActionModeKey>(
  (value) =>
    typeof value === "string" && ACTION_MODE_KEY_PATTERN.test(value) &&
    parseActionModeKey(value) !== undefined && storableTextProblem(value) === undefined,
  { message: 'Expected "<sourceId>:<actionId>"' },
);

/**
 * Validates {@link ActionModes} (`organizations.action_modes`, `automations.action_modes`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionModesSchema } from "@proliferate/core/providers";
 *
 * assert.equal(actionModesSchema.safeParse({ "linear:create_issue": "allow" }).success, true);
 * assert.equal(actionModesSchema.safeParse({ "linear:create_issue": "yes" }).success, false);
 * assert.equal(actionModesSchema.safeParse({ "no_colon": "allow" }).success, false);
 * ```
 */
export const actionModesSchema: z.ZodType<ActionModes> = exactSchema<ActionModes>()(
  z.record(actionModeKeySchema, actionModeSchema),
);

/** Validates a {@link ToolRiskOverride}; `hash` is a lower-case SHA-256 hex digest. */
export const toolRiskOverrideSchema: z.ZodType<ToolRiskOverride> = exactSchema<ToolRiskOverride>()(
  z.object({
    mode: actionModeSchema,
    hash: text.regex(/^[0-9a-f]{64}$/, "Expected a lower-case SHA-256 hex digest"),
  }),
);

/**
 * Validates {@link ToolRiskOverrides} (`org_connectors.tool_risk_overrides`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toolRiskOverridesSchema } from "@proliferate/core/providers";
 *
 * const hash = "0".repeat(64);
 * assert.equal(toolRiskOverridesSchema.safeParse({ search: { mode: "allow", hash } }).success, true);
 * ```
 */
export const toolRiskOverridesSchema: z.ZodType<ToolRiskOverrides> = exactSchema<
  ToolRiskOverrides
>()(z.record(text, toolRiskOverrideSchema));

/** Validates an {@link ApprovalMode}: `once` or `always`. */
export const approvalModeSchema: z.ZodType<ApprovalMode> = z.enum(APPROVAL_MODES);

/**
 * Write schema: validates an {@link ActionInvocationStatus} a new write may use (`pending`,
 * `executed`, `denied`, `expired`, `failed`). Rows read back may also hold legacy statuses:
 * parse those with {@link storedActionInvocationStatusSchema}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionInvocationStatusSchema } from "@proliferate/core/providers";
 *
 * assert.equal(actionInvocationStatusSchema.safeParse("executed").success, true);
 * assert.equal(actionInvocationStatusSchema.safeParse("approved").success, false);
 * ```
 */
export const actionInvocationStatusSchema: z.ZodType<ActionInvocationStatus> = z.enum(
  ACTION_INVOCATION_STATUSES,
);

/**
 * Stored-row schema: validates a {@link StoredActionInvocationStatus}, every value the
 * `action_invocations_status_check` CHECK keeps: the five vNext statuses and the legacy
 * `approved`, `executing`, `completed`. Use it for rows read back, never to admit a new write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storedActionInvocationStatusSchema } from "@proliferate/core/providers";
 *
 * assert.equal(storedActionInvocationStatusSchema.safeParse("approved").success, true);
 * assert.equal(storedActionInvocationStatusSchema.safeParse("unknown").success, false);
 * ```
 */
export const storedActionInvocationStatusSchema: z.ZodType<StoredActionInvocationStatus> = z.enum(
  [...ACTION_INVOCATION_STATUSES, ...LEGACY_ACTION_INVOCATION_STATUSES],
);

/** Validates an {@link ActionDeniedReason}. */
export const actionDeniedReasonSchema: z.ZodType<ActionDeniedReason> = z.enum(
  ACTION_DENIED_REASONS,
);

/** Validates a {@link ConnectionType}. */
export const connectionTypeSchema: z.ZodType<ConnectionType> = z.enum(CONNECTION_TYPES);

/** Validates an {@link IntegrationCategory}. */
export const integrationCategorySchema: z.ZodType<IntegrationCategory> = z.enum(
  INTEGRATION_CATEGORIES,
);

/**
 * Validates a {@link NormalizedTriggerEvent}: ids non-empty, `occurredAt` an ISO 8601 timestamp
 * with offset, `url` a URL, `context` and `raw` JSON-serialisable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizedTriggerEventSchema } from "@proliferate/core/providers";
 *
 * const event = {
 *   provider: "sentry",
 *   eventType: "error_created",
 *   providerEventType: "issue.created",
 *   occurredAt: "2025-01-02T03:04:05Z",
 *   dedupKey: "sentry:123",
 *   title: "TypeError in checkout",
 *   context: { level: "error" },
 * };
 * assert.equal(normalizedTriggerEventSchema.safeParse(event).success, true);
 * assert.equal(normalizedTriggerEventSchema.safeParse({ ...event, dedupKey: "" }).success, false);
 * ```
 */
export const normalizedTriggerEventSchema: z.ZodType<NormalizedTriggerEvent> = exactSchema<
  NormalizedTriggerEvent
>()(
  z.object({
    provider: nonEmpty,
    eventType: nonEmpty,
    providerEventType: nonEmpty,
    occurredAt: isoTimestamp,
    dedupKey: nonEmpty,
    title: text,
    url: storableUrlSchema.optional(),
    context: jsonRecord,
    raw: jsonValue.optional(),
  }),
);

/** Validates a {@link WebhookIdentityKind}. */
export const webhookIdentityKindSchema: z.ZodType<WebhookIdentityKind> = z.enum(
  WEBHOOK_IDENTITY_KINDS,
);

/** Validates a {@link WebhookIdentity}. */
export const webhookIdentitySchema: z.ZodType<WebhookIdentity> = exactSchema<WebhookIdentity>()(
  z.object({ kind: webhookIdentityKindSchema, id: nonEmpty }),
);

/** Validates a {@link WebhookImmediateResponse}; `status` is an HTTP status (100–599). */
export const webhookImmediateResponseSchema: z.ZodType<WebhookImmediateResponse> = exactSchema<
  WebhookImmediateResponse
>()(
  z.object({ status: z.int().min(100).max(599), body: z.unknown().optional() }),
);

/**
 * Validates a {@link WebhookVerificationResult}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhookVerificationResultSchema } from "@proliferate/core/providers";
 *
 * assert.equal(
 *   webhookVerificationResultSchema.safeParse({
 *     ok: true,
 *     identity: { kind: "integration", id: "int_1" },
 *   }).success,
 *   true,
 * );
 * assert.equal(webhookVerificationResultSchema.safeParse({ ok: "yes" }).success, false);
 * ```
 */
export const webhookVerificationResultSchema: z.ZodType<WebhookVerificationResult> = exactSchema<
  WebhookVerificationResult
>()(
  z.object({
    ok: z.boolean(),
    identity: webhookIdentitySchema.optional(),
    immediateResponse: webhookImmediateResponseSchema.optional(),
  }),
);

/** Validates a {@link WebhookRequest}; `rawBody` must be a `Uint8Array` (a Node `Buffer` is one). */
export const webhookRequestSchema: z.ZodType<WebhookRequest> = exactSchema<WebhookRequest>()(
  z.object({
    method: nonEmpty,
    path: text,
    headers,
    query: stringMap,
    params: stringMap,
    rawBody: z.custom<Uint8Array>((value) => value instanceof Uint8Array, "Expected a Uint8Array"),
    body: z.unknown(),
  }),
);

/**
 * Validates a {@link WebhookParseInput} (what a worker reads back from the inbox).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhookParseInputSchema } from "@proliferate/core/providers";
 *
 * const input = { json: { a: 1 }, headers: {}, receivedAt: "2025-01-02T03:04:05.000Z" };
 * assert.equal(webhookParseInputSchema.safeParse(input).success, true);
 * ```
 */
export const webhookParseInputSchema: z.ZodType<WebhookParseInput> = exactSchema<
  WebhookParseInput
>()(
  z.object({
    json: z.unknown(),
    headers,
    providerEventType: text.optional(),
    receivedAt: isoTimestamp,
  }),
);

/**
 * Validates a {@link PollResult}; `nextCursor` is required and JSON-serialisable (`null` for "no
 * cursor"), `backoffSeconds` ≥ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pollResultSchema } from "@proliferate/core/providers";
 *
 * assert.equal(pollResultSchema.safeParse({ events: [], nextCursor: null }).success, true);
 * assert.equal(pollResultSchema.safeParse({ events: [] }).success, false); // nextCursor missing
 * assert.equal(pollResultSchema.safeParse({ events: [], nextCursor: 1n }).success, false);
 * ```
 */
export const pollResultSchema: z.ZodType<PollResult> = exactSchema<PollResult>()(
  z.object({
    events: z.array(normalizedTriggerEventSchema),
    nextCursor: jsonValue,
    backoffSeconds: z.number().min(0).optional(),
  }),
);

/** Validates a {@link TriggerKind}. */
export const triggerKindSchema: z.ZodType<TriggerKind> = z.enum(TRIGGER_KINDS);

/** Validates a {@link WebhookInboxStatus}. */
export const webhookInboxStatusSchema: z.ZodType<WebhookInboxStatus> = z.enum(
  WEBHOOK_INBOX_STATUSES,
);

/** Validates a {@link TriggerEventStatus}. */
export const triggerEventStatusSchema: z.ZodType<TriggerEventStatus> = z.enum(
  TRIGGER_EVENT_STATUSES,
);

/**
 * Write schema: validates a {@link TriggerEventSkipReason} a new write may use. Rows read back may
 * also hold `legacy_null_status`: parse those with {@link storedTriggerEventSkipReasonSchema}.
 */
export const triggerEventSkipReasonSchema: z.ZodType<TriggerEventSkipReason> = z.enum(
  TRIGGER_EVENT_SKIP_REASONS,
);

/**
 * Stored-row schema: validates a {@link StoredTriggerEventSkipReason}, every value the platform
 * keeps in `trigger_events.skip_reason` (the column has no CHECK): the four reasons and
 * `legacy_null_status`, which migration `0002_vnext_backfill` writes. Use it for rows read back,
 * never to admit a new write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   storedTriggerEventSkipReasonSchema,
 *   triggerEventSkipReasonSchema,
 * } from "@proliferate/core/providers";
 *
 * assert.equal(storedTriggerEventSkipReasonSchema.safeParse("legacy_null_status").success, true);
 * assert.equal(triggerEventSkipReasonSchema.safeParse("legacy_null_status").success, false);
 * ```
 */
export const storedTriggerEventSkipReasonSchema: z.ZodType<StoredTriggerEventSkipReason> = z.enum(
  [...TRIGGER_EVENT_SKIP_REASONS, ...LEGACY_TRIGGER_EVENT_SKIP_REASONS],
);

/** Validates an {@link EnqueueEnrichPayload}. */
export const enqueueEnrichPayloadSchema: z.ZodType<EnqueueEnrichPayload> = exactSchema<
  EnqueueEnrichPayload
>()(z.object({ runId: nonEmpty }));

/** Validates an {@link IntegrationStatus}. */
export const integrationStatusSchema: z.ZodType<IntegrationStatus> = z.enum(INTEGRATION_STATUSES);

/** Validates a {@link UserConnectionStatus} (`user_connections.status`). */
export const userConnectionStatusSchema: z.ZodType<UserConnectionStatus> = z.enum(
  USER_CONNECTION_STATUSES,
);

/** Validates an {@link IntegrationVisibility}. */
export const integrationVisibilitySchema: z.ZodType<IntegrationVisibility> = z.enum(
  INTEGRATION_VISIBILITIES,
);

/** Validates a {@link ConnectorTransport}. */
export const connectorTransportSchema: z.ZodType<ConnectorTransport> = z.enum(CONNECTOR_TRANSPORTS);

/**
 * Validates a {@link ConnectorAuth} (`org_connectors.auth`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectorAuthSchema } from "@proliferate/core/providers";
 *
 * assert.equal(
 *   connectorAuthSchema.safeParse({ type: "bearer", secretKey: "NOTION_TOKEN" }).success,
 *   true,
 * );
 * assert.equal(connectorAuthSchema.safeParse({ type: "custom_header", secretKey: "K" }).success, false);
 * ```
 */
export const connectorAuthSchema: z.ZodType<ConnectorAuth> = exactSchema<ConnectorAuth>()(
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("bearer"), secretKey: nonEmpty }),
    z.object({ type: z.literal("custom_header"), secretKey: nonEmpty, headerName: nonEmpty }),
  ]),
);

/** Validates a {@link ConnectorRiskPolicy} (`org_connectors.risk_policy`). */
export const connectorRiskPolicySchema: z.ZodType<ConnectorRiskPolicy> = exactSchema<
  ConnectorRiskPolicy
>()(
  z.object({
    defaultRisk: riskLevelSchema.optional(),
    overrides: z.record(text, riskLevelSchema).optional(),
  }),
);

/** Validates a {@link ProviderErrorCode}. */
export const providerErrorCodeSchema: z.ZodType<ProviderErrorCode> = z.enum(PROVIDER_ERROR_CODES);
