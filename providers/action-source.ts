/**
 * The action seam: every catalog of agent-callable actions (code-defined providers, MCP connectors,
 * database connectors) is an {@link ActionSource}, so listing, permissioning and execution stay
 * source-agnostic. {@link ProviderActionSource} adapts an {@link IntegrationProvider}.
 *
 * @module
 */
import type { z } from "zod";
import type { IntegrationProvider, ProviderActionDefinition } from "./types.ts";
import { formatIssuePath } from "./validate.ts";

import type { RiskLevel } from "./action-invocations.ts";
// Risk levels live with the other invocation value lists, which load no library.
export { RISK_LEVELS, type RiskLevel } from "./action-invocations.ts";

/**
 * What happens to an invocation; the only enforcement vocabulary. `allow` executes at once (200),
 * `deny` rejects at once (403), `require_approval` creates a pending invocation (202).
 */
export type ActionMode = "allow" | "deny" | "require_approval";

/** Every {@link ActionMode}. */
export const ACTION_MODES: readonly ["allow", "deny", "require_approval"] = [
  "allow",
  "deny",
  "require_approval",
];

/**
 * Which level of the cascade produced a mode: `automation_override` (`automations.action_modes`),
 * `org_default` (`organizations.action_modes`) or `inferred_default` (from the risk hint).
 * Stored in `action_invocations.mode_source`.
 */
export type ModeSource = "automation_override" | "org_default" | "inferred_default";

/** Every {@link ModeSource}, in cascade order (first hit wins). */
export const MODE_SOURCES: readonly ["automation_override", "org_default", "inferred_default"] = [
  "automation_override",
  "org_default",
  "inferred_default",
];

/** The mode applied to one `(sourceId, actionId)` and the cascade level it came from. */
export interface ModeResolution {
  /** The mode actually applied (after any drift guard). */
  mode: ActionMode;
  /** The cascade level that produced it. */
  source: ModeSource;
}

/**
 * One action as listed to the agent and admins. Data only: no executor, so a listed catalog can be
 * cached, compared and rendered.
 */
export interface ActionDefinition {
  /** Action id, unique within its source (`"update_issue"`); must not contain `:`. */
  id: string;
  /** What the action does; shown to the agent and to admins. */
  description: string;
  /** Risk hint for the inferred default mode; never enforcement. */
  riskLevel: RiskLevel;
  /**
   * Zod schema of the parameters. The framework validates with `safeParse` before resolving the
   * mode, and exports it to JSON Schema (see `zodToJsonSchema`) for the UI, the agent guide and
   * the drift hash.
   */
  params: z.ZodType<unknown>;
}

/**
 * What the framework hands a source when it executes an action. Credentials arrive here and
 * nowhere else: sources never read databases, caches, secret stores or OAuth brokers.
 */
export interface ActionExecutionContext {
  /** Live credential injected by the framework (`getToken()` or a resolved connector secret). */
  token?: string;
  /** Organization the call runs for. */
  orgId: string;
  /** Session the call belongs to. */
  sessionId: string;
  /** Aborted on cancellation or when the 30 s execution timeout elapses; pass it to `fetch`. */
  signal?: AbortSignal;
}

/**
 * Context for {@link ActionSource.listActions}: an {@link ActionExecutionContext} whose `sessionId`
 * is optional, so connector onboarding can list tools outside a session. A full execution context
 * satisfies it.
 */
export interface ActionListContext {
  /** Live credential injected by the framework. */
  token?: string;
  /** Organization the listing is for. */
  orgId: string;
  /** Session the listing is for; absent when an admin lists tools outside a session. */
  sessionId?: string;
  /** Aborted on cancellation or timeout. */
  signal?: AbortSignal;
}

/**
 * Outcome of one execution. Expected failures (upstream said no, unknown id, bad params) are
 * returned as `{ success: false, error }`; a thrown error means a transport or upstream failure and
 * marks the invocation `failed`.
 */
export interface ActionResult {
  /** Whether the action did what was asked. */
  success: boolean;
  /** Payload; must be JSON-serialisable (it is stored in `action_invocations.result`). */
  data?: unknown;
  /** Failure text when `success` is false. */
  error?: string;
  /** Set by the framework after structural truncation to 10 KB; sources leave it unset. */
  _truncated?: boolean;
}

/**
 * An origin of actions. Implementations are stateless: everything they need arrives in the context.
 *
 * Ids: a provider id (`"sentry"`), `"connector:<org_connectors.id>"` or `"db:<id>"`.
 */
export interface ActionSource {
  /** sourceId; the part before the last `:` of an action mode key. */
  readonly id: string;
  /** Human label. */
  readonly displayName: string;
  /** Markdown usage guide for the agent. */
  readonly guide?: string;
  /** Discovery: static for code-defined sources, networked for MCP connectors. */
  listActions(ctx: ActionListContext): Promise<ActionDefinition[]>;
  /** Executes one action with params the framework has already validated against its schema. */
  execute(
    actionId: string,
    params: Record<string, unknown>,
    ctx: ActionExecutionContext,
  ): Promise<ActionResult>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Adapts an {@link IntegrationProvider} to an {@link ActionSource}: `id` is the provider id,
 * `displayName` its label, `guide` its `actions.guide`. `listActions` returns the definitions
 * without their executors; `execute` finds the definition (unknown id → `{ success: false }`),
 * validates the params again and calls its `execute`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { type IntegrationProvider, ProviderActionSource } from "@proliferate/core/providers";
 *
 * const provider: IntegrationProvider = {
 *   id: "sentry",
 *   displayName: "Sentry",
 *   category: "monitoring",
 *   connections: { org: { type: "oauth2", preset: "sentry", scopes: ["event:read"] } },
 *   actions: {
 *     definitions: [{
 *       id: "get_issue",
 *       description: "Fetch one issue",
 *       riskLevel: "read",
 *       params: z.object({ issueId: z.string() }),
 *       execute: (params) => Promise.resolve({ success: true, data: { id: params.issueId } }),
 *     }],
 *   },
 * };
 *
 * const source = new ProviderActionSource(provider);
 * const ctx = { orgId: "org_1", sessionId: "s_1", token: "t" };
 * const [def] = await source.listActions(ctx);
 * assert.equal(def.id, "get_issue");
 * assert.deepEqual(await source.execute("get_issue", { issueId: "42" }, ctx), {
 *   success: true,
 *   data: { id: "42" },
 * });
 * assert.equal((await source.execute("nope", {}, ctx)).success, false);
 * ```
 */
export class ProviderActionSource implements ActionSource {
  /** The provider id. */
  readonly id: string;
  /** The provider's label. */
  readonly displayName: string;
  /** The provider's `actions.guide`. */
  readonly guide?: string;
  readonly #definitions: ReadonlyMap<string, ProviderActionDefinition>;

  /** Wraps `provider`; a provider without `actions` yields an empty catalog. */
  constructor(provider: IntegrationProvider) {
    this.id = provider.id;
    this.displayName = provider.displayName;
    if (provider.actions?.guide !== undefined) this.guide = provider.actions.guide;
    this.#definitions = new Map(
      (provider.actions?.definitions ?? []).map((def) => [def.id, def]),
    );
  }

  /** Returns the catalog as plain {@link ActionDefinition}s (no `execute` member). */
  listActions(_ctx: ActionListContext): Promise<ActionDefinition[]> {
    return Promise.resolve(
      [...this.#definitions.values()].map(({ id, description, riskLevel, params }) => ({
        id,
        description,
        riskLevel,
        params,
      })),
    );
  }

  /**
   * Runs one action. Unknown ids and params that fail the schema give `{ success: false, error }`;
   * errors thrown by the definition's `execute` propagate.
   */
  async execute(
    actionId: string,
    params: Record<string, unknown>,
    ctx: ActionExecutionContext,
  ): Promise<ActionResult> {
    const def = this.#definitions.get(actionId);
    if (def === undefined) {
      return { success: false, error: `Unknown action "${actionId}" for source "${this.id}"` };
    }
    const parsed = def.params.safeParse(params);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`)
        .join("; ");
      return { success: false, error: `Invalid params for "${actionId}": ${problems}` };
    }
    if (!isRecord(parsed.data)) {
      return { success: false, error: `Invalid params for "${actionId}": expected an object` };
    }
    return await def.execute(parsed.data, ctx);
  }
}
