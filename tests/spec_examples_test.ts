/**
 * The specs' reference code, written against the contracts: the Sentry trigger module of
 * triggers.md §2.2 (an inline trigger type reading its config, webhook verification over the raw
 * body, parsing into `NormalizedTriggerEvent`), with only the changes interfaces.md §1.8 records
 * (WebCrypto HMAC is async; bytes compared in constant time; no `any`). Type-checking this file is
 * the main test; the steps then run the module on a signed request.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import {
  bytesToHex,
  hmacSha256,
  type NormalizedTriggerEvent,
  type ProviderTriggers,
  timingSafeEqual,
  type WebhookRequest,
} from "@proliferate/core/providers";
import { triggerEventValues } from "@proliferate/core/schema";

const severityRank = { debug: 1, info: 2, warning: 3, error: 4, fatal: 5 };
const encoder = new TextEncoder();

// triggers.md §2.2, as the spec writes it but for the async HMAC and the byte comparison.
const sentryTriggers: ProviderTriggers = {
  types: [
    {
      id: "error_created",
      description: "Triggers when a new error matches the severity filter.",
      configSchema: z.object({ minSeverity: z.enum(["info", "error", "fatal"]) }),
      matches: (event, config) => {
        const eventSeverity = String(event.context.severity);
        const rank = severityRank[eventSeverity as keyof typeof severityRank] ?? 0;
        const minRank = severityRank[config.minSeverity as keyof typeof severityRank] ?? 0;
        return rank >= minRank;
      },
    },
  ],
  webhook: {
    verify: async (req, secret) => {
      if (!secret) return { ok: false };
      const signature = req.headers["sentry-hook-signature"] as string;
      const expected = bytesToHex(await hmacSha256({ data: req.rawBody, secret }));
      return {
        ok: timingSafeEqual(encoder.encode(expected), encoder.encode(signature ?? "")),
        identity: { kind: "org", id: req.headers["sentry-org"] as string },
      };
    },
    parse: ({ json, providerEventType, receivedAt }) => {
      const payload = json as { data?: { event?: { id: string; title?: string; level?: string } } };
      if (!payload.data?.event) return Promise.resolve([]);
      return Promise.resolve([{
        provider: "sentry",
        eventType: "error_created",
        providerEventType: providerEventType ?? "unknown",
        occurredAt: receivedAt,
        dedupKey: `sentry:${payload.data.event.id}`,
        title: payload.data.event.title ?? "Sentry event",
        context: { severity: payload.data.event.level ?? "error" },
        raw: payload,
      }]);
    },
  },
};

// `openssl dgst -sha256 -hmac whsec_sentry` over BODY, computed once and pinned.
const BODY = '{"action":"created","data":{"issue":{"id":"42"}}}';
const BODY_MAC = "15cdb0b5bdf2b82b27bff8158617c072ace84edb1acde81f61bf120ac3b2e33b";

function request(body: string, signature: string): WebhookRequest {
  return {
    method: "POST",
    path: "/webhooks/direct/sentry",
    headers: { "sentry-hook-signature": signature, "sentry-org": "org_1" },
    query: {},
    params: { providerId: "sentry" },
    rawBody: encoder.encode(body),
    body: JSON.parse(body),
  };
}

Deno.test("hmacSha256 takes named fields and matches openssl", async (t) => {
  await t.step("known answer (openssl dgst -sha256 -hmac)", async () => {
    assert.equal(bytesToHex(await hmacSha256({ secret: "whsec_sentry", data: BODY })), BODY_MAC);
    assert.equal(
      bytesToHex(
        await hmacSha256({ data: encoder.encode(BODY), secret: encoder.encode("whsec_sentry") }),
      ),
      BODY_MAC,
    );
  });

  await t.step("a positional call does not compile", () => {
    const swapped = (body: Uint8Array, secret: string) =>
      // @ts-expect-error one named-fields argument: { secret, data }
      hmacSha256(body, secret);
    const unnamed = (body: Uint8Array) =>
      // @ts-expect-error a bare string or byte array is not an HmacInput
      hmacSha256(body);
    assert.equal(typeof swapped, "function");
    assert.equal(typeof unnamed, "function");
  });
});

Deno.test("the spec's Sentry trigger module compiles against the contracts and runs", async (t) => {
  const webhook = sentryTriggers.webhook!;

  await t.step("verify accepts the openssl signature and refuses another", async () => {
    assert.deepEqual(await webhook.verify(request(BODY, BODY_MAC), "whsec_sentry"), {
      ok: true,
      identity: { kind: "org", id: "org_1" },
    });
    const wrong = await webhook.verify(request(BODY, BODY_MAC), "other");
    assert.equal(wrong.ok, false);
    assert.equal((await webhook.verify(request(BODY, BODY_MAC), null)).ok, false);
  });

  await t.step("parse, matches and the trigger_events mapping", async () => {
    const events: NormalizedTriggerEvent[] = await webhook.parse({
      json: { data: { event: { id: "e1", title: "TypeError", level: "fatal" } } },
      headers: {},
      receivedAt: "2025-01-02T03:04:05Z",
    });
    assert.equal(events.length, 1);
    const [type] = sentryTriggers.types;
    const config = type.configSchema.parse({ minSeverity: "error" });
    assert.equal(type.matches(events[0], config), true);
    assert.equal(type.matches({ ...events[0], context: { severity: "info" } }, config), false);
    const values = triggerEventValues(events[0], { triggerId: "t", organizationId: "org_1" });
    assert.equal(values.dedupKey, "sentry:e1");
    assert.equal(values.providerEventType, "unknown");
    assert.deepEqual(await webhook.parse({ json: {}, headers: {}, receivedAt: "x" }), []);
  });
});
