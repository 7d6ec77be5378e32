/**
 * Zod shapes of the JSONB columns whose contents are known, the TypeScript types derived from
 * them (the tables use these types through `.$type<…>()`), and {@linkcode parseJsonColumn}, which
 * validates a value for one column and names the column and the offending field when it fails.
 *
 * The database enforces only part of this: `organization.action_modes`,
 * `automations.action_modes` and `org_connectors.tool_risk_overrides` have shape CHECKs; every
 * other shape here is checked by the application alone.
 *
 * @example Validate a value before writing it
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonColumn, sessionAgentConfigSchema } from "@proliferate/core/schema";
 *
 * const config = parseJsonColumn(sessionAgentConfigSchema, { modelId: "claude-opus-4.6" }, "sessions.agent_config");
 * assert.equal(config.modelId, "claude-opus-4.6");
 * assert.throws(
 *   () => parseJsonColumn(sessionAgentConfigSchema, { tools: ["verify", 7] }, "sessions.agent_config"),
 *   /sessions\.agent_config: tools\[1\]: /,
 * );
 * ```
 *
 * @module
 */
import { z } from "zod";
import {
  ACTION_MODE_KEY_PATTERN,
  type ActionMode,
  type ActionModes,
  actionModeSchema,
  actionModesSchema,
  type ConnectorRiskPolicy,
  connectorRiskPolicySchema,
  type JsonObject,
  type JsonValue,
  type RiskLevel,
  riskLevelSchema,
  type ToolRiskOverride,
  type ToolRiskOverrides,
  toolRiskOverrideSchema,
  toolRiskOverridesSchema,
} from "../providers/mod.ts";
import { exactSchema } from "../providers/validate.ts";
import {
  type AutomationOutcome,
  automationOutcomeSchema,
  type PrebuildServiceCommand,
  prebuildServiceCommandSchema,
  SERVICE_COMMAND_LIMITS,
  type SessionAgentConfig,
  sessionAgentConfigSchema,
} from "../sandbox/mod.ts";
import {
  checkStorableJson,
  MAX_JSON_DEPTH,
  storableTextSchema as text,
} from "../providers/validate.ts";

export type { JsonObject, JsonValue };

// ---------------------------------------------------------------------------------------------
// Any JSON

/**
 * Any JSON value a `jsonb` column stores as it is: null, boolean, finite number, string, array or
 * object of those, with no U+0000 and no lone UTF-16 surrogate in any string or key (PostgreSQL
 * refuses both), nested at most {@linkcode MAX_JSON_DEPTH} (64) levels deep. Any input gives a
 * validation result, never a stack overflow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonValueSchema } from "@proliferate/core/schema";
 *
 * assert.equal(jsonValueSchema.safeParse({ a: [1, "b", null] }).success, true);
 * assert.equal(jsonValueSchema.safeParse({ at: new Date() }).success, false);
 * ```
 */
export const jsonValueSchema: z.ZodType<JsonValue> = z.unknown().superRefine(
  checkStorableJson,
) as z.ZodType<JsonValue>;

export { MAX_JSON_DEPTH };

/**
 * A JSON object (string keys, JSON values); arrays and scalars are rejected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonObjectSchema } from "@proliferate/core/schema";
 *
 * assert.equal(jsonObjectSchema.safeParse({ title: "x" }).success, true);
 * assert.equal(jsonObjectSchema.safeParse(["x"]).success, false);
 * ```
 */
export const jsonObjectSchema: z.ZodType<JsonObject> = z
  .unknown()
  .superRefine(checkStorableJson)
  .pipe(z.record(text, z.unknown())) as z.ZodType<JsonObject>;

// ---------------------------------------------------------------------------------------------
// Actions: modes, risk, connector tool overrides

// One definition serves the contracts and the columns: `organization.action_modes`,
// `automations.action_modes` (database CHECKs `organization_action_modes_check`,
// `automations_action_modes_check`) and `org_connectors.tool_risk_overrides`
// (`org_connectors_tool_risk_overrides_check`) hold exactly the providers' shapes.
export {
  ACTION_MODE_KEY_PATTERN,
  type ActionMode,
  type ActionModes,
  actionModeSchema,
  actionModesSchema,
  type RiskLevel,
  riskLevelSchema,
  type ToolRiskOverride,
  type ToolRiskOverrides,
  toolRiskOverrideSchema,
  toolRiskOverridesSchema,
};

/**
 * `org_connectors.auth` as the column may hold it: the old spec's kinds (`none`, `secret`,
 * `custom_header` with `headerName` and a `secretKey` or literal `headerValue`) and `bearer`,
 * which the pre-vNext code wrote. `secretKey` names an organization secret, never the value.
 * New rows use the contract's narrower `ConnectorAuth` (`@proliferate/core/providers`), which
 * this shape accepts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storedConnectorAuthSchema } from "@proliferate/core/schema";
 *
 * assert.equal(storedConnectorAuthSchema.safeParse({ type: "bearer", secretKey: "DOCS_TOKEN" }).success, true);
 * assert.equal(storedConnectorAuthSchema.safeParse({ type: "custom_header" }).success, false);
 * ```
 */
export const storedConnectorAuthSchema: z.ZodType<StoredConnectorAuth> = exactSchema<
  StoredConnectorAuth
>()(z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("secret"), secretKey: text.min(1) }),
  z.object({ type: z.literal("bearer"), secretKey: text.min(1) }),
  z.object({
    type: z.literal("custom_header"),
    headerName: text.min(1),
    secretKey: text.min(1).optional(),
    headerValue: text.optional(),
  }),
]));
/** Connector authentication settings as stored, legacy kinds included. */
export type StoredConnectorAuth =
  | { type: "none" }
  | { type: "secret"; secretKey: string }
  | { type: "bearer"; secretKey: string }
  | { type: "custom_header"; headerName: string; secretKey?: string; headerValue?: string };

// `org_connectors.risk_policy` (legacy hint) has the contract's shape.
export { type ConnectorRiskPolicy, connectorRiskPolicySchema };

/**
 * `action_invocations.params`: the action's parameters after redaction (token, secret,
 * password, authorization and api_key values removed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionParamsSchema } from "@proliferate/core/schema";
 *
 * assert.equal(actionParamsSchema.safeParse({ issueId: "LIN-1" }).success, true);
 * ```
 */
export const actionParamsSchema: z.ZodType<JsonObject> = jsonObjectSchema;
/** Redacted action parameters. */
export type ActionParams = z.infer<typeof actionParamsSchema>;

// ---------------------------------------------------------------------------------------------
// Sessions and configurations

// `sessions.agent_config`, `{ modelId?, tools? }`, has the sandbox contract's shape.
export { type SessionAgentConfig, sessionAgentConfigSchema };

/**
 * `sessions.client_metadata`: a free object; for `client_type` 'slack' it carries
 * `installationId`, `channelId` and `threadTs` (indexed by `idx_sessions_slack_lookup`). Other
 * keys are kept as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientMetadataSchema } from "@proliferate/core/schema";
 *
 * const value = { installationId: "i1", channelId: "C1", threadTs: "1.2", extra: true };
 * assert.deepEqual(clientMetadataSchema.parse(value), value);
 * ```
 */
export const clientMetadataSchema: z.ZodType<ClientMetadata> = exactSchema<ClientMetadata>()(
  z.looseObject({
    installationId: text.optional(),
    channelId: text.optional(),
    threadTs: text.optional(),
  }).superRefine(checkStorableJson),
);
/** Client metadata of a session. */
export type ClientMetadata = {
  [key: string]: unknown;
  installationId?: string;
  channelId?: string;
  threadTs?: string;
};

/**
 * One configuration-level service command (what `save_service_commands` writes): `name` 1–100
 * characters, `command` 1–1000, `cwd` and `workspacePath` at most 500. The sandbox contract's
 * `PrebuildServiceCommand` under the vNext name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configurationServiceCommandSchema } from "@proliferate/core/schema";
 *
 * assert.equal(configurationServiceCommandSchema.safeParse({ name: "web", command: "pnpm dev" }).success, true);
 * assert.equal(configurationServiceCommandSchema.safeParse({ name: "", command: "pnpm dev" }).success, false);
 * ```
 */
export const configurationServiceCommandSchema: z.ZodType<ConfigurationServiceCommand> =
  prebuildServiceCommandSchema;
/** One configuration-level service command. */
export type ConfigurationServiceCommand = PrebuildServiceCommand;

/**
 * `configurations.service_commands`: 1 to 10 {@linkcode ConfigurationServiceCommand}s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceCommandsSchema } from "@proliferate/core/schema";
 *
 * assert.equal(serviceCommandsSchema.safeParse([]).success, false);
 * ```
 */
export const serviceCommandsSchema: z.ZodType<ServiceCommands> = z
  .array(configurationServiceCommandSchema)
  .min(SERVICE_COMMAND_LIMITS.minCommands)
  .max(SERVICE_COMMAND_LIMITS.maxCommands);
/** The service commands of a configuration. */
export type ServiceCommands = ConfigurationServiceCommand[];

/**
 * `repos.service_commands`: per-repo commands run after boot, `{ name, command, cwd? }` each
 * (the repo-level fallback when a configuration has none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repoServiceCommandsSchema } from "@proliferate/core/schema";
 *
 * assert.equal(repoServiceCommandsSchema.safeParse([{ name: "api", command: "make run" }]).success, true);
 * ```
 */
export const repoServiceCommandsSchema: z.ZodType<RepoServiceCommands> = exactSchema<
  RepoServiceCommands
>()(
  z.array(
    z.object({ name: text, command: text, cwd: text.optional() }),
  ),
);
/** The service commands of a repo. */
export type RepoServiceCommands = { name: string; command: string; cwd?: string }[];

/**
 * `session_tool_invocations.result`: what a gateway tool handler returned, `{ success, result,
 * data? }`, handed back unchanged when the sandbox retries the same `tool_call_id`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toolCallResultSchema } from "@proliferate/core/schema";
 *
 * assert.equal(toolCallResultSchema.safeParse({ success: true, result: "saved" }).success, true);
 * assert.equal(toolCallResultSchema.safeParse({ success: "yes", result: "saved" }).success, false);
 * ```
 */
export const toolCallResultSchema: z.ZodType<ToolCallResult> = exactSchema<ToolCallResult>()(
  z.looseObject({
    success: z.boolean(),
    result: text,
    data: jsonObjectSchema.optional(),
  }).superRefine(checkStorableJson),
);
/** A gateway tool call's stored result. */
export type ToolCallResult = {
  [key: string]: unknown;
  success: boolean;
  result: string;
  data?: JsonObject;
};

// ---------------------------------------------------------------------------------------------
// Triggers and webhooks

/**
 * `triggers.config`: an object validated by the provider's trigger-type config schema, e.g.
 * Sentry `{ minSeverity: "error" }`. NOT NULL, default `{}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { triggerConfigSchema } from "@proliferate/core/schema";
 *
 * assert.equal(triggerConfigSchema.safeParse({ minSeverity: "error" }).success, true);
 * assert.equal(triggerConfigSchema.safeParse(null).success, false);
 * ```
 */
export const triggerConfigSchema: z.ZodType<JsonObject> = jsonObjectSchema;
/** A trigger's provider-specific settings. */
export type TriggerConfig = z.infer<typeof triggerConfigSchema>;

/**
 * `trigger_events.context`: the normalized event's context object (NOT NULL; `{}` for legacy
 * events that had none). A `title` key, when present, is what the upgrade copied into
 * `trigger_events.title`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { triggerEventContextSchema } from "@proliferate/core/schema";
 *
 * assert.equal(triggerEventContextSchema.safeParse({ title: "TypeError in checkout" }).success, true);
 * ```
 */
export const triggerEventContextSchema: z.ZodType<JsonObject> = jsonObjectSchema;
/** A trigger event's normalized context. */
export type TriggerEventContext = z.infer<typeof triggerEventContextSchema>;

/**
 * `trigger_poll_groups.cursor` (and the legacy `triggers.polling_state`): the opaque value a
 * provider poll returned as its next cursor, passed back on the next poll; any JSON, even null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pollCursorSchema } from "@proliferate/core/schema";
 *
 * assert.equal(pollCursorSchema.safeParse({ since: "2026-01-01T00:00:00Z" }).success, true);
 * ```
 */
export const pollCursorSchema: z.ZodType<JsonValue> = jsonValueSchema;
/** An opaque poll cursor. */
export type PollCursor = z.infer<typeof pollCursorSchema>;

/**
 * `webhook_inbox.headers`: request header name → value or values. Credential headers are
 * dropped before insert, since rows live up to 7 days after processing: build the value with
 * `storableWebhookHeaders` (`@proliferate/core/providers`), which removes authorization,
 * cookies and any header in which the provider sends its shared secret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhookHeadersSchema } from "@proliferate/core/schema";
 *
 * assert.equal(webhookHeadersSchema.safeParse({ "x-event": "issue", accept: ["a", "b"] }).success, true);
 * assert.equal(webhookHeadersSchema.safeParse({ "x-retry": 2 }).success, false);
 * ```
 */
export const webhookHeadersSchema: z.ZodType<WebhookHeaders> = exactSchema<WebhookHeaders>()(
  z.record(text, z.union([text, z.array(text)])),
);
/** Stored webhook request headers. */
export type WebhookHeaders = Record<string, string | string[]>;

/** A parsed webhook body: any JSON value but `null`. */
export type WebhookPayload = Exclude<JsonValue, null>;

/**
 * `webhook_inbox.payload`: the parsed request body. The column is NOT NULL and Drizzle writes a
 * JavaScript `null` as SQL NULL, so `null` is rejected here rather than by the database.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhookPayloadSchema } from "@proliferate/core/schema";
 *
 * assert.equal(webhookPayloadSchema.safeParse({ action: "created" }).success, true);
 * assert.equal(webhookPayloadSchema.safeParse(null).success, false);
 * ```
 */
export const webhookPayloadSchema: z.ZodType<WebhookPayload> = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === null || value === undefined) {
      ctx.addIssue({ code: "custom", message: "Expected a JSON value other than null" });
    } else checkStorableJson(value, ctx);
  }) as z.ZodType<WebhookPayload>;

// ---------------------------------------------------------------------------------------------
// Organizations and automation runs

/**
 * `organization.billing_settings`: overage handling, shaped like its column default
 * `{ overage_policy: "pause", overage_cap_cents: null, overage_used_this_month_cents: 0 }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { billingSettingsSchema } from "@proliferate/core/schema";
 *
 * const value = { overage_policy: "pause", overage_cap_cents: null, overage_used_this_month_cents: 0 };
 * assert.equal(billingSettingsSchema.safeParse(value).success, true);
 * ```
 */
export const billingSettingsSchema: z.ZodType<BillingSettings> = exactSchema<BillingSettings>()(
  z.looseObject({
    overage_policy: text,
    overage_cap_cents: z.number().nullable(),
    overage_used_this_month_cents: z.number(),
  }).superRefine(checkStorableJson),
);
/** Billing settings of an organization. */
export type BillingSettings = {
  [key: string]: unknown;
  overage_policy: string;
  overage_cap_cents: number | null;
  overage_used_this_month_cents: number;
};

/**
 * `automation_runs.completion_json`: the `automation.complete` payload. `completion_id` is the
 * domain idempotency key; `outcome` is `succeeded`, `failed` or `needs_human`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { automationCompletionSchema } from "@proliferate/core/schema";
 *
 * const done = { run_id: "r1", completion_id: "c1", outcome: "needs_human" };
 * assert.equal(automationCompletionSchema.safeParse(done).success, true);
 * assert.equal(automationCompletionSchema.safeParse({ ...done, outcome: "ok" }).success, false);
 * ```
 */
export const automationCompletionSchema: z.ZodType<AutomationCompletion> = exactSchema<
  AutomationCompletion
>()(
  z.looseObject({
    run_id: text,
    completion_id: text,
    outcome: automationOutcomeSchema,
    summary_markdown: text.optional(),
    citations: z.array(text).optional(),
    diff_ref: text.optional(),
    test_report_ref: text.optional(),
    side_effect_refs: z.array(text).optional(),
  }).superRefine(checkStorableJson),
);
/** The completion payload of an automation run. */
export type AutomationCompletion = {
  [key: string]: unknown;
  run_id: string;
  completion_id: string;
  outcome: AutomationOutcome;
  summary_markdown?: string;
  citations?: string[];
  diff_ref?: string;
  test_report_ref?: string;
  side_effect_refs?: string[];
};

// ---------------------------------------------------------------------------------------------
// Validation with the column's name in the error

/**
 * Every typed JSONB column, `"<table>.<column>"` → its schema. Columns not listed hold
 * undocumented shapes (for example `configurations.env_files`) and are typed `unknown`.
 */
export const jsonColumnSchemas = {
  "action_invocations.params": actionParamsSchema,
  "action_invocations.result": jsonValueSchema,
  "automation_runs.completion_json": automationCompletionSchema,
  "automations.action_modes": actionModesSchema,
  "configurations.service_commands": serviceCommandsSchema,
  "org_connectors.auth": storedConnectorAuthSchema,
  "org_connectors.risk_policy": connectorRiskPolicySchema,
  "org_connectors.tool_risk_overrides": toolRiskOverridesSchema,
  "organization.action_modes": actionModesSchema,
  "organization.billing_settings": billingSettingsSchema,
  "repos.service_commands": repoServiceCommandsSchema,
  "session_tool_invocations.params": jsonObjectSchema,
  "session_tool_invocations.result": toolCallResultSchema,
  "sessions.agent_config": sessionAgentConfigSchema,
  "sessions.client_metadata": clientMetadataSchema,
  "trigger_events.context": triggerEventContextSchema,
  "trigger_events.raw_payload": jsonValueSchema,
  "trigger_poll_groups.cursor": pollCursorSchema,
  "triggers.config": triggerConfigSchema,
  "triggers.polling_state": pollCursorSchema,
  "user_connections.metadata": jsonObjectSchema,
  "webhook_inbox.headers": webhookHeadersSchema,
  "webhook_inbox.payload": webhookPayloadSchema,
} as const satisfies Record<string, z.ZodType>;

/** A `"<table>.<column>"` name listed in {@linkcode jsonColumnSchemas}. */
export type JsonColumnName = keyof typeof jsonColumnSchemas;

/** Thrown by {@linkcode parseJsonColumn}: which column, and every problem with its path. */
export class JsonColumnError extends Error {
  /** `"<table>.<column>"` the value was meant for. */
  readonly column: string;
  /** Zod's issues, each with the `path` of the offending field. */
  readonly issues: readonly z.core.$ZodIssue[];
  /** Builds the message `<column>: <path>: <problem>; …` from Zod's issues. */
  constructor(column: string, issues: readonly z.core.$ZodIssue[]) {
    super(
      issues.map((issue) => `${column}${describePath(issue.path)}: ${describeIssue(issue)}`)
        .join("; "),
    );
    this.name = "JsonColumnError";
    this.column = column;
    this.issues = issues;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A bad record key nests the key's own problem (e.g. the pattern it missed) one level down.
  if (issue.code === "invalid_key" && issue.issues.length > 0) {
    return `${issue.message} (${issue.issues.map((inner) => inner.message).join("; ")})`;
  }
  return issue.message;
}

function describePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? `: ${String(key)}` : `.${String(key)}`;
  }
  return out.startsWith("[") ? `: ${out}` : out;
}

/**
 * Validates `value` for the JSONB column `column` and returns Zod's output (unknown keys of
 * strict shapes dropped). Throws a {@linkcode JsonColumnError} whose message names the column
 * and the path of each offending field, e.g.
 * `org_connectors.tool_risk_overrides: search.mode: Invalid option: …`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { actionModesSchema, JsonColumnError, parseJsonColumn } from "@proliferate/core/schema";
 *
 * const modes = parseJsonColumn(actionModesSchema, { "linear:create_issue": "allow" }, "organization.action_modes");
 * assert.deepEqual(modes, { "linear:create_issue": "allow" });
 * assert.throws(
 *   () => parseJsonColumn(actionModesSchema, { "linear:create_issue": "always" }, "organization.action_modes"),
 *   (error: unknown) =>
 *     error instanceof JsonColumnError &&
 *     error.message.startsWith("organization.action_modes: linear:create_issue: "),
 * );
 * ```
 */
export function parseJsonColumn<S extends z.ZodType>(
  schema: S,
  value: unknown,
  column: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new JsonColumnError(column, result.error.issues);
  return result.data;
}
