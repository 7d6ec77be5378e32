/**
 * The error integration modules throw for transport and upstream failures. Expected failures are
 * returned as `{ success: false, error }` instead; a thrown error marks the invocation `failed`.
 *
 * @module
 */
import { readCappedBody } from "../sandbox/body.ts";
import { redactSecrets, redactValue } from "../sandbox/redact.ts";

/** Machine-readable category of a {@link ProviderError}. */
export type ProviderErrorCode =
  | "unauthorized"
  | "not_found"
  | "rate_limited"
  | "invalid_input"
  | "upstream_error"
  | "timeout"
  | "unsupported";

/** Every {@link ProviderErrorCode}. */
export const PROVIDER_ERROR_CODES: readonly [
  "unauthorized",
  "not_found",
  "rate_limited",
  "invalid_input",
  "upstream_error",
  "timeout",
  "unsupported",
] = [
  "unauthorized",
  "not_found",
  "rate_limited",
  "invalid_input",
  "upstream_error",
  "timeout",
  "unsupported",
];

/**
 * Whether errors of this code are retryable unless said otherwise: true for `rate_limited`,
 * `upstream_error` and `timeout`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRetryableProviderErrorCode } from "@proliferate/core/providers";
 *
 * assert.equal(isRetryableProviderErrorCode("rate_limited"), true);
 * assert.equal(isRetryableProviderErrorCode("unauthorized"), false);
 * ```
 */
export function isRetryableProviderErrorCode(code: ProviderErrorCode): boolean {
  return code === "rate_limited" || code === "upstream_error" || code === "timeout";
}

/** Options of the {@link ProviderError} constructor. */
export interface ProviderErrorOptions {
  /** Category. */
  code: ProviderErrorCode;
  /** Human text; redacted before it is stored. */
  message: string;
  /** Whether the framework may retry; defaults by `code` (see {@link isRetryableProviderErrorCode}). */
  retryable?: boolean;
  /** Upstream HTTP status. */
  status?: number;
  /** Upstream back-off hint, in seconds. */
  retryAfterSeconds?: number;
  /** Wrapped error or value; stored as a redacted copy. */
  cause?: unknown;
}

/** Most of a failed response's body {@linkcode ProviderError.fromResponse} reads (64 KiB). */
export const MAX_PROVIDER_ERROR_BODY_BYTES = 64 * 1024;

/**
 * A transport or upstream failure of an integration module. `message` and `cause` are redacted, so
 * the error is safe to log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProviderError } from "@proliferate/core/providers";
 *
 * const err = new ProviderError({ code: "timeout", message: "Sentry did not answer" });
 * assert.equal(err.retryable, true);
 * assert.equal(err.name, "ProviderError");
 * ```
 */
export class ProviderError extends Error {
  /** Class tag. */
  override readonly name: "ProviderError" = "ProviderError";
  /** Category. */
  readonly code: ProviderErrorCode;
  /** Whether the framework may retry (job backoff, 429 handling). */
  readonly retryable: boolean;
  /** Upstream HTTP status. */
  readonly status?: number;
  /** Upstream back-off hint, in seconds. */
  readonly retryAfterSeconds?: number;

  /** Builds the error; redacts `message` and `cause`. */
  constructor(opts: ProviderErrorOptions) {
    super(
      redactSecrets(opts.message),
      opts.cause === undefined ? undefined : { cause: redactValue(opts.cause) },
    );
    this.code = opts.code;
    this.retryable = opts.retryable ?? isRetryableProviderErrorCode(opts.code);
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  /**
   * Builds the error for a failed upstream HTTP response: 401/403 → `unauthorized`, 404 →
   * `not_found`, 429 → `rate_limited` (with `Retry-After` seconds), 400/409/422 → `invalid_input`,
   * 408/504 → `timeout`, anything else → `upstream_error`. The body is read once; up to 500
   * characters of it (redacted) end the message.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProviderError } from "@proliferate/core/providers";
   *
   * const res = new Response("slow down", { status: 429, headers: { "retry-after": "30" } });
   * const err = await ProviderError.fromResponse(res, "Sentry");
   * assert.equal(err.code, "rate_limited");
   * assert.equal(err.retryAfterSeconds, 30);
   * ```
   */
  static async fromResponse(response: Response, upstream: string): Promise<ProviderError> {
    const status = response.status;
    let code: ProviderErrorCode;
    if (status === 401 || status === 403) code = "unauthorized";
    else if (status === 404) code = "not_found";
    else if (status === 429) code = "rate_limited";
    else if (status === 400 || status === 409 || status === 422) code = "invalid_input";
    else if (status === 408 || status === 504) code = "timeout";
    else code = "upstream_error";
    let body = "";
    try {
      // Only the start of a body can reach the message: read no more than that, however large
      // the upstream's answer is.
      body = redactSecrets((await readCappedBody(response, MAX_PROVIDER_ERROR_BODY_BYTES))[0])
        .slice(0, 500);
    } catch {
      // An unreadable body leaves the status alone to speak.
    }
    const opts: ProviderErrorOptions = {
      code,
      message: `${upstream} answered HTTP ${status}${body === "" ? "" : `: ${body}`}`,
      status,
    };
    const retryAfter = Number(response.headers.get("retry-after"));
    if (response.headers.has("retry-after") && Number.isFinite(retryAfter) && retryAfter >= 0) {
      opts.retryAfterSeconds = retryAfter;
    }
    return new ProviderError(opts);
  }

  /** A JSON-safe, already-redacted view for logs and API responses. */
  toJSON(): {
    name: "ProviderError";
    code: ProviderErrorCode;
    message: string;
    retryable: boolean;
    status?: number;
    retryAfterSeconds?: number;
  } {
    const out: ReturnType<ProviderError["toJSON"]> = {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.status !== undefined) out.status = this.status;
    if (this.retryAfterSeconds !== undefined) out.retryAfterSeconds = this.retryAfterSeconds;
    return out;
  }
}

/**
 * Whether `error` is a {@link ProviderError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProviderError, ProviderError } from "@proliferate/core/providers";
 *
 * assert.equal(isProviderError(new ProviderError({ code: "not_found", message: "gone" })), true);
 * assert.equal(isProviderError(new Error("x")), false);
 * ```
 */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}
