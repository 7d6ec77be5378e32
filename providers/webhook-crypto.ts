/**
 * WebCrypto helpers for webhook verification: HMAC-SHA256 over the exact request bytes and a
 * constant-time comparison. Async, like `crypto.subtle`; no Node APIs.
 *
 * @module
 */

const encoder = new TextEncoder();

function toBytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  // A fresh copy: WebCrypto wants bytes backed by an ArrayBuffer (a Buffer or a view may not be).
  return typeof data === "string" ? encoder.encode(data) : new Uint8Array(data);
}

/**
 * Lower-case hex of `bytes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesToHex } from "@proliferate/core/providers";
 *
 * assert.equal(bytesToHex(new Uint8Array([0, 171, 255])), "00abff");
 * ```
 */
export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * What {@link hmacSha256} signs: named, so the key and the message cannot be swapped (both may be
 * a string or bytes, so positional arguments would compile either way round).
 */
export interface HmacInput {
  /** The shared secret (the HMAC key), e.g. a webhook signing secret. */
  secret: string | Uint8Array;
  /** The message: for a webhook, the exact request bytes (`WebhookRequest.rawBody`). */
  data: string | Uint8Array;
}

/**
 * HMAC-SHA256 of `data` under `secret`, as raw bytes. The spec's references write
 * `hmacSha256(rawBody, secret)`, the reverse of the usual `(key, data)` order; one
 * named-fields argument works for both readings and a positional call does not compile.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesToHex, hmacSha256 } from "@proliferate/core/providers";
 *
 * const mac = await hmacSha256({
 *   secret: "key",
 *   data: "The quick brown fox jumps over the lazy dog",
 * });
 * assert.equal(
 *   bytesToHex(mac),
 *   "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
 * );
 * ```
 */
export async function hmacSha256(input: HmacInput): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    toBytes(input.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, toBytes(input.data)));
}

/**
 * SHA-256 of `data`, lower-case hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "@proliferate/core/providers";
 *
 * assert.equal(
 *   await sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", toBytes(data))));
}

/**
 * Compares two byte strings in time that depends only on their lengths, not on where they differ.
 * Different lengths compare unequal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timingSafeEqual } from "@proliferate/core/providers";
 *
 * assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
 * assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Options of {@link verifyHmacSha256Signature}. */
export interface HmacSignatureCheck {
  /** The webhook secret. */
  secret: string;
  /** The exact request bytes (`WebhookRequest.rawBody`). */
  body: Uint8Array;
  /** Signature as sent (header value); a missing header fails verification. */
  signature: string | null | undefined;
  /** How the signature is encoded; default `"hex"`. */
  encoding?: "hex" | "base64";
  /** Text before the signature to strip, e.g. `"sha256="` (GitHub); it must be present. */
  prefix?: string;
}

function decodeSignature(text: string, encoding: "hex" | "base64"): Uint8Array | undefined {
  if (encoding === "hex") {
    if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Checks an HMAC-SHA256 webhook signature over the raw body with a constant-time comparison.
 * Returns false (never throws) for a missing, malformed or wrong signature.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesToHex, hmacSha256, verifyHmacSha256Signature } from "@proliferate/core/providers";
 *
 * const body = new TextEncoder().encode('{"action":"created"}');
 * const signature = bytesToHex(await hmacSha256({ secret: "s3cret", data: body }));
 * assert.equal(await verifyHmacSha256Signature({ secret: "s3cret", body, signature }), true);
 * assert.equal(await verifyHmacSha256Signature({ secret: "other", body, signature }), false);
 * ```
 */
export async function verifyHmacSha256Signature(check: HmacSignatureCheck): Promise<boolean> {
  let text = check.signature?.trim();
  if (text === undefined || text === "") return false;
  if (check.prefix !== undefined) {
    if (!text.startsWith(check.prefix)) return false;
    text = text.slice(check.prefix.length);
  }
  const given = decodeSignature(text, check.encoding ?? "hex");
  if (given === undefined) return false;
  const expected = await hmacSha256({ secret: check.secret, data: check.body });
  return timingSafeEqual(expected, given);
}
