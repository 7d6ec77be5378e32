/**
 * Gateway-mediated tools: what an agent in a sandbox calls back into the gateway for
 * (`POST /internal/tools/:toolName`), their parameters, results, quotas and retry rules.
 *
 * @module
 */
import type { PrebuildServiceCommand } from "./provider.ts";

/** Tools the gateway executes on a sandbox's behalf. */
export type GatewayToolName =
  | "verify"
  | "save_snapshot"
  | "save_service_commands"
  | "automation.complete";

/** Every {@link GatewayToolName}. */
export const GATEWAY_TOOL_NAMES: readonly [
  "verify",
  "save_snapshot",
  "save_service_commands",
  "automation.complete",
] = ["verify", "save_snapshot", "save_service_commands", "automation.complete"];

/** Tools that run inside the sandbox and never reach the gateway. */
export const SANDBOX_LOCAL_TOOL_NAMES: readonly ["request_env_variables"] = [
  "request_env_variables",
];

/**
 * The canonical {@link GatewayToolName} for a name as received: `automation_complete` is accepted
 * as an alias of `automation.complete`. Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalGatewayToolName } from "@proliferate/core/sandbox";
 *
 * assert.equal(canonicalGatewayToolName("automation_complete"), "automation.complete");
 * assert.equal(canonicalGatewayToolName("verify"), "verify");
 * assert.equal(canonicalGatewayToolName("rm_rf"), undefined);
 * ```
 */
export function canonicalGatewayToolName(name: string): GatewayToolName | undefined {
  if (name === "automation_complete") return "automation.complete";
  return (GATEWAY_TOOL_NAMES as readonly string[]).includes(name)
    ? name as GatewayToolName
    : undefined;
}

/** State of a `session_tool_invocations` row (idempotency scope: `(session_id, tool_call_id)`). */
export type ToolInvocationStatus = "executing" | "completed" | "failed";

/** Every {@link ToolInvocationStatus}. */
export const TOOL_INVOCATION_STATUSES: readonly ["executing", "completed", "failed"] = [
  "executing",
  "completed",
  "failed",
];

/** Outcome an automation reports through `automation.complete`. */
export type AutomationOutcome = "succeeded" | "failed" | "needs_human";

/** Every {@link AutomationOutcome}. */
export const AUTOMATION_OUTCOMES: readonly ["succeeded", "failed", "needs_human"] = [
  "succeeded",
  "failed",
  "needs_human",
];

/**
 * Body of `POST /internal/tools/:toolName`, sent with `Authorization: Bearer <sandbox HMAC token>`.
 * A repeated `tool_call_id` in the same session returns the stored result.
 */
export interface ToolCallbackRequest {
  /** Session the sandbox belongs to. */
  session_id: string;
  /** Idempotency key of this call; reused verbatim on retries. */
  tool_call_id: string;
  /** Tool parameters. */
  params: Record<string, unknown>;
}

/** HTTP 200 body of a tool callback. */
export interface ToolCallbackSuccess {
  /** The tool's result. */
  result: unknown;
}

/**
 * HTTP 5xx body of a tool callback. A gateway instance that does not own the session rejects with a
 * conflict status (e.g. 409).
 */
export interface ToolCallbackError {
  /** Error code or short text. */
  error: string;
  /** Human detail. */
  message?: string;
}

/** What a gateway tool handler returns. */
export interface GatewayToolResult {
  /** Whether the tool did what was asked. */
  success: boolean;
  /** Text shown to the agent. */
  result: string;
  /** Structured payload. */
  data?: Record<string, unknown>;
}

/** Default folder `verify` uploads from. */
export const DEFAULT_VERIFY_FOLDER = ".proliferate/.verification/";

/** Parameters of `verify`; the result is the storage key prefix. */
export interface VerifyToolParams {
  /** Folder to upload; default `.proliferate/.verification/`. */
  folder?: string;
}

/** Parameters of `save_snapshot`. */
export interface SaveSnapshotToolParams {
  /** Note stored with the snapshot. */
  message?: string;
}

/** Result data of `save_snapshot`. */
export interface SaveSnapshotToolResult {
  /** The new snapshot id. */
  snapshotId: string;
  /** What the snapshot was saved to (e.g. the configuration or the session). */
  target: string;
}

/** Parameters of `save_service_commands` (setup sessions only); limits in `SERVICE_COMMAND_LIMITS`. */
export interface SaveServiceCommandsToolParams {
  /** 1–10 commands. */
  commands: PrebuildServiceCommand[];
}

/** Result data of `save_service_commands`. */
export interface SaveServiceCommandsToolResult {
  /** Configuration the commands were saved to. */
  configurationId: string;
  /** How many were saved. */
  commandCount: number;
}

/** Parameters of `automation.complete`. */
export interface AutomationCompleteToolParams {
  /** The automation run. */
  run_id: string;
  /** Domain idempotency key of this completion. */
  completion_id: string;
  /** How the run ended. */
  outcome: AutomationOutcome;
  /** Summary for humans, in markdown. */
  summary_markdown?: string;
  /** Links or references backing the summary. */
  citations?: string[];
  /** Reference to the produced diff. */
  diff_ref?: string;
  /** Reference to the test report. */
  test_report_ref?: string;
  /** References to side effects (issues, PRs, messages). */
  side_effect_refs?: string[];
}

/** A suggested value for a requested environment variable. */
export interface EnvVariableSuggestion {
  /** Label shown to the user. */
  label: string;
  /** Value to fill in. */
  value?: string;
  /** How to obtain the value. */
  instructions?: string;
}

/** One environment variable the agent asks the user for. */
export interface EnvVariableRequest {
  /** Variable name. */
  key: string;
  /** Why it is needed. */
  description?: string;
  /** Plain environment value or secret. */
  type?: "env" | "secret";
  /** Whether the agent cannot proceed without it; default true. */
  required?: boolean;
  /** Suggested values. */
  suggestions?: EnvVariableSuggestion[];
}

/** Parameters of the sandbox-local `request_env_variables` tool; its result is a summary string. */
export interface RequestEnvVariablesToolParams {
  /** Variables requested. */
  keys: EnvVariableRequest[];
}

/** A per-session quota: at most `max` calls per `windowSeconds`, or per session when `null`. */
export interface ToolQuota {
  /** Calls allowed in the window. */
  readonly max: number;
  /** Window length in seconds; `null` for the whole session. */
  readonly windowSeconds: number | null;
}

/** Per-session quotas of the gateway tools that have one. */
export const GATEWAY_TOOL_QUOTAS: {
  readonly save_snapshot: ToolQuota;
  readonly verify: ToolQuota;
  readonly "automation.complete": ToolQuota;
} = {
  save_snapshot: { max: 10, windowSeconds: 3600 },
  verify: { max: 20, windowSeconds: 3600 },
  "automation.complete": { max: 1, windowSeconds: null },
};

/** Delay between two tries of a tool callback from the sandbox, in milliseconds. */
export const TOOL_CALLBACK_RETRY_DELAY_MS = 2000;

/** HTTP statuses after which the sandbox retries a tool callback with the same `tool_call_id`. */
export const TOOL_CALLBACK_RETRYABLE_STATUSES: readonly [502, 503] = [502, 503];

const CALLBACK_ERROR_MARKERS = [
  "fetch failed",
  "econnreset",
  "etimedout",
  "enotfound",
  "eai_again",
];

/**
 * Whether a failed tool callback should be retried with the same `tool_call_id`: on HTTP 502 or
 * 503, or a thrown `fetch failed`, `ECONNRESET`, `ETIMEDOUT` or DNS error (`ENOTFOUND`,
 * `EAI_AGAIN`). A memory snapshot drops open connections, so these happen around freeze and thaw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRetryableToolCallbackFailure } from "@proliferate/core/sandbox";
 *
 * assert.equal(isRetryableToolCallbackFailure({ status: 503 }), true);
 * assert.equal(isRetryableToolCallbackFailure({ error: new TypeError("fetch failed") }), true);
 * assert.equal(isRetryableToolCallbackFailure({ status: 409 }), false);
 * ```
 */
export function isRetryableToolCallbackFailure(
  failure: { status?: number; error?: unknown },
): boolean {
  if (
    failure.status !== undefined &&
    (TOOL_CALLBACK_RETRYABLE_STATUSES as readonly number[]).includes(failure.status)
  ) {
    return true;
  }
  if (failure.error === undefined) return false;
  const err = failure.error;
  const parts = [err instanceof Error ? err.message : String(err)];
  if (err !== null && typeof err === "object" && "code" in err) {
    parts.push(String((err as { code: unknown }).code));
  }
  if (err instanceof Error && err.cause instanceof Error) parts.push(err.cause.message);
  const text = parts.join(" ").toLowerCase();
  return CALLBACK_ERROR_MARKERS.some((marker) => text.includes(marker));
}
