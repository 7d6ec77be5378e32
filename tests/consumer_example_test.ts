/**
 * A consumer of the published entry points, written the way the vNext specs' reference examples
 * use the contracts: a Sentry integration module (actions, webhook, trigger type), a Linear-style
 * poller, MCP and database action sources, the gateway's invoke pipeline with drift, a Modal-style
 * sandbox provider with memory snapshots next to an E2B-style one with pause, and the gateway's
 * tool callback route. It imports only `@proliferate/core/providers`, `@proliferate/core/sandbox`
 * and `zod`; that it type-checks is half the test, the steps below are the other half.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import {
  type ActionDefinition,
  type ActionExecutionContext,
  type ActionListContext,
  type ActionMode,
  type ActionModes,
  type ActionResult,
  type ActionSource,
  applyDriftGuard,
  bytesToHex,
  computeDefinitionHash,
  createProviderRegistry,
  hmacSha256,
  type IntegrationProvider,
  isToolDrifted,
  type JsonSchema,
  jsonSchemaToZod,
  type ModeResolution,
  type NormalizedTriggerEvent,
  normalizedTriggerEventSchema,
  parseActionModeKey,
  parseOrThrow,
  type PollContext,
  type PollResult,
  pollResultSchema,
  ProviderActionSource,
  ProviderError,
  resolveActionMode,
  storableWebhookHeaders,
  type ToolRiskOverrides,
  type TriggerType,
  verifyHmacSha256Signature,
  type WebhookParseInput,
  webhookParseInputSchema,
  type WebhookRequest,
  webhookRequestFromRequest,
  type WebhookVerificationResult,
  webhookVerificationResultSchema,
} from "@proliferate/core/providers";
import {
  canonicalGatewayToolName,
  type CreateSandboxOpts,
  type CreateSandboxResult,
  type EnsureSandboxResult,
  isMemorySnapshotCapable,
  isMemorySnapshotId,
  MEMORY_SNAPSHOT_ID_PREFIX,
  type MemorySnapshotResult,
  type PauseResult,
  type RestoreFromMemorySnapshotOpts,
  type SandboxProvider,
  SandboxProviderError,
  shouldPullOnRestore,
  type SnapshotResult,
  toolCallbackRequestSchema,
} from "@proliferate/core/sandbox";

// ---------------------------------------------------------------------------------------------
// Sentry integration module (actions.md §2.2, triggers.md §2.2): stateless, token via context.

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const sentryIssueParams = z.object({
  issueId: z.string(),
  status: z.enum(["resolved", "unresolved", "ignored"]).optional(),
  assignedTo: z.string().optional(),
});

const errorCreatedConfig = z.object({
  minLevel: z.enum(["warning", "error", "fatal"]).default("error"),
  projectSlug: z.string().optional(),
});
type ErrorCreatedConfig = z.infer<typeof errorCreatedConfig>;

const LEVELS = ["debug", "info", "warning", "error", "fatal"];

const errorCreated: TriggerType<ErrorCreatedConfig> = {
  id: "error_created",
  description: "A new error issue appears in Sentry",
  configSchema: errorCreatedConfig,
  matches(event, config) {
    const level = String(event.context.level ?? "error");
    if (LEVELS.indexOf(level) < LEVELS.indexOf(config.minLevel)) return false;
    return config.projectSlug === undefined || event.context.project === config.projectSlug;
  },
};

function sentryProvider(fetchUpstream: Fetch): IntegrationProvider {
  return {
    id: "sentry",
    displayName: "Sentry",
    category: "monitoring",
    connections: {
      org: { type: "oauth2", preset: "sentry", scopes: ["event:read", "event:write"] },
    },
    actions: {
      guide: "Use `sentry.update_issue` to resolve issues you fixed.",
      definitions: [{
        id: "update_issue",
        description: "Update a Sentry issue's status or assignee",
        riskLevel: "write",
        params: sentryIssueParams,
        execute: async (params, ctx) => {
          const { issueId, ...changes } = sentryIssueParams.parse(params);
          const res = await fetchUpstream(`https://sentry.io/api/0/issues/${issueId}/`, {
            method: "PUT",
            headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json" },
            body: JSON.stringify(changes),
            signal: ctx.signal,
          });
          if (res.status === 404) return { success: false, error: `Issue ${issueId} not found` };
          if (!res.ok) throw await ProviderError.fromResponse(res, "Sentry");
          return { success: true, data: await res.json() };
        },
      }],
    },
    triggers: {
      types: [errorCreated],
      webhook: {
        verify: async (
          req: WebhookRequest,
          secret: string | null,
        ): Promise<WebhookVerificationResult> => {
          if (secret === null) return { ok: false };
          const signature = req.headers["sentry-hook-signature"];
          const ok = await verifyHmacSha256Signature({
            secret,
            body: req.rawBody,
            signature: typeof signature === "string" ? signature : undefined,
          });
          const installation = (req.body as { installation?: { uuid?: string } } | null)
            ?.installation;
          return ok && installation?.uuid
            ? { ok, identity: { kind: "integration", id: installation.uuid } }
            : { ok };
        },
        parse: (input: WebhookParseInput): Promise<NormalizedTriggerEvent[]> => {
          const payload = input.json as {
            action?: string;
            data?: {
              issue?: {
                id: string;
                title: string;
                permalink?: string;
                level?: string;
                project?: { slug: string };
                firstSeen?: string;
              };
            };
          };
          const issue = payload.data?.issue;
          if (payload.action !== "created" || issue === undefined) return Promise.resolve([]);
          return Promise.resolve([{
            provider: "sentry",
            eventType: "error_created",
            providerEventType: input.providerEventType ?? "unknown",
            occurredAt: issue.firstSeen ?? input.receivedAt,
            dedupKey: `sentry:${issue.id}`,
            title: issue.title,
            url: issue.permalink,
            context: { level: issue.level ?? "error", project: issue.project?.slug ?? null },
            raw: payload,
          }]);
        },
      },
      hydrate: (event, ctx) =>
        Promise.resolve({
          ...event,
          context: { ...event.context, hydrated: ctx.token.length > 0 },
        }),
    },
  };
}

// A Linear-style poller (triggers.md §3.2): one poll per group, opaque cursor.
const linearPolling = {
  defaultIntervalSeconds: 60,
  poll: (ctx: PollContext): Promise<PollResult> => {
    const since = typeof ctx.cursor === "string" ? ctx.cursor : "1970-01-01T00:00:00Z";
    const events: NormalizedTriggerEvent[] = [{
      provider: "linear",
      eventType: "issue_created",
      providerEventType: "Issue.create",
      occurredAt: "2025-03-01T10:00:00Z",
      dedupKey: "linear:LIN-1",
      title: `Issues since ${since}`,
      context: { team: "ENG", org: ctx.orgId },
    }];
    return Promise.resolve({ events, nextCursor: "2025-03-01T10:00:00Z" });
  },
};

const linear: IntegrationProvider = {
  id: "linear",
  displayName: "Linear",
  category: "issue_tracker",
  connections: { org: { type: "oauth2", preset: "linear", scopes: ["read", "write"] } },
  triggers: { types: [], polling: linearPolling },
};

// ---------------------------------------------------------------------------------------------
// Dynamic sources (actions.md §2.3, §2.4): MCP connector tools and a database connector.

interface McpTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
  annotations?: { readOnlyHint?: boolean };
}

class McpConnectorActionSource implements ActionSource {
  readonly id: string;
  readonly displayName: string;
  constructor(
    connector: { id: string; name: string },
    private readonly client: {
      listTools(token?: string): Promise<McpTool[]>;
      callTool(name: string, args: Record<string, unknown>, token?: string): Promise<unknown>;
    },
  ) {
    this.id = `connector:${connector.id}`;
    this.displayName = connector.name;
  }
  async listActions(ctx: ActionListContext): Promise<ActionDefinition[]> {
    const tools = await this.client.listTools(ctx.token);
    return tools.filter((tool) => !tool.name.includes(":")).map((tool) => ({
      id: tool.name,
      description: tool.description ?? "",
      riskLevel: tool.annotations?.readOnlyHint === true ? "read" : "write",
      params: jsonSchemaToZod(tool.inputSchema),
    }));
  }
  async execute(
    actionId: string,
    params: Record<string, unknown>,
    ctx: ActionExecutionContext,
  ): Promise<ActionResult> {
    return { success: true, data: await this.client.callTool(actionId, params, ctx.token) };
  }
}

class DatabaseActionSource implements ActionSource {
  readonly id: string;
  readonly displayName = "Analytics warehouse";
  constructor(hash: string, private readonly rows: Record<string, unknown>[]) {
    this.id = `db:${hash}`;
  }
  listActions(): Promise<ActionDefinition[]> {
    return Promise.resolve([{
      id: "run_query",
      description: "Run a read-only SQL query (at most 100 rows)",
      riskLevel: "write",
      params: z.object({ sql: z.string() }),
    }]);
  }
  execute(): Promise<ActionResult> {
    return Promise.resolve({ success: true, data: this.rows.slice(0, 100) });
  }
}

// ---------------------------------------------------------------------------------------------
// Gateway: the invoke pipeline (actions.md §6.2) with connector drift (§2.6).

type InvokeOutcome =
  | { status: 400 | 404; error: string }
  | { status: 403 | 202; resolution: ModeResolution }
  | { status: 200; resolution: ModeResolution; result: ActionResult };

async function invoke(
  sources: ActionSource[],
  key: string,
  params: Record<string, unknown>,
  ctx: ActionExecutionContext,
  policy: {
    orgModes?: ActionModes;
    automationModes?: ActionModes;
    toolOverrides?: ToolRiskOverrides;
  },
): Promise<InvokeOutcome> {
  const parsedKey = parseActionModeKey(key);
  const source = sources.find((s) => s.id === parsedKey?.sourceId);
  if (parsedKey === undefined || source === undefined) {
    return { status: 404, error: `no source for ${key}` };
  }
  const def = (await source.listActions(ctx)).find((d) => d.id === parsedKey.actionId);
  if (def === undefined) return { status: 404, error: `no action ${key}` };
  const checked = def.params.safeParse(params);
  if (!checked.success) return { status: 400, error: checked.error.message };
  const override = policy.toolOverrides?.[def.id];
  const drifted = source.id.startsWith("connector:") &&
    isToolDrifted(override, await computeDefinitionHash(def));
  const orgModes: ActionModes = { ...policy.orgModes };
  if (override !== undefined && source.id.startsWith("connector:")) {
    orgModes[`${source.id}:${def.id}`] = override.mode;
  }
  const resolved = resolveActionMode({
    sourceId: source.id,
    actionId: def.id,
    riskLevel: def.riskLevel,
    orgModes,
    automationModes: policy.automationModes,
  });
  const mode: ActionMode = applyDriftGuard(resolved.mode, drifted);
  const resolution: ModeResolution = { mode, source: resolved.source };
  if (mode === "deny") return { status: 403, resolution };
  if (mode === "require_approval") return { status: 202, resolution };
  return { status: 200, resolution, result: await source.execute(def.id, params, ctx) };
}

// ---------------------------------------------------------------------------------------------
// Sandbox providers (sandbox-providers.md §2): Modal-style with memory snapshots, E2B-style with pause.

const connection = (sandboxId: string): CreateSandboxResult => ({
  sandboxId,
  tunnelUrl: `https://${sandboxId}-4096.sandbox.test`,
  previewUrl: `https://${sandboxId}-20000.sandbox.test`,
  expiresAt: Date.now() + 3_600_000,
});

class ModalStyleProvider implements SandboxProvider {
  readonly type = "modal" as const;
  readonly supportsPause = false;
  readonly supportsAutoPause = false;
  readonly supportsMemorySnapshot = true;
  readonly restores: { snapshotId: string; opts?: RestoreFromMemorySnapshotOpts }[] = [];
  #live = new Set<string>();
  #next = 1;

  async ensureSandbox(opts: CreateSandboxOpts): Promise<EnsureSandboxResult> {
    if (opts.currentSandboxId !== undefined && this.#live.has(opts.currentSandboxId)) {
      return { ...connection(opts.currentSandboxId), recovered: true };
    }
    return { ...(await this.createSandbox(opts)), recovered: false };
  }
  createSandbox(_opts: CreateSandboxOpts): Promise<CreateSandboxResult> {
    const id = `sb-${this.#next++}`;
    this.#live.add(id);
    return Promise.resolve(connection(id));
  }
  snapshot(_sessionId: string, sandboxId: string): Promise<SnapshotResult> {
    return Promise.resolve({ snapshotId: `im-${sandboxId}` });
  }
  pause(): Promise<PauseResult> {
    return Promise.reject(
      new SandboxProviderError({
        provider: "modal",
        operation: "pause",
        message: "Modal cannot pause",
      }),
    );
  }
  terminate(_sessionId: string, sandboxId?: string): Promise<void> {
    if (sandboxId !== undefined) this.#live.delete(sandboxId);
    return Promise.resolve();
  }
  writeEnvFile(): Promise<void> {
    return Promise.resolve();
  }
  health(): Promise<boolean> {
    return Promise.resolve(true);
  }
  memorySnapshot(_sessionId: string, sandboxId: string): Promise<MemorySnapshotResult> {
    this.#live.delete(sandboxId);
    return Promise.resolve({ snapshotId: `${MEMORY_SNAPSHOT_ID_PREFIX}${sandboxId}` });
  }
  restoreFromMemorySnapshot(
    _sessionId: string,
    snapshotId: string,
    opts?: RestoreFromMemorySnapshotOpts,
  ): Promise<CreateSandboxResult> {
    this.restores.push({ snapshotId, opts });
    const id = `sb-${this.#next++}`;
    this.#live.add(id);
    return Promise.resolve(connection(id));
  }
}

const e2bStyle: SandboxProvider = {
  type: "e2b",
  supportsPause: true,
  supportsAutoPause: true,
  ensureSandbox: () => Promise.resolve({ ...connection("e2b-1"), recovered: false }),
  createSandbox: () => Promise.resolve(connection("e2b-1")),
  snapshot: (sessionId, sandboxId) => e2bStyle.pause(sessionId, sandboxId),
  pause: (_sessionId, sandboxId) => Promise.resolve({ snapshotId: sandboxId }),
  terminate: () => Promise.resolve(),
  writeEnvFile: () => Promise.resolve(),
  health: () => Promise.resolve(true),
};

// Gateway side: idle snapshot and resume branch on the capability, never assume it.
async function snapshotIdle(
  provider: SandboxProvider,
  sessionId: string,
  sandboxId: string,
): Promise<string> {
  if (isMemorySnapshotCapable(provider)) {
    return (await provider.memorySnapshot(sessionId, sandboxId)).snapshotId;
  }
  return (await provider.snapshot(sessionId, sandboxId)).snapshotId;
}

async function resume(
  provider: SandboxProvider,
  opts: CreateSandboxOpts & { snapshotId: string },
): Promise<CreateSandboxResult> {
  if (isMemorySnapshotId(opts.snapshotId) && isMemorySnapshotCapable(provider)) {
    return await provider.restoreFromMemorySnapshot(opts.sessionId, opts.snapshotId, {
      envVars: opts.envVars,
      repos: opts.repos,
    });
  }
  return await provider.createSandbox(opts);
}

// ---------------------------------------------------------------------------------------------

Deno.test("consumer written from the spec examples", async (t) => {
  const upstreamCalls: { url: string; init?: RequestInit }[] = [];
  const fakeSentry: Fetch = (url, init) => {
    upstreamCalls.push({ url, init });
    if (url.includes("/issues/missing/")) {
      return Promise.resolve(new Response("{}", { status: 404 }));
    }
    if (url.includes("/issues/flaky/")) {
      return Promise.resolve(new Response("bad gateway", { status: 502 }));
    }
    return Promise.resolve(Response.json({ id: "1", status: "resolved" }));
  };
  const sentry = sentryProvider(fakeSentry);
  const registry = createProviderRegistry([sentry, linear], { onWarning: (w) => assert.fail(w) });
  const ctx: ActionExecutionContext = {
    orgId: "org_1",
    sessionId: "ses_1",
    token: "sentry-oauth-token",
    signal: AbortSignal.timeout(30_000),
  };

  await t.step("webhook: route verifies raw bytes, worker parses, automations match", async () => {
    const body = JSON.stringify({
      action: "created",
      installation: { uuid: "inst-9" },
      data: {
        issue: {
          id: "4711",
          title: "TypeError in checkout",
          permalink: "https://acme.sentry.io/issues/4711/",
          level: "error",
          project: { slug: "web" },
          firstSeen: "2025-03-01T09:59:00Z",
        },
      },
    });
    const signature = bytesToHex(await hmacSha256({ secret: "whsec_1", data: body }));
    const request = new Request("https://hooks.test/webhooks/sentry", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "Sentry-Hook-Signature": signature,
        "Sentry-Hook-Resource": "issue",
        Cookie: "session=abc",
      },
      body,
    });
    const hook = await webhookRequestFromRequest(request, { providerId: "sentry" });
    const provider = registry.get(hook.params.providerId ?? "")!;
    const verdict = parseOrThrow(
      webhookVerificationResultSchema,
      await provider.triggers!.webhook!.verify(hook, "whsec_1"),
      "verify",
    );
    assert.deepEqual(verdict, { ok: true, identity: { kind: "integration", id: "inst-9" } });
    assert.equal((await provider.triggers!.webhook!.verify(hook, "wrong")).ok, false);
    assert.equal((await provider.triggers!.webhook!.verify(hook, null)).ok, false);

    // The inbox row crosses to the worker as JSON, without credential headers.
    const inboxRow = JSON.parse(
      JSON.stringify({
        json: hook.body,
        headers: storableWebhookHeaders(hook.headers),
        providerEventType: "issue.created",
        receivedAt: "2025-03-01T10:00:00.000Z",
      }),
    );
    const input = parseOrThrow(webhookParseInputSchema, inboxRow, "inbox row");
    assert.equal(input.headers.cookie, undefined);
    assert.equal(input.headers["sentry-hook-resource"], "issue");
    const events = (await provider.triggers!.webhook!.parse(input)).map((e) =>
      parseOrThrow(normalizedTriggerEventSchema, e, "event")
    );
    assert.equal(events.length, 1);
    assert.equal(events[0].dedupKey, "sentry:4711");
    const hydrated = await provider.triggers!.hydrate!(events[0], { token: "t" });
    assert.equal(hydrated.context.hydrated, true);
    const configs = [{ minLevel: "error" }, { minLevel: "fatal" }, { projectSlug: "api" }].map((
      c,
    ) => errorCreatedConfig.parse(c));
    assert.deepEqual(configs.map((c) => errorCreated.matches(events[0], c)), [true, false, false]);
    assert.deepEqual(
      await provider.triggers!.webhook!.parse({ ...input, json: { action: "resolved" } }),
      [],
    );
  });

  await t.step("polling returns events and a JSON cursor that the scheduler accepts", async () => {
    const result = parseOrThrow(
      pollResultSchema,
      await registry.get("linear")!.triggers!.polling!.poll({
        cursor: null,
        token: "t",
        orgId: "org_1",
      }),
      "poll result",
    );
    assert.equal(result.events[0].context.org, "org_1");
    assert.equal(result.nextCursor, "2025-03-01T10:00:00Z");
    assert.throws(
      () => parseOrThrow(pollResultSchema, { ...result, nextCursor: new Date() }, "poll result"),
      /nextCursor/,
    );
  });

  await t.step("invoke pipeline across provider, connector and database sources", async () => {
    const toolsV1: McpTool[] = [
      {
        name: "search_docs",
        description: "Search",
        inputSchema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
        annotations: { readOnlyHint: true },
      },
      {
        name: "delete_page",
        inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      },
      { name: "bad:name", inputSchema: { type: "object" } },
    ];
    let tools = toolsV1;
    const notion = new McpConnectorActionSource({ id: "7f3c", name: "Notion" }, {
      listTools: () => Promise.resolve(tools),
      callTool: (name, args) => Promise.resolve({ name, args }),
    });
    const sources: ActionSource[] = [
      new ProviderActionSource(sentry),
      notion,
      new DatabaseActionSource("ab12", [{ n: 1 }]),
    ];
    assert.deepEqual(
      (await notion.listActions({ orgId: "org_1" })).map((d) => [d.id, d.riskLevel]),
      [["search_docs", "read"], ["delete_page", "write"]],
    );

    // Admin reviewed delete_page and allowed it; the hash pins the reviewed definition.
    const reviewedHash = await computeDefinitionHash(
      (await notion.listActions({ orgId: "org_1" }))[1],
    );
    const toolOverrides: ToolRiskOverrides = { delete_page: { mode: "allow", hash: reviewedHash } };

    assert.equal(
      (await invoke(sources, "sentry:update_issue", { issueId: "1", status: "resolved" }, ctx, {}))
        .status,
      202,
    );
    const allowed = await invoke(
      sources,
      "sentry:update_issue",
      { issueId: "1", status: "resolved" },
      ctx,
      { orgModes: { "sentry:update_issue": "allow" } },
    );
    assert.equal(allowed.status, 200);
    assert.equal(upstreamCalls.at(-1)?.init?.method, "PUT");
    assert.equal(
      (await invoke(sources, "sentry:update_issue", { issueId: 1 }, ctx, {})).status,
      400,
    );
    assert.equal((await invoke(sources, "sentry:nope", {}, ctx, {})).status, 404);
    assert.deepEqual(
      await invoke(sources, "sentry:update_issue", { issueId: "missing" }, ctx, {
        automationModes: { "sentry:update_issue": "allow" },
      }),
      {
        status: 200,
        resolution: { mode: "allow", source: "automation_override" },
        result: { success: false, error: "Issue missing not found" },
      },
    );
    await assert.rejects(
      invoke(sources, "sentry:update_issue", { issueId: "flaky" }, ctx, {
        orgModes: { "sentry:update_issue": "allow" },
      }),
      (err: unknown) =>
        err instanceof ProviderError && err.code === "upstream_error" && err.retryable,
    );
    assert.equal(
      (await invoke(sources, "connector:7f3c:search_docs", { q: "x" }, ctx, {})).status,
      200,
    );
    assert.equal(
      (await invoke(sources, "connector:7f3c:delete_page", { id: "p" }, ctx, { toolOverrides }))
        .status,
      200,
    );
    assert.equal(
      (await invoke(sources, "db:ab12:run_query", { sql: "select 1" }, ctx, {})).status,
      202,
    );

    // The tool changes upstream: allow drops to require_approval; deny would stay deny.
    tools = toolsV1.map((tool) =>
      tool.name === "delete_page"
        ? {
          ...tool,
          inputSchema: {
            type: "object",
            properties: { id: { type: "string" }, force: { type: "boolean" } },
            required: ["id"],
          },
        }
        : tool
    );
    const drifted = await invoke(sources, "connector:7f3c:delete_page", { id: "p" }, ctx, {
      toolOverrides,
    });
    assert.deepEqual(drifted, {
      status: 202,
      resolution: { mode: "require_approval", source: "org_default" },
    });
    const denied = await invoke(sources, "connector:7f3c:delete_page", { id: "p" }, ctx, {
      toolOverrides: { delete_page: { mode: "deny", hash: reviewedHash } },
    });
    assert.equal(denied.status, 403);
  });

  await t.step(
    "sandbox: idle with a memory snapshot, resume through restore, fall back elsewhere",
    async () => {
      const modal = new ModalStyleProvider();
      const opts: CreateSandboxOpts = {
        sessionId: "ses_1",
        sessionType: "coding",
        repos: [{
          repoUrl: "https://github.com/acme/web.git",
          token: "ghs_fresh",
          workspacePath: "web",
        }],
        branch: "main",
        envVars: { NODE_ENV: "development" },
        systemPrompt: "You are a careful engineer.",
        userName: "Ada",
        userEmail: "ada@example.com",
      };
      const first = await modal.ensureSandbox(opts);
      assert.equal(first.recovered, false);
      assert.equal(
        (await modal.ensureSandbox({ ...opts, currentSandboxId: first.sandboxId })).recovered,
        true,
      );

      const snapshotId = await snapshotIdle(modal, opts.sessionId, first.sandboxId);
      assert.ok(isMemorySnapshotId(snapshotId));
      const restored = await resume(modal, { ...opts, snapshotId });
      assert.notEqual(restored.sandboxId, first.sandboxId);
      assert.deepEqual(modal.restores[0].opts?.repos?.[0].token, "ghs_fresh");
      assert.equal(
        shouldPullOnRestore({
          enabled: true,
          hasSnapshot: true,
          repoCount: opts.repos.length,
          cadenceSeconds: 300,
        }),
        true,
      );

      assert.equal(isMemorySnapshotCapable(e2bStyle), false);
      const e2bSnapshot = await snapshotIdle(e2bStyle, "ses_2", "e2b-1");
      assert.equal(isMemorySnapshotId(e2bSnapshot), false);
      assert.equal(
        (await resume(e2bStyle, { ...opts, snapshotId: e2bSnapshot })).sandboxId,
        "e2b-1",
      );

      const failure = await modal.pause().then(
        () => assert.fail("Modal paused"),
        (e: unknown) => SandboxProviderError.fromError(e, "modal", "pause"),
      );
      assert.equal(failure.message, "[modal:pause] Modal cannot pause");
      assert.equal(failure.isRetryable, false);
    },
  );

  await t.step(
    "tool callback route: validate, canonicalise, answer duplicates from the store",
    () => {
      const store = new Map<string, unknown>();
      let runs = 0;
      const handle = (toolName: string, body: unknown): { status: number; body: unknown } => {
        const name = canonicalGatewayToolName(toolName);
        if (name === undefined) return { status: 404, body: { error: "unknown_tool" } };
        const req = parseOrThrow(toolCallbackRequestSchema, body, "tool callback");
        const key = `${req.session_id}:${req.tool_call_id}`;
        if (!store.has(key)) {
          runs++;
          store.set(key, { tool: name, ok: true });
        }
        return { status: 200, body: { result: store.get(key) } };
      };
      const body = {
        session_id: "ses_1",
        tool_call_id: "call_1",
        params: { run_id: "r", completion_id: "c", outcome: "succeeded" },
      };
      assert.deepEqual(handle("automation_complete", body), {
        status: 200,
        body: { result: { tool: "automation.complete", ok: true } },
      });
      assert.deepEqual(handle("automation.complete", body).status, 200);
      assert.equal(runs, 1, "a retried tool_call_id is not executed twice");
      assert.equal(handle("shell", body).status, 404);
      assert.throws(() => handle("verify", { session_id: "ses_1", params: {} }), /tool_call_id/);
    },
  );
});
