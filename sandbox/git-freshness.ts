/**
 * Git freshness on restore: whether a restored sandbox pulls its repos, and the metadata file that
 * records the last fetch.
 *
 * @module
 */

/** Environment variable that enables pulling on restore (`"true"` to enable). */
export const GIT_PULL_ON_RESTORE_ENV = "SANDBOX_GIT_PULL_ON_RESTORE";

/** Environment variable holding the minimum seconds between two pulls. */
export const GIT_PULL_CADENCE_SECONDS_ENV = "SANDBOX_GIT_PULL_CADENCE_SECONDS";

/** The sandbox's `metadata.json`. */
export interface SessionMetadata {
  /** Platform session id. */
  sessionId: string;
  /** Workspace directory of the repos. */
  repoDir: string;
  /** Epoch milliseconds of creation. */
  createdAt: number;
  /**
   * Epoch milliseconds of the last pull that succeeded for every repo; drives the pull cadence.
   * A policy skip or a partial failure leaves it unchanged.
   */
  lastGitFetchAt?: number;
}

/** Input of {@link shouldPullOnRestore}. */
export interface ShouldPullOpts {
  /** Pulling on restore is enabled (`SANDBOX_GIT_PULL_ON_RESTORE`). */
  enabled: boolean;
  /** The sandbox is being restored from a snapshot. */
  hasSnapshot: boolean;
  /** Number of repos in the workspace. */
  repoCount: number;
  /** Minimum seconds between pulls (`SANDBOX_GIT_PULL_CADENCE_SECONDS`); ≤ 0 means always. */
  cadenceSeconds: number;
  /** `SessionMetadata.lastGitFetchAt`. */
  lastGitFetchAt?: number;
  /** Current epoch milliseconds; default `Date.now()`. */
  now?: number;
}

/**
 * Whether a restore should run `git pull --ff-only`: never when disabled, not from a snapshot, or
 * with no repos; otherwise when the cadence is ≤ 0, no pull was recorded, or more than the cadence
 * has elapsed since the last one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shouldPullOnRestore } from "@proliferate/core/sandbox";
 *
 * const base = { enabled: true, hasSnapshot: true, repoCount: 1, cadenceSeconds: 60 };
 * assert.equal(shouldPullOnRestore({ ...base, lastGitFetchAt: 0, now: 61_000 }), true);
 * assert.equal(shouldPullOnRestore({ ...base, lastGitFetchAt: 0, now: 30_000 }), false);
 * assert.equal(shouldPullOnRestore({ ...base, repoCount: 0 }), false);
 * ```
 */
export function shouldPullOnRestore(opts: ShouldPullOpts): boolean {
  if (!opts.enabled || !opts.hasSnapshot || opts.repoCount <= 0) return false;
  if (opts.cadenceSeconds <= 0 || opts.lastGitFetchAt === undefined) return true;
  const now = opts.now ?? Date.now();
  return now - opts.lastGitFetchAt > opts.cadenceSeconds * 1000;
}
