/**
 * Property-based tests of everything that takes input from outside: redaction (no generated
 * secret survives in any embedding, through errors, bodies and inspection; time grows linearly)
 * and the validators of column-bound data (whatever they accept, a migrated database stores
 * as it is). fast-check generates the cases; failures shrink to a minimal one.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  normalizedTriggerEventSchema,
  storedActionInvocationStatusSchema,
  storedTriggerEventSkipReasonSchema,
  triggerEventSkipReasonSchema,
  webhookParseInputSchema,
} from "@proliferate/core/providers";
import {
  isCredentialKey,
  redactSecrets,
  redactValue,
  SandboxProviderError,
} from "@proliferate/core/sandbox";
import {
  actionModesSchema,
  clientMetadataSchema,
  jsonColumnSchemas,
  jsonObjectSchema,
  jsonValueSchema,
  MAX_JSON_DEPTH,
  sessionAgentConfigSchema,
  toolCallResultSchema,
  webhookHeadersSchema,
  webhookPayloadSchema,
} from "@proliferate/core/schema";
import { freshDatabase } from "./_db.ts";

// ---------------------------------------------------------------------------------------------
// Generated secrets

/** A generated secret: the text as a gateway would meet it, and the parts that must not leak. */
interface Secret {
  text: string;
  cores: string[];
}

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (min: number, max = min) => chars(ALNUM, min, max);
const upperDigits = (n: number) => chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n, n);
const base64 = (n: number) => chars(`${ALNUM}+/`, n, n);
const base64url = (min: number, max: number) => chars(`${ALNUM}_-`, min, max);
const hex = (n: number) => chars("0123456789abcdef", n, n);
const simple = (format: (core: string) => string, core = alnum(20, 40)) =>
  core.map((c): Secret => ({ text: format(c), cores: [c] }));

const FORMATS: Record<string, fc.Arbitrary<Secret>> = {
  "Anthropic key": simple((c) => `sk-ant-api03-${c}`),
  "OpenAI project key": simple((c) => `sk-proj-${c}`),
  "LLM proxy virtual key": simple((c) => `sk-${c}`),
  "Stripe secret key": simple((c) => `sk_live_${c}`),
  "Stripe restricted key": simple((c) => `rk_live_${c}`),
  "Stripe webhook secret": simple((c) => `whsec_${c}`),
  "Bearer header": simple((c) => `Authorization: Bearer ${c}`),
  "bare Bearer token": fc.tuple(alnum(12, 20), alnum(12, 20)).map(([a, b]) => ({
    text: `Bearer ${a}.${b}`,
    cores: [a, b],
  })),
  "Basic header": fc.tuple(alnum(6, 12), alnum(12, 24)).map(([user, pass]) => {
    const token = btoa(`${user}:${pass}`);
    return { text: `Authorization: Basic ${token}`, cores: [token] };
  }),
  "bare Basic credentials": fc.tuple(alnum(6, 12), alnum(12, 24)).map(([user, pass]) => {
    const token = btoa(`${user}:${pass}`);
    return { text: `sent Basic ${token}`, cores: [token] };
  }),
  "GitHub classic token": simple((c) => `ghp_${c}`, alnum(36)),
  "GitHub app token": simple((c) => `ghs_${c}`, alnum(36)),
  "GitHub fine-grained token": fc.tuple(alnum(22), alnum(59)).map(([a, b]) => ({
    text: `github_pat_${a}_${b}`,
    cores: [a, b],
  })),
  "GitLab token": simple((c) => `glpat-${c}`, alnum(20)),
  "npm token": simple((c) => `npm_${c}`, alnum(36)),
  "Hugging Face token": simple((c) => `hf_${c}`, alnum(34)),
  "SendGrid key": fc.tuple(alnum(22), alnum(43)).map(([a, b]) => ({
    text: `SG.${a}.${b}`,
    cores: [a, b],
  })),
  "Slack bot token": simple((c) => `xoxb-1234567890-0987654321-${c}`, alnum(24)),
  "Slack webhook URL": simple(
    (c) => `https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/${c}`,
    alnum(24),
  ),
  "git HTTPS credentials": simple((c) => `https://x-access-token:${c}@github.com/org/repo.git`),
  "Modal token id": simple((c) => `ak-${c}`),
  "Modal token secret": simple((c) => `as-${c}`),
  "E2B key": simple((c) => `e2b_${c}`),
  "Google API key": simple((c) => `AIza${c}`, alnum(35)),
  "AWS access key id": simple((c) => `AKIA${c}`, upperDigits(16)),
  "AWS secret access key": base64(37).map((s) => {
    const key = `${s.slice(0, 12)}Q${s.slice(12, 24)}q${s.slice(24)}7`;
    return { text: key, cores: [key] };
  }),
  "AWS secret in an env file": base64(40).map((key) => ({
    text: `AWS_SECRET_ACCESS_KEY=${key}`,
    cores: [key],
  })),
  JWT: fc.tuple(base64url(16, 40), base64url(16, 40), base64url(20, 43)).map(([a, b, c]) => ({
    text: `eyJ${a}.eyJ${b}.${c}`,
    cores: [a, b, c],
  })),
  "api_key assignment": simple((c) => `api_key=${c}`),
  "x-api-key header": simple((c) => `X-Api-Key: ${c}`),
  "JSON password": simple((c) => `{"user": "bob", "password": "${c}"}`),
  "JSON apiKey": simple((c) => `{"apiKey":"${c}"}`),
  "JSON accessToken": simple((c) => `{"accessToken": "${c}", "expires_in": 3600}`),
  "password parameter": simple((c) => `password=${c}&remember=1`),
  "token query parameter": simple((c) => `https://api.example.com/v1/items?token=${c}&page=2`),
  "key query parameter": simple((c) => `https://maps.example.com/api?key=${c}`),
  "client_secret parameter": simple((c) => `grant_type=x&client_secret=${c}`),
  "Cookie header": fc.tuple(alnum(20, 30), alnum(20, 30)).map(([a, b]) => ({
    text: `Cookie: sid=${a}; theme=${b}`,
    cores: [a, b],
  })),
  "Set-Cookie header": simple((c) => `Set-Cookie: session=${c}; Path=/; HttpOnly; Secure`),
  "long URL password": simple((c) => `postgres://app:${c}@db.internal:5432/prod`),
  "short URL password": simple((c) => `https://bob:${c}@example.com/x`, alnum(6, 10)),
  "64-hex token": simple((c) => `token ${c}`, hex(64)),
  "PEM private key": fc.array(base64(64), { minLength: 3, maxLength: 6 }).map((lines) => ({
    text: `-----BEGIN RSA PRIVATE KEY-----\n${lines.join("\n")}\n-----END RSA PRIVATE KEY-----`,
    cores: lines,
  })),
  "OpenSSH private key": fc.array(base64(70), { minLength: 3, maxLength: 6 }).map((lines) => ({
    text: `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${
      lines.join("\n")
    }\n-----END OPENSSH PRIVATE KEY-----`,
    cores: lines,
  })),
};

/** Ways a secret reaches error text: raw, quoted, encoded, escaped, over several lines. */
const EMBEDDINGS: Record<string, (secret: string) => string> = {
  raw: (s) => s,
  "in a sentence": (s) => `request failed: ${s} (retry later)`,
  "double quotes": (s) => `"${s}"`,
  "single quotes": (s) => `'${s}'`,
  parentheses: (s) => `(${s})`,
  "trailing full stop": (s) => `${s}.`,
  backticks: (s) => `\`${s}\``,
  html: (s) => `<td>${s}</td>`,
  "JSON string": (s) => JSON.stringify({ detail: s }),
  "JSON inside JSON": (s) => JSON.stringify(JSON.stringify({ detail: s })),
  "URL-encoded": (s) => encodeURIComponent(s),
  "query parameter": (s) => `https://api.example.com/cb?q=${encodeURIComponent(s)}&page=2`,
  "form-encoded": (s) => new URLSearchParams({ q: s }).toString(),
  "multi-line": (s) => `first line\n${s}\nlast line`,
  "CRLF lines": (s) => `HTTP/1.1 401\r\n${s}\r\n\r\n`,
  "log line": (s) => `2026-01-01T00:00:00Z ERROR provider call ${s} status=401`,
};

/** The parts of a secret's cores long enough to identify it (alphanumeric runs of 6+). */
function identifyingRuns(secret: Secret): string[] {
  return secret.cores.flatMap((core) => core.match(/[A-Za-z0-9]{6,}/g) ?? []);
}

/**
 * Fails when `output` holds an identifying run of `secret`. A run that `baseline` (the same
 * output made without the secret) holds too is the surrounding text, not a leak: a generated
 * core can spell `define` or `status`, which a stack trace or a log line holds anyway.
 */
function assertNoLeak(output: string, secret: Secret, where: string, baseline = ""): void {
  for (const run of identifyingRuns(secret)) {
    if (baseline.includes(run)) continue;
    assert.ok(!output.includes(run), `${where} leaks ${run}: ${output}`);
  }
}

const NUM_RUNS = 12;

Deno.test("redactSecrets leaves no generated secret in any embedding", async (t) => {
  for (const [format, arbitrary] of Object.entries(FORMATS)) {
    await t.step(format, () => {
      fc.assert(
        fc.property(arbitrary, (secret) => {
          for (const [embedding, embed] of Object.entries(EMBEDDINGS)) {
            const out = redactSecrets(embed(secret.text));
            assertNoLeak(out, secret, `${format} / ${embedding}`, embed(""));
            assert.equal(redactSecrets(out), out, `${format} / ${embedding}: not idempotent`);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }
});

Deno.test("ordinary text survives redaction", () => {
  const prose = [
    "break-even has-snapshot risk-free task-runner task-ant-farm as-is ask-me sk-learn e2b docs",
    "40-char sha 0123456789abcdef0123456789abcdef01234567 and the bearer of news",
    "the author: Ada; monkey=3; basic setup; keyboard layout; Error: connection refused",
    "https://github.com/org/repo/pull/12 and user@example.com at 2026-01-01T00:00:00Z",
  ];
  for (const text of prose) assert.equal(redactSecrets(text), text);
});

Deno.test("secrets do not survive an error's message, stack, toJSON, inspection or causes", async (t) => {
  const embeddings = ["raw", "JSON string", "URL-encoded", "multi-line"] as const;
  for (const [format, arbitrary] of Object.entries(FORMATS)) {
    await t.step(format, () => {
      fc.assert(
        fc.property(arbitrary, fc.constantFrom(...embeddings), (secret, embedding) => {
          const viewsOf = (text: string): Record<string, string> => {
            const inner = new Error(`inner ${text}`);
            const thrown = new TypeError(`outer ${text}`, { cause: inner });
            Object.assign(thrown, { response: { body: text, headers: { Accept: "x" } } });
            const err = SandboxProviderError.fromError(thrown, "modal", "createSandbox");
            return {
              message: err.message,
              stack: err.stack ?? "",
              toJSON: JSON.stringify(err),
              inspect: Deno.inspect(err, { depth: 10 }),
              raw: Deno.inspect(err.raw, { depth: 10 }),
              cause: Deno.inspect(err.cause, { depth: 10 }),
              causeStack: String((err.cause as Error).stack),
              innerCause: String(((err.cause as Error).cause as Error).message),
            };
          };
          const views = viewsOf(EMBEDDINGS[embedding](secret.text));
          const baselines = viewsOf(EMBEDDINGS[embedding](""));
          for (const [view, value] of Object.entries(views)) {
            assertNoLeak(value, secret, `${format} / ${embedding} / ${view}`, baselines[view]);
          }
        }),
        { numRuns: 4 },
      );
    });
  }
});

/** Key names that mean a credential, spelled as APIs spell them. */
const CREDENTIAL_KEYS = [
  "apiKey",
  "api_key",
  "x-api-key",
  "X-API-KEY",
  "accessToken",
  "access_token",
  "refresh_token",
  "idToken",
  "client_secret",
  "clientSecret",
  "password",
  "Password",
  "PASSWD",
  "passphrase",
  "pass",
  "sessionToken",
  "session",
  "Authorization",
  "cookie",
  "Set-Cookie",
  "privateKey",
  "secret_key",
  "auth",
  "credentials",
  "AWS_SECRET_ACCESS_KEY",
  "webhookSecret",
  "jwt",
];

Deno.test("response bodies are walked: credential-named fields go, others stay", async () => {
  assert.ok(CREDENTIAL_KEYS.every(isCredentialKey));
  for (const name of ["error", "message", "author", "monkey", "keyboard", "code", "detail"]) {
    assert.equal(isCredentialKey(name), false, name);
  }
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...CREDENTIAL_KEYS),
      alnum(16, 32),
      fc.integer({ min: 0, max: 5 }),
      fc.boolean(),
      async (key, value, depth, withError) => {
        let body: unknown = { [key]: value, code: "E_AUTH" };
        for (let i = 0; i < depth; i++) body = i % 2 === 0 ? { nested: body } : [body];
        const top = withError ? { error: "denied", data: body } : { data: body };
        const res = new Response(JSON.stringify(top), { status: 401 });
        const err = await SandboxProviderError.fromResponse(res, "e2b", "createSandbox");
        for (
          const view of [err.message, Deno.inspect(err, { depth: 20 }), JSON.stringify(err.raw)]
        ) {
          assert.ok(!view.includes(value), `${key} leaks: ${view}`);
        }
        assert.ok(JSON.stringify(err.raw).includes("E_AUTH"), "other fields are kept");
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("response bodies are kept capped", async () => {
  const body = {
    error: { detail: "x".repeat(10_000), items: Array.from({ length: 500 }, (_, i) => i) },
  };
  const deep = `${"[".repeat(10_000)}"bottom"${"]".repeat(10_000)}`;
  const text = `${JSON.stringify(body).slice(0, -1)},"deep":${deep}}`;
  const res = new Response(text, { status: 500 });
  const err = await SandboxProviderError.fromResponse(res, "modal", "snapshot");
  assert.ok(JSON.stringify(err.raw).length < 20_000, "raw is capped");
  assert.ok(err.message.length <= "[modal:snapshot] ".length + 500);
  const huge = new Response("y".repeat(3 * 1024 * 1024), { status: 502 });
  const cut = await SandboxProviderError.fromResponse(huge, "modal", "snapshot");
  assert.ok((cut.raw as string).length < 5_000);
  assert.ok(redactValue(JSON.parse(deep)) !== undefined, "a copy, not a RangeError");
});

// ---------------------------------------------------------------------------------------------
// Linear time

/** The fastest of five timings of `redactSecrets(text)`, in milliseconds (the least noisy). */
function timeRedaction(text: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    redactSecrets(text);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Units whose repetition made earlier patterns backtrack, and the prefixes of every format. */
const ADVERSARIAL_UNITS = [
  "eyJ",
  "eyJ.",
  "eyJa.eyJ",
  "x-access-token:",
  "https://a:",
  "://a:",
  "%3A%2F%2Fa%3A",
  "a.",
  "ak-",
  "sk-",
  "-----BEGIN PRIVATE KEY-----",
  "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
  'password="',
  '\\"password\\":\\"',
  "api_key=",
  "Bearer ",
  "Basic QUFB",
  "Cookie: ",
  "token: [",
  "keykeykey",
  ":",
  "@",
  "aB3/",
  "0",
];

Deno.test("redaction time grows linearly with the input", async (t) => {
  // A quadratic pattern takes 64 times longer on 8 times the text; a linear one about 8 times
  // (up to 20 once the text outgrows the caches; garbage collection adds pauses). The bound and
  // the 4 ms floor under the small run are generous because the machines running the suite are
  // shared and noisy.
  const check = (unit: string) => {
    const small = unit.repeat(Math.ceil(32_000 / unit.length));
    const large = unit.repeat(Math.ceil(256_000 / unit.length));
    timeRedaction(small); // warm up
    const limit = 40 * Math.max(timeRedaction(small), 4);
    // Up to three tries at the large text, stopping at the first one under the limit.
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3 && best >= limit; i++) {
      const started = performance.now();
      redactSecrets(large);
      best = Math.min(best, performance.now() - started);
    }
    assert.ok(
      best < limit,
      `${JSON.stringify(unit)}: 8× the text took ${(best / (limit / 40)).toFixed(1)}× as long`,
    );
  };
  for (const unit of ADVERSARIAL_UNITS) {
    await t.step(JSON.stringify(unit), () => check(unit));
  }
  await t.step("generated mixtures of format prefixes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ADVERSARIAL_UNITS, "a", " ", "\n", "=", "%", "\\"), {
          minLength: 1,
          maxLength: 6,
        }),
        (parts) => check(parts.join("")),
      ),
      { numRuns: 8 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Validators against the database

/** Strings with what breaks storage: U+0000, lone surrogates, astral characters, quotes. */
const nastyString = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
      fc.constantFrom("\u0000", "\ud800", "\udfff", "\ud83d", "\ude00", "😀", "é", "\n", "'", '"'),
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(""));

/** JSON-like values with nasty strings and keys, odd numbers, and now and then a non-JSON value. */
const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    nastyString,
    fc.constantFrom(undefined, Number.NaN, new Date(0)),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(nastyString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A value nested `depth` levels deep (arrays and objects alternating). */
function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

/** ISO timestamps around what PostgreSQL accepts: year 0000, offsets past ±15:59, bad days. */
const timestamp = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 1970, 9999)),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constant("Z"),
      fc.record({
        sign: fc.constantFrom("+", "-"),
        hours: fc.integer({ min: 0, max: 23 }),
        minutes: fc.integer({ min: 0, max: 59 }),
      }).map(({ sign, hours, minutes }) =>
        `${sign}${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`
      ),
    ),
  })
  .map(({ year, month, day, hour, minute, second, fraction, zone }) => {
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    const frac = fraction === undefined ? "" : `.${fraction}`;
    return `${p(year, 4)}-${p(month)}-${p(day)}T${p(hour)}:${p(minute)}:${p(second)}${frac}${zone}`;
  });

const ROLL_BACK = new Error("roll back");

Deno.test("column-bound validators accept only what the database stores", async (t) => {
  await using db = await freshDatabase({ migrations: "all" });
  const sql = db.sql;
  await sql`insert into organization (id, name, slug, "createdAt")
    values ('org_fuzz', 'Fuzz', 'fuzz', now())`;
  const [automation] = await sql<{ id: string }[]>`insert into automations (organization_id)
    values ('org_fuzz') returning id`;
  const [trigger] = await sql<{ id: string }[]>`insert into triggers
      (organization_id, automation_id, provider) values ('org_fuzz', ${automation.id}, 'sentry')
    returning id`;
  await sql`insert into org_connectors (organization_id, name, url, auth)
    values ('org_fuzz', 'docs', 'https://mcp.example/docs', '{"type":"bearer","secretKey":"K"}')`;

  /** Runs `body` in a transaction that is always rolled back. */
  async function inRollback(body: (tx: typeof sql) => Promise<void>): Promise<void> {
    try {
      await sql.begin(async (tx) => {
        await body(tx as unknown as typeof sql);
        throw ROLL_BACK;
      });
    } catch (error) {
      if (error !== ROLL_BACK) throw error;
    }
  }

  const json = (value: unknown) => sql.json(value as never);

  await t.step(
    "trigger events: text, timestamp and JSONB columns store every accepted event",
    async () => {
      const event = fc.record({
        provider: fc.oneof(fc.constant("sentry"), nastyString),
        eventType: fc.oneof(fc.constant("error_created"), nastyString),
        providerEventType: fc.oneof(fc.constant("issue.created"), nastyString),
        occurredAt: timestamp,
        dedupKey: fc.oneof(fc.constant("sentry:1"), nastyString),
        title: nastyString,
        context: fc.oneof(fc.dictionary(nastyString, nastyJson, { maxKeys: 3 }), fc.constant({})),
        raw: nastyJson,
      });
      await fc.assert(
        fc.asyncProperty(event, async (candidate) => {
          const parsed = normalizedTriggerEventSchema.safeParse(candidate);
          if (!parsed.success) return;
          const e = parsed.data;
          await inRollback(async (tx) => {
            const [row] = await tx<
              {
                provider: string;
                event_type: string;
                provider_event_type: string;
                dedup_key: string;
                title: string;
                occurred_ms: string;
                context: unknown;
                raw_payload: unknown;
              }[]
            >`insert into trigger_events (trigger_id, organization_id, provider, event_type,
              provider_event_type, occurred_at, dedup_key, title, context, raw_payload)
            values (${trigger.id}, 'org_fuzz', ${e.provider}, ${e.eventType},
              ${e.providerEventType}, ${e.occurredAt}, ${e.dedupKey}, ${e.title},
              ${json(e.context)}, ${e.raw === undefined ? null : json(e.raw)})
            returning provider, event_type, provider_event_type, dedup_key, title, context,
              raw_payload, (extract(epoch from occurred_at) * 1000)::text as occurred_ms`;
            assert.equal(row.provider, e.provider);
            assert.equal(row.event_type, e.eventType);
            assert.equal(row.provider_event_type, e.providerEventType);
            assert.equal(row.dedup_key, e.dedupKey);
            assert.equal(row.title, e.title);
            assert.ok(Math.abs(Number(row.occurred_ms) - Date.parse(e.occurredAt)) < 1);
            assert.deepStrictEqual(row.context, JSON.parse(JSON.stringify(e.context)));
            if (e.raw !== undefined) {
              assert.deepStrictEqual(row.raw_payload, JSON.parse(JSON.stringify(e.raw)));
            }
          });
        }),
        { numRuns: 150 },
      );
    },
  );

  await t.step("two distinct accepted dedup keys stay two events", async () => {
    await fc.assert(
      fc.asyncProperty(nastyString, nastyString, async (a, b) => {
        if (a === b) return;
        const base = {
          provider: "sentry",
          eventType: "error_created",
          providerEventType: "issue.created",
          occurredAt: "2026-01-01T00:00:00Z",
          title: "t",
          context: {},
        };
        const first = normalizedTriggerEventSchema.safeParse({ ...base, dedupKey: `k${a}` });
        const second = normalizedTriggerEventSchema.safeParse({ ...base, dedupKey: `k${b}` });
        if (!first.success || !second.success) return;
        await inRollback(async (tx) => {
          for (const e of [first.data, second.data]) {
            await tx`insert into trigger_events (trigger_id, organization_id, provider,
                event_type, occurred_at, dedup_key, title, context)
              values (${trigger.id}, 'org_fuzz', ${e.provider}, ${e.eventType},
                ${e.occurredAt}, ${e.dedupKey}, ${e.title}, ${json(e.context)})
              on conflict (trigger_id, dedup_key) do nothing`;
          }
          const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n
            from trigger_events where trigger_id = ${trigger.id}`;
          assert.equal(n, 2, "the second event was merged into the first");
        });
      }),
      { numRuns: 150 },
    );
  });

  await t.step(
    "webhook inbox: payload, headers and receivedAt of every accepted webhook",
    async () => {
      const webhook = fc.record({
        json: fc.oneof(nastyJson, fc.dictionary(nastyString, nastyJson, { maxKeys: 4 })),
        headers: fc.dictionary(
          nastyString,
          fc.oneof(nastyString, fc.array(nastyString, { maxLength: 3 })),
          { maxKeys: 3 },
        ),
        providerEventType: fc.option(nastyString, { nil: undefined }),
        receivedAt: timestamp,
      });
      await fc.assert(
        fc.asyncProperty(webhook, async (candidate) => {
          const input = webhookParseInputSchema.safeParse(candidate);
          const payload = webhookPayloadSchema.safeParse(candidate.json);
          const headers = webhookHeadersSchema.safeParse(candidate.headers);
          if (!input.success || !payload.success || !headers.success) return;
          await inRollback(async (tx) => {
            const [row] = await tx<
              { payload: unknown; headers: unknown; provider_event_type: string | null }[]
            >`
            insert into webhook_inbox (provider, provider_event_type, payload, headers, received_at)
            values ('sentry', ${input.data.providerEventType ?? null}, ${json(payload.data)},
              ${json(headers.data)}, ${input.data.receivedAt})
            returning payload, headers, provider_event_type`;
            assert.deepStrictEqual(row.payload, JSON.parse(JSON.stringify(payload.data)));
            assert.deepStrictEqual(row.headers, headers.data);
            assert.equal(row.provider_event_type, input.data.providerEventType ?? null);
          });
        }),
        { numRuns: 150 },
      );
    },
  );

  await t.step("every typed JSONB column stores what its schema accepts", async () => {
    const shaped: fc.Arbitrary<unknown> = fc.oneof(
      nastyJson,
      fc.dictionary(nastyString, nastyJson, { maxKeys: 3 }),
      fc.dictionary(
        fc.tuple(nastyString, nastyString).map(([a, b]) => `${a}:${b}`),
        fc.constantFrom("allow", "deny", "require_approval"),
        { maxKeys: 3 },
      ),
      fc.record({ modelId: nastyString, tools: fc.array(nastyString, { maxLength: 3 }) }),
      fc.record({ installationId: nastyString, extra: nastyJson }),
      fc.record({
        success: fc.boolean(),
        result: nastyString,
        data: fc.dictionary(nastyString, nastyJson),
      }),
    );
    const columns = Object.entries(jsonColumnSchemas);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...columns), shaped, async ([column, schema], value) => {
        const parsed = schema.safeParse(value);
        if (!parsed.success) return;
        const [table, name] = column.split(".");
        await inRollback(async (tx) => {
          // A real row where a CHECK guards the column; elsewhere the type input decides.
          const where = ["organization", "automations", "org_connectors"].includes(table)
            ? tx`true`
            : tx`false`;
          await tx`update ${tx(table)} set ${tx(name)} = ${json(parsed.data)} where ${where}`;
        });
      }),
      { numRuns: 300 },
    );
    for (const value of [sessionAgentConfigSchema, clientMetadataSchema, toolCallResultSchema]) {
      assert.equal(value.safeParse({ modelId: "a\u0000" }).success, false);
    }
    assert.equal(actionModesSchema.safeParse({ "a\u0000:b": "allow" }).success, false);
  });

  await t.step("nesting: deep values fail validation, shallow ones are stored", async () => {
    for (
      const depth of [1, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 2_000, 100_000]
    ) {
      const value = nested(depth);
      for (const schema of [jsonValueSchema, webhookPayloadSchema, jsonObjectSchema]) {
        const wrapped = schema === jsonObjectSchema ? { v: value } : value;
        const levels = schema === jsonObjectSchema ? depth + 1 : depth;
        const result = schema.safeParse(wrapped); // never a RangeError
        assert.equal(result.success, levels <= MAX_JSON_DEPTH, `${levels} levels`);
        if (!result.success) continue;
        await inRollback(async (tx) => {
          await tx`update trigger_events set raw_payload = ${json(result.data)} where false`;
        });
      }
      const event = normalizedTriggerEventSchema.safeParse({
        provider: "p",
        eventType: "e",
        providerEventType: "e",
        occurredAt: "2026-01-01T00:00:00Z",
        dedupKey: "d",
        title: "t",
        context: {},
        raw: value,
      });
      assert.equal(event.success, depth <= MAX_JSON_DEPTH, `event raw at depth ${depth}`);
    }
  });

  await t.step("stored-row schemas accept every value the database keeps", async () => {
    const statuses = await sql<{ value: string }[]>`
      select unnest(regexp_matches(pg_get_constraintdef(oid), '''([a-z_]+)''', 'g')) as value
      from pg_constraint where conname = 'action_invocations_status_check'`;
    assert.ok(statuses.length >= 8, "the CHECK lists the vNext and legacy statuses");
    for (const { value } of statuses) {
      assert.ok(storedActionInvocationStatusSchema.safeParse(value).success, value);
    }
    assert.equal(storedActionInvocationStatusSchema.safeParse("bogus").success, false);
    const backfill = (await import("../migrations/bundle.ts")).migrations
      .flatMap((m) => m.statements)
      .join("\n");
    assert.ok(backfill.includes("'legacy_null_status'"), "0002 writes legacy_null_status");
    assert.ok(storedTriggerEventSkipReasonSchema.safeParse("legacy_null_status").success);
    assert.equal(triggerEventSkipReasonSchema.safeParse("legacy_null_status").success, false);
  });
});
