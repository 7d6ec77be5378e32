/**
 * Webhook route helpers: build a {@link WebhookRequest} from a web-standard `Request` (for routes on
 * Deno, edge functions or any fetch-style server), and pick the headers an inbox row may store.
 *
 * @module
 */
import type { WebhookRequest } from "./types.ts";

function parseBody(rawBody: Uint8Array, contentType: string): unknown {
  if (rawBody.length === 0) return undefined;
  const text = new TextDecoder().decode(rawBody);
  const type = contentType.toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type.includes("json") || type === "") {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Reads `request` once into a {@link WebhookRequest}: header keys lower-case (repeated
 * `set-cookie` headers as an array), query from the URL (the first value of a repeated key), the
 * exact body bytes as `rawBody`, and
 * `body` parsed from them (JSON, form fields, else text; `undefined` when empty).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhookRequestFromRequest } from "@proliferate/core/providers";
 *
 * const req = new Request("https://hooks.example/webhooks/sentry?x=1", {
 *   method: "POST",
 *   headers: { "Content-Type": "application/json", "Sentry-Hook-Signature": "abc" },
 *   body: '{"action":"created"}',
 * });
 * const hook = await webhookRequestFromRequest(req, { providerId: "sentry" });
 * assert.equal(hook.path, "/webhooks/sentry");
 * assert.equal(hook.headers["sentry-hook-signature"], "abc");
 * assert.deepEqual(hook.body, { action: "created" });
 * assert.equal(hook.query.x, "1");
 * ```
 */
export async function webhookRequestFromRequest(
  request: Request,
  params: Record<string, string | undefined> = {},
): Promise<WebhookRequest> {
  const url = new URL(request.url);
  // Object.fromEntries defines own properties, so a key like `__proto__` stays plain data.
  const headers: Record<string, string | string[] | undefined> = Object.fromEntries(
    [...request.headers].map(([key, value]) => [key.toLowerCase(), value]),
  );
  const cookies = request.headers.getSetCookie();
  if (cookies.length > 1) headers["set-cookie"] = cookies;
  const firstValues = new Map<string, string>();
  url.searchParams.forEach((value, key) => {
    if (!firstValues.has(key)) firstValues.set(key, value);
  });
  const query: Record<string, string | undefined> = Object.fromEntries(firstValues);
  const rawBody = new Uint8Array(await request.arrayBuffer());
  return {
    method: request.method,
    path: url.pathname,
    headers,
    query,
    params: { ...params },
    rawBody,
    body: parseBody(rawBody, request.headers.get("content-type") ?? ""),
  };
}

/** Headers that carry the sender's or a proxy's credentials; never stored with an inbox row. */
export const CREDENTIAL_HEADERS: readonly [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
] = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

/**
 * The headers of a webhook as they may be stored with its inbox row (`webhook_inbox.headers`, kept
 * up to 7 days after processing): keys lower-case, absent values left out, and dropped: the
 * {@link CREDENTIAL_HEADERS} plus any header named in `secretHeaders` (for a provider that sends
 * its shared secret itself in a header, such as GitLab's `x-gitlab-token`). Signature headers stay:
 * an HMAC does not reveal the secret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storableWebhookHeaders } from "@proliferate/core/providers";
 *
 * assert.deepEqual(
 *   storableWebhookHeaders(
 *     { "X-Event": "issue", authorization: "Bearer t", "x-gitlab-token": "s", "x-none": undefined },
 *     ["X-Gitlab-Token"],
 *   ),
 *   { "x-event": "issue" },
 * );
 * ```
 */
export function storableWebhookHeaders(
  headers: WebhookRequest["headers"],
  secretHeaders: readonly string[] = [],
): Record<string, string | string[]> {
  const dropped = new Set<string>([
    ...CREDENTIAL_HEADERS,
    ...secretHeaders.map((name) => name.toLowerCase()),
  ]);
  const kept: [string, string | string[]][] = [];
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value !== undefined && !dropped.has(key)) kept.push([key, value]);
  }
  // Object.fromEntries defines own properties, so a key like `__proto__` stays plain data.
  return Object.fromEntries(kept);
}
