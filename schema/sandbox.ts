/**
 * Base snapshots that sandbox providers start new sandboxes from.
 *
 * Drift D1 of the pre-vNext database: declared in code and used by the base-snapshot workers,
 * but created only by an unjournaled file. vNext makes it part of the target (I-30); the upgrade
 * creates it where it is missing.
 *
 * @module
 */
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { oneOf } from "./_checks.ts";
import type { SandboxBaseSnapshotsTable } from "./_tables.ts";

/** `sandbox_base_snapshots.status` values (`sandbox_base_snapshots_status_check`). */
export const SANDBOX_BASE_SNAPSHOT_STATUSES: readonly ["building", "ready", "failed"] = [
  "building",
  "ready",
  "failed",
];

/** State of a base snapshot build: building (default), ready or failed. */
export type SandboxBaseSnapshotStatus = (typeof SANDBOX_BASE_SNAPSHOT_STATUSES)[number];

/**
 * One pre-baked base filesystem per (version_key, provider, modal_app_name). `status` is
 * building (default), ready or failed; `snapshot_id` is set once built. `provider` defaults to
 * 'modal'.
 */
export const sandboxBaseSnapshots: SandboxBaseSnapshotsTable = pgTable(
  "sandbox_base_snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    versionKey: text("version_key").notNull(),
    snapshotId: text("snapshot_id"),
    status: text("status").$type<SandboxBaseSnapshotStatus>().notNull().default("building"),
    error: text("error"),
    provider: text("provider").notNull().default("modal"),
    modalAppName: text("modal_app_name").notNull(),
    builtAt: timestamp("built_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
  },
  (t) => [
    check(
      "sandbox_base_snapshots_status_check",
      oneOf("status", SANDBOX_BASE_SNAPSHOT_STATUSES),
    ),
    index("idx_sandbox_base_snapshots_status").on(t.status),
    uniqueIndex("idx_sandbox_base_snapshots_version_provider_app").on(
      t.versionKey,
      t.provider,
      t.modalAppName,
    ),
  ],
);

/** A `sandbox_base_snapshots` row as read from the database. */
export type SandboxBaseSnapshotRow = typeof sandboxBaseSnapshots.$inferSelect;
/** Values for inserting a `sandbox_base_snapshots` row. */
export type NewSandboxBaseSnapshot = typeof sandboxBaseSnapshots.$inferInsert;
