/** Runtime tests of `@proliferate/core/providers`: validators, action seam, modes, hashing, crypto. */
import assert from "node:assert/strict";
import { z } from "zod";
import {
  ACTION_EXECUTION_TIMEOUT_MS,
  ACTION_RATE_LIMIT_PER_MINUTE,
  ACTION_REDACTED_KEYS,
  ACTION_RESULT_MAX_BYTES,
  actionModeKey,
  actionModesSchema,
  actionResultSchema,
  applyDriftGuard,
  bytesToHex,
  computeDefinitionHash,
  CONNECTOR_TOOL_LIST_CACHE_MS,
  ContractValidationError,
  createProviderRegistry,
  ENQUEUE_ENRICH_OUTBOX_KIND,
  GITHUB_APP_TOKEN_CACHE_MS,
  hashJsonSchema,
  hmacSha256,
  inferredActionMode,
  type IntegrationProvider,
  isJsonValue,
  isProviderError,
  isToolDrifted,
  jsonSchemaToZod,
  MAX_PENDING_ACTIONS_PER_SESSION,
  modeResolutionSchema,
  type NormalizedTriggerEvent,
  normalizedTriggerEventSchema,
  normalizeJsonSchemaForHash,
  parseActionModeKey,
  parseOrThrow,
  PENDING_EXPIRY_INTERACTIVE_MS,
  PENDING_EXPIRY_UNATTENDED_MS,
  pollResultSchema,
  ProviderActionSource,
  ProviderError,
  ProviderRegistryError,
  resolveActionMode,
  sha256Hex,
  stableStringify,
  storableWebhookHeaders,
  timingSafeEqual,
  toolRiskOverridesSchema,
  validateProviders,
  verifyHmacSha256Signature,
  WEBHOOK_INBOX_RETENTION_DAYS,
  webhookParseInputSchema,
  webhookRequestFromRequest,
  webhookRequestSchema,
  webhookVerificationResultSchema,
  zodToJsonSchema,
} from "@proliferate/core/providers";

const event: NormalizedTriggerEvent = {
  provider: "sentry",
  eventType: "error_created",
  providerEventType: "issue.created",
  occurredAt: "2025-01-02T03:04:05.123+02:00",
  dedupKey: "sentry:4711",
  title: "TypeError: cannot read properties of undefined",
  url: "https://acme.sentry.io/issues/4711/",
  context: { level: "error", project: { slug: "web" }, tags: ["checkout"] },
  raw: { id: "4711", culprit: null },
};

/** Asserts that parsing throws a ContractValidationError whose message names `field`. */
function assertRejectsField(schema: z.ZodType, value: unknown, field: string): void {
  assert.throws(
    () => parseOrThrow(schema, value, "input"),
    (err: unknown) => {
      assert.ok(err instanceof ContractValidationError, "wrong error class");
      assert.ok(
        err.issues.some((issue) => issue.path === field),
        `no issue at ${field}: ${err.message}`,
      );
      assert.match(err.message, new RegExp(`(^|[ ;])${field.replace(/[[\].]/g, "\\$&")}: `));
      return true;
    },
  );
}

Deno.test("validators accept spec-shaped values and name the bad field otherwise", async (t) => {
  await t.step("NormalizedTriggerEvent", () => {
    assert.deepEqual(parseOrThrow(normalizedTriggerEventSchema, event, "event"), event);
    const { url: _url, raw: _raw, ...required } = event;
    assert.deepEqual(parseOrThrow(normalizedTriggerEventSchema, required, "event"), required);
    assertRejectsField(normalizedTriggerEventSchema, { ...event, dedupKey: "" }, "dedupKey");
    assertRejectsField(
      normalizedTriggerEventSchema,
      { ...event, occurredAt: "yesterday" },
      "occurredAt",
    );
    assertRejectsField(normalizedTriggerEventSchema, { ...event, url: "not a url" }, "url");
    assertRejectsField(normalizedTriggerEventSchema, { ...event, title: undefined }, "title");
    assertRejectsField(
      normalizedTriggerEventSchema,
      { ...event, context: { at: new Date() } },
      "context",
    );
    assertRejectsField(normalizedTriggerEventSchema, { ...event, raw: { n: NaN } }, "raw");
    assertRejectsField(
      normalizedTriggerEventSchema,
      { ...event, context: "level=error" },
      "context",
    );
  });

  await t.step("unknown keys are stripped, not kept", () => {
    const parsed = parseOrThrow(normalizedTriggerEventSchema, { ...event, extra: 1 }, "event");
    assert.equal("extra" in parsed, false);
  });

  await t.step("WebhookVerificationResult", () => {
    const ok = {
      ok: true,
      identity: { kind: "trigger", id: "trg_1" },
      immediateResponse: { status: 200, body: "challenge" },
    };
    assert.deepEqual(parseOrThrow(webhookVerificationResultSchema, ok, "verification"), ok);
    assert.deepEqual(parseOrThrow(webhookVerificationResultSchema, { ok: false }, "v"), {
      ok: false,
    });
    assertRejectsField(
      webhookVerificationResultSchema,
      { ok: true, identity: { kind: "user", id: "u" } },
      "identity.kind",
    );
    assertRejectsField(
      webhookVerificationResultSchema,
      { ok: true, immediateResponse: { status: 42 } },
      "immediateResponse.status",
    );
    assertRejectsField(webhookVerificationResultSchema, {}, "ok");
  });

  await t.step("ActionResult", () => {
    assert.ok(actionResultSchema.safeParse({ success: false, error: "nope" }).success);
    assert.ok(
      actionResultSchema.safeParse({ success: true, data: [1, "a", null], _truncated: true })
        .success,
    );
    assertRejectsField(actionResultSchema, { success: "true" }, "success");
    assertRejectsField(actionResultSchema, { success: true, data: { n: 1n } }, "data");
    assertRejectsField(actionResultSchema, { success: false, error: 500 }, "error");
  });

  await t.step("ModeResolution, ActionModes, ToolRiskOverrides", () => {
    assert.ok(
      modeResolutionSchema.safeParse({ mode: "require_approval", source: "automation_override" })
        .success,
    );
    assertRejectsField(modeResolutionSchema, { mode: "allow", source: "admin" }, "source");
    assert.ok(
      actionModesSchema.safeParse({ "connector:7f3c:search": "deny", "db:x:run_query": "allow" })
        .success,
    );
    assertRejectsField(actionModesSchema, { "sentry:get_issue": "sometimes" }, "sentry:get_issue");
    assert.equal(actionModesSchema.safeParse({ "sentry:": "allow" }).success, false);
    assert.equal(actionModesSchema.safeParse({ ":get_issue": "allow" }).success, false);
    assertRejectsField(
      toolRiskOverridesSchema,
      { search: { mode: "allow", hash: "ABC" } },
      "search.hash",
    );
  });

  await t.step("WebhookRequest, WebhookParseInput, PollResult", () => {
    const request = {
      method: "POST",
      path: "/webhooks/sentry",
      headers: { "x-a": "1", "x-b": ["1", "2"], "x-c": undefined },
      query: { q: "1" },
      params: { providerId: "sentry" },
      rawBody: new Uint8Array([1, 2, 3]),
      body: null,
    };
    assert.ok(webhookRequestSchema.safeParse(request).success);
    assertRejectsField(webhookRequestSchema, { ...request, rawBody: "abc" }, "rawBody");
    assertRejectsField(webhookRequestSchema, { ...request, headers: { "x-a": 1 } }, "headers.x-a");
    assert.ok(
      webhookParseInputSchema.safeParse({
        json: {},
        headers: {},
        receivedAt: "2025-01-02T03:04:05Z",
      }).success,
    );
    assertRejectsField(
      webhookParseInputSchema,
      { json: {}, headers: {}, receivedAt: 0 },
      "receivedAt",
    );
    assert.ok(pollResultSchema.safeParse({ events: [event], nextCursor: { since: "x" } }).success);
    assertRejectsField(
      pollResultSchema,
      { events: [{ ...event, dedupKey: "" }], nextCursor: null },
      "events[0].dedupKey",
    );
    assertRejectsField(
      pollResultSchema,
      { events: [], nextCursor: null, backoffSeconds: -1 },
      "backoffSeconds",
    );
  });
});

Deno.test("JSON helpers", async (t) => {
  await t.step("isJsonValue accepts JSON and rejects what does not round-trip", () => {
    assert.equal(isJsonValue({ a: [1, "x", true, null, { b: undefined }] }), true);
    assert.equal(isJsonValue(Object.create(null)), true);
    for (
      const bad of [
        undefined,
        NaN,
        Infinity,
        1n,
        () => 1,
        Symbol("s"),
        new Date(),
        new Map(),
        new Uint8Array(),
        [undefined],
      ]
    ) {
      assert.equal(isJsonValue(bad), false, String(bad));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(isJsonValue(cyclic), false);
    const shared = { x: 1 };
    assert.equal(isJsonValue({ a: shared, b: shared }), true, "shared references are not cycles");
  });

  await t.step("stableStringify sorts keys at every depth and keeps array order", () => {
    assert.equal(
      stableStringify({ b: [3, 1], a: { d: 1, c: { f: 1, e: 2 } } }),
      '{"a":{"c":{"e":2,"f":1},"d":1},"b":[3,1]}',
    );
    assert.throws(() => stableStringify({ a: new Date() }), TypeError);
  });
});

Deno.test("mode keys, cascade and drift guard", async (t) => {
  await t.step("keys split at the last colon; action ids may not hold one", () => {
    assert.equal(actionModeKey("sentry", "get_issue"), "sentry:get_issue");
    assert.deepEqual(parseActionModeKey("db:abc:run_query"), {
      sourceId: "db:abc",
      actionId: "run_query",
    });
    assert.equal(parseActionModeKey(":x"), undefined);
    assert.equal(parseActionModeKey("x:"), undefined);
    assert.throws(() => actionModeKey("", "a"), RangeError);
    assert.throws(() => actionModeKey("s", "a:b"), RangeError);
  });

  await t.step("inferred defaults: read allow, write require_approval, danger deny", () => {
    assert.equal(inferredActionMode("read"), "allow");
    assert.equal(inferredActionMode("write"), "require_approval");
    assert.equal(inferredActionMode("danger"), "deny");
  });

  await t.step("cascade: automation override, then org default, then inferred", () => {
    const base = { sourceId: "connector:7f3c", actionId: "search", riskLevel: "danger" as const };
    const key = "connector:7f3c:search";
    assert.deepEqual(resolveActionMode(base), { mode: "deny", source: "inferred_default" });
    assert.deepEqual(resolveActionMode({ ...base, orgModes: { [key]: "allow" } }), {
      mode: "allow",
      source: "org_default",
    });
    assert.deepEqual(
      resolveActionMode({
        ...base,
        orgModes: { [key]: "allow" },
        automationModes: { [key]: "require_approval" },
      }),
      { mode: "require_approval", source: "automation_override" },
    );
    assert.deepEqual(
      resolveActionMode({
        ...base,
        orgModes: null,
        automationModes: { "connector:other:search": "allow" },
      }),
      { mode: "deny", source: "inferred_default" },
    );
  });

  await t.step("drift never relaxes a mode", () => {
    assert.equal(applyDriftGuard("allow", true), "require_approval");
    assert.equal(applyDriftGuard("require_approval", true), "require_approval");
    assert.equal(applyDriftGuard("deny", true), "deny");
    for (const mode of ["allow", "deny", "require_approval"] as const) {
      assert.equal(applyDriftGuard(mode, false), mode);
    }
    assert.equal(isToolDrifted({ mode: "allow", hash: "a" }, "a"), false);
    assert.equal(isToolDrifted({ mode: "allow", hash: "a" }, "b"), true);
  });
});

Deno.test("definition hashing", async (t) => {
  const params = z.object({
    issueId: z.string().describe("Issue id"),
    status: z.enum(["resolved", "ignored"]).default("resolved"),
    description: z.string().optional(),
  });

  await t.step(
    "is SHA-256 hex, deterministic, and ignores descriptions, defaults and enum values",
    async () => {
      const hash = await computeDefinitionHash({ params });
      assert.match(hash, /^[0-9a-f]{64}$/);
      assert.equal(await computeDefinitionHash({ params }), hash);
      const relabelled = z.object({
        issueId: z.string().describe("The Sentry issue id"),
        status: z.enum(["resolved", "ignored", "archived"]).default("ignored"),
        description: z.string().optional(),
      });
      assert.equal(
        await computeDefinitionHash({ params: relabelled }),
        hash,
        "enum widening is the accepted blind spot",
      );
    },
  );

  await t.step(
    "is pinned: a converter or Zod upgrade that moves it is a breaking change",
    async () => {
      const pinned = z.object({
        issueId: z.string().describe("Issue id"),
        status: z.enum(["resolved", "ignored"]).default("resolved"),
        limit: z.number().int().min(1).optional(),
      });
      assert.equal(
        stableStringify(zodToJsonSchema(pinned)),
        '{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"issueId":' +
          '{"description":"Issue id","type":"string"},"limit":{"maximum":9007199254740991,' +
          '"minimum":1,"type":"integer"},"status":{"default":"resolved","enum":["resolved",' +
          '"ignored"],"type":"string"}},"required":["issueId"],"type":"object"}',
      );
      assert.equal(
        await computeDefinitionHash({ params: pinned }),
        "fb943ebf24cc86446d984fe9e7fd6cb695e6f16e2bd37f2ed449502d9769cc10",
      );
    },
  );

  await t.step("changes when the shape changes", async () => {
    const hash = await computeDefinitionHash({ params });
    const retyped = params.extend({ issueId: z.number() });
    const required = params.extend({ description: z.string() });
    const added = params.extend({ force: z.boolean() });
    for (const other of [retyped, required, added]) {
      assert.notEqual(await computeDefinitionHash({ params: other }), hash);
    }
  });

  await t.step("strips keywords, never property names or data", () => {
    const schema = {
      type: "object",
      description: "gone",
      properties: {
        description: { type: "string", description: "gone", default: "gone" },
        default: { type: "string" },
        enum: { enum: ["gone"], type: "string" },
        fixed: { const: { description: "kept", enum: ["kept"] } },
        nested: {
          type: "array",
          items: { type: "string", enum: ["gone"] },
          prefixItems: [{ default: 1 }],
        },
        either: { anyOf: [{ type: "string", description: "gone" }, { type: "null" }] },
      },
      required: ["description", "default"],
      $defs: { description: { type: "string", description: "gone" } },
      additionalProperties: { description: "gone" },
    };
    assert.deepEqual(normalizeJsonSchemaForHash(schema), {
      type: "object",
      properties: {
        description: { type: "string" },
        default: { type: "string" },
        enum: { type: "string" },
        fixed: { const: { description: "kept", enum: ["kept"] } },
        nested: { type: "array", items: { type: "string" }, prefixItems: [{}] },
        either: { anyOf: [{ type: "string" }, { type: "null" }] },
      },
      required: ["description", "default"],
      $defs: { description: { type: "string" } },
      additionalProperties: {},
    });
  });

  await t.step("key order does not matter; array order does", async () => {
    const a = await hashJsonSchema({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a", "b"],
    });
    const b = await hashJsonSchema({
      required: ["a", "b"],
      properties: { b: { type: "number" }, a: { type: "string" } },
      type: "object",
    });
    const c = await hashJsonSchema({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["b", "a"],
    });
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  await t.step("an MCP inputSchema hashes the same at onboarding and at invocation", async () => {
    const inputSchema = {
      type: "object",
      properties: {
        query: { type: "string", description: "v1" },
        limit: { type: "integer", default: 10 },
      },
      required: ["query"],
    };
    const onboarding = await computeDefinitionHash({ params: jsonSchemaToZod(inputSchema) });
    const later = await computeDefinitionHash({
      params: jsonSchemaToZod({
        ...inputSchema,
        properties: { ...inputSchema.properties, query: { type: "string", description: "v2" } },
      }),
    });
    assert.equal(onboarding, later);
    const schema = zodToJsonSchema(jsonSchemaToZod(inputSchema));
    assert.deepEqual(schema.required, ["query"]);
  });
});

Deno.test("ProviderActionSource adapts a provider to an ActionSource", async (t) => {
  const calls: unknown[] = [];
  const provider: IntegrationProvider = {
    id: "sentry",
    displayName: "Sentry",
    category: "monitoring",
    connections: { org: { type: "oauth2", preset: "sentry", scopes: ["event:read"] } },
    actions: {
      guide: "# Sentry actions",
      definitions: [{
        id: "update_issue",
        description: "Resolve or ignore an issue",
        riskLevel: "write",
        params: z.object({
          issueId: z.string(),
          status: z.enum(["resolved", "ignored"]).default("resolved"),
        }),
        execute: (params, ctx) => {
          calls.push({ params, ctx });
          return Promise.resolve({ success: true, data: { id: params.issueId } });
        },
      }],
    },
  };
  const source = new ProviderActionSource(provider);
  const ctx = { orgId: "org_1", sessionId: "s_1", token: "tok" };

  await t.step("identity comes from the provider", () => {
    assert.equal(source.id, "sentry");
    assert.equal(source.displayName, "Sentry");
    assert.equal(source.guide, "# Sentry actions");
    assert.equal(new ProviderActionSource({ ...provider, actions: undefined }).guide, undefined);
  });

  await t.step("listing returns data-only definitions, also without a session", async () => {
    const listed = await source.listActions({ orgId: "org_1" });
    assert.equal(listed.length, 1);
    assert.deepEqual(Object.keys(listed[0]).sort(), ["description", "id", "params", "riskLevel"]);
    assert.deepEqual(
      await new ProviderActionSource({ ...provider, actions: undefined }).listActions(ctx),
      [],
    );
  });

  await t.step("execute validates again, applies defaults, and passes the context", async () => {
    assert.deepEqual(await source.execute("update_issue", { issueId: "42" }, ctx), {
      success: true,
      data: { id: "42" },
    });
    assert.deepEqual(calls.at(-1), { params: { issueId: "42", status: "resolved" }, ctx });
  });

  await t.step("unknown ids and bad params are results, not throws", async () => {
    const unknown = await source.execute("delete_org", {}, ctx);
    assert.equal(unknown.success, false);
    assert.match(unknown.error ?? "", /delete_org/);
    const bad = await source.execute("update_issue", { issueId: 42 }, ctx);
    assert.equal(bad.success, false);
    assert.match(bad.error ?? "", /issueId/);
    assert.equal(calls.length, 1);
  });

  await t.step("errors thrown by the executor propagate", async () => {
    const failing = new ProviderActionSource({
      ...provider,
      actions: {
        definitions: [{
          id: "boom",
          description: "",
          riskLevel: "read",
          params: z.object({}),
          execute: () =>
            Promise.reject(new ProviderError({ code: "upstream_error", message: "502" })),
        }],
      },
    });
    await assert.rejects(failing.execute("boom", {}, ctx), ProviderError);
  });
});

Deno.test("registry boot validation", async (t) => {
  const noop = () => Promise.resolve({ success: true });
  const base: IntegrationProvider = {
    id: "linear",
    displayName: "Linear",
    category: "issue_tracker",
    connections: {},
  };

  await t.step("accepts a valid set and serves get and list", () => {
    const warnings: string[] = [];
    const registry = createProviderRegistry(
      [base, {
        ...base,
        id: "github",
        category: "source_control",
        connections: { org: { type: "app_installation" } },
      }],
      { onWarning: (w) => warnings.push(w) },
    );
    assert.equal(registry.get("github")?.category, "source_control");
    assert.deepEqual(registry.list().map((p) => p.id), ["linear", "github"]);
    assert.deepEqual(warnings, []);
  });

  await t.step(
    "rejects duplicate ids, colons in action ids, duplicate action and trigger type ids",
    () => {
      const params = z.object({});
      const bad: IntegrationProvider = {
        ...base,
        actions: {
          definitions: [
            { id: "a:b", description: "", riskLevel: "read", params, execute: noop },
            { id: "x", description: "", riskLevel: "read", params, execute: noop },
            { id: "x", description: "", riskLevel: "read", params, execute: noop },
          ],
        },
        triggers: {
          types: [
            { id: "t", description: "", configSchema: z.object({}), matches: () => true },
            { id: "t", description: "", configSchema: z.object({}), matches: () => true },
          ],
        },
      };
      const report = validateProviders([bad, base]);
      assert.equal(report.errors.length, 4, report.errors.join("\n"));
      assert.ok(report.errors.some((e) => e.includes('"a:b" contains ":"')));
      assert.ok(report.errors.some((e) => e.includes('action id "x" is duplicated')));
      assert.ok(report.errors.some((e) => e.includes('trigger type id "t" is duplicated')));
      assert.ok(report.errors.some((e) => e.includes('provider id "linear" is registered twice')));
      assert.throws(() => createProviderRegistry([bad]), ProviderRegistryError);
    },
  );

  await t.step("warns on oauth2 without scopes, for org and user connections", () => {
    const warnings: string[] = [];
    createProviderRegistry(
      [{
        ...base,
        connections: {
          org: { type: "oauth2", preset: "linear" },
          user: { type: "oauth2", scopes: [] },
        },
      }],
      { onWarning: (w) => warnings.push(w) },
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /org oauth2 connection declares no scopes/);
  });
});

Deno.test("ProviderError", async (t) => {
  await t.step("retryable defaults by code and can be overridden", () => {
    for (const code of ["rate_limited", "upstream_error", "timeout"] as const) {
      assert.equal(new ProviderError({ code, message: "" }).retryable, true, code);
    }
    for (const code of ["unauthorized", "not_found", "invalid_input", "unsupported"] as const) {
      assert.equal(new ProviderError({ code, message: "" }).retryable, false, code);
    }
    assert.equal(
      new ProviderError({ code: "timeout", message: "", retryable: false }).retryable,
      false,
    );
  });

  await t.step("message and cause are redacted; the original cause is untouched", () => {
    const cause = new Error("token ghp_abcdef123456 rejected");
    const err = new ProviderError({
      code: "unauthorized",
      message: "Bearer abc.def.ghi refused",
      cause,
      status: 401,
    });
    assert.equal(err.message, "[REDACTED] refused");
    assert.ok(err.cause instanceof Error);
    assert.equal((err.cause as Error).message, "token [REDACTED] rejected");
    assert.equal(cause.message, "token ghp_abcdef123456 rejected");
    assert.equal(JSON.stringify(err).includes("ghp_"), false);
    assert.deepEqual(err.toJSON(), {
      name: "ProviderError",
      code: "unauthorized",
      message: "[REDACTED] refused",
      retryable: false,
      status: 401,
    });
    assert.ok(isProviderError(err));
    assert.equal(isProviderError({ name: "ProviderError" }), false);
  });

  await t.step("fromResponse maps statuses to codes", async () => {
    const cases: [number, string][] = [
      [401, "unauthorized"],
      [403, "unauthorized"],
      [404, "not_found"],
      [429, "rate_limited"],
      [400, "invalid_input"],
      [422, "invalid_input"],
      [408, "timeout"],
      [504, "timeout"],
      [500, "upstream_error"],
      [503, "upstream_error"],
    ];
    for (const [status, code] of cases) {
      const err = await ProviderError.fromResponse(new Response("x", { status }), "Linear");
      assert.equal(err.code, code, String(status));
      assert.equal(err.status, status);
    }
    const limited = await ProviderError.fromResponse(
      new Response('{"error":"slow down","key":"sk-ant-api03-secret"}', {
        status: 429,
        headers: { "Retry-After": "12" },
      }),
      "Sentry",
    );
    assert.equal(limited.retryAfterSeconds, 12);
    assert.equal(limited.retryable, true);
    assert.equal(limited.message.includes("sk-ant"), false);
    assert.match(limited.message, /^Sentry answered HTTP 429: /);
  });
});

Deno.test("webhook helpers", async (t) => {
  await t.step("HMAC-SHA256 matches RFC 4231 test case 2", async () => {
    const mac = await hmacSha256({ secret: "Jefe", data: "what do ya want for nothing?" });
    assert.equal(
      bytesToHex(mac),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    assert.equal(
      await sha256Hex(new Uint8Array()),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  await t.step("verification uses the exact bytes and fails closed", async () => {
    const body = new TextEncoder().encode('{"action":"created","data":{"issue":{"id":"1"}}}');
    const hex = bytesToHex(await hmacSha256({ secret: "whsec", data: body }));
    const b64 = btoa(String.fromCharCode(...await hmacSha256({ secret: "whsec", data: body })));
    assert.equal(await verifyHmacSha256Signature({ secret: "whsec", body, signature: hex }), true);
    assert.equal(
      await verifyHmacSha256Signature({ secret: "whsec", body, signature: hex.toUpperCase() }),
      true,
    );
    assert.equal(
      await verifyHmacSha256Signature({
        secret: "whsec",
        body,
        signature: `sha256=${hex}`,
        prefix: "sha256=",
      }),
      true,
    );
    assert.equal(
      await verifyHmacSha256Signature({ secret: "whsec", body, signature: hex, prefix: "sha256=" }),
      false,
    );
    assert.equal(
      await verifyHmacSha256Signature({
        secret: "whsec",
        body,
        signature: b64,
        encoding: "base64",
      }),
      true,
    );
    const tampered = body.slice();
    tampered[2] ^= 1;
    assert.equal(
      await verifyHmacSha256Signature({ secret: "whsec", body: tampered, signature: hex }),
      false,
    );
    for (const signature of [null, undefined, "", "zz", hex.slice(2), "not base64!"]) {
      assert.equal(
        await verifyHmacSha256Signature({ secret: "whsec", body, signature }),
        false,
        String(signature),
      );
    }
    // A Uint8Array subclass (what a Node Buffer is) over a shared, offset ArrayBuffer works too.
    class Bytes extends Uint8Array {}
    const backing = new Uint8Array(body.length + 8);
    backing.set(body, 4);
    const view = new Bytes(backing.buffer, 4, body.length);
    assert.equal(
      await verifyHmacSha256Signature({ secret: "whsec", body: view, signature: hex }),
      true,
    );
  });

  await t.step("timingSafeEqual compares lengths and bytes", () => {
    assert.equal(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
    assert.equal(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2])), false);
    assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])), false);
    assert.equal(timingSafeEqual(new Uint8Array(), new Uint8Array()), true);
  });

  await t.step("webhookRequestFromRequest keeps the bytes and lower-cases headers", async () => {
    const text = '{"b":1,  "a":2}';
    const req = new Request("https://hooks.test/webhooks/slack?team=T1&team=T2&__proto__=x", {
      method: "POST",
      headers: { "X-Slack-Signature": "v0=abc", "Content-Type": "application/json; charset=utf-8" },
      body: text,
    });
    const hook = await webhookRequestFromRequest(req, { providerId: "slack" });
    assert.equal(new TextDecoder().decode(hook.rawBody), text);
    assert.equal(hook.headers["x-slack-signature"], "v0=abc");
    assert.deepEqual(hook.body, { b: 1, a: 2 });
    assert.equal(hook.query.team, "T1");
    assert.equal(Object.getPrototypeOf(hook.query), Object.prototype);
    assert.equal(Object.hasOwn(hook.query, "__proto__"), true);
    assert.deepEqual(hook.params, { providerId: "slack" });
    assert.ok(webhookRequestSchema.safeParse(hook).success);

    const form = await webhookRequestFromRequest(
      new Request("https://hooks.test/x", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "payload=%7B%22a%22%3A1%7D&token=t",
      }),
    );
    assert.deepEqual(form.body, { payload: '{"a":1}', token: "t" });
    const empty = await webhookRequestFromRequest(
      new Request("https://hooks.test/x", { method: "GET" }),
    );
    assert.equal(empty.body, undefined);
    assert.equal(empty.rawBody.length, 0);
  });

  await t.step("stored headers lose credentials and named secret headers, keep signatures", () => {
    const stored = storableWebhookHeaders({
      Authorization: "Bearer ghp_abc",
      "proxy-authorization": "Basic eA==",
      cookie: "sid=1",
      "set-cookie": ["a=1", "b=2"],
      "X-Gitlab-Token": "shared-secret",
      "x-hub-signature-256": "sha256=00ff",
      "x-github-event": "issues",
      "x-multi": ["1", "2"],
      "x-absent": undefined,
    }, ["x-gitlab-token"]);
    assert.deepEqual(stored, {
      "x-hub-signature-256": "sha256=00ff",
      "x-github-event": "issues",
      "x-multi": ["1", "2"],
    });
    assert.deepEqual(storableWebhookHeaders({ "x-gitlab-token": "s" }), { "x-gitlab-token": "s" });
    assert.ok(
      webhookParseInputSchema.safeParse({
        json: {},
        headers: stored,
        receivedAt: "2025-01-02T03:04:05Z",
      }).success,
    );
  });
});

Deno.test("named limits hold the sheet's values (§3.6, §3.4)", () => {
  assert.deepEqual(
    {
      ACTION_RESULT_MAX_BYTES,
      ACTION_RATE_LIMIT_PER_MINUTE,
      MAX_PENDING_ACTIONS_PER_SESSION,
      PENDING_EXPIRY_INTERACTIVE_MS,
      PENDING_EXPIRY_UNATTENDED_MS,
      CONNECTOR_TOOL_LIST_CACHE_MS,
      ACTION_EXECUTION_TIMEOUT_MS,
      ACTION_REDACTED_KEYS,
      GITHUB_APP_TOKEN_CACHE_MS,
      WEBHOOK_INBOX_RETENTION_DAYS,
      ENQUEUE_ENRICH_OUTBOX_KIND,
    },
    {
      ACTION_RESULT_MAX_BYTES: 10 * 1024,
      ACTION_RATE_LIMIT_PER_MINUTE: 60,
      MAX_PENDING_ACTIONS_PER_SESSION: 10,
      PENDING_EXPIRY_INTERACTIVE_MS: 5 * 60_000,
      PENDING_EXPIRY_UNATTENDED_MS: 24 * 3_600_000,
      CONNECTOR_TOOL_LIST_CACHE_MS: 5 * 60_000,
      ACTION_EXECUTION_TIMEOUT_MS: 30_000,
      ACTION_REDACTED_KEYS: ["token", "secret", "password", "authorization", "api_key"],
      GITHUB_APP_TOKEN_CACHE_MS: 50 * 60_000,
      WEBHOOK_INBOX_RETENTION_DAYS: 7,
      ENQUEUE_ENRICH_OUTBOX_KIND: "enqueue_enrich",
    },
  );
});
