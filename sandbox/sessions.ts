/**
 * Session value sets and gateway constants that meet the sandbox boundary: which session types
 * exist and how they map to sandbox types, who connects, and the ownership and migration timings.
 *
 * @module
 */
import type { SandboxSessionType } from "./provider.ts";

/** State of a session (`sessions.status`, database default `starting`). */
export type SessionStatus = "pending" | "starting" | "running" | "paused" | "stopped" | "failed";

/** Every {@link SessionStatus}. */
export const SESSION_STATUSES: readonly [
  "pending",
  "starting",
  "running",
  "paused",
  "stopped",
  "failed",
] = ["pending", "starting", "running", "paused", "stopped", "failed"];

/**
 * Session type as stored (`sessions.session_type`, default `coding`). `cli` and `terminal` both
 * exist in data; the sandbox sees `terminal` as `cli` ({@link toSandboxSessionType}).
 */
export type SessionType = "setup" | "coding" | "cli" | "terminal";

/** Every {@link SessionType}. */
export const SESSION_TYPES: readonly ["setup", "coding", "cli", "terminal"] = [
  "setup",
  "coding",
  "cli",
  "terminal",
];

/**
 * The sandbox's view of a stored session type: `terminal` becomes `cli`, the rest pass through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSandboxSessionType } from "@proliferate/core/sandbox";
 *
 * assert.equal(toSandboxSessionType("terminal"), "cli");
 * assert.equal(toSandboxSessionType("setup"), "setup");
 * ```
 */
export function toSandboxSessionType(type: SessionType): SandboxSessionType {
  return type === "terminal" ? "cli" : type;
}

/** Kind of client attached to a session, as stored. */
export type ClientType = "web" | "slack" | "cli" | "automation";

/** Every {@link ClientType}. */
export const CLIENT_TYPES: readonly ["web", "slack", "cli", "automation"] = [
  "web",
  "slack",
  "cli",
  "automation",
];

/**
 * The stored {@link ClientType} for a client type as received: `browser` is an input alias of
 * `web`. Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeClientType } from "@proliferate/core/sandbox";
 *
 * assert.equal(normalizeClientType("browser"), "web");
 * assert.equal(normalizeClientType("slack"), "slack");
 * assert.equal(normalizeClientType("fax"), undefined);
 * ```
 */
export function normalizeClientType(type: string): ClientType | undefined {
  if (type === "browser") return "web";
  return (CLIENT_TYPES as readonly string[]).includes(type) ? type as ClientType : undefined;
}

/** Where a session was created (default `web`). */
export type SessionOrigin = "web" | "cli";

/** Every {@link SessionOrigin}. */
export const SESSION_ORIGINS: readonly ["web", "cli"] = ["web", "cli"];

/** When a session's sandbox is provisioned (default `deferred`). */
export type ProvisioningMode = "deferred" | "immediate";

/** Every {@link ProvisioningMode}. */
export const PROVISIONING_MODES: readonly ["deferred", "immediate"] = ["deferred", "immediate"];

/** State of a session hub in gateway memory. */
export type HubState = "running" | "migrating";

/** Every {@link HubState}. */
export const HUB_STATES: readonly ["running", "migrating"] = ["running", "migrating"];

/** Reasons the gateway gives when it closes a client WebSocket. */
export type SessionCloseReason = "lease_lost" | "wrong_instance";

/** Every {@link SessionCloseReason}. */
export const SESSION_CLOSE_REASONS: readonly ["lease_lost", "wrong_instance"] = [
  "lease_lost",
  "wrong_instance",
];

/** `sessions.agent_config` (JSONB). */
export interface SessionAgentConfig {
  /** Model override. */
  modelId?: string;
  /** Tool names enabled for the session. */
  tools?: string[];
}

/** TTL of a session ownership lease, in milliseconds. */
export const SESSION_OWNER_LEASE_TTL_MS = 30_000;

/** How often the owning gateway renews its lease, in milliseconds. */
export const SESSION_OWNER_LEASE_RENEW_MS = 10_000;

/** TTL of the runtime boot lock, in milliseconds. */
export const SESSION_RUNTIME_LOCK_TTL_MS = 30_000;

/** How long before sandbox expiry a migration starts, in milliseconds (5 min). */
export const SESSION_MIGRATION_LEAD_MS = 5 * 60 * 1000;

/** How long a migration waits for an in-flight message to complete, in milliseconds. */
export const SESSION_MIGRATION_MESSAGE_WAIT_MS = 30_000;

/** Messages queued at most while a session migrates. */
export const SESSION_MIGRATION_MAX_QUEUED_MESSAGES = 100;

/**
 * Redis key of a session's ownership lease, `owner:<sessionId>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sessionOwnerLeaseKey } from "@proliferate/core/sandbox";
 *
 * assert.equal(sessionOwnerLeaseKey("s_1"), "owner:s_1");
 * ```
 */
export function sessionOwnerLeaseKey(sessionId: string): string {
  return `owner:${sessionId}`;
}

/**
 * Redis key of a session's runtime boot lock, `runtime:<sessionId>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sessionRuntimeLockKey } from "@proliferate/core/sandbox";
 *
 * assert.equal(sessionRuntimeLockKey("s_1"), "runtime:s_1");
 * ```
 */
export function sessionRuntimeLockKey(sessionId: string): string {
  return `runtime:${sessionId}`;
}

/**
 * Redis key of a session's migration lock, `migration:<sessionId>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sessionMigrationLockKey } from "@proliferate/core/sandbox";
 *
 * assert.equal(sessionMigrationLockKey("s_1"), "migration:s_1");
 * ```
 */
export function sessionMigrationLockKey(sessionId: string): string {
  return `migration:${sessionId}`;
}
