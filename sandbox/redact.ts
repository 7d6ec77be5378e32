/**
 * Secret redaction for error text and for anything an error keeps (`raw`, `cause`).
 *
 * @module
 */
import { ACTION_REDACTED_KEYS } from "../providers/limits.ts";

/** What a redacted secret is replaced with. */
export const REDACTED = "[REDACTED]";

/**
 * Secret formats, applied in this order (earlier ones may consume text that later ones would also
 * match). `(?<![A-Za-z0-9])` anchors a prefix at a word start, so `break-even`, `has-snapshot` and
 * `task-ant-farm` stay intact.
 */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Anthropic API keys.
  [/(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]+/g, REDACTED],
  // Other `sk-` keys (LLM-proxy virtual keys, OpenAI-style keys).
  [/(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{10,}/g, REDACTED],
  // API-key assignments, bare or JSON-quoted: the whole assignment goes, a quoted value whole.
  [/["']?api[_-]?key["']?\s*[=:]\s*(?:"[^"]*"|'[^']*'|[^\s"',;&}]+)/gi, REDACTED],
  // Bearer credentials: the scheme word goes too. Any case, but a lower- or upper-case scheme
  // needs a token of 12+ characters, so prose such as "the bearer of news" stays.
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, REDACTED],
  [/\bbearer\s+[A-Za-z0-9._~+/=-]{12,}/gi, REDACTED],
  // GitHub classic tokens.
  [/gh[pousr]_[A-Za-z0-9]+/g, REDACTED],
  // GitHub fine-grained tokens.
  [/github_pat_[A-Za-z0-9_]+/g, REDACTED],
  // Slack tokens.
  [/xox[abposr]-[A-Za-z0-9-]+/g, REDACTED],
  // Git HTTPS credentials, through the `@`.
  [/x-access-token:[^@\s]{0,512}@/g, REDACTED],
  // Modal token ids and token secrets.
  [/(?<![A-Za-z0-9])a[ks]-[A-Za-z0-9]{12,}[A-Za-z0-9_-]*/g, REDACTED],
  // E2B API keys, any case.
  [/e2b_[A-Za-z0-9]+/gi, REDACTED],
  // JWTs.
  [/eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, REDACTED],
  // Long credentials before an `@` (URL passwords of 20+ characters).
  [/:[^:@\s]{20,}@/g, REDACTED],
  // Any remaining URL password (`scheme://user:password@host`); the user and host stay. The
  // scheme is bounded so long dotted text cannot make this pattern quadratic.
  [/(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/:@]+):[^\s/@]+@/gi, `$1:${REDACTED}@`],
  // Credential query parameters.
  [/\b(access_token|refresh_token|client_secret|password)=[^&\s"']+/gi, `$1=${REDACTED}`],
  // 64-hex tokens (the sandbox-mcp HMAC token) not preceded by `Bearer`.
  [/(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])/g, REDACTED],
];

/**
 * Replaces every secret in `text` with `[REDACTED]`. Formats: Anthropic keys (`sk-ant-…`) and other
 * `sk-` keys of 10+ characters; `api_key`/`api-key`/`apikey` assignments (any case, bare or
 * JSON-quoted); `Bearer` credentials (other cases of the word when the token has 12+ characters);
 * GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`); Slack tokens (`xoxb-`,
 * `xoxp-`, `xoxa-`, `xoxo-`, `xoxs-`, `xoxr-`); `x-access-token:…@` git credentials; Modal token
 * ids and secrets (`ak-…`, `as-…`, 12+ characters); E2B keys (`e2b_…`, any case); JWTs; passwords
 * in URLs; `access_token=`, `refresh_token=`, `client_secret=`, `password=` parameters; 64-hex
 * tokens. The `sk-`, `ak-` and `as-` prefixes match only at a word start, so prose such as
 * `break-even` or `as-is` stays. Idempotent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactSecrets } from "@proliferate/core/sandbox";
 *
 * assert.equal(
 *   redactSecrets("clone https://x-access-token:ghs_abc123@github.com/org/repo failed"),
 *   "clone https://[REDACTED]github.com/org/repo failed",
 * );
 * assert.equal(redactSecrets("break-even has-snapshot"), "break-even has-snapshot");
 * ```
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const SENSITIVE_KEYS: ReadonlySet<string> = new Set(ACTION_REDACTED_KEYS);

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(key.toLowerCase());
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function redactErrorInner(error: Error, seen: WeakMap<object, unknown>): Error {
  const ownNames = Object.getOwnPropertyNames(error);
  if (!ownNames.includes("message")) {
    // Host errors (DOMException and the like) keep their fields on the prototype behind getters.
    const copy = new Error(redactSecrets(String(error.message)));
    seen.set(error, copy);
    copy.name = error.name;
    copy.stack = error.stack === undefined ? undefined : redactSecrets(error.stack);
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  seen.set(error, copy);
  for (const name of ownNames) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name);
    if (descriptor === undefined) continue;
    let value: unknown;
    try {
      value = (error as unknown as Record<string, unknown>)[name];
    } catch {
      continue;
    }
    const redacted = isSensitiveKey(name) ? REDACTED : redactInner(value, seen);
    Object.defineProperty(copy, name, {
      value: redacted,
      writable: true,
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  }
  return copy;
}

function redactInner(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
  }
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Error) return redactErrorInner(value, seen);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(redactInner(item, seen));
    return out;
  }
  if (value instanceof Date) return value;
  if (!isPlainObject(value)) {
    // Bytes, streams, responses, maps…: keep only a redacted description.
    return ArrayBuffer.isView(value) || value instanceof ArrayBuffer
      ? `[binary: ${value.byteLength} bytes]`
      : redactSecrets(String(value));
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item !== undefined && item !== null
      ? REDACTED
      : redactInner(item, seen);
  }
  return out;
}

/**
 * A redacted deep copy of `value`: strings pass through {@link redactSecrets}; values under the keys
 * `token`, `secret`, `password`, `authorization` and `api_key` (any case) become `[REDACTED]`;
 * arrays and plain objects are copied; errors are copied with the same prototype and redacted
 * `message`, `stack`, `cause` and own fields; binary data and other class instances become a short
 * redacted description. Cycles are preserved. The input is never modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactValue } from "@proliferate/core/sandbox";
 *
 * assert.deepEqual(
 *   redactValue({ token: "abc", detail: "Authorization: Bearer abc.def", n: 1 }),
 *   { token: "[REDACTED]", detail: "Authorization: [REDACTED]", n: 1 },
 * );
 * ```
 */
export function redactValue(value: unknown): unknown {
  return redactInner(value, new WeakMap());
}

/**
 * A copy of `error` (same prototype, so `instanceof` still holds) whose `message`, `stack`, `cause`
 * and own fields are redacted. The original is untouched.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactError } from "@proliferate/core/sandbox";
 *
 * const copy = redactError(new TypeError("bad key sk-ant-api03-abcdef"));
 * assert.ok(copy instanceof TypeError);
 * assert.equal(copy.message, "bad key [REDACTED]");
 * ```
 */
export function redactError<E extends Error>(error: E): E {
  return redactErrorInner(error, new WeakMap()) as E;
}
