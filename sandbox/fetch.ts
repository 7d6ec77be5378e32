/**
 * `fetch` with a timeout, for provider API calls.
 *
 * @module
 */
import { DEFAULT_EXEC_TIMEOUT_MS } from "./limits.ts";

/** `RequestInit` plus a timeout. */
export interface FetchWithTimeoutOptions extends RequestInit {
  /** Milliseconds before the request is aborted with a `TimeoutError`; default 30 000. */
  timeoutMs?: number;
}

/**
 * `fetch` that aborts after `timeoutMs` (default 30 000 ms). A caller's own `signal` still works;
 * whichever fires first aborts. A timeout rejects with a `DOMException` named `TimeoutError`, which
 * `SandboxProviderError.fromError` classifies as retryable.
 *
 * @example
 * ```ts
 * import { fetchWithTimeout } from "@proliferate/core/sandbox";
 *
 * async function ping(url: string): Promise<boolean> {
 *   const res = await fetchWithTimeout(url, { timeoutMs: 10_000 });
 *   return res.ok;
 * }
 * ```
 */
export function fetchWithTimeout(
  input: string | URL | Request,
  options: FetchWithTimeoutOptions = {},
): Promise<Response> {
  const { timeoutMs = DEFAULT_EXEC_TIMEOUT_MS, signal, ...init } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  return fetch(input, { ...init, signal: combined });
}
