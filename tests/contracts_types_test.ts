/**
 * Compile-time tests of the provider and sandbox contracts. Most checks happen when this file is
 * type-checked: `Equals` assertions that each validator infers exactly its interface and each value
 * list holds exactly its union, spec-shaped literals that must compile, and `@ts-expect-error`
 * lines for shapes the contract forbids (an unused `@ts-expect-error` fails the check).
 */
import assert from "node:assert/strict";
import { z } from "zod";
import * as P from "@proliferate/core/providers";
import * as S from "@proliferate/core/sandbox";
import { exactSchema } from "../providers/validate.ts";

/** True iff A and B are the same type (not merely mutually assignable through `any`). */
type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true
  : false;

/** Compiles only when its argument is `true`. */
function assertType<T extends true>(_proof?: T): void {}

Deno.test("validators infer exactly their interfaces", async (t) => {
  await t.step("providers", () => {
    assertType<Equals<z.infer<typeof P.riskLevelSchema>, P.RiskLevel>>();
    assertType<Equals<z.infer<typeof P.actionModeSchema>, P.ActionMode>>();
    assertType<Equals<z.infer<typeof P.modeSourceSchema>, P.ModeSource>>();
    assertType<Equals<z.infer<typeof P.modeResolutionSchema>, P.ModeResolution>>();
    assertType<Equals<z.infer<typeof P.actionResultSchema>, P.ActionResult>>();
    assertType<Equals<z.infer<typeof P.actionModeKeySchema>, P.ActionModeKey>>();
    assertType<Equals<z.infer<typeof P.actionModesSchema>, P.ActionModes>>();
    assertType<Equals<z.infer<typeof P.toolRiskOverrideSchema>, P.ToolRiskOverride>>();
    assertType<Equals<z.infer<typeof P.toolRiskOverridesSchema>, P.ToolRiskOverrides>>();
    assertType<Equals<z.infer<typeof P.approvalModeSchema>, P.ApprovalMode>>();
    assertType<
      Equals<z.infer<typeof P.actionInvocationStatusSchema>, P.ActionInvocationStatus>
    >();
    assertType<Equals<z.infer<typeof P.actionDeniedReasonSchema>, P.ActionDeniedReason>>();
    assertType<Equals<z.infer<typeof P.connectionTypeSchema>, P.ConnectionType>>();
    assertType<Equals<z.infer<typeof P.integrationCategorySchema>, P.IntegrationCategory>>();
    assertType<
      Equals<z.infer<typeof P.normalizedTriggerEventSchema>, P.NormalizedTriggerEvent>
    >();
    assertType<Equals<z.infer<typeof P.webhookIdentityKindSchema>, P.WebhookIdentityKind>>();
    assertType<Equals<z.infer<typeof P.webhookIdentitySchema>, P.WebhookIdentity>>();
    assertType<
      Equals<z.infer<typeof P.webhookImmediateResponseSchema>, P.WebhookImmediateResponse>
    >();
    assertType<
      Equals<z.infer<typeof P.webhookVerificationResultSchema>, P.WebhookVerificationResult>
    >();
    assertType<Equals<z.infer<typeof P.webhookRequestSchema>, P.WebhookRequest>>();
    assertType<Equals<z.infer<typeof P.webhookParseInputSchema>, P.WebhookParseInput>>();
    assertType<Equals<z.infer<typeof P.pollResultSchema>, P.PollResult>>();
    assertType<Equals<z.infer<typeof P.triggerKindSchema>, P.TriggerKind>>();
    assertType<Equals<z.infer<typeof P.webhookInboxStatusSchema>, P.WebhookInboxStatus>>();
    assertType<Equals<z.infer<typeof P.triggerEventStatusSchema>, P.TriggerEventStatus>>();
    assertType<
      Equals<z.infer<typeof P.triggerEventSkipReasonSchema>, P.TriggerEventSkipReason>
    >();
    assertType<Equals<z.infer<typeof P.enqueueEnrichPayloadSchema>, P.EnqueueEnrichPayload>>();
    assertType<Equals<z.infer<typeof P.integrationStatusSchema>, P.IntegrationStatus>>();
    assertType<
      Equals<z.infer<typeof P.integrationVisibilitySchema>, P.IntegrationVisibility>
    >();
    assertType<Equals<z.infer<typeof P.connectorTransportSchema>, P.ConnectorTransport>>();
    assertType<Equals<z.infer<typeof P.connectorAuthSchema>, P.ConnectorAuth>>();
    assertType<Equals<z.infer<typeof P.connectorRiskPolicySchema>, P.ConnectorRiskPolicy>>();
    assertType<Equals<z.infer<typeof P.providerErrorCodeSchema>, P.ProviderErrorCode>>();
  });

  await t.step("sandbox", () => {
    assertType<Equals<z.infer<typeof S.sandboxProviderTypeSchema>, S.SandboxProviderType>>();
    assertType<Equals<z.infer<typeof S.sandboxOperationSchema>, S.SandboxOperation>>();
    assertType<Equals<z.infer<typeof S.modelIdSchema>, S.ModelId>>();
    assertType<Equals<z.infer<typeof S.agentTypeSchema>, S.AgentType>>();
    assertType<Equals<z.infer<typeof S.agentConfigSchema>, S.AgentConfig>>();
    assertType<Equals<z.infer<typeof S.sandboxSessionTypeSchema>, S.SandboxSessionType>>();
    assertType<Equals<z.infer<typeof S.serviceCommandSchema>, S.ServiceCommand>>();
    assertType<
      Equals<z.infer<typeof S.prebuildServiceCommandSchema>, S.PrebuildServiceCommand>
    >();
    assertType<Equals<z.infer<typeof S.autoStartOutputEntrySchema>, S.AutoStartOutputEntry>>();
    assertType<Equals<z.infer<typeof S.snapshotResultSchema>, S.SnapshotResult>>();
    assertType<Equals<z.infer<typeof S.pauseResultSchema>, S.PauseResult>>();
    assertType<Equals<z.infer<typeof S.memorySnapshotResultSchema>, S.MemorySnapshotResult>>();
    assertType<Equals<z.infer<typeof S.repoSpecSchema>, S.RepoSpec>>();
    assertType<Equals<z.infer<typeof S.createSandboxOptsSchema>, S.CreateSandboxOpts>>();
    assertType<Equals<z.infer<typeof S.createSandboxResultSchema>, S.CreateSandboxResult>>();
    assertType<Equals<z.infer<typeof S.ensureSandboxResultSchema>, S.EnsureSandboxResult>>();
    assertType<Equals<z.infer<typeof S.sessionMetadataSchema>, S.SessionMetadata>>();
    assertType<Equals<z.infer<typeof S.gatewayToolNameSchema>, S.GatewayToolName>>();
    assertType<Equals<z.infer<typeof S.toolInvocationStatusSchema>, S.ToolInvocationStatus>>();
    assertType<Equals<z.infer<typeof S.automationOutcomeSchema>, S.AutomationOutcome>>();
    assertType<Equals<z.infer<typeof S.toolCallbackRequestSchema>, S.ToolCallbackRequest>>();
    assertType<Equals<z.infer<typeof S.toolCallbackSuccessSchema>, S.ToolCallbackSuccess>>();
    assertType<Equals<z.infer<typeof S.toolCallbackErrorSchema>, S.ToolCallbackError>>();
    assertType<Equals<z.infer<typeof S.gatewayToolResultSchema>, S.GatewayToolResult>>();
    assertType<Equals<z.infer<typeof S.verifyToolParamsSchema>, S.VerifyToolParams>>();
    assertType<
      Equals<z.infer<typeof S.saveSnapshotToolParamsSchema>, S.SaveSnapshotToolParams>
    >();
    assertType<
      Equals<z.infer<typeof S.saveSnapshotToolResultSchema>, S.SaveSnapshotToolResult>
    >();
    assertType<
      Equals<
        z.infer<typeof S.saveServiceCommandsToolParamsSchema>,
        S.SaveServiceCommandsToolParams
      >
    >();
    assertType<
      Equals<
        z.infer<typeof S.saveServiceCommandsToolResultSchema>,
        S.SaveServiceCommandsToolResult
      >
    >();
    assertType<
      Equals<
        z.infer<typeof S.automationCompleteToolParamsSchema>,
        S.AutomationCompleteToolParams
      >
    >();
    assertType<
      Equals<
        z.infer<typeof S.requestEnvVariablesToolParamsSchema>,
        S.RequestEnvVariablesToolParams
      >
    >();
    assertType<Equals<z.infer<typeof S.sessionStatusSchema>, S.SessionStatus>>();
    assertType<Equals<z.infer<typeof S.sessionTypeSchema>, S.SessionType>>();
    assertType<Equals<z.infer<typeof S.clientTypeSchema>, S.ClientType>>();
    assertType<Equals<z.infer<typeof S.sessionOriginSchema>, S.SessionOrigin>>();
    assertType<Equals<z.infer<typeof S.provisioningModeSchema>, S.ProvisioningMode>>();
    assertType<Equals<z.infer<typeof S.sessionAgentConfigSchema>, S.SessionAgentConfig>>();
  });

  await t.step("the declaration-site check rejects a schema that drifts from its interface", () => {
    exactSchema<P.ModeResolution>()(
      z.object({ mode: P.actionModeSchema, source: P.modeSourceSchema }),
    );
    // @ts-expect-error a member is missing
    exactSchema<P.ModeResolution>()(z.object({ mode: P.actionModeSchema }));
    exactSchema<P.ModeResolution>()(
      // @ts-expect-error a member has a wider type
      z.object({ mode: z.string(), source: P.modeSourceSchema }),
    );
    exactSchema<P.ActionResult>()(
      // @ts-expect-error an optional member became required
      z.object({
        success: z.boolean(),
        data: z.unknown(),
        error: z.string(),
        _truncated: z.boolean(),
      }),
    );
  });
});

Deno.test("value lists hold exactly their unions, and the unions are the spec's", () => {
  assertType<Equals<(typeof P.CONNECTION_TYPES)[number], P.ConnectionType>>();
  assertType<
    Equals<P.ConnectionType, "oauth2" | "app_installation" | "bot_token" | "api_key" | "none">
  >();
  assertType<Equals<(typeof P.INTEGRATION_CATEGORIES)[number], P.IntegrationCategory>>();
  assertType<
    Equals<P.IntegrationCategory, "issue_tracker" | "source_control" | "monitoring" | "custom">
  >();
  assertType<Equals<(typeof P.RISK_LEVELS)[number], P.RiskLevel>>();
  assertType<Equals<P.RiskLevel, "read" | "write" | "danger">>();
  assertType<Equals<(typeof P.ACTION_MODES)[number], P.ActionMode>>();
  assertType<Equals<P.ActionMode, "allow" | "deny" | "require_approval">>();
  assertType<Equals<(typeof P.MODE_SOURCES)[number], P.ModeSource>>();
  assertType<
    Equals<P.ModeSource, "automation_override" | "org_default" | "inferred_default">
  >();
  assertType<Equals<(typeof P.WEBHOOK_IDENTITY_KINDS)[number], P.WebhookIdentityKind>>();
  assertType<Equals<P.WebhookIdentityKind, "org" | "integration" | "trigger">>();
  assertType<Equals<(typeof P.APPROVAL_MODES)[number], P.ApprovalMode>>();
  assertType<Equals<P.ApprovalMode, "once" | "always">>();
  assertType<Equals<(typeof P.ACTION_INVOCATION_STATUSES)[number], P.ActionInvocationStatus>>();
  assertType<
    Equals<P.ActionInvocationStatus, "pending" | "executed" | "denied" | "expired" | "failed">
  >();
  assertType<Equals<(typeof P.ACTION_DENIED_REASONS)[number], P.ActionDeniedReason>>();
  assertType<Equals<P.ActionDeniedReason, "policy" | "human" | "expired">>();
  assertType<Equals<(typeof P.PROVIDER_ERROR_CODES)[number], P.ProviderErrorCode>>();
  assertType<
    Equals<
      P.ProviderErrorCode,
      | "unauthorized"
      | "not_found"
      | "rate_limited"
      | "invalid_input"
      | "upstream_error"
      | "timeout"
      | "unsupported"
    >
  >();
  assertType<Equals<(typeof P.TRIGGER_KINDS)[number], P.TriggerKind>>();
  assertType<Equals<P.TriggerKind, "webhook" | "polling">>();
  assertType<Equals<(typeof P.WEBHOOK_INBOX_STATUSES)[number], P.WebhookInboxStatus>>();
  assertType<Equals<P.WebhookInboxStatus, "pending" | "processing" | "completed" | "failed">>();
  assertType<Equals<(typeof P.TRIGGER_EVENT_STATUSES)[number], P.TriggerEventStatus>>();
  assertType<
    Equals<P.TriggerEventStatus, "queued" | "processing" | "completed" | "failed" | "skipped">
  >();
  assertType<
    Equals<(typeof P.TRIGGER_EVENT_SKIP_REASONS)[number], P.TriggerEventSkipReason>
  >();
  assertType<
    Equals<
      P.TriggerEventSkipReason,
      "manual" | "filter_mismatch" | "automation_disabled" | "run_create_failed"
    >
  >();
  assertType<Equals<(typeof P.INTEGRATION_STATUSES)[number], P.IntegrationStatus>>();
  assertType<
    Equals<P.IntegrationStatus, "active" | "expired" | "revoked" | "deleted" | "suspended">
  >();
  assertType<Equals<P.UserConnectionStatus, P.IntegrationStatus | "inactive">>();
  assertType<Equals<(typeof P.USER_CONNECTION_STATUSES)[number], P.UserConnectionStatus>>();
  assertType<Equals<(typeof P.INTEGRATION_BROKERS)[number], P.IntegrationBroker>>();
  assertType<Equals<P.IntegrationBroker, "nango" | "github-app">>();
  assertType<Equals<(typeof P.INTEGRATION_VISIBILITIES)[number], P.IntegrationVisibility>>();
  assertType<Equals<P.IntegrationVisibility, "org" | "private">>();
  assertType<
    Equals<(typeof P.SLACK_INSTALLATION_STATUSES)[number], P.SlackInstallationStatus>
  >();
  assertType<Equals<P.SlackInstallationStatus, "active" | "revoked">>();
  assertType<Equals<(typeof P.CONNECTOR_TRANSPORTS)[number], P.ConnectorTransport>>();
  assertType<Equals<P.ConnectorTransport, "remote_http">>();

  assertType<Equals<(typeof S.SANDBOX_PROVIDER_TYPES)[number], S.SandboxProviderType>>();
  assertType<Equals<S.SandboxProviderType, "modal" | "e2b">>();
  assertType<Equals<(typeof S.MODEL_IDS)[number], S.ModelId>>();
  assertType<Equals<S.ModelId, "claude-opus-4.6" | "claude-opus-4.5" | "claude-sonnet-4">>();
  assertType<Equals<(typeof S.AGENT_TYPES)[number], S.AgentType>>();
  assertType<Equals<S.AgentType, "opencode">>();
  assertType<Equals<(typeof S.SANDBOX_SESSION_TYPES)[number], S.SandboxSessionType>>();
  assertType<Equals<S.SandboxSessionType, "coding" | "setup" | "cli">>();
  assertType<Equals<(typeof S.SANDBOX_OPERATIONS)[number], S.SandboxOperation>>();
  assertType<
    Equals<
      S.SandboxOperation,
      | "createSandbox"
      | "snapshot"
      | "terminate"
      | "pause"
      | "writeEnvFile"
      | "health"
      | "checkSandboxes"
      | "resolveTunnels"
      | "readFiles"
      | "testServiceCommands"
      | "execCommand"
      | "memorySnapshot"
      | "restoreFromMemorySnapshot"
      | "ensureSandbox"
    >
  >();
  assertType<Equals<(typeof S.GATEWAY_TOOL_NAMES)[number], S.GatewayToolName>>();
  assertType<
    Equals<
      S.GatewayToolName,
      "verify" | "save_snapshot" | "save_service_commands" | "automation.complete"
    >
  >();
  assertType<Equals<(typeof S.SANDBOX_LOCAL_TOOL_NAMES)[number], "request_env_variables">>();
  assertType<Equals<(typeof S.TOOL_INVOCATION_STATUSES)[number], S.ToolInvocationStatus>>();
  assertType<Equals<S.ToolInvocationStatus, "executing" | "completed" | "failed">>();
  assertType<Equals<(typeof S.AUTOMATION_OUTCOMES)[number], S.AutomationOutcome>>();
  assertType<Equals<S.AutomationOutcome, "succeeded" | "failed" | "needs_human">>();
  assertType<Equals<(typeof S.SESSION_STATUSES)[number], S.SessionStatus>>();
  assertType<
    Equals<S.SessionStatus, "pending" | "starting" | "running" | "paused" | "stopped" | "failed">
  >();
  assertType<Equals<(typeof S.SESSION_TYPES)[number], S.SessionType>>();
  assertType<Equals<S.SessionType, "setup" | "coding" | "cli" | "terminal">>();
  assertType<Equals<(typeof S.CLIENT_TYPES)[number], S.ClientType>>();
  assertType<Equals<S.ClientType, "web" | "slack" | "cli" | "automation">>();
  assertType<Equals<(typeof S.SESSION_ORIGINS)[number], S.SessionOrigin>>();
  assertType<Equals<S.SessionOrigin, "web" | "cli">>();
  assertType<Equals<(typeof S.PROVISIONING_MODES)[number], S.ProvisioningMode>>();
  assertType<Equals<S.ProvisioningMode, "deferred" | "immediate">>();
  assertType<Equals<(typeof S.HUB_STATES)[number], S.HubState>>();
  assertType<Equals<S.HubState, "running" | "migrating">>();
  assertType<Equals<(typeof S.SESSION_CLOSE_REASONS)[number], S.SessionCloseReason>>();
  assertType<Equals<S.SessionCloseReason, "lease_lost" | "wrong_instance">>();
});

Deno.test("providers: spec-shaped literals compile, forbidden shapes do not", async (t) => {
  const params = z.object({ issueId: z.string() });

  await t.step("connections are broker-agnostic and closed", () => {
    const full: P.ConnectionRequirement = {
      type: "oauth2",
      preset: "sentry",
      scopes: ["event:read"],
      optional: false,
    };
    const minimal: P.ConnectionRequirement = { type: "none" };
    // @ts-expect-error unknown connection type
    const oauth: P.ConnectionRequirement = { type: "oauth" };
    // @ts-expect-error providers name no broker key
    const broker: P.ConnectionRequirement = { type: "oauth2", oauthConfigKey: "sentry-prod" };
    // @ts-expect-error the scope lives in the ProviderConnections key, not in the requirement
    const scoped: P.ConnectionRequirement = { type: "oauth2", scope: "org" };
    // @ts-expect-error the category set is closed (Slack files under "custom")
    const category: P.IntegrationCategory = "communication";
    assert.ok(full && minimal && oauth && broker && scoped && category);
  });

  await t.step("actions", () => {
    const def: P.ActionDefinition = {
      id: "get_issue",
      description: "Fetch one issue",
      riskLevel: "read",
      params,
    };
    // @ts-expect-error the field is riskLevel, not risk
    const risk: P.ActionDefinition = { id: "a", description: "", risk: "read", params };
    const flat: P.ActionDefinition = {
      id: "a",
      description: "",
      riskLevel: "read",
      // @ts-expect-error flat parameter lists are gone; params is a Zod schema
      params: [{ name: "issueId", type: "string", required: true, description: "" }],
    };
    // @ts-expect-error "critical" is not a risk level
    const level: P.RiskLevel = "critical";
    // @ts-expect-error "ask" is not a mode
    const mode: P.ActionMode = "ask";
    // @ts-expect-error "user" is not a mode source
    const resolution: P.ModeResolution = { mode: "allow", source: "user" };
    // @ts-expect-error success is required
    const result: P.ActionResult = { data: {} };
    const ctx: P.ActionExecutionContext = {
      orgId: "o",
      sessionId: "s",
      token: "t",
      signal: AbortSignal.timeout(30_000),
    };
    // @ts-expect-error an execution context needs a session
    const noSession: P.ActionExecutionContext = { orgId: "o" };
    const listing: P.ActionListContext = { orgId: "o" };
    const widened: P.ActionListContext = ctx;
    const key: P.ActionModeKey = "connector:7f3c:search_docs";
    // @ts-expect-error a mode key has a colon
    const badKey: P.ActionModeKey = "search_docs";
    const modes: P.ActionModes = { "linear:create_issue": "allow" };
    // @ts-expect-error a mode value is an ActionMode
    const badModes: P.ActionModes = { "linear:create_issue": "yes" };
    const override: P.ToolRiskOverride = { mode: "deny", hash: "ab" };
    // @ts-expect-error "sometimes" is not an approval mode
    const approval: P.ApprovalMode = "sometimes";
    assert.ok(def && risk && flat && level && mode && resolution && result && noSession);
    assert.ok(listing && widened && key && badKey && modes && badModes && override && approval);
  });

  await t.step("provider action catalogs carry executors; listed definitions do not", () => {
    const entry: P.ProviderActionDefinition = {
      id: "get_issue",
      description: "Fetch one issue",
      riskLevel: "read",
      params,
      execute: (p, ctx) =>
        Promise.resolve({ success: true, data: { id: p.issueId, org: ctx.orgId } }),
    };
    const plain: P.ActionDefinition = entry;
    const catalog: P.ProviderActions = { definitions: [entry], guide: "# Sentry" };
    const missing: P.ProviderActions = {
      // @ts-expect-error a catalog entry needs its execute
      definitions: [plain],
    };
    const threeArgs: P.ProviderActionDefinition = {
      ...plain,
      // @ts-expect-error execute takes (params, ctx), not (actionId, params, ctx)
      execute: (
        _actionId: string,
        _params: Record<string, unknown>,
        _ctx: P.ActionExecutionContext,
      ) => Promise.resolve({ success: true }),
    };
    assert.ok(catalog && missing && threeArgs);
  });

  await t.step("action sources", () => {
    class Static implements P.ActionSource {
      readonly id = "db:abc";
      readonly displayName = "Warehouse";
      listActions(_ctx: P.ActionListContext): Promise<P.ActionDefinition[]> {
        return Promise.resolve([]);
      }
      execute(): Promise<P.ActionResult> {
        return Promise.resolve({ success: false, error: "read only" });
      }
    }
    // @ts-expect-error a source must execute
    const partial: P.ActionSource = {
      id: "x",
      displayName: "X",
      listActions: () => Promise.resolve([]),
    };
    assert.ok(new Static() && partial);
  });

  await t.step("triggers", () => {
    const event: P.NormalizedTriggerEvent = {
      provider: "sentry",
      eventType: "error_created",
      providerEventType: "issue.created",
      occurredAt: "2025-01-02T03:04:05Z",
      dedupKey: "sentry:1",
      title: "TypeError",
      url: "https://sentry.io/issues/1",
      context: { level: "error" },
      raw: { id: "1" },
    };
    // @ts-expect-error dedupKey is required
    const noDedup: P.NormalizedTriggerEvent = {
      provider: "sentry",
      eventType: "e",
      providerEventType: "p",
      occurredAt: "t",
      title: "x",
      context: {},
    };
    const typed: P.TriggerType<{ level: string }> = {
      id: "error_created",
      description: "New error",
      configSchema: z.object({ level: z.string() }),
      matches: (e, config) => e.context.level === config.level,
    };
    const list: P.TriggerType[] = [typed];
    const asyncMatch: P.TriggerType = {
      id: "x",
      description: "",
      configSchema: z.object({}),
      // @ts-expect-error matches is synchronous
      matches: () => Promise.resolve(true),
    };
    const wrongSchema: P.TriggerType<{ level: string }> = {
      id: "x",
      description: "",
      // @ts-expect-error the config schema must produce the config type
      configSchema: z.object({ level: z.number() }),
      matches: () => true,
    };
    const request: P.WebhookRequest = {
      method: "POST",
      path: "/webhooks/sentry",
      headers: { "sentry-hook-signature": "abc", "x-multi": ["a", "b"] },
      query: {},
      params: { providerId: "sentry" },
      rawBody: new Uint8Array([123, 125]),
      body: {},
    };
    const stringBody: P.WebhookRequest = {
      ...request,
      // @ts-expect-error rawBody is the exact bytes, not text
      rawBody: "{}",
    };
    const result: P.WebhookVerificationResult = {
      ok: true,
      identity: { kind: "integration", id: "int_1" },
      immediateResponse: { status: 200, body: { challenge: "c" } },
    };
    const badIdentity: P.WebhookVerificationResult = {
      ok: true,
      // @ts-expect-error "user" is not an identity kind
      identity: { kind: "user", id: "u" },
    };
    const webhook: P.ProviderWebhook = {
      verify: (_req, secret) => Promise.resolve({ ok: secret !== null }),
      parse: () => Promise.resolve([]),
    };
    const syncVerify: P.ProviderWebhook = {
      // @ts-expect-error verify is async (WebCrypto HMAC is)
      verify: () => ({ ok: true }),
      parse: () => Promise.resolve([]),
    };
    const polling: P.ProviderPolling = {
      defaultIntervalSeconds: 60,
      poll: (ctx) => Promise.resolve({ events: [], nextCursor: ctx.cursor, backoffSeconds: 30 }),
    };
    const positional: P.ProviderPolling = {
      defaultIntervalSeconds: 60,
      // @ts-expect-error poll takes one context object, not (cursor, token)
      poll: (_cursor: unknown, _token: string) => Promise.resolve({ events: [], nextCursor: null }),
    };
    const triggers: P.ProviderTriggers = {
      types: [typed],
      webhook,
      polling,
      hydrate: (e, ctx) => Promise.resolve({ ...e, context: { ...e.context, token: !!ctx.token } }),
    };
    assert.ok(event && noDedup && list && asyncMatch && wrongSchema && stringBody && result);
    assert.ok(badIdentity && syncVerify && positional && triggers);
  });

  await t.step("errors", () => {
    const err = new P.ProviderError({
      code: "rate_limited",
      message: "slow",
      retryAfterSeconds: 5,
    });
    const tag: "ProviderError" = err.name;
    // @ts-expect-error the code set is closed
    const bad = new P.ProviderError({ code: "boom", message: "x" });
    assert.ok(tag && bad);
  });
});

Deno.test("sandbox: spec-shaped literals compile, forbidden shapes do not", async (t) => {
  await t.step("create options follow the code plus the git identity", () => {
    const opts: S.CreateSandboxOpts = {
      sessionId: "s_1",
      sessionType: null,
      repos: [{
        repoUrl: "https://github.com/org/api.git",
        token: "ghs_x",
        workspacePath: "api",
        repoId: "r_1",
        serviceCommands: [{ name: "api", command: "pnpm dev", cwd: "." }],
      }],
      branch: "main",
      envVars: { NODE_ENV: "development" },
      systemPrompt: "You are helpful",
      snapshotId: "snap_1",
      baseSnapshotId: "base_1",
      agentConfig: { agentType: "opencode", modelId: "claude-opus-4.6" },
      currentSandboxId: "sb_1",
      sshPublicKey: "ssh-ed25519 AAAA",
      triggerContext: { issue: 1 },
      snapshotHasDeps: true,
      serviceCommands: [{ name: "web", command: "pnpm dev", workspacePath: "frontend" }],
      envFiles: [{ path: ".env", format: "dotenv" }],
      userName: "Ada",
      userEmail: "ada@example.com",
    };
    // @ts-expect-error repos is required (use [] for a scratch session)
    const noRepos: S.CreateSandboxOpts = {
      sessionId: "s",
      branch: "main",
      envVars: {},
      systemPrompt: "",
    };
    const hasActive: S.CreateSandboxOpts = {
      ...opts,
      // @ts-expect-error the deps flag is snapshotHasDeps only
      hasActiveSnapshot: true,
    };
    // @ts-expect-error the sandbox never sees "terminal"
    const terminal: S.SandboxSessionType = "terminal";
    // @ts-expect-error unknown model id
    const model: S.ModelId = "gpt-4";
    // @ts-expect-error unknown provider
    const provider: S.SandboxProviderType = "docker";
    // @ts-expect-error file data is bytes
    const file: S.FileContent = { path: "a.txt", data: "text" };
    assert.ok(opts && noRepos && hasActive && terminal && model && provider && file);
  });

  await t.step("a provider class implements the full interface", () => {
    const result: S.CreateSandboxResult = {
      sandboxId: "sb_1",
      tunnelUrl: "https://t",
      previewUrl: "https://p",
    };
    class Full implements S.SandboxProvider {
      readonly type = "modal" as const;
      readonly supportsPause = false;
      readonly supportsAutoPause = false;
      readonly supportsMemorySnapshot = true;
      ensureSandbox(): Promise<S.EnsureSandboxResult> {
        return Promise.resolve({ ...result, recovered: false });
      }
      createSandbox(): Promise<S.CreateSandboxResult> {
        return Promise.resolve(result);
      }
      snapshot(): Promise<S.SnapshotResult> {
        return Promise.resolve({ snapshotId: "im-1" });
      }
      pause(): Promise<S.PauseResult> {
        return Promise.reject(
          new S.SandboxProviderError({ provider: "modal", operation: "pause", message: "no" }),
        );
      }
      terminate(_sessionId: string, _sandboxId?: string): Promise<void> {
        return Promise.resolve();
      }
      writeEnvFile(): Promise<void> {
        return Promise.resolve();
      }
      health(): Promise<boolean> {
        return Promise.resolve(true);
      }
      checkSandboxes(ids: string[]): Promise<string[]> {
        return Promise.resolve(ids);
      }
      resolveTunnels(): Promise<S.SandboxTunnels> {
        return Promise.resolve({ openCodeUrl: "https://t", previewUrl: "https://p" });
      }
      readFiles(): Promise<S.FileContent[]> {
        return Promise.resolve([{ path: "a", data: new Uint8Array() }]);
      }
      testServiceCommands(
        _id: string,
        commands: S.PrebuildServiceCommand[],
        _opts: S.TestServiceCommandsOpts,
      ): Promise<S.AutoStartOutputEntry[]> {
        return Promise.resolve(commands.map((c) => ({ name: c.name, output: "", exitCode: null })));
      }
      execCommand(): Promise<S.ExecCommandResult> {
        return Promise.resolve({ stdout: "", stderr: "", exitCode: 0 });
      }
      memorySnapshot(): Promise<S.MemorySnapshotResult> {
        return Promise.resolve({ snapshotId: "mem:1" });
      }
      restoreFromMemorySnapshot(
        _sessionId: string,
        _snapshotId: string,
        opts?: S.RestoreFromMemorySnapshotOpts,
      ): Promise<S.CreateSandboxResult> {
        return Promise.resolve({ ...result, sshHost: opts?.repos?.[0]?.repoUrl });
      }
    }
    const provider: S.SandboxProvider = new Full();
    const other: S.SandboxProvider = new Full();
    // @ts-expect-error capability flags are readonly
    other.supportsMemorySnapshot = false;
    // @ts-expect-error the optional method may be absent until narrowed
    provider.memorySnapshot("s", "sb");
    assert.ok(S.isMemorySnapshotCapable(provider));
    if (S.isMemorySnapshotCapable(provider)) {
      const literal: true = provider.supportsMemorySnapshot;
      assert.ok(literal && provider.memorySnapshot("s", "sb"));
    }

    const started = {
      type: "e2b" as const,
      ensureSandbox: () => Promise.resolve({ ...result, recovered: true }),
      createSandbox: () => Promise.resolve(result),
      snapshot: () => Promise.resolve({ snapshotId: "x" }),
      pause: () => Promise.resolve({ snapshotId: "x" }),
    };
    // @ts-expect-error terminate, writeEnvFile and health are required
    const partial: S.SandboxProvider = started;
    const complete: S.SandboxProvider = {
      ...started,
      terminate: () => Promise.resolve(),
      writeEnvFile: () => Promise.resolve(),
      health: () => Promise.resolve(true),
    };
    const badRestore: S.SandboxProvider = {
      ...complete,
      supportsMemorySnapshot: true,
      memorySnapshot: () => Promise.resolve({ snapshotId: "mem:1" }),
      // @ts-expect-error restore returns connection info, not a snapshot id
      restoreFromMemorySnapshot: () => Promise.resolve({ snapshotId: "mem:1" }),
    };
    assert.ok(partial && complete && badRestore);
  });

  await t.step("errors and tools", () => {
    const ops: S.SandboxOperation[] = [
      "memorySnapshot",
      "restoreFromMemorySnapshot",
      "ensureSandbox",
    ];
    // @ts-expect-error unknown operation
    const op: S.SandboxOperation = "reboot";
    const err = new S.SandboxProviderError({
      provider: "e2b",
      operation: "memorySnapshot",
      message: "x",
      cause: new Error("y"),
    });
    const tag: "SandboxProviderError" = err.name;
    const retry: boolean = err.isRetryable;
    // @ts-expect-error provider is readonly
    err.provider = "modal";
    const callback: S.ToolCallbackRequest = { session_id: "s", tool_call_id: "c", params: {} };
    // @ts-expect-error the wire format is snake_case
    const camel: S.ToolCallbackRequest = { sessionId: "s", toolCallId: "c", params: {} };
    // @ts-expect-error the alias is accepted at runtime only; the type holds the canonical name
    const alias: S.GatewayToolName = "automation_complete";
    const complete: S.AutomationCompleteToolParams = {
      run_id: "r",
      completion_id: "c",
      outcome: "needs_human",
      summary_markdown: "# Done",
      citations: ["a"],
      diff_ref: "d",
      test_report_ref: "t",
      side_effect_refs: ["s"],
    };
    const env: S.RequestEnvVariablesToolParams = {
      keys: [{
        key: "STRIPE_KEY",
        description: "Stripe test key",
        type: "secret",
        required: true,
        suggestions: [{ label: "Dashboard", instructions: "Developers → API keys" }],
      }],
    };
    assert.ok(ops && op && tag && retry !== undefined && callback && camel && alias);
    assert.ok(complete && env);
  });
});

/** Members of `T` as one flat object type, `readonly` dropped (the sheet rarely states it). */
type Members<T> = { -readonly [K in keyof T]: T[K] };

/** True iff A and B have the same members: names, optionality and types. */
type SameMembers<A, B> = Equals<Members<A>, Members<B>>;

Deno.test("interfaces have exactly the sheet's members, optionality and types", async (t) => {
  await t.step("providers (sheet §1)", () => {
    assertType<
      SameMembers<P.ConnectionRequirement, {
        type: P.ConnectionType;
        preset?: string;
        scopes?: string[];
        optional?: boolean;
      }>
    >();
    assertType<
      SameMembers<P.ProviderConnections, {
        org?: P.ConnectionRequirement;
        user?: P.ConnectionRequirement;
      }>
    >();
    assertType<
      SameMembers<P.IntegrationProvider, {
        id: string;
        displayName: string;
        category: P.IntegrationCategory;
        connections: P.ProviderConnections;
        actions?: P.ProviderActions;
        triggers?: P.ProviderTriggers;
      }>
    >();
    assertType<SameMembers<P.ModeResolution, { mode: P.ActionMode; source: P.ModeSource }>>();
    type SheetActionDefinition = {
      id: string;
      description: string;
      riskLevel: P.RiskLevel;
      params: z.ZodType<unknown>;
    };
    assertType<SameMembers<P.ActionDefinition, SheetActionDefinition>>();
    assertType<
      SameMembers<P.ActionExecutionContext, {
        token?: string;
        orgId: string;
        sessionId: string;
        signal?: AbortSignal;
      }>
    >();
    assertType<
      SameMembers<P.ActionListContext, {
        token?: string;
        orgId: string;
        sessionId?: string;
        signal?: AbortSignal;
      }>
    >();
    assertType<
      SameMembers<P.ActionResult, {
        success: boolean;
        data?: unknown;
        error?: string;
        _truncated?: boolean;
      }>
    >();
    assertType<
      SameMembers<P.ActionSource, {
        id: string;
        displayName: string;
        guide?: string;
        listActions: (ctx: P.ActionListContext) => Promise<P.ActionDefinition[]>;
        execute: (
          actionId: string,
          params: Record<string, unknown>,
          ctx: P.ActionExecutionContext,
        ) => Promise<P.ActionResult>;
      }>
    >();
    assertType<
      SameMembers<
        P.ProviderActionDefinition,
        SheetActionDefinition & {
          execute: (
            params: Record<string, unknown>,
            ctx: P.ActionExecutionContext,
          ) => Promise<P.ActionResult>;
        }
      >
    >();
    assertType<
      SameMembers<P.ProviderActions, { definitions: P.ProviderActionDefinition[]; guide?: string }>
    >();
    assertType<Equals<P.ActionModeKey, `${string}:${string}`>>();
    assertType<Equals<P.ActionModes, Record<P.ActionModeKey, P.ActionMode>>>();
    assertType<SameMembers<P.ToolRiskOverride, { mode: P.ActionMode; hash: string }>>();
    assertType<Equals<P.ToolRiskOverrides, Record<string, P.ToolRiskOverride>>>();
    assertType<Equals<typeof P.zodToJsonSchema, (schema: z.ZodType) => P.JsonSchema>>();
    assertType<Equals<typeof P.jsonSchemaToZod, (schema: P.JsonSchema) => z.ZodType>>();
    const hash: (def: P.ActionDefinition) => Promise<string> = P.computeDefinitionHash;

    assertType<
      SameMembers<P.NormalizedTriggerEvent, {
        provider: string;
        eventType: string;
        providerEventType: string;
        occurredAt: string;
        dedupKey: string;
        title: string;
        url?: string;
        context: Record<string, unknown>;
        raw?: unknown;
      }>
    >();
    type Headers = Record<string, string | string[] | undefined>;
    assertType<
      SameMembers<P.WebhookRequest, {
        method: string;
        path: string;
        headers: Headers;
        query: Record<string, string | undefined>;
        params: Record<string, string | undefined>;
        rawBody: Uint8Array;
        body: unknown;
      }>
    >();
    assertType<
      SameMembers<P.WebhookParseInput, {
        json: unknown;
        headers: Headers;
        providerEventType?: string;
        receivedAt: string;
      }>
    >();
    assertType<SameMembers<P.WebhookIdentity, { kind: P.WebhookIdentityKind; id: string }>>();
    assertType<
      SameMembers<P.WebhookVerificationResult, {
        ok: boolean;
        identity?: P.WebhookIdentity;
        immediateResponse?: { status: number; body?: unknown };
      }>
    >();
    assertType<
      SameMembers<P.TriggerType<{ level: string }>, {
        id: string;
        description: string;
        configSchema: z.ZodType<{ level: string }>;
        matches: (event: P.NormalizedTriggerEvent, config: { level: string }) => boolean;
      }>
    >();
    assertType<Equals<P.TriggerType, P.TriggerType<Record<string, unknown>>>>();
    assertType<
      SameMembers<P.ProviderTriggers, {
        types: P.TriggerType[];
        webhook?: P.ProviderWebhook;
        polling?: P.ProviderPolling;
        hydrate?: (
          event: P.NormalizedTriggerEvent,
          ctx: P.HydrateContext,
        ) => Promise<P.NormalizedTriggerEvent>;
      }>
    >();
    assertType<
      SameMembers<P.ProviderWebhook, {
        verify: (
          req: P.WebhookRequest,
          secret: string | null,
        ) => Promise<P.WebhookVerificationResult>;
        parse: (input: P.WebhookParseInput) => Promise<P.NormalizedTriggerEvent[]>;
      }>
    >();
    assertType<
      SameMembers<P.ProviderPolling, {
        defaultIntervalSeconds: number;
        poll: (ctx: P.PollContext) => Promise<P.PollResult>;
      }>
    >();
    assertType<
      SameMembers<P.PollContext, { cursor: unknown; token?: string; orgId: string }>
    >();
    assertType<
      SameMembers<P.PollResult, {
        events: P.NormalizedTriggerEvent[];
        nextCursor: unknown;
        backoffSeconds?: number;
      }>
    >();
    assertType<SameMembers<P.HydrateContext, { token: string }>>();
    assertType<
      SameMembers<
        Pick<
          P.ProviderError,
          "name" | "code" | "message" | "retryable" | "status" | "retryAfterSeconds" | "cause"
        >,
        {
          name: "ProviderError";
          code: P.ProviderErrorCode;
          message: string;
          retryable: boolean;
          status?: number;
          retryAfterSeconds?: number;
          cause?: unknown;
        }
      >
    >();
    assertType<
      SameMembers<P.ProviderRegistry, {
        get: (id: string) => P.IntegrationProvider | undefined;
        list: () => P.IntegrationProvider[];
      }>
    >();
    assertType<
      Equals<
        P.ConnectorAuth,
        | { type: "bearer"; secretKey: string }
        | { type: "custom_header"; secretKey: string; headerName: string }
      >
    >();
    assertType<
      SameMembers<P.ConnectorRiskPolicy, {
        defaultRisk?: P.RiskLevel;
        overrides?: Record<string, P.RiskLevel>;
      }>
    >();
    assert.equal(typeof hash, "function");
  });

  await t.step("sandbox (sheet §2, §3.2, §3.3)", () => {
    assertType<SameMembers<S.AgentConfig, { agentType: S.AgentType; modelId: S.ModelId }>>();
    assertType<SameMembers<S.FileContent, { path: string; data: Uint8Array }>>();
    assertType<SameMembers<S.ServiceCommand, { name: string; command: string; cwd?: string }>>();
    assertType<
      SameMembers<S.PrebuildServiceCommand, {
        name: string;
        command: string;
        workspacePath?: string;
        cwd?: string;
      }>
    >();
    assertType<
      SameMembers<S.AutoStartOutputEntry, {
        name: string;
        workspacePath?: string;
        cwd?: string;
        output: string;
        exitCode: number | null;
        logFile?: string;
      }>
    >();
    assertType<SameMembers<S.SnapshotResult, { snapshotId: string }>>();
    assertType<SameMembers<S.PauseResult, { snapshotId: string }>>();
    assertType<SameMembers<S.MemorySnapshotResult, { snapshotId: string }>>();
    assertType<
      SameMembers<S.RepoSpec, {
        repoUrl: string;
        token?: string;
        workspacePath: string;
        repoId?: string;
        serviceCommands?: S.ServiceCommand[];
      }>
    >();
    assertType<
      SameMembers<S.CreateSandboxOpts, {
        sessionId: string;
        sessionType?: "coding" | "setup" | "cli" | null;
        repos: S.RepoSpec[];
        branch: string;
        envVars: Record<string, string>;
        systemPrompt: string;
        snapshotId?: string;
        baseSnapshotId?: string;
        agentConfig?: S.AgentConfig;
        currentSandboxId?: string;
        sshPublicKey?: string;
        triggerContext?: Record<string, unknown>;
        snapshotHasDeps?: boolean;
        serviceCommands?: S.PrebuildServiceCommand[];
        envFiles?: unknown;
        userName?: string;
        userEmail?: string;
      }>
    >();
    type SheetCreateSandboxResult = {
      sandboxId: string;
      tunnelUrl: string;
      previewUrl: string;
      sshHost?: string;
      sshPort?: number;
      expiresAt?: number;
    };
    assertType<SameMembers<S.CreateSandboxResult, SheetCreateSandboxResult>>();
    assertType<
      SameMembers<S.EnsureSandboxResult, SheetCreateSandboxResult & { recovered: boolean }>
    >();
    assertType<
      SameMembers<S.RestoreFromMemorySnapshotOpts, {
        envVars?: Record<string, string>;
        repos?: S.RepoSpec[];
      }>
    >();
    assertType<
      SameMembers<S.SandboxProvider, {
        type: S.SandboxProviderType;
        supportsPause?: boolean;
        supportsAutoPause?: boolean;
        supportsMemorySnapshot?: boolean;
        ensureSandbox: (opts: S.CreateSandboxOpts) => Promise<S.EnsureSandboxResult>;
        createSandbox: (opts: S.CreateSandboxOpts) => Promise<S.CreateSandboxResult>;
        snapshot: (sessionId: string, sandboxId: string) => Promise<S.SnapshotResult>;
        pause: (sessionId: string, sandboxId: string) => Promise<S.PauseResult>;
        terminate: (sessionId: string, sandboxId?: string) => Promise<void>;
        writeEnvFile: (sandboxId: string, envVars: Record<string, string>) => Promise<void>;
        health: () => Promise<boolean>;
        checkSandboxes?: (sandboxIds: string[]) => Promise<string[]>;
        resolveTunnels?: (
          sandboxId: string,
        ) => Promise<{ openCodeUrl: string; previewUrl: string }>;
        readFiles?: (sandboxId: string, folderPath: string) => Promise<S.FileContent[]>;
        testServiceCommands?: (
          sandboxId: string,
          commands: S.PrebuildServiceCommand[],
          opts: { timeoutMs: number; runId: string },
        ) => Promise<S.AutoStartOutputEntry[]>;
        execCommand?: (
          sandboxId: string,
          argv: string[],
          opts?: { cwd?: string; timeoutMs?: number; env?: Record<string, string> },
        ) => Promise<{ stdout: string; stderr: string; exitCode: number }>;
        memorySnapshot?: (sessionId: string, sandboxId: string) => Promise<{ snapshotId: string }>;
        restoreFromMemorySnapshot?: (
          sessionId: string,
          snapshotId: string,
          opts?: { envVars?: Record<string, string>; repos?: S.RepoSpec[] },
        ) => Promise<S.CreateSandboxResult>;
      }>
    >();
    assertType<
      SameMembers<
        Pick<
          S.SandboxProviderError,
          "name" | "provider" | "operation" | "statusCode" | "isRetryable" | "raw" | "message"
        >,
        {
          name: "SandboxProviderError";
          provider: S.SandboxProviderType;
          operation: S.SandboxOperation;
          statusCode?: number;
          isRetryable: boolean;
          raw?: unknown;
          message: string;
        }
      >
    >();
    assertType<
      SameMembers<S.SandboxProviderErrorOptions, {
        provider: S.SandboxProviderType;
        operation: S.SandboxOperation;
        message: string;
        statusCode?: number;
        isRetryable?: boolean;
        raw?: unknown;
        cause?: Error;
      }>
    >();
    assertType<
      Equals<
        typeof S.SandboxProviderError.fromResponse,
        (
          response: Response,
          provider: S.SandboxProviderType,
          operation: S.SandboxOperation,
        ) => Promise<S.SandboxProviderError>
      >
    >();
    assertType<
      Equals<
        typeof S.SandboxProviderError.fromError,
        (
          error: unknown,
          provider: S.SandboxProviderType,
          operation: S.SandboxOperation,
        ) => S.SandboxProviderError
      >
    >();
    assertType<
      Equals<typeof S.isSandboxProviderError, (error: unknown) => error is S.SandboxProviderError>
    >();
    assertType<Equals<typeof S.redactSecrets, (text: string) => string>>();
    assertType<
      SameMembers<S.SessionMetadata, {
        sessionId: string;
        repoDir: string;
        createdAt: number;
        lastGitFetchAt?: number;
      }>
    >();
    assertType<
      SameMembers<S.ShouldPullOpts, {
        enabled: boolean;
        hasSnapshot: boolean;
        repoCount: number;
        cadenceSeconds: number;
        lastGitFetchAt?: number;
        now?: number;
      }>
    >();
    assertType<
      SameMembers<S.FetchWithTimeoutOptions, RequestInit & { timeoutMs?: number }>
    >();
    assertType<
      SameMembers<S.ToolCallbackRequest, {
        session_id: string;
        tool_call_id: string;
        params: Record<string, unknown>;
      }>
    >();
    assertType<SameMembers<S.ToolCallbackSuccess, { result: unknown }>>();
    assertType<SameMembers<S.ToolCallbackError, { error: string; message?: string }>>();
    assertType<
      SameMembers<S.GatewayToolResult, {
        success: boolean;
        result: string;
        data?: Record<string, unknown>;
      }>
    >();
    assertType<SameMembers<S.VerifyToolParams, { folder?: string }>>();
    assertType<SameMembers<S.SaveSnapshotToolParams, { message?: string }>>();
    assertType<
      SameMembers<S.SaveServiceCommandsToolParams, { commands: S.PrebuildServiceCommand[] }>
    >();
    assertType<
      SameMembers<S.AutomationCompleteToolParams, {
        run_id: string;
        completion_id: string;
        outcome: S.AutomationOutcome;
        summary_markdown?: string;
        citations?: string[];
        diff_ref?: string;
        test_report_ref?: string;
        side_effect_refs?: string[];
      }>
    >();
    assertType<
      SameMembers<S.RequestEnvVariablesToolParams, {
        keys: Array<{
          key: string;
          description?: string;
          type?: "env" | "secret";
          required?: boolean;
          suggestions?: Array<{ label: string; value?: string; instructions?: string }>;
        }>;
      }>
    >();
    assertType<SameMembers<S.SessionAgentConfig, { modelId?: string; tools?: string[] }>>();
  });
});
