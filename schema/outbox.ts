/**
 * Transactional outbox: work written in the same transaction as the change that causes it,
 * then delivered by a dispatcher.
 *
 * @module
 */
import {
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { organization } from "./organizations.ts";
import type { OutboxTable } from "./_tables.ts";

/**
 * One pending message of a given `kind` with a required `payload`. `status` starts at
 * `'pending'`; the dispatcher picks rows by `status` and `availableAt`, stamps `claimedAt`
 * when it takes one, counts `attempts` and records `lastError`. Deleted with the organization.
 */
export const outbox: OutboxTable = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: text("organization_id").notNull(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    availableAt: timestamp("available_at", { withTimezone: true }).defaultNow(),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    // Drift D9: the migrated database has claimed_at last (added by a later ALTER TABLE);
    // the column order follows the database.
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: "outbox_organization_id_fkey",
      columns: [t.organizationId],
      foreignColumns: [organization.id],
    }).onDelete("cascade"),
    index("idx_outbox_status_available").on(t.status, t.availableAt),
  ],
);

/** An `outbox` entry (one message) as read from the database. */
export type OutboxEntryRow = typeof outbox.$inferSelect;
/** Values accepted when inserting into `outbox`; `kind` and `payload` are required. */
export type NewOutboxEntry = typeof outbox.$inferInsert;
