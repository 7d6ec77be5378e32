/**
 * Errors of sandbox providers: one class, tagged with provider and operation, retry-classified, and
 * redacted in its message and in everything it keeps.
 *
 * @module
 */
import { readCappedBody } from "./body.ts";
import type { SandboxProviderType } from "./provider.ts";
import { redactBody, redactError, redactSecrets } from "./redact.ts";

/** The provider operation that failed. */
export type SandboxOperation =
  | "ensureSandbox"
  | "createSandbox"
  | "snapshot"
  | "terminate"
  | "pause"
  | "writeEnvFile"
  | "health"
  | "checkSandboxes"
  | "resolveTunnels"
  | "readFiles"
  | "testServiceCommands"
  | "execCommand"
  | "memorySnapshot"
  | "restoreFromMemorySnapshot";

/** Every {@link SandboxOperation}. */
export const SANDBOX_OPERATIONS: readonly [
  "ensureSandbox",
  "createSandbox",
  "snapshot",
  "terminate",
  "pause",
  "writeEnvFile",
  "health",
  "checkSandboxes",
  "resolveTunnels",
  "readFiles",
  "testServiceCommands",
  "execCommand",
  "memorySnapshot",
  "restoreFromMemorySnapshot",
] = [
  "ensureSandbox",
  "createSandbox",
  "snapshot",
  "terminate",
  "pause",
  "writeEnvFile",
  "health",
  "checkSandboxes",
  "resolveTunnels",
  "readFiles",
  "testServiceCommands",
  "execCommand",
  "memorySnapshot",
  "restoreFromMemorySnapshot",
];

/** HTTP statuses that make a failed provider call retryable. */
export const RETRYABLE_STATUS_CODES: readonly [429, 502, 503, 504] = [429, 502, 503, 504];

/**
 * Text that marks a thrown error as a transient network failure, matched case-insensitively
 * against its message and `code`.
 */
export const RETRYABLE_ERROR_MARKERS: readonly [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "socket hang up",
  "fetch failed",
  "network",
  "timeout",
] = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "socket hang up",
  "fetch failed",
  "network",
  "timeout",
];

/** Longest message part kept, in characters (after redaction, before the prefix). */
export const MAX_ERROR_MESSAGE_LENGTH = 500;

/**
 * Most of a failed response's body that {@link SandboxProviderError.fromResponse} reads, in bytes
 * (1 MiB); the rest is not read. A body cut there is kept as text, not parsed as JSON.
 */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** Options of the {@link SandboxProviderError} constructor. */
export interface SandboxProviderErrorOptions {
  /** Which provider failed. */
  provider: SandboxProviderType;
  /** Which operation failed. */
  operation: SandboxOperation;
  /** What went wrong; redacted and capped at 500 characters. */
  message: string;
  /** HTTP status when known. */
  statusCode?: number;
  /** Whether the caller may retry; default false. */
  isRetryable?: boolean;
  /** Original body or thrown value; kept redacted and capped (see `redactBody`). */
  raw?: unknown;
  /** Wrapped error; kept redacted. */
  cause?: Error;
}

const MARKERS_LOWER = RETRYABLE_ERROR_MARKERS.map((m) => m.toLowerCase());

function hasRetryableMarker(text: string): boolean {
  const lower = text.toLowerCase();
  return MARKERS_LOWER.some((marker) => lower.includes(marker));
}

function capMessage(text: string): string {
  return redactSecrets(text).slice(0, MAX_ERROR_MESSAGE_LENGTH);
}

/**
 * A failed sandbox provider call. `message` is `"[<provider>:<operation>] <message>"` with the
 * message redacted before the prefix is added; `raw` and `cause` are redacted copies, so logging or
 * serialising the error never leaks a secret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SandboxProviderError } from "@proliferate/core/sandbox";
 *
 * const err = new SandboxProviderError({
 *   provider: "modal",
 *   operation: "createSandbox",
 *   message: "auth failed for ak-AbCdEfGhIjKlMnOpQrStUv",
 *   statusCode: 401,
 * });
 * assert.equal(err.message, "[modal:createSandbox] auth failed for [REDACTED]");
 * assert.equal(err.isRetryable, false);
 * ```
 */
export class SandboxProviderError extends Error {
  /** Class tag. */
  override readonly name: "SandboxProviderError" = "SandboxProviderError";
  /** Which provider failed. */
  readonly provider: SandboxProviderType;
  /** Which operation failed. */
  readonly operation: SandboxOperation;
  /** HTTP status when known. */
  readonly statusCode?: number;
  /** Whether the caller may retry. */
  readonly isRetryable: boolean;
  /**
   * Original body or thrown value, redacted and capped: credential-named fields and every secret
   * format removed, at most 16 levels, 100 entries per container, 2,000 characters per string.
   */
  readonly raw?: unknown;

  /** Builds the error; redacts `message`, `raw` and `cause`. */
  constructor(opts: SandboxProviderErrorOptions) {
    super(
      `[${opts.provider}:${opts.operation}] ${capMessage(opts.message)}`,
      opts.cause === undefined ? undefined : { cause: redactError(opts.cause) },
    );
    this.provider = opts.provider;
    this.operation = opts.operation;
    if (opts.statusCode !== undefined) this.statusCode = opts.statusCode;
    this.isRetryable = opts.isRetryable ?? false;
    if (opts.raw !== undefined) this.raw = redactBody(opts.raw);
  }

  /**
   * Builds the error from a failed HTTP response, reading at most 1 MiB of its body
   * ({@link MAX_ERROR_BODY_BYTES}) once. A JSON body is walked and redacted first: every field
   * whose name means a credential (`apiKey`, `access_token`, `client_secret`, `password`,
   * `x-api-key`, … see `isCredentialKey`) is replaced and every string loses its secrets; the
   * message is then the first truthy of its `error`, `message`, `detail` (else the whole redacted
   * body as JSON) and `raw` the redacted, capped body. Any other body gives its redacted text. The
   * message becomes `"HTTP <status>: <text>"`, capped at 500 characters. Retryable iff the status
   * is 429, 502, 503 or 504.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SandboxProviderError } from "@proliferate/core/sandbox";
   *
   * const res = new Response(JSON.stringify({ error: "busy" }), { status: 503 });
   * const err = await SandboxProviderError.fromResponse(res, "e2b", "createSandbox");
   * assert.equal(err.message, "[e2b:createSandbox] HTTP 503: busy");
   * assert.equal(err.isRetryable, true);
   *
   * const leaky = new Response(JSON.stringify({ apiKey: "k-123", code: 7 }), { status: 401 });
   * const denied = await SandboxProviderError.fromResponse(leaky, "modal", "health");
   * assert.equal(denied.message, '[modal:health] HTTP 401: {"apiKey":"[REDACTED]","code":7}');
   * ```
   */
  static async fromResponse(
    response: Response,
    provider: SandboxProviderType,
    operation: SandboxOperation,
  ): Promise<SandboxProviderError> {
    let text = "";
    let complete = true;
    try {
      [text, complete] = await readCappedBody(response, MAX_ERROR_BODY_BYTES);
    } catch (error) {
      text = `(body unreadable: ${error instanceof Error ? error.message : String(error)})`;
    }
    let detail = text;
    let raw: unknown = text;
    if (complete) {
      let parsed: unknown;
      let isJson = false;
      try {
        parsed = JSON.parse(text);
        isJson = true;
      } catch {
        // Not JSON: the text itself is the message.
      }
      if (isJson) {
        const redacted = redactBody(parsed);
        raw = redacted;
        let picked: unknown;
        if (redacted !== null && typeof redacted === "object" && !Array.isArray(redacted)) {
          const body = redacted as Record<string, unknown>;
          picked = body.error || body.message || body.detail;
        }
        if (!picked) detail = JSON.stringify(redacted);
        else detail = typeof picked === "string" ? picked : JSON.stringify(picked);
      }
    }
    return new SandboxProviderError({
      provider,
      operation,
      message: `HTTP ${response.status}: ${detail}`,
      statusCode: response.status,
      isRetryable: (RETRYABLE_STATUS_CODES as readonly number[]).includes(response.status),
      raw,
    });
  }

  /**
   * Wraps anything thrown. An existing `SandboxProviderError` is returned unchanged (it keeps its
   * own provider and operation). Otherwise the message is the error's message (or `String(error)`),
   * `cause` the error, `raw` the thrown value; retryable iff the message or the error's `code`
   * contains, in any case, `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, `ENOTFOUND`, `EAI_AGAIN`,
   * `socket hang up`, `fetch failed`, `network` or `timeout`, or the error is a `TimeoutError`
   * (what `AbortSignal.timeout` throws).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SandboxProviderError } from "@proliferate/core/sandbox";
   *
   * const err = SandboxProviderError.fromError(new Error("read ECONNRESET"), "modal", "snapshot");
   * assert.equal(err.isRetryable, true);
   * assert.equal(SandboxProviderError.fromError(err, "e2b", "pause"), err);
   * ```
   */
  static fromError(
    error: unknown,
    provider: SandboxProviderType,
    operation: SandboxOperation,
  ): SandboxProviderError {
    if (error instanceof SandboxProviderError) return error;
    const message = error instanceof Error ? error.message : String(error);
    let code = "";
    if (error !== null && typeof error === "object" && "code" in error) {
      code = String((error as { code: unknown }).code);
    }
    const isTimeout = error instanceof Error && error.name === "TimeoutError";
    const opts: SandboxProviderErrorOptions = {
      provider,
      operation,
      message,
      isRetryable: isTimeout || hasRetryableMarker(message) || hasRetryableMarker(code),
      raw: error,
    };
    if (error instanceof Error) opts.cause = error;
    return new SandboxProviderError(opts);
  }

  /** A JSON-safe, already-redacted view for logs and API responses. */
  toJSON(): {
    name: "SandboxProviderError";
    message: string;
    provider: SandboxProviderType;
    operation: SandboxOperation;
    statusCode?: number;
    isRetryable: boolean;
  } {
    const out: ReturnType<SandboxProviderError["toJSON"]> = {
      name: this.name,
      message: this.message,
      provider: this.provider,
      operation: this.operation,
      isRetryable: this.isRetryable,
    };
    if (this.statusCode !== undefined) out.statusCode = this.statusCode;
    return out;
  }
}

/**
 * Whether `error` is a {@link SandboxProviderError}; false for `null`, `undefined`, strings and
 * plain `Error`s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSandboxProviderError } from "@proliferate/core/sandbox";
 *
 * assert.equal(isSandboxProviderError(new Error("x")), false);
 * ```
 */
export function isSandboxProviderError(error: unknown): error is SandboxProviderError {
  return error instanceof SandboxProviderError;
}
