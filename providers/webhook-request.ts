/**
 * Builds a {@link WebhookRequest} from a web-standard `Request`, for webhook routes running on
 * Deno, edge functions or any fetch-style server.
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
