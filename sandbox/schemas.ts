/**
 * Zod validators for sandbox-contract shapes that cross a process boundary: tool callbacks from the
 * sandbox, files read back from it (`metadata.json`), provider results stored on the session, and
 * queued sandbox requests. Each schema's output type is exactly its interface (checked at compile
 * time). Validate with `parseOrThrow` for errors that name the bad field. No string they accept
 * holds U+0000 or a lone UTF-16 surrogate, and JSON members nest at most 64 levels, so what they
 * accept PostgreSQL stores as it is.
 *
 * @module
 */
import { z } from "zod";
import {
  exactSchema,
  jsonRecordSchema as jsonRecord,
  jsonValueSchema as jsonValue,
  storableTextSchema as text,
  storableUrlSchema,
} from "../providers/validate.ts";
import {
  AGENT_TYPES,
  type AgentConfig,
  type AgentType,
  type AutoStartOutputEntry,
  type CreateSandboxOpts,
  type CreateSandboxResult,
  type EnsureSandboxResult,
  type MemorySnapshotResult,
  MODEL_IDS,
  type ModelId,
  type PauseResult,
  type PrebuildServiceCommand,
  type RepoSpec,
  SANDBOX_PROVIDER_TYPES,
  SANDBOX_SESSION_TYPES,
  type SandboxProviderType,
  type SandboxSessionType,
  type ServiceCommand,
  type SnapshotResult,
} from "./provider.ts";
import { SANDBOX_OPERATIONS, type SandboxOperation } from "./errors.ts";
import type { SessionMetadata } from "./git-freshness.ts";
import { SERVICE_COMMAND_LIMITS } from "./limits.ts";
import {
  AUTOMATION_OUTCOMES,
  type AutomationCompleteToolParams,
  type AutomationOutcome,
  canonicalGatewayToolName,
  type GatewayToolName,
  type GatewayToolResult,
  type RequestEnvVariablesToolParams,
  type SaveServiceCommandsToolParams,
  type SaveServiceCommandsToolResult,
  type SaveSnapshotToolParams,
  type SaveSnapshotToolResult,
  TOOL_INVOCATION_STATUSES,
  type ToolCallbackError,
  type ToolCallbackRequest,
  type ToolCallbackSuccess,
  type ToolInvocationStatus,
  type VerifyToolParams,
} from "./tools.ts";
import {
  CLIENT_TYPES,
  type ClientType,
  PROVISIONING_MODES,
  type ProvisioningMode,
  SESSION_ORIGINS,
  SESSION_STATUSES,
  SESSION_TYPES,
  type SessionAgentConfig,
  type SessionOrigin,
  type SessionStatus,
  type SessionType,
} from "./sessions.ts";

const nonEmpty = text.min(1);
const epochMs = z.number().int().nonnegative();
const stringRecord = z.record(text, text);
const limits = SERVICE_COMMAND_LIMITS;

/** Validates a {@link SandboxProviderType}: `modal` or `e2b`. */
export const sandboxProviderTypeSchema: z.ZodType<SandboxProviderType> = z.enum(
  SANDBOX_PROVIDER_TYPES,
);

/** Validates a {@link SandboxOperation}. */
export const sandboxOperationSchema: z.ZodType<SandboxOperation> = z.enum(SANDBOX_OPERATIONS);

/** Validates a {@link ModelId}. */
export const modelIdSchema: z.ZodType<ModelId> = z.enum(MODEL_IDS);

/** Validates an {@link AgentType}. */
export const agentTypeSchema: z.ZodType<AgentType> = z.enum(AGENT_TYPES);

/** Validates an {@link AgentConfig}. */
export const agentConfigSchema: z.ZodType<AgentConfig> = exactSchema<AgentConfig>()(
  z.object({ agentType: agentTypeSchema, modelId: modelIdSchema }),
);

/** Validates a {@link SandboxSessionType}: `coding`, `setup` or `cli`. */
export const sandboxSessionTypeSchema: z.ZodType<SandboxSessionType> = z.enum(
  SANDBOX_SESSION_TYPES,
);

/** Validates a {@link ServiceCommand} (same length limits as configuration-level commands). */
export const serviceCommandSchema: z.ZodType<ServiceCommand> = exactSchema<ServiceCommand>()(
  z.object({
    name: text.min(1).max(limits.nameMaxLength),
    command: text.min(1).max(limits.commandMaxLength),
    cwd: text.max(limits.cwdMaxLength).optional(),
  }),
);

/**
 * Validates a {@link PrebuildServiceCommand}: `name` 1–100 characters, `command` 1–1000, `cwd` and
 * `workspacePath` at most 500.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prebuildServiceCommandSchema } from "@proliferate/core/sandbox";
 *
 * assert.equal(
 *   prebuildServiceCommandSchema.safeParse({ name: "api", command: "pnpm dev", workspacePath: "api" })
 *     .success,
 *   true,
 * );
 * assert.equal(prebuildServiceCommandSchema.safeParse({ name: "", command: "x" }).success, false);
 * ```
 */
export const prebuildServiceCommandSchema: z.ZodType<PrebuildServiceCommand> = exactSchema<
  PrebuildServiceCommand
>()(
  z.object({
    name: text.min(1).max(limits.nameMaxLength),
    command: text.min(1).max(limits.commandMaxLength),
    workspacePath: text.max(limits.workspacePathMaxLength).optional(),
    cwd: text.max(limits.cwdMaxLength).optional(),
  }),
);

/** Validates an {@link AutoStartOutputEntry}. */
export const autoStartOutputEntrySchema: z.ZodType<AutoStartOutputEntry> = exactSchema<
  AutoStartOutputEntry
>()(
  z.object({
    name: text,
    workspacePath: text.optional(),
    cwd: text.optional(),
    output: text,
    exitCode: z.int().nullable(),
    logFile: text.optional(),
  }),
);

/** Validates a {@link SnapshotResult}. */
export const snapshotResultSchema: z.ZodType<SnapshotResult> = exactSchema<SnapshotResult>()(
  z.object({ snapshotId: nonEmpty }),
);

/** Validates a {@link PauseResult}. */
export const pauseResultSchema: z.ZodType<PauseResult> = exactSchema<PauseResult>()(
  z.object({ snapshotId: nonEmpty }),
);

/** Validates a {@link MemorySnapshotResult}. */
export const memorySnapshotResultSchema: z.ZodType<MemorySnapshotResult> = exactSchema<
  MemorySnapshotResult
>()(z.object({ snapshotId: nonEmpty }));

/** Validates a {@link RepoSpec}. */
export const repoSpecSchema: z.ZodType<RepoSpec> = exactSchema<RepoSpec>()(
  z.object({
    repoUrl: nonEmpty,
    token: text.optional(),
    workspacePath: nonEmpty,
    repoId: text.optional(),
    serviceCommands: z.array(serviceCommandSchema).optional(),
  }),
);

/**
 * Validates {@link CreateSandboxOpts} (e.g. a sandbox request taken off a queue). `triggerContext`
 * must be JSON-serialisable; `envFiles` stays opaque.
 */
export const createSandboxOptsSchema: z.ZodType<CreateSandboxOpts> = exactSchema<
  CreateSandboxOpts
>()(
  z.object({
    sessionId: nonEmpty,
    sessionType: sandboxSessionTypeSchema.nullable().optional(),
    repos: z.array(repoSpecSchema),
    branch: text,
    envVars: stringRecord,
    systemPrompt: text,
    snapshotId: text.optional(),
    baseSnapshotId: text.optional(),
    agentConfig: agentConfigSchema.optional(),
    currentSandboxId: text.optional(),
    sshPublicKey: text.optional(),
    triggerContext: jsonRecord.optional(),
    snapshotHasDeps: z.boolean().optional(),
    serviceCommands: z.array(prebuildServiceCommandSchema).optional(),
    envFiles: z.unknown().optional(),
    userName: text.optional(),
    userEmail: text.optional(),
  }),
);

const createSandboxResultShape = {
  sandboxId: nonEmpty,
  tunnelUrl: storableUrlSchema,
  previewUrl: storableUrlSchema,
  sshHost: text.optional(),
  sshPort: z.int().min(1).max(65535).optional(),
  expiresAt: epochMs.optional(),
};

/**
 * Validates a {@link CreateSandboxResult}: URLs are URLs, `sshPort` a TCP port, `expiresAt` epoch
 * milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSandboxResultSchema } from "@proliferate/core/sandbox";
 *
 * const ok = {
 *   sandboxId: "sb-1",
 *   tunnelUrl: "https://sb-1-4096.example.dev",
 *   previewUrl: "https://sb-1-20000.example.dev",
 * };
 * assert.equal(createSandboxResultSchema.safeParse(ok).success, true);
 * assert.equal(createSandboxResultSchema.safeParse({ ...ok, sshPort: 70000 }).success, false);
 * ```
 */
export const createSandboxResultSchema: z.ZodType<CreateSandboxResult> = exactSchema<
  CreateSandboxResult
>()(z.object(createSandboxResultShape));

/** Validates an {@link EnsureSandboxResult}. */
export const ensureSandboxResultSchema: z.ZodType<EnsureSandboxResult> = exactSchema<
  EnsureSandboxResult
>()(z.object({ ...createSandboxResultShape, recovered: z.boolean() }));

/**
 * Validates the sandbox's `metadata.json` ({@link SessionMetadata}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sessionMetadataSchema } from "@proliferate/core/sandbox";
 *
 * const meta = { sessionId: "s_1", repoDir: "/workspace", createdAt: 1_700_000_000_000 };
 * assert.equal(sessionMetadataSchema.safeParse(meta).success, true);
 * assert.equal(sessionMetadataSchema.safeParse({ ...meta, createdAt: "yesterday" }).success, false);
 * ```
 */
export const sessionMetadataSchema: z.ZodType<SessionMetadata> = exactSchema<SessionMetadata>()(
  z.object({
    sessionId: nonEmpty,
    repoDir: text,
    createdAt: epochMs,
    lastGitFetchAt: epochMs.optional(),
  }),
);

/**
 * Validates a gateway tool name as received, accepting the alias `automation_complete` and
 * returning the canonical name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatewayToolNameSchema } from "@proliferate/core/sandbox";
 *
 * assert.equal(gatewayToolNameSchema.parse("automation_complete"), "automation.complete");
 * assert.equal(gatewayToolNameSchema.safeParse("rm_rf").success, false);
 * ```
 */
export const gatewayToolNameSchema: z.ZodType<GatewayToolName> = text.transform(
  (name, ctx): GatewayToolName => {
    const canonical = canonicalGatewayToolName(name);
    if (canonical === undefined) {
      ctx.addIssue({ code: "custom", message: `Unknown gateway tool "${name}"` });
      return z.NEVER;
    }
    return canonical;
  },
);

/** Validates a {@link ToolInvocationStatus}. */
export const toolInvocationStatusSchema: z.ZodType<ToolInvocationStatus> = z.enum(
  TOOL_INVOCATION_STATUSES,
);

/** Validates an {@link AutomationOutcome}. */
export const automationOutcomeSchema: z.ZodType<AutomationOutcome> = z.enum(AUTOMATION_OUTCOMES);

/**
 * Validates a {@link ToolCallbackRequest} (body of `POST /internal/tools/:toolName`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOrThrow, toolCallbackRequestSchema } from "@proliferate/core/sandbox";
 *
 * const req = parseOrThrow(
 *   toolCallbackRequestSchema,
 *   { session_id: "s_1", tool_call_id: "call_1", params: { folder: "out/" } },
 *   "tool callback",
 * );
 * assert.equal(req.tool_call_id, "call_1");
 * assert.throws(
 *   () => parseOrThrow(toolCallbackRequestSchema, { session_id: "s_1", params: {} }, "tool callback"),
 *   /tool_call_id/,
 * );
 * ```
 */
export const toolCallbackRequestSchema: z.ZodType<ToolCallbackRequest> = exactSchema<
  ToolCallbackRequest
>()(
  z.object({
    session_id: nonEmpty,
    tool_call_id: nonEmpty,
    params: z.record(text, z.unknown()),
  }),
);

/** Validates a {@link ToolCallbackSuccess} (HTTP 200 body); `result` must be JSON-serialisable. */
export const toolCallbackSuccessSchema: z.ZodType<ToolCallbackSuccess> = exactSchema<
  ToolCallbackSuccess
>()(z.object({ result: jsonValue }));

/** Validates a {@link ToolCallbackError} (HTTP 5xx body). */
export const toolCallbackErrorSchema: z.ZodType<ToolCallbackError> = exactSchema<
  ToolCallbackError
>()(z.object({ error: text, message: text.optional() }));

/** Validates a {@link GatewayToolResult}; `data` must be JSON-serialisable. */
export const gatewayToolResultSchema: z.ZodType<GatewayToolResult> = exactSchema<
  GatewayToolResult
>()(z.object({ success: z.boolean(), result: text, data: jsonRecord.optional() }));

/** Validates {@link VerifyToolParams}. */
export const verifyToolParamsSchema: z.ZodType<VerifyToolParams> = exactSchema<VerifyToolParams>()(
  z.object({ folder: text.min(1).optional() }),
);

/** Validates {@link SaveSnapshotToolParams}. */
export const saveSnapshotToolParamsSchema: z.ZodType<SaveSnapshotToolParams> = exactSchema<
  SaveSnapshotToolParams
>()(z.object({ message: text.optional() }));

/** Validates a {@link SaveSnapshotToolResult}. */
export const saveSnapshotToolResultSchema: z.ZodType<SaveSnapshotToolResult> = exactSchema<
  SaveSnapshotToolResult
>()(z.object({ snapshotId: nonEmpty, target: text }));

/**
 * Validates {@link SaveServiceCommandsToolParams}: 1–10 commands within the per-command limits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saveServiceCommandsToolParamsSchema } from "@proliferate/core/sandbox";
 *
 * const one = { name: "web", command: "pnpm dev" };
 * assert.equal(saveServiceCommandsToolParamsSchema.safeParse({ commands: [one] }).success, true);
 * assert.equal(saveServiceCommandsToolParamsSchema.safeParse({ commands: [] }).success, false);
 * assert.equal(
 *   saveServiceCommandsToolParamsSchema.safeParse({ commands: Array(11).fill(one) }).success,
 *   false,
 * );
 * ```
 */
export const saveServiceCommandsToolParamsSchema: z.ZodType<SaveServiceCommandsToolParams> =
  exactSchema<SaveServiceCommandsToolParams>()(
    z.object({
      commands: z.array(prebuildServiceCommandSchema).min(limits.minCommands).max(
        limits.maxCommands,
      ),
    }),
  );

/** Validates a {@link SaveServiceCommandsToolResult}. */
export const saveServiceCommandsToolResultSchema: z.ZodType<SaveServiceCommandsToolResult> =
  exactSchema<SaveServiceCommandsToolResult>()(
    z.object({ configurationId: nonEmpty, commandCount: z.int().nonnegative() }),
  );

/**
 * Validates {@link AutomationCompleteToolParams}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { automationCompleteToolParamsSchema } from "@proliferate/core/sandbox";
 *
 * const done = { run_id: "run_1", completion_id: "c_1", outcome: "needs_human" };
 * assert.equal(automationCompleteToolParamsSchema.safeParse(done).success, true);
 * assert.equal(
 *   automationCompleteToolParamsSchema.safeParse({ ...done, outcome: "done" }).success,
 *   false,
 * );
 * ```
 */
export const automationCompleteToolParamsSchema: z.ZodType<AutomationCompleteToolParams> =
  exactSchema<AutomationCompleteToolParams>()(
    z.object({
      run_id: nonEmpty,
      completion_id: nonEmpty,
      outcome: automationOutcomeSchema,
      summary_markdown: text.optional(),
      citations: z.array(text).optional(),
      diff_ref: text.optional(),
      test_report_ref: text.optional(),
      side_effect_refs: z.array(text).optional(),
    }),
  );

/** Validates {@link RequestEnvVariablesToolParams}. */
export const requestEnvVariablesToolParamsSchema: z.ZodType<RequestEnvVariablesToolParams> =
  exactSchema<RequestEnvVariablesToolParams>()(
    z.object({
      keys: z.array(
        z.object({
          key: nonEmpty,
          description: text.optional(),
          type: z.enum(["env", "secret"]).optional(),
          required: z.boolean().optional(),
          suggestions: z.array(
            z.object({
              label: text,
              value: text.optional(),
              instructions: text.optional(),
            }),
          ).optional(),
        }),
      ),
    }),
  );

/** Validates a {@link SessionStatus}. */
export const sessionStatusSchema: z.ZodType<SessionStatus> = z.enum(SESSION_STATUSES);

/** Validates a stored {@link SessionType} (`setup`, `coding`, `cli`, `terminal`). */
export const sessionTypeSchema: z.ZodType<SessionType> = z.enum(SESSION_TYPES);

/**
 * Validates a {@link ClientType}, accepting the input alias `browser` and returning `web`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientTypeSchema } from "@proliferate/core/sandbox";
 *
 * assert.equal(clientTypeSchema.parse("browser"), "web");
 * ```
 */
export const clientTypeSchema: z.ZodType<ClientType> = z.preprocess(
  (value) => value === "browser" ? "web" : value,
  z.enum(CLIENT_TYPES),
);

/** Validates a {@link SessionOrigin}. */
export const sessionOriginSchema: z.ZodType<SessionOrigin> = z.enum(SESSION_ORIGINS);

/** Validates a {@link ProvisioningMode}. */
export const provisioningModeSchema: z.ZodType<ProvisioningMode> = z.enum(PROVISIONING_MODES);

/** Validates a {@link SessionAgentConfig} (`sessions.agent_config`). */
export const sessionAgentConfigSchema: z.ZodType<SessionAgentConfig> = exactSchema<
  SessionAgentConfig
>()(z.object({ modelId: text.optional(), tools: z.array(text).optional() }));
