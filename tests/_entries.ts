/**
 * Small migration entries for the runner's tests, and the assertion those tests share.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { entryText, MigrationError } from "../migrate/runner.ts";
import type { MigrationEntry } from "../migrate/types.ts";

/** An entry whose hash is the SHA-256 of its file text, as the runner checks for shipped ones. */
export function entry(tag: string, when: number, ...statements: string[]): MigrationEntry {
  const draft = { tag, when, hash: "", statements };
  return { ...draft, hash: createHash("sha256").update(entryText(draft)).digest("hex") };
}

/** Asserts that `run` rejects with a MigrationError of `reason` whose message matches `message`. */
export function rejectsWithReason(
  run: Promise<unknown>,
  reason: MigrationError["reason"],
  message: RegExp,
): Promise<void> {
  return assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof MigrationError, `not a MigrationError: ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, message);
    return true;
  });
}
