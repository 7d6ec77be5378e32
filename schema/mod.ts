/**
 * Drizzle ORM tables of the Proliferate platform database, one module per domain, and the Zod
 * shapes of their JSONB columns (`json.ts`). Each table export comes with its select and insert
 * types (`SessionRow`, `NewSession`) and its relations for `db.query` (`relations.ts`).
 *
 * A column whose values a CHECK limits is typed with the union of the same list the CHECK is
 * built from (`sessions.status` is a `SessionStatus`, `action_invocations.mode` an `ActionMode`),
 * so a value the database would refuse does not compile. Legacy values the CHECK keeps are part
 * of the select type (`action_invocations.status` may read `approved`, `executing`, `completed`).
 *
 * Upserts on a partial unique index must repeat its predicate: `conflicts.ts` exports each
 * conflict target with it (`sessionIdempotencyConflict`, `orgWideSecretConflict`), and
 * `triggerEventValues` maps a provider's `NormalizedTriggerEvent` to its `trigger_events` insert.
 *
 * @example Build a typed insert whose JSONB value was checked first
 * ```ts
 * import assert from "node:assert/strict";
 * import { getTableName } from "drizzle-orm";
 * import {
 *   type NewSession,
 *   parseJsonColumn,
 *   sessionAgentConfigSchema,
 *   sessions,
 * } from "@proliferate/core/schema";
 *
 * const values: NewSession = {
 *   organizationId: "org_1",
 *   clientType: "web",
 *   agentConfig: parseJsonColumn(
 *     sessionAgentConfigSchema,
 *     { modelId: "claude-opus-4.6" },
 *     "sessions.agent_config",
 *   ),
 * };
 * assert.equal(getTableName(sessions), "sessions");
 * assert.equal(values.agentConfig?.modelId, "claude-opus-4.6");
 * ```
 *
 * @module
 */
export * from "./auth.ts";
export * from "./organizations.ts";
export * from "./repos.ts";
export * from "./configurations.ts";
export * from "./sandbox.ts";
export * from "./sessions.ts";
export * from "./integrations.ts";
export * from "./connectors.ts";
export * from "./slack.ts";
export * from "./secrets.ts";
export * from "./triggers.ts";
export * from "./automations.ts";
export * from "./actions.ts";
export * from "./billing.ts";
export * from "./cli.ts";
export * from "./outbox.ts";
export * from "./conflicts.ts";
export * from "./json.ts";
export * from "./relations.ts";
// The explicit table and relations types the exports above are annotated with.
export type * from "./_tables.ts";
