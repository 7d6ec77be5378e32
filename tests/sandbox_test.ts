/** Runtime tests of `@proliferate/core/sandbox`: redaction, errors, retry rules, guards, validators. */
import assert from "node:assert/strict";
import {
  automationCompleteToolParamsSchema,
  canonicalGatewayToolName,
  clientTypeSchema,
  ContractValidationError,
  createSandboxOptsSchema,
  type CreateSandboxResult,
  createSandboxResultSchema,
  DEFAULT_AGENT_TYPE,
  DEFAULT_EXEC_TIMEOUT_MS,
  DEFAULT_MODEL_ID,
  DEFAULT_TIMEOUTS,
  DEFAULT_VERIFY_FOLDER,
  ensureSandboxResultSchema,
  fetchWithTimeout,
  GATEWAY_TOOL_QUOTAS,
  gatewayToolNameSchema,
  GIT_PULL_CADENCE_SECONDS_ENV,
  GIT_PULL_ON_RESTORE_ENV,
  isMemorySnapshotCapable,
  isMemorySnapshotId,
  isRetryableToolCallbackFailure,
  isSandboxProviderError,
  MAX_ERROR_MESSAGE_LENGTH,
  MEMORY_SNAPSHOT_ID_PREFIX,
  normalizeClientType,
  OPENCODE_PORT,
  OPENCODE_READINESS,
  parseOrThrow,
  prebuildServiceCommandSchema,
  PREVIEW_PORT,
  redactError,
  redactSecrets,
  redactValue,
  requestEnvVariablesToolParamsSchema,
  RETRYABLE_STATUS_CODES,
  SANDBOX_DEFAULT_LIFETIME_SECONDS,
  SANDBOX_ENV_FILE_PATH,
  SANDBOX_OPERATIONS,
  type SandboxProvider,
  SandboxProviderError,
  saveServiceCommandsToolParamsSchema,
  SERVICE_COMMAND_LIMITS,
  SESSION_MIGRATION_LEAD_MS,
  SESSION_MIGRATION_MAX_QUEUED_MESSAGES,
  SESSION_MIGRATION_MESSAGE_WAIT_MS,
  SESSION_OWNER_LEASE_RENEW_MS,
  SESSION_OWNER_LEASE_TTL_MS,
  SESSION_RUNTIME_LOCK_TTL_MS,
  sessionMetadataSchema,
  shouldPullOnRestore,
  TOOL_CALLBACK_RETRY_DELAY_MS,
  toolCallbackRequestSchema,
  toSandboxSessionType,
  TRIGGER_CONTEXT_PATH,
} from "@proliferate/core/sandbox";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlX3Zh_bHVl-";

/** Every secret format of the sheet (§2.4, D29): name, input, redacted output. */
const SECRET_CASES: [string, string, string][] = [
  ["Anthropic key", "key sk-ant-api03-AbC_dEf-123xyz end", "key [REDACTED] end"],
  [
    "other sk- key (LLM proxy virtual key)",
    "using sk-1a2B3c4D5e6F7g8H9 now",
    "using [REDACTED] now",
  ],
  ["OpenAI-style project key", "sk-proj-AbCdEf123456_xyz", "[REDACTED]"],
  ["api_key assignment", "api_key=abc123 next", "[REDACTED] next"],
  ["API-KEY with colon and a quoted value", 'API-KEY: "abc 123" next', "[REDACTED] next"],
  ["apikey with single quotes", "apikey='q1w2e3'", "[REDACTED]"],
  ["JSON api_key", '{"api_key": "v4lue", "n": 1}', '{[REDACTED], "n": 1}'],
  ["env-style API key", "MY_SERVICE_API_KEY=plainvalue", "MY_SERVICE_[REDACTED]"],
  [
    "Bearer header (observed output)",
    `Authorization: Bearer ${JWT}`,
    "Authorization: [REDACTED]",
  ],
  ["lower-case bearer", "authorization: bearer abc.def_ghi-jkl", "authorization: [REDACTED]"],
  ["GitHub ghp_", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "[REDACTED]"],
  ["GitHub gho_", "gho_abcDEF123", "[REDACTED]"],
  ["GitHub ghu_", "ghu_abcDEF123", "[REDACTED]"],
  ["GitHub ghs_", "token ghs_abcDEF123.", "token [REDACTED]."],
  ["GitHub ghr_", "ghr_abcDEF123", "[REDACTED]"],
  ["GitHub fine-grained", "github_pat_11ABCDEFG0_abcdefXYZ123", "[REDACTED]"],
  [
    "git HTTPS credentials (observed output)",
    "https://x-access-token:secret123@github.com/repo",
    "https://[REDACTED]github.com/repo",
  ],
  ["Modal token id", "MODAL_TOKEN_ID=ak-AbCdEfGhIjKlMnOpQrStUv", "MODAL_TOKEN_ID=[REDACTED]"],
  ["Modal token secret", "secret as-AbCdEfGhIjKlMnOpQrStUv.", "secret [REDACTED]."],
  ["E2B key", "e2b_abc123DEF", "[REDACTED]"],
  ["E2B key, upper case", "E2B_ABC123DEF", "[REDACTED]"],
  ["bare JWT", `jwt=${JWT};`, "jwt=[REDACTED];"],
  [
    "long URL password",
    "postgres://user:averyveryverylongpassword1@db:5432/x",
    "postgres://user[REDACTED]db:5432/x",
  ],
  ["short URL password", "https://bob:pw@example.com/x", "https://bob:[REDACTED]@example.com/x"],
  ["Slack bot token", "xoxb-1234-5678-AbCdEf", "[REDACTED]"],
  ["Slack user token", "xoxp-1234-5678-AbCdEf", "[REDACTED]"],
  ["OAuth query parameter", "?access_token=abc123&page=2", "?access_token=[REDACTED]&page=2"],
  ["64-hex sandbox HMAC token", `token ${"a1".repeat(32)} sent`, "token [REDACTED] sent"],
];

Deno.test("redactSecrets covers every listed secret format", async (t) => {
  for (const [name, input, expected] of SECRET_CASES) {
    await t.step(name, () => {
      const out = redactSecrets(input);
      assert.equal(out, expected);
      assert.equal(redactSecrets(out), out, "redaction is idempotent");
    });
  }

  await t.step("stays linear on a megabyte of adversarial text", () => {
    for (const unit of ["x-access-token:", "a.", "https://a:", "ak-", "eyJ."]) {
      const text = unit.repeat(Math.floor(1_000_000 / unit.length));
      const started = performance.now();
      redactSecrets(text);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 3000, `${unit}: ${Math.round(elapsed)} ms`);
    }
  });

  await t.step("ordinary words with the same prefixes stay intact", () => {
    const prose =
      "break-even has-snapshot risk-free task-runner task-ant-farm as-is ask-me sk-learn e2b " +
      "docs 40-char sha 0123456789abcdef0123456789abcdef01234567 the bearer of news";
    assert.equal(redactSecrets(prose), prose);
  });
});

Deno.test("redactValue and redactError copy and redact what errors keep", async (t) => {
  await t.step("strings, sensitive keys and nested values", () => {
    const raw = {
      detail: `bad token ghp_abcDEF123 for https://x-access-token:s3cr3t@github.com/o/r`,
      headers: { Authorization: "Basic Zm9vOmJhcg==", "x-request-id": "r1" },
      nested: [{ password: "hunter2" }, { api_key: { v: 1 } }, "sk-ant-api03-x"],
      token: null,
      count: 3,
    };
    const copy = structuredClone(raw);
    assert.deepEqual(redactValue(raw), {
      detail: "bad token [REDACTED] for https://[REDACTED]github.com/o/r",
      headers: { Authorization: "[REDACTED]", "x-request-id": "r1" },
      nested: [{ password: "[REDACTED]" }, { api_key: "[REDACTED]" }, "[REDACTED]"],
      token: null,
      count: 3,
    });
    assert.deepEqual(raw, copy, "the input is not modified");
  });

  await t.step("cycles, binary data and class instances", () => {
    const cyclic: Record<string, unknown> = { secret: "s" };
    cyclic.self = cyclic;
    const out = redactValue(cyclic) as Record<string, unknown>;
    assert.equal(out.secret, "[REDACTED]");
    assert.equal(out.self, out);
    assert.equal(redactValue(new Uint8Array(5)), "[binary: 5 bytes]");
    assert.equal(
      redactValue(new URL("https://u:pw@h.example/")),
      "https://u:[REDACTED]@h.example/",
    );
  });

  await t.step("errors keep their class and lose their secrets, cause chain included", () => {
    const inner = new Error("inner e2b_AbC123");
    const outer = new TypeError(`outer Bearer ${JWT}`, { cause: inner });
    Object.assign(outer, { code: "E_AUTH", config: { headers: { authorization: "x" } } });
    const copy = redactError(outer);
    assert.ok(copy instanceof TypeError);
    assert.equal(copy.message, "outer [REDACTED]");
    assert.equal(copy.stack?.includes(JWT), false);
    assert.equal((copy.cause as Error).message, "inner [REDACTED]");
    assert.deepEqual((copy as unknown as { config: unknown }).config, {
      headers: { authorization: "[REDACTED]" },
    });
    assert.equal((copy as unknown as { code: string }).code, "E_AUTH");
    assert.equal(outer.message, `outer Bearer ${JWT}`, "the original is untouched");
    const dom = redactError(new DOMException("sk-ant-api03-zzz failed", "NetworkError"));
    assert.equal(dom.message, "[REDACTED] failed");
    assert.equal(dom.name, "NetworkError");
  });
});

Deno.test("SandboxProviderError", async (t) => {
  await t.step("prefixes provider and operation after redacting the message", () => {
    const err = new SandboxProviderError({
      provider: "e2b",
      operation: "restoreFromMemorySnapshot",
      message: "auth with e2b_AbC123 failed",
      statusCode: 401,
    });
    assert.equal(err.message, "[e2b:restoreFromMemorySnapshot] auth with [REDACTED] failed");
    assert.equal(err.name, "SandboxProviderError");
    assert.equal(err.provider, "e2b");
    assert.equal(err.operation, "restoreFromMemorySnapshot");
    assert.equal(err.statusCode, 401);
    assert.equal(err.isRetryable, false);
    assert.equal(err.raw, undefined);
    assert.equal(err.cause, undefined);
  });

  await t.step("raw and cause are kept redacted, and serialising leaks nothing", () => {
    const cause = new Error("token ghs_abcDEF123");
    const err = new SandboxProviderError({
      provider: "modal",
      operation: "memorySnapshot",
      message: "failed",
      raw: { body: "x-access-token:zzz@github.com", password: "p" },
      cause,
    });
    assert.deepEqual(err.raw, { body: "[REDACTED]github.com", password: "[REDACTED]" });
    assert.equal((err.cause as Error).message, "token [REDACTED]");
    assert.equal(cause.message, "token ghs_abcDEF123");
    const serialised = JSON.stringify({
      err,
      raw: err.raw,
      cause: String(err.cause),
      stack: err.stack,
    });
    for (const secret of ["ghs_abc", "zzz", '"p"']) {
      assert.equal(serialised.includes(secret), false, secret);
    }
    assert.deepEqual(err.toJSON(), {
      name: "SandboxProviderError",
      message: "[modal:memorySnapshot] failed",
      provider: "modal",
      operation: "memorySnapshot",
      isRetryable: false,
    });
  });

  await t.step("every secret format is redacted in message, raw and cause", () => {
    for (const [name, input, expected] of SECRET_CASES) {
      const err = new SandboxProviderError({
        provider: "modal",
        operation: "createSandbox",
        message: input,
        raw: { detail: input, list: [input] },
        cause: new Error(input),
      });
      assert.equal(err.message, `[modal:createSandbox] ${expected}`, name);
      assert.deepEqual(err.raw, { detail: expected, list: [expected] }, name);
      assert.equal((err.cause as Error).message, expected, name);
      const thrown = SandboxProviderError.fromError(new Error(input), "e2b", "execCommand");
      assert.equal((thrown.raw as Error).message, expected, name);
      assert.equal((thrown.cause as Error).message, expected, name);
    }
  });

  await t.step("messages are capped at 500 characters before the prefix", () => {
    const err = new SandboxProviderError({
      provider: "modal",
      operation: "health",
      message: "x".repeat(2000),
    });
    assert.equal(err.message, `[modal:health] ${"x".repeat(MAX_ERROR_MESSAGE_LENGTH)}`);
  });

  await t.step("fromResponse reads JSON error, message, detail, else the whole body", async () => {
    const cases: [unknown, string][] = [
      [{ error: "quota", message: "m", detail: "d" }, "quota"],
      [{ error: "", message: "msg", detail: "d" }, "msg"],
      [{ detail: "only detail" }, "only detail"],
      [{ error: { code: "E1" } }, '{"code":"E1"}'],
      [{ other: 1 }, '{"other":1}'],
      [{ error: null, detail: 0 }, '{"error":null,"detail":0}'],
    ];
    for (const [body, expected] of cases) {
      const err = await SandboxProviderError.fromResponse(
        new Response(JSON.stringify(body), { status: 400 }),
        "modal",
        "createSandbox",
      );
      assert.equal(err.message, `[modal:createSandbox] HTTP 400: ${expected}`);
      assert.deepEqual(err.raw, body);
    }
  });

  await t.step("fromResponse keeps non-JSON text capped and redacted", async () => {
    const text = `<html>Bearer ${JWT} ${"y".repeat(1000)}</html>`;
    const err = await SandboxProviderError.fromResponse(
      new Response(text, { status: 502 }),
      "e2b",
      "snapshot",
    );
    assert.ok(err.message.startsWith("[e2b:snapshot] HTTP 502: <html>[REDACTED] yyy"));
    assert.ok(err.message.length <= "[e2b:snapshot] ".length + MAX_ERROR_MESSAGE_LENGTH);
    assert.equal(err.raw, redactSecrets(text));
    assert.equal(err.statusCode, 502);
  });

  await t.step("fromResponse is retryable for 429, 502, 503, 504 only", async () => {
    for (const status of [429, 502, 503, 504]) {
      const err = await SandboxProviderError.fromResponse(
        new Response("", { status }),
        "modal",
        "createSandbox",
      );
      assert.equal(err.isRetryable, true, String(status));
    }
    for (const status of [400, 401, 403, 404, 409, 500]) {
      const err = await SandboxProviderError.fromResponse(
        new Response("", { status }),
        "modal",
        "createSandbox",
      );
      assert.equal(err.isRetryable, false, String(status));
    }
  });

  await t.step("fromError passes SandboxProviderErrors through unchanged", () => {
    const original = new SandboxProviderError({
      provider: "e2b",
      operation: "pause",
      message: "x",
      isRetryable: true,
    });
    assert.equal(SandboxProviderError.fromError(original, "modal", "terminate"), original);
  });

  await t.step("fromError retry markers are case-insensitive and cover dropped connections", () => {
    const retryable = [
      "connect ECONNREFUSED 127.0.0.1:443",
      "read ECONNRESET",
      "connect ETIMEDOUT",
      "getaddrinfo ENOTFOUND api.modal.com",
      "getaddrinfo EAI_AGAIN api.e2b.dev",
      "socket hang up",
      "TypeError: fetch failed",
      "NetworkError when attempting to fetch resource.",
      "Network timeout",
      "request TIMEOUT after 30s",
    ];
    for (const message of retryable) {
      assert.equal(
        SandboxProviderError.fromError(new Error(message), "modal", "snapshot").isRetryable,
        true,
        message,
      );
    }
    for (const message of ["sandbox not found", "invalid image", "quota exceeded"]) {
      assert.equal(
        SandboxProviderError.fromError(new Error(message), "modal", "snapshot").isRetryable,
        false,
        message,
      );
    }
    const coded = Object.assign(new Error("request failed"), { code: "ECONNRESET" });
    assert.equal(SandboxProviderError.fromError(coded, "e2b", "execCommand").isRetryable, true);
    const timeout = new DOMException("Signal timed out.", "TimeoutError");
    assert.equal(SandboxProviderError.fromError(timeout, "e2b", "health").isRetryable, true);
  });

  await t.step("fromError keeps the thrown value as raw and the Error as cause", () => {
    const thrown = new Error("bad key sk-ant-api03-abc");
    const err = SandboxProviderError.fromError(thrown, "modal", "createSandbox");
    assert.equal(err.message, "[modal:createSandbox] bad key [REDACTED]");
    assert.ok(err.cause instanceof Error);
    assert.ok(err.raw instanceof Error);
    assert.equal((err.raw as Error).message, "bad key [REDACTED]");
    const fromString = SandboxProviderError.fromError("plain string e2b_x1", "e2b", "health");
    assert.equal(fromString.message, "[e2b:health] plain string [REDACTED]");
    assert.equal(fromString.raw, "plain string [REDACTED]");
    assert.equal(fromString.cause, undefined);
    assert.equal(
      SandboxProviderError.fromError(undefined, "e2b", "health").message,
      "[e2b:health] undefined",
    );
  });

  await t.step("isSandboxProviderError", () => {
    assert.equal(
      isSandboxProviderError(
        new SandboxProviderError({ provider: "modal", operation: "health", message: "" }),
      ),
      true,
    );
    for (
      const value of [null, undefined, "SandboxProviderError", new Error("x"), {
        name: "SandboxProviderError",
      }]
    ) {
      assert.equal(isSandboxProviderError(value), false, String(value));
    }
  });

  await t.step("the operation list includes the vNext operations", () => {
    for (
      const op of [
        "memorySnapshot",
        "restoreFromMemorySnapshot",
        "ensureSandbox",
        "createSandbox",
        "execCommand",
      ]
    ) {
      assert.ok((SANDBOX_OPERATIONS as readonly string[]).includes(op), op);
    }
    assert.equal(new Set(SANDBOX_OPERATIONS).size, 14);
  });
});

Deno.test("fetchWithTimeout aborts with a retryable TimeoutError", async () => {
  let release = () => {};
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Promise<Response>((resolve) => (release = () => resolve(new Response("late")))),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const error = await fetchWithTimeout(url, { timeoutMs: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof DOMException && error.name === "TimeoutError", String(error));
    assert.equal(SandboxProviderError.fromError(error, "modal", "health").isRetryable, true);
    const caller = new AbortController();
    caller.abort(new Error("caller gave up"));
    await assert.rejects(fetchWithTimeout(url, { signal: caller.signal }), /caller gave up/);
  } finally {
    release();
    await server.shutdown();
  }
});

Deno.test("memory snapshot capability and ids", async (t) => {
  const result: CreateSandboxResult = {
    sandboxId: "sb",
    tunnelUrl: "https://t",
    previewUrl: "https://p",
  };
  const base: SandboxProvider = {
    type: "modal",
    ensureSandbox: () => Promise.resolve({ ...result, recovered: false }),
    createSandbox: () => Promise.resolve(result),
    snapshot: () => Promise.resolve({ snapshotId: "im-1" }),
    pause: () => Promise.resolve({ snapshotId: "im-1" }),
    terminate: () => Promise.resolve(),
    writeEnvFile: () => Promise.resolve(),
    health: () => Promise.resolve(true),
  };
  const memorySnapshot = () => Promise.resolve({ snapshotId: "mem:1" });
  const restoreFromMemorySnapshot = () => Promise.resolve(result);

  await t.step("capable only with the flag and both methods", () => {
    assert.equal(
      isMemorySnapshotCapable({
        ...base,
        supportsMemorySnapshot: true,
        memorySnapshot,
        restoreFromMemorySnapshot,
      }),
      true,
    );
    assert.equal(
      isMemorySnapshotCapable({ ...base, supportsMemorySnapshot: true, memorySnapshot }),
      false,
    );
    assert.equal(
      isMemorySnapshotCapable({ ...base, supportsMemorySnapshot: true, restoreFromMemorySnapshot }),
      false,
    );
    assert.equal(
      isMemorySnapshotCapable({ ...base, memorySnapshot, restoreFromMemorySnapshot }),
      false,
    );
    assert.equal(
      isMemorySnapshotCapable({
        ...base,
        supportsMemorySnapshot: false,
        memorySnapshot,
        restoreFromMemorySnapshot,
      }),
      false,
    );
    assert.equal(isMemorySnapshotCapable(base), false);
  });

  await t.step("memory snapshot ids carry mem:", () => {
    assert.equal(MEMORY_SNAPSHOT_ID_PREFIX, "mem:");
    assert.equal(isMemorySnapshotId("mem:sb-123"), true);
    for (const id of ["im-123", "MEM:1", "", null, undefined, "xmem:1"]) {
      assert.equal(isMemorySnapshotId(id), false, String(id));
    }
  });
});

Deno.test("git freshness on restore", () => {
  const base = { enabled: true, hasSnapshot: true, repoCount: 2, cadenceSeconds: 300 };
  assert.equal(shouldPullOnRestore({ ...base, enabled: false }), false);
  assert.equal(shouldPullOnRestore({ ...base, hasSnapshot: false }), false);
  assert.equal(shouldPullOnRestore({ ...base, repoCount: 0 }), false);
  assert.equal(shouldPullOnRestore(base), true, "no recorded fetch");
  assert.equal(
    shouldPullOnRestore({ ...base, cadenceSeconds: 0, lastGitFetchAt: 1000, now: 1000 }),
    true,
  );
  assert.equal(
    shouldPullOnRestore({ ...base, lastGitFetchAt: 0, now: 300_000 }),
    false,
    "exactly the cadence",
  );
  assert.equal(shouldPullOnRestore({ ...base, lastGitFetchAt: 0, now: 300_001 }), true);
  assert.equal(
    shouldPullOnRestore({ ...base, lastGitFetchAt: Date.now() }),
    false,
    "defaults now to the clock",
  );
});

Deno.test("aliases at the boundary", () => {
  assert.equal(canonicalGatewayToolName("automation.complete"), "automation.complete");
  assert.equal(canonicalGatewayToolName("automation_complete"), "automation.complete");
  assert.equal(
    canonicalGatewayToolName("request_env_variables"),
    undefined,
    "sandbox-local, not gateway",
  );
  assert.equal(gatewayToolNameSchema.parse("save_snapshot"), "save_snapshot");
  assert.equal(normalizeClientType("browser"), "web");
  assert.equal(normalizeClientType("automation"), "automation");
  assert.equal(clientTypeSchema.parse("browser"), "web");
  assert.equal(clientTypeSchema.safeParse("desktop").success, false);
  assert.equal(toSandboxSessionType("terminal"), "cli");
  assert.equal(toSandboxSessionType("cli"), "cli");
  assert.equal(toSandboxSessionType("coding"), "coding");
});

Deno.test("retry rule for tool callbacks", () => {
  assert.equal(isRetryableToolCallbackFailure({ status: 502 }), true);
  assert.equal(isRetryableToolCallbackFailure({ status: 503 }), true);
  assert.equal(isRetryableToolCallbackFailure({ status: 500 }), false);
  assert.equal(
    isRetryableToolCallbackFailure({ status: 409 }),
    false,
    "non-owner conflicts are not retried blindly",
  );
  assert.equal(isRetryableToolCallbackFailure({ error: new Error("read ECONNRESET") }), true);
  assert.equal(
    isRetryableToolCallbackFailure({ error: Object.assign(new Error("x"), { code: "ENOTFOUND" }) }),
    true,
  );
  assert.equal(
    isRetryableToolCallbackFailure({
      error: new Error("x", { cause: new Error("connect ETIMEDOUT") }),
    }),
    true,
  );
  assert.equal(isRetryableToolCallbackFailure({ error: new Error("invalid params") }), false);
  assert.equal(isRetryableToolCallbackFailure({}), false);
});

Deno.test("sandbox validators accept spec-shaped values and name the bad field", async (t) => {
  function rejects(
    schema: Parameters<typeof parseOrThrow>[0],
    value: unknown,
    field: string,
  ): void {
    assert.throws(
      () => parseOrThrow(schema, value, "value"),
      (err: unknown) =>
        err instanceof ContractValidationError && err.issues.some((i) => i.path === field) &&
        err.message.includes(`${field}: `),
      field,
    );
  }

  await t.step("tool callbacks", () => {
    const ok = { session_id: "s_1", tool_call_id: "call_9", params: { message: "before deploy" } };
    assert.deepEqual(parseOrThrow(toolCallbackRequestSchema, ok, "callback"), ok);
    rejects(toolCallbackRequestSchema, { ...ok, tool_call_id: "" }, "tool_call_id");
    rejects(toolCallbackRequestSchema, { ...ok, params: [] }, "params");
  });

  await t.step("service command limits", () => {
    const cmd = { name: "api", command: "pnpm dev", workspacePath: "api", cwd: "." };
    assert.ok(prebuildServiceCommandSchema.safeParse(cmd).success);
    assert.ok(
      prebuildServiceCommandSchema.safeParse({
        ...cmd,
        name: "n".repeat(100),
        command: "c".repeat(1000),
        cwd: "d".repeat(500),
        workspacePath: "w".repeat(500),
      }).success,
    );
    rejects(prebuildServiceCommandSchema, { ...cmd, name: "n".repeat(101) }, "name");
    rejects(prebuildServiceCommandSchema, { ...cmd, command: "c".repeat(1001) }, "command");
    rejects(prebuildServiceCommandSchema, { ...cmd, command: "" }, "command");
    rejects(prebuildServiceCommandSchema, { ...cmd, cwd: "d".repeat(501) }, "cwd");
    rejects(
      prebuildServiceCommandSchema,
      { ...cmd, workspacePath: "w".repeat(501) },
      "workspacePath",
    );
    assert.ok(
      saveServiceCommandsToolParamsSchema.safeParse({ commands: Array(10).fill(cmd) }).success,
    );
    rejects(saveServiceCommandsToolParamsSchema, { commands: Array(11).fill(cmd) }, "commands");
    rejects(saveServiceCommandsToolParamsSchema, { commands: [] }, "commands");
    rejects(
      saveServiceCommandsToolParamsSchema,
      { commands: [cmd, { ...cmd, name: "" }] },
      "commands[1].name",
    );
  });

  await t.step("automation.complete and request_env_variables", () => {
    const done = {
      run_id: "r",
      completion_id: "c",
      outcome: "succeeded",
      citations: ["https://x"],
      side_effect_refs: [],
    };
    assert.ok(automationCompleteToolParamsSchema.safeParse(done).success);
    rejects(automationCompleteToolParamsSchema, { ...done, outcome: "partial" }, "outcome");
    rejects(
      automationCompleteToolParamsSchema,
      { ...done, completion_id: undefined },
      "completion_id",
    );
    const env = {
      keys: [{ key: "DATABASE_URL", type: "secret", suggestions: [{ label: "Neon" }] }],
    };
    assert.ok(requestEnvVariablesToolParamsSchema.safeParse(env).success);
    rejects(
      requestEnvVariablesToolParamsSchema,
      { keys: [{ key: "X", type: "file" }] },
      "keys[0].type",
    );
  });

  await t.step("provider results and metadata", () => {
    const result = {
      sandboxId: "sb-1",
      tunnelUrl: "https://a.dev",
      previewUrl: "https://b.dev",
      sshHost: "ssh.dev",
      sshPort: 22,
      expiresAt: 1_700_000_000_000,
    };
    assert.ok(createSandboxResultSchema.safeParse(result).success);
    rejects(createSandboxResultSchema, { ...result, tunnelUrl: "nope" }, "tunnelUrl");
    rejects(createSandboxResultSchema, { ...result, expiresAt: 1.5 }, "expiresAt");
    rejects(ensureSandboxResultSchema, result, "recovered");
    assert.ok(ensureSandboxResultSchema.safeParse({ ...result, recovered: true }).success);
    rejects(sessionMetadataSchema, {
      sessionId: "s",
      repoDir: "/w",
      createdAt: 1,
      lastGitFetchAt: -1,
    }, "lastGitFetchAt");
  });

  await t.step("create options", () => {
    const opts = {
      sessionId: "s_1",
      sessionType: "setup",
      repos: [{ repoUrl: "https://github.com/o/r.git", workspacePath: "r" }],
      branch: "main",
      envVars: { A: "1" },
      systemPrompt: "",
      agentConfig: { agentType: "opencode", modelId: "claude-sonnet-4" },
      triggerContext: { issue: { id: 1 } },
      envFiles: { anything: true },
    };
    assert.ok(createSandboxOptsSchema.safeParse(opts).success);
    assert.ok(createSandboxOptsSchema.safeParse({ ...opts, sessionType: null }).success);
    rejects(createSandboxOptsSchema, { ...opts, sessionType: "terminal" }, "sessionType");
    rejects(createSandboxOptsSchema, { ...opts, repos: undefined }, "repos");
    rejects(createSandboxOptsSchema, { ...opts, envVars: { A: 1 } }, "envVars.A");
    rejects(createSandboxOptsSchema, {
      ...opts,
      agentConfig: { agentType: "opencode", modelId: "gpt-4" },
    }, "agentConfig.modelId");
    rejects(
      createSandboxOptsSchema,
      { ...opts, repos: [{ repoUrl: "", workspacePath: "r" }] },
      "repos[0].repoUrl",
    );
  });
});

Deno.test("named limits hold the sheet's values (§2, §3.2, §3.3, §3.6)", () => {
  assert.deepEqual(
    {
      DEFAULT_MODEL_ID,
      DEFAULT_AGENT_TYPE,
      RETRYABLE_STATUS_CODES,
      MAX_ERROR_MESSAGE_LENGTH,
      SANDBOX_DEFAULT_LIFETIME_SECONDS,
      OPENCODE_READINESS,
      DEFAULT_TIMEOUTS,
      DEFAULT_EXEC_TIMEOUT_MS,
      OPENCODE_PORT,
      PREVIEW_PORT,
      SANDBOX_ENV_FILE_PATH,
      TRIGGER_CONTEXT_PATH,
      SERVICE_COMMAND_LIMITS,
      GIT_PULL_ON_RESTORE_ENV,
      GIT_PULL_CADENCE_SECONDS_ENV,
      GATEWAY_TOOL_QUOTAS,
      TOOL_CALLBACK_RETRY_DELAY_MS,
      DEFAULT_VERIFY_FOLDER,
      SESSION_OWNER_LEASE_TTL_MS,
      SESSION_OWNER_LEASE_RENEW_MS,
      SESSION_RUNTIME_LOCK_TTL_MS,
      SESSION_MIGRATION_LEAD_MS,
      SESSION_MIGRATION_MESSAGE_WAIT_MS,
      SESSION_MIGRATION_MAX_QUEUED_MESSAGES,
    },
    {
      DEFAULT_MODEL_ID: "claude-opus-4.6",
      DEFAULT_AGENT_TYPE: "opencode",
      RETRYABLE_STATUS_CODES: [429, 502, 503, 504],
      MAX_ERROR_MESSAGE_LENGTH: 500,
      SANDBOX_DEFAULT_LIFETIME_SECONDS: 3600,
      OPENCODE_READINESS: {
        timeoutMs: 30_000,
        initialDelayMs: 200,
        backoffFactor: 1.5,
        maxDelayMs: 2_000,
      },
      DEFAULT_TIMEOUTS: {
        createSandbox: 180_000,
        snapshot: 120_000,
        terminate: 30_000,
        writeEnvFile: 30_000,
        health: 10_000,
        checkSandboxes: 30_000,
      },
      DEFAULT_EXEC_TIMEOUT_MS: 30_000,
      OPENCODE_PORT: 4096,
      PREVIEW_PORT: 20000,
      SANDBOX_ENV_FILE_PATH: "/tmp/.proliferate_env.json",
      TRIGGER_CONTEXT_PATH: ".proliferate/trigger-context.json",
      SERVICE_COMMAND_LIMITS: {
        nameMaxLength: 100,
        commandMaxLength: 1000,
        cwdMaxLength: 500,
        workspacePathMaxLength: 500,
        minCommands: 1,
        maxCommands: 10,
      },
      GIT_PULL_ON_RESTORE_ENV: "SANDBOX_GIT_PULL_ON_RESTORE",
      GIT_PULL_CADENCE_SECONDS_ENV: "SANDBOX_GIT_PULL_CADENCE_SECONDS",
      GATEWAY_TOOL_QUOTAS: {
        save_snapshot: { max: 10, windowSeconds: 3600 },
        verify: { max: 20, windowSeconds: 3600 },
        "automation.complete": { max: 1, windowSeconds: null },
      },
      TOOL_CALLBACK_RETRY_DELAY_MS: 2000,
      DEFAULT_VERIFY_FOLDER: ".proliferate/.verification/",
      SESSION_OWNER_LEASE_TTL_MS: 30_000,
      SESSION_OWNER_LEASE_RENEW_MS: 10_000,
      SESSION_RUNTIME_LOCK_TTL_MS: 30_000,
      SESSION_MIGRATION_LEAD_MS: 5 * 60_000,
      SESSION_MIGRATION_MESSAGE_WAIT_MS: 30_000,
      SESSION_MIGRATION_MAX_QUEUED_MESSAGES: 100,
    },
  );
});
