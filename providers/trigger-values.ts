/**
 * Value sets and constants of trigger ingestion (webhook inbox, trigger events, poll groups).
 *
 * @module
 */

/** How a trigger receives events (`triggers.trigger_type`). */
export type TriggerKind = "webhook" | "polling";

/** Every {@link TriggerKind}. */
export const TRIGGER_KINDS: readonly ["webhook", "polling"] = ["webhook", "polling"];

/**
 * State of a `webhook_inbox` row: `pending` (default, written by the HTTP handler), `processing`
 * (claimed by a worker), `completed`, `failed`.
 */
export type WebhookInboxStatus = "pending" | "processing" | "completed" | "failed";

/** Every {@link WebhookInboxStatus}, in lifecycle order. */
export const WEBHOOK_INBOX_STATUSES: readonly ["pending", "processing", "completed", "failed"] = [
  "pending",
  "processing",
  "completed",
  "failed",
];

/** Days after `processed_at` at which `completed` and `failed` inbox rows are deleted. */
export const WEBHOOK_INBOX_RETENTION_DAYS = 7;

/** State of a trigger event (default `queued`); `skipped` carries a {@link TriggerEventSkipReason}. */
export type TriggerEventStatus = "queued" | "processing" | "completed" | "failed" | "skipped";

/** Every {@link TriggerEventStatus}. */
export const TRIGGER_EVENT_STATUSES: readonly [
  "queued",
  "processing",
  "completed",
  "failed",
  "skipped",
] = ["queued", "processing", "completed", "failed", "skipped"];

/** Why a trigger event was skipped. */
export type TriggerEventSkipReason =
  | "manual"
  | "filter_mismatch"
  | "automation_disabled"
  | "run_create_failed";

/** Every {@link TriggerEventSkipReason}. */
export const TRIGGER_EVENT_SKIP_REASONS: readonly [
  "manual",
  "filter_mismatch",
  "automation_disabled",
  "run_create_failed",
] = ["manual", "filter_mismatch", "automation_disabled", "run_create_failed"];

/**
 * Skip reasons only the vNext backfill writes: `legacy_null_status` marks a pre-vNext event
 * whose status was NULL (never picked up), now `skipped`. New events never carry it.
 */
export const LEGACY_TRIGGER_EVENT_SKIP_REASONS: readonly ["legacy_null_status"] = [
  "legacy_null_status",
];

/**
 * A skip reason a stored `trigger_events` row may hold: a {@link TriggerEventSkipReason} or one of
 * the {@link LEGACY_TRIGGER_EVENT_SKIP_REASONS}. Readers of stored rows use this type; writers use
 * {@link TriggerEventSkipReason}.
 */
export type StoredTriggerEventSkipReason =
  | TriggerEventSkipReason
  | (typeof LEGACY_TRIGGER_EVENT_SKIP_REASONS)[number];

/** Outbox kind that hands a new automation run to enrichment, in the same transaction. */
export const ENQUEUE_ENRICH_OUTBOX_KIND = "enqueue_enrich";

/** Payload of an `enqueue_enrich` outbox row. */
export interface EnqueueEnrichPayload {
  /** The automation run (created with status `queued`). */
  runId: string;
}

/**
 * Lock key of a poll group, `poll:<provider>:<integrationId>`: one poll at a time per
 * `(organization_id, provider, integration_id)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pollLockKey } from "@proliferate/core/providers";
 *
 * assert.equal(pollLockKey("sentry", "int_1"), "poll:sentry:int_1");
 * ```
 */
export function pollLockKey(provider: string, integrationId: string): string {
  return `poll:${provider}:${integrationId}`;
}
